import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ContainerProbe, LifecycleHook } from './probe';

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
 * Mounts a ConfigMap of the app's namespace into a container as a read-only directory: each key
 * becomes a file.
 */
export interface ConfigMapMount {
  /**
   * Name of the ConfigMap.
   */
  readonly configMap: string;

  /**
   * Absolute path of the directory inside the container. The ConfigMap hides whatever the image
   * has at that path.
   */
  readonly path: string;
}

/**
 * A container of a stateful app: what the main container, a sidecar and an init container have.
 *
 * Containers are hardened by default (restricted Pod Security Standard): they must run as a
 * non-root user, their root filesystem is read-only, privilege escalation is off and all Linux
 * capabilities are dropped. Many public images start as root (their Dockerfile has no `USER`, or
 * `USER root`), bind ports below 1024, or write to their root filesystem (pid files, caches under
 * `/var/run`, `/var/cache`, `/tmp`). Such an image crash-loops with "container has runAsNonRoot and
 * image will run as root", "Read-only file system" or "Permission denied". Fix it, in order of
 * preference: choose an unprivileged variant of the image; give writable directories with
 * `writableDirectories`; set a numeric user (`containerSecurity.user`); and only then relax exactly
 * the setting the image needs (`containerSecurity.ensureNonRoot: false`,
 * `containerSecurity.addCapabilities`, or `containerSecurity.readOnlyRootFilesystem: false`). The
 * main container takes these from the app's `containerSecurity`, a sidecar from its own.
 */
export interface ContainerProps {
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
   * Environment variables, in order. More can be added later with the app's `addEnv`.
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
   * Readiness probe.
   *
   * @default - for the main container: a TCP probe on its first port (if it has ports and the app's
   * `defaultProbes` is on); none otherwise
   */
  readonly readiness?: ContainerProbe;

  /**
   * Liveness probe.
   *
   * @default - for the main container: a TCP probe on its first port after 30 s, failing after 6
   * attempts (if it has ports and the app's `defaultProbes` is on); none otherwise
   */
  readonly liveness?: ContainerProbe;

  /**
   * Startup probe.
   *
   * @default - none
   */
  readonly startup?: ContainerProbe;

  /**
   * Hook run before the container is stopped, e.g. `LifecycleHook.exec(['nodetool', 'drain'])`.
   * Keep the app's `terminationGracePeriod` long enough for it.
   *
   * @default - none
   */
  readonly preStop?: LifecycleHook;

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

  /**
   * ConfigMaps mounted as read-only directories (configuration files). Kubernetes refreshes the
   * files when the ConfigMap changes, but a running process does not reread them: restart the pods
   * (change the pod template, e.g. with a checksum in the app's `podAnnotations`). Configuration
   * the app generates itself is simpler with the app's `addConfigFile`, which does that for you.
   *
   * @default - none
   */
  readonly configMapMounts?: ConfigMapMount[];
}

/**
 * A container beside the main container: a sidecar, or an init container that runs to completion
 * before the main container starts.
 */
export interface SidecarProps extends ContainerProps {
  /**
   * Name of the container, unique within the pod.
   */
  readonly name: string;

  /**
   * CPU and memory. Each value not given keeps its default.
   *
   * @default - requests cpu 100m / memory 256Mi, limits cpu 1 / memory 512Mi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Security settings. Each field not given keeps the hardened default.
   *
   * @default - runAsNonRoot, readOnlyRootFilesystem, no privilege escalation, not privileged,
   * capabilities drop ALL, seccomp RuntimeDefault
   */
  readonly containerSecurity?: ContainerSecurityOptions;
}

/**
 * Options of mounting a volume into a container of the app.
 */
export interface VolumeMountOptions {
  /**
   * Name of the container (the main container or a sidecar or init container).
   *
   * @default - the main container
   */
  readonly container?: string;

  /**
   * Mount only this sub-path of the volume (relative, without `..`).
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
 * The kind of a pod volume.
 */
export enum PodVolumeKind {
  /** An empty directory that lives as long as the pod. */
  EMPTY_DIR = 'EmptyDir',
  /** The keys of a ConfigMap as files. */
  CONFIG_MAP = 'ConfigMap',
  /** The keys of a Secret as files. */
  SECRET = 'Secret',
}

/**
 * Options of an emptyDir volume.
 */
export interface EmptyDirOptions {
  /**
   * Keep the directory in memory (tmpfs); its size counts towards the container's memory.
   *
   * @default false
   */
  readonly memory?: boolean;

  /**
   * Largest size of the directory; the pod is evicted when it grows beyond.
   *
   * @default - no limit
   */
  readonly sizeLimit?: Size;
}

/**
 * A volume of the app's pods that is not a claim: an emptyDir, a ConfigMap or a Secret. Add it
 * with the app's `addVolume` and mount it with `mountVolume`.
 */
export class PodVolume {
  /**
   * An empty directory that lives as long as the pod.
   */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): PodVolume {
    return new PodVolume(name, PodVolumeKind.EMPTY_DIR, undefined, options.memory, options.sizeLimit);
  }

  /**
   * The keys of a ConfigMap of the app's namespace, one file each.
   */
  public static fromConfigMap(name: string, configMapName: string): PodVolume {
    return new PodVolume(name, PodVolumeKind.CONFIG_MAP, configMapName);
  }

  /**
   * The keys of a Secret of the app's namespace, one file each (mode 0400 for the files' owner).
   */
  public static fromSecret(name: string, secretName: string): PodVolume {
    return new PodVolume(name, PodVolumeKind.SECRET, secretName);
  }

  private constructor(
    /** Name of the volume in the pod, used in mounts. */
    public readonly name: string,
    /** What the volume holds. */
    public readonly kind: PodVolumeKind,
    /** Name of the ConfigMap or Secret. */
    public readonly sourceName?: string,
    /** An emptyDir in memory. */
    public readonly memory?: boolean,
    /** Size limit of an emptyDir. */
    public readonly sizeLimit?: Size) {}
}
