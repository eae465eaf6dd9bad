import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import {
  checkAbsolutePath, checkDnsLabel, checkInteger, checkPortName, firstDuplicate, invalid,
} from './validation';

/**
 * A Linux capability, named as Kubernetes documents them (without the `CAP_` prefix).
 */
export enum LinuxCapability {
  /** All capabilities. */
  ALL = 'ALL',
  /** Change file ownership. */
  CHOWN = 'CHOWN',
  /** Bypass file read, write and execute permission checks. */
  DAC_OVERRIDE = 'DAC_OVERRIDE',
  /** Bypass permission checks on operations that require the file's owner. */
  FOWNER = 'FOWNER',
  /** Keep set-user-ID and set-group-ID bits when a file is modified. */
  FSETID = 'FSETID',
  /** Lock memory (mlock), e.g. for databases that pin their heap. */
  IPC_LOCK = 'IPC_LOCK',
  /** Send signals to processes of other users. */
  KILL = 'KILL',
  /** Bind ports below 1024. */
  NET_BIND_SERVICE = 'NET_BIND_SERVICE',
  /** Network administration. */
  NET_ADMIN = 'NET_ADMIN',
  /** Use raw sockets (e.g. ping). */
  NET_RAW = 'NET_RAW',
  /** Change the group ID of processes (e.g. a server that drops privileges to a worker group). */
  SETGID = 'SETGID',
  /** Change the user ID of processes (e.g. a server that drops privileges to a worker user). */
  SETUID = 'SETUID',
  /** Raise resource limits and other system administration. */
  SYS_RESOURCE = 'SYS_RESOURCE',
  /** Trace processes. */
  SYS_PTRACE = 'SYS_PTRACE',
  /** Broad system administration; avoid. */
  SYS_ADMIN = 'SYS_ADMIN',
}

/**
 * Security settings of a container. Every field not given keeps the hardened default.
 */
export interface ContainerSecurityOptions {
  /**
   * Refuse to start the container as root (`runAsNonRoot`). Set false only for an image that
   * must start as root.
   *
   * @default true
   */
  readonly ensureNonRoot?: boolean;

  /**
   * User id to run as.
   *
   * @default - the image's user
   */
  readonly user?: number;

  /**
   * Group id to run as.
   *
   * @default - the image's group
   */
  readonly group?: number;

  /**
   * Mount the root filesystem read-only. Prefer `writableDirectories` over turning this off.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Allow a process to gain more privileges than its parent (setuid binaries).
   *
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;

  /**
   * Run privileged.
   *
   * @default false
   */
  readonly privileged?: boolean;

  /**
   * Capabilities to add after dropping `dropCapabilities`.
   *
   * @default - none
   */
  readonly addCapabilities?: LinuxCapability[];

  /**
   * Capabilities to drop.
   *
   * @default [LinuxCapability.ALL]
   */
  readonly dropCapabilities?: LinuxCapability[];
}

/**
 * One environment variable of a container.
 *
 * Environment variables are a list, not a map, because Kubernetes expands `$(NAME)` references only
 * to variables defined earlier in the list.
 */
export interface EnvVariable {
  /**
   * The variable's name. Names must be unique within a container.
   */
  readonly name: string;

  /**
   * The value: a literal (`EnvValue.fromValue`), a key of a Secret (`EnvValue.fromSecretValue`) or
   * ConfigMap (`EnvValue.fromConfigMap`), or a field of the pod (`EnvValue.fromFieldRef`, e.g.
   * `EnvFieldPaths.POD_IP` for `status.podIP`).
   */
  readonly value: kplus.EnvValue;
}

/**
 * Mounts a volume claim template of the app into a container.
 */
export interface ClaimMount {
  /**
   * Name of the volume claim (one of the app's `volumeClaims`).
   */
  readonly claim: string;

  /**
   * Absolute path inside the container.
   */
  readonly path: string;

  /**
   * Mount only this sub-path of the volume.
   *
   * @default - the whole volume
   */
  readonly subPath?: string;

