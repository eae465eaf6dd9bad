import { Duration } from 'cdk8s';

/**
 * Timing of a probe. Each field not given keeps the Kubernetes default.
 */
export interface ProbeOptions {
  /**
   * Time after the container starts before the first probe.
   *
   * @default - 0 seconds
   */
  readonly initialDelay?: Duration;

  /**
   * How often the probe runs.
   *
   * @default - 10 seconds
   */
  readonly period?: Duration;

  /**
   * How long one probe may take.
   *
   * @default - 1 second
   */
  readonly timeout?: Duration;

  /**
   * Consecutive failures after which the probe counts as failed.
   *
   * @default 3
   */
  readonly failureThreshold?: number;

  /**
   * Consecutive successes after a failure for the probe to count as successful again. Must be 1
   * for liveness and startup probes.
   *
   * @default 1
   */
  readonly successThreshold?: number;
}

/**
 * How a probe or lifecycle hook reaches the container.
 */
export enum ProbeAction {
  /** Open a TCP connection to a port. */
  TCP_SOCKET = 'TcpSocket',
  /** An HTTP GET; any status from 200 to 399 is a success. */
  HTTP_GET = 'HttpGet',
  /** Run a command in the container; exit status 0 is a success. */
  EXEC = 'Exec',
}

/**
 * A readiness, liveness or startup probe of a container.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class ContainerProbe {
  /**
   * Succeeds when a TCP connection to the port opens.
   */
  public static tcp(port: number, options: ProbeOptions = {}): ContainerProbe {
    return new ContainerProbe(ProbeAction.TCP_SOCKET, { ...options }, port);
  }

  /**
   * Succeeds when an HTTP GET of the path on the port answers with a status from 200 to 399.
   */
  public static httpGet(path: string, port: number, options: ProbeOptions = {}): ContainerProbe {
    return new ContainerProbe(ProbeAction.HTTP_GET, { ...options }, port, path);
  }

  /**
   * Succeeds when the command exits with status 0. The command runs without a shell: use
   * `['sh', '-c', '…']` for one.
   */
  public static exec(command: string[], options: ProbeOptions = {}): ContainerProbe {
    return new ContainerProbe(ProbeAction.EXEC, { ...options }, undefined, undefined, Array.isArray(command) ? [...command] : command);
  }

  private constructor(
    /** How the probe reaches the container. */
    public readonly action: ProbeAction,
    /** Timing of the probe. */
    public readonly options: ProbeOptions,
    /** Port of a TCP or HTTP probe. */
    public readonly port?: number,
    /** Path of an HTTP probe. */
    public readonly path?: string,
    /** Command of an exec probe. */
    public readonly command?: string[]) {}
}

/**
 * A lifecycle hook of a container, e.g. a command run before it is stopped.
 *
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
 */
export class LifecycleHook {
  /**
   * Runs a command in the container (without a shell: use `['sh', '-c', '…']` for one).
   */
  public static exec(command: string[]): LifecycleHook {
    return new LifecycleHook(ProbeAction.EXEC, undefined, undefined, Array.isArray(command) ? [...command] : command);
  }

  /**
   * Sends an HTTP GET to the path on the port.
   */
  public static httpGet(path: string, port: number): LifecycleHook {
    return new LifecycleHook(ProbeAction.HTTP_GET, port, path);
  }

  private constructor(
    /** How the hook reaches the container. */
    public readonly action: ProbeAction,
    /** Port of an HTTP hook. */
    public readonly port?: number,
    /** Path of an HTTP hook. */
    public readonly path?: string,
    /** Command of an exec hook. */
    public readonly command?: string[]) {}
}