  /**
   * Mount read-only.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * A container of a stateful app: the main container, a sidecar or an init container.
 *
 * The container is hardened by default (restricted Pod Security Standard): it must run as a
 * non-root user, its root filesystem is read-only, privilege escalation is off and all Linux
 * capabilities are dropped. Many public images start as root (their Dockerfile has no `USER`, or
 * `USER root`), bind ports below 1024, or write to their root filesystem (pid files, caches under
 * `/var/run`, `/var/cache`, `/tmp`). Such an image crash-loops with "container has runAsNonRoot and
 * image will run as root", "Read-only file system" or "Permission denied". Fix it, in order of
 * preference: choose an unprivileged variant of the image; give writable directories with
 * `writableDirectories`; set a numeric `securityContext.user`; and only then relax exactly the
 * setting the image needs (`securityContext.ensureNonRoot: false`, `securityContext.addCapabilities`, or
 * `securityContext.readOnlyRootFilesystem: false`).
 */
export interface AppContainerProps {
  /**
   * Name of the container.
   *
   * @default - the app's name for the main container; required for sidecars and init containers
   */
  readonly name?: string;

  /**
   * Container image, e.g. `registry.k8s.io/nginx-slim:0.8`.
   */
  readonly image: string;

  /**
   * Image pull policy.
   *
   * @default - not set: Kubernetes uses `IfNotPresent` for tagged images and `Always` for `:latest`
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;

  /**
   * Entrypoint (replaces the image's ENTRYPOINT).
   *
   * @default - the image's entrypoint
   */
  readonly command?: string[];

  /**
   * Arguments (replace the image's CMD).
   *
   * @default - the image's command
   */
  readonly args?: string[];

  /**
   * Working directory.
   *
   * @default - the image's working directory
   */
  readonly workingDir?: string;

  /**
   * Environment variables, in order.
   *
   * @default - none
   */
  readonly env?: EnvVariable[];

  /**
   * Ports the container listens on. Give each a name: the headless Service and the client Service
   * refer to them, and probes default to the first one.
   *
   * @default - none
   */
  readonly ports?: kplus.ContainerPort[];

  /**
   * CPU and memory requests and limits.
   *
   * @default - requests cpu 100m / memory 256Mi, limits cpu 1 / memory 512Mi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Readiness probe.
   *
   * @default - for the main container: a TCP probe on its first port (if it has ports and the app's
   * `defaultProbes` is on); none otherwise
   */
  readonly readiness?: kplus.Probe;

  /**
   * Liveness probe.
   *
   * @default - for the main container: a TCP probe on its first port after 30 s, failing after 6
   * attempts (if it has ports and the app's `defaultProbes` is on); none otherwise
   */
  readonly liveness?: kplus.Probe;

  /**
   * Startup probe.
   *
   * @default - none
   */
  readonly startup?: kplus.Probe;

  /**
   * Hook run before the container is stopped, e.g. `Handler.fromCommand(['nodetool', 'drain'])`.
   * Keep the app's `terminationGracePeriod` long enough for it.
   *
   * @default - none
   */
  readonly preStop?: kplus.Handler;

  /**
   * Security context. Each field not given keeps the hardened default.
   *
   * @default - runAsNonRoot, readOnlyRootFilesystem, no privilege escalation, not privileged,
   * capabilities drop ALL, seccomp RuntimeDefault
   */
  readonly securityContext?: ContainerSecurityOptions;

  /**
   * Volume claims of the app mounted into this container (beyond the claims' own `mountPath`,
   * which mounts into the main container).
   *
   * @default - none
   */
  readonly claimMounts?: ClaimMount[];

  /**
   * Directories the container must be able to write although its root filesystem is read-only
   * (e.g. `/tmp`, `/var/run`, `/var/cache/nginx`). Each gets its own `emptyDir` volume.
   *
   * @default - none
   */
  readonly writableDirectories?: string[];
}

/** What the app knows about its claims when rendering containers. @internal */
export interface RenderContext {
  readonly scope: IConstruct;
  /** Field prefix for messages, e.g. `container` or `sidecars[0]`. */
  readonly field: string;
  readonly name: string;
  readonly claimNames: Set<string>;
  /** Mounts added by the claims' own mountPath (main container only). */
  readonly implicitMounts: ClaimMount[];
  readonly defaultProbes: boolean;
}

/** A rendered container and the emptyDir volumes it needs. @internal */
export interface RenderedContainer {
  readonly container: k8s.Container;
  readonly volumes: k8s.Volume[];
  readonly mountedClaims: string[];
}

const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
};

/** Kubernetes quantity of a cdk8s Size, keeping the unit the user chose (1Gi stays 1Gi). @internal */
export function sizeQuantity(size: Size): k8s.Quantity {
  return k8s.Quantity.fromString(size.asString());
}

/** Bytes of a Size. @internal */
export function sizeBytes(size: Size): number {
  return size.toKibibytes() * 1024;
}

/** Renders one container of a stateful app, validating it. @internal */
export function renderContainer(props: AppContainerProps, ctx: RenderContext): RenderedContainer {
  const { scope, field } = ctx;
  checkDnsLabel(scope, `${field}.name`, ctx.name);
  if (typeof props.image !== 'string' || props.image.trim() === '') {
    throw invalid(scope, `${field}.image`, props.image, 'must be a non-empty image reference, e.g. "nginx:1.25"');
  }

  // ports
  const ports = props.ports ?? [];
  ports.forEach((p, i) => {
    checkInteger(scope, `${field}.ports[${i}].number`, p.number, 1, 65535);
    if (p.name !== undefined) {
      checkPortName(scope, `${field}.ports[${i}].name`, p.name);
    }
  });
  const dupName = firstDuplicate(ports.filter(p => p.name !== undefined).map(p => p.name));
  if (dupName !== undefined) {
    throw invalid(scope, `${field}.ports`, dupName, 'port names must be unique within a container');
  }
  const dupNumber = firstDuplicate(ports.map(p => `${p.number}/${p.protocol ?? 'TCP'}`));
  if (dupNumber !== undefined) {
    throw invalid(scope, `${field}.ports`, dupNumber, 'port numbers must be unique within a container');
  }

  // env
  const env = props.env ?? [];
  const dupEnv = firstDuplicate(env.map(e => e.name));
  if (dupEnv !== undefined) {
    throw invalid(scope, `${field}.env`, dupEnv, 'environment variable names must be unique within a container');
  }
  env.forEach((e, i) => {
    if (typeof e.name !== 'string' || e.name === '' || /[=\s]/.test(e.name)) {
      throw invalid(scope, `${field}.env[${i}].name`, e.name, "must be a non-empty name without '=' or spaces");
    }
  });

  // mounts: the claims' own mountPath (main container), explicit claim mounts, writable dirs
  const claimMounts = [...ctx.implicitMounts, ...(props.claimMounts ?? [])];
  const writable = props.writableDirectories ?? [];
  const volumeMounts: k8s.VolumeMount[] = [];
  const volumes: k8s.Volume[] = [];
  (props.claimMounts ?? []).forEach((m, i) => {
    if (!ctx.claimNames.has(m.claim)) {
      throw invalid(scope, `${field}.claimMounts[${i}].claim`, m.claim,
        `is not a volume claim of this app (claims: ${[...ctx.claimNames].join(', ') || 'none'})`);
    }
    checkAbsolutePath(scope, `${field}.claimMounts[${i}].path`, m.path);
  });
  for (const m of claimMounts) {
    volumeMounts.push({ name: m.claim, mountPath: m.path, subPath: m.subPath, readOnly: m.readOnly });
  }
  writable.forEach((dir, i) => {
    checkAbsolutePath(scope, `${field}.writableDirectories[${i}]`, dir);
    const volumeName = writableVolumeName(ctx.name, dir);
    volumes.push({ name: volumeName, emptyDir: {} });
    volumeMounts.push({ name: volumeName, mountPath: dir });
  });
  const dupPath = firstDuplicate(volumeMounts.map(m => m.mountPath.replace(/\/+$/, '') || '/'));
  if (dupPath !== undefined) {
    throw invalid(scope, `${field} mount path`, dupPath, 'two volumes are mounted at the same path; mount each at its own path');
  }

  // probes default to the first port of the main container
  const firstPort = ports[0]?.number;
  const useDefaults = ctx.defaultProbes && firstPort !== undefined;
  const readiness = props.readiness ?? (useDefaults ? kplus.Probe.fromTcpSocket({ port: firstPort }) : undefined);
  const liveness = props.liveness ?? (useDefaults ? kplus.Probe.fromTcpSocket({
    port: firstPort,
    initialDelaySeconds: Duration.seconds(30),
    failureThreshold: 6,
  }) : undefined);

  // cdk8s-plus renders ports, probes and lifecycle hooks.
  const plus = new kplus.Container({
    name: ctx.name,
    image: props.image,
    command: props.command,
    args: props.args,
    workingDir: props.workingDir,
    ports: props.ports,
    readiness,
    liveness,
    startup: props.startup,
    lifecycle: props.preStop ? { preStop: props.preStop } : undefined,
  });
  const kube = plus._toKube();

  const sc = props.securityContext ?? {};
  const container: k8s.Container = {
    name: ctx.name,
    image: props.image,
    imagePullPolicy: props.imagePullPolicy,
    command: props.command,
    args: props.args,
    workingDir: props.workingDir,
    ports: kube.ports,
    env: env.length > 0 ? env.map(e => ({ name: e.name, value: e.value.value, valueFrom: e.value.valueFrom })) : undefined,
    resources: renderResources(props.resources ?? DEFAULT_RESOURCES),
    readinessProbe: kube.readinessProbe,
    livenessProbe: kube.livenessProbe,
    startupProbe: kube.startupProbe,
    lifecycle: kube.lifecycle,
    securityContext: {
      runAsNonRoot: sc.ensureNonRoot ?? true,
      runAsUser: sc.user,
      runAsGroup: sc.group,
      privileged: sc.privileged ?? false,
      readOnlyRootFilesystem: sc.readOnlyRootFilesystem ?? true,
      allowPrivilegeEscalation: sc.allowPrivilegeEscalation ?? false,
      capabilities: {
        drop: sc.dropCapabilities ?? [LinuxCapability.ALL],
        add: sc.addCapabilities && sc.addCapabilities.length > 0 ? sc.addCapabilities : undefined,
      },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: volumeMounts.length > 0 ? volumeMounts : undefined,
  };
  return { container, volumes, mountedClaims: claimMounts.map(m => m.claim) };
}

function renderResources(r: kplus.ContainerResources): k8s.ResourceRequirements {
  const requests: { [key: string]: k8s.Quantity } = {};
  const limits: { [key: string]: k8s.Quantity } = {};
  if (r.cpu?.request) requests.cpu = k8s.Quantity.fromString(r.cpu.request.amount);
  if (r.memory?.request) requests.memory = sizeQuantity(r.memory.request);
  if (r.ephemeralStorage?.request) requests['ephemeral-storage'] = sizeQuantity(r.ephemeralStorage.request);
  if (r.cpu?.limit) limits.cpu = k8s.Quantity.fromString(r.cpu.limit.amount);
  if (r.memory?.limit) limits.memory = sizeQuantity(r.memory.limit);
  if (r.ephemeralStorage?.limit) limits['ephemeral-storage'] = sizeQuantity(r.ephemeralStorage.limit);
  return {
    requests: Object.keys(requests).length > 0 ? requests : undefined,
    limits: Object.keys(limits).length > 0 ? limits : undefined,
  };
}

function writableVolumeName(containerName: string, dir: string): string {
  const slug = dir.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  return `${containerName}-${slug}`.slice(0, 63).replace(/-+$/, '');
}
