import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LinuxCapability, SidecarProps } from './container';
import { GitOps } from './gitops';
import { registerVolumeSet } from './private/chart-checks';
import { clusterScoped } from './private/cluster-scoped';
import { checkGitOps, checkPresetConflicts, registerGitOps } from './private/gitops';
import { claimName, ordinalsOf, staticVolumeName } from './private/identity';
import { sizeBytes, sizeQuantity } from './private/render-container';
import { StatefulApp } from './stateful-app';
import {
  checkAbsolutePath, checkAnnotations, checkDnsSubdomain, checkEnumValue, checkInteger, checkLabels, checkReclaimPolicy, firstDuplicate,
  invalid,
} from './validation';

/**
 * What every set of static PersistentVolumes takes: the claim of a StatefulApp they are made for,
 * and the properties all its volumes share.
 */
export interface StaticVolumeSetProps {
  /**
   * The app whose pods use the volumes.
   */
  readonly app: StatefulApp;

  /**
   * Name of the app's volume claim (one of its `volumeClaims`) the volumes are made for. The claim
   * must name a StorageClass (`storageClass`: a class, or `StorageClass.none()`); the volumes
   * carry the same class name.
   */
  readonly claim: string;

  /**
   * Names of the PersistentVolumes, one per volume in ordinal order. PersistentVolumes are
   * cluster-scoped: the names must be unique in the whole cluster.
   *
   * @default - `<namespace>-<claim>-<statefulset>-<ordinal>`, e.g. `default-data-db-0`
   */
  readonly volumeNames?: string[];

  /**
   * Capacity of each volume. A volume binds only to a claim that requests at most its capacity.
   *
   * @default - the claim's size
   */
  readonly capacity?: Size;

  /**
   * Access modes of each volume. A volume binds only to a claim whose access modes it all offers.
   *
   * @default - the claim's access modes
   */
  readonly accessModes?: kplus.PersistentVolumeAccessMode[];

  /**
   * What happens to a volume when its claim is deleted. `RETAIN` keeps the volume (phase
   * `Released`) with its data; an administrator cleans up and re-creates it to reuse it. `DELETE`
   * asks Kubernetes to delete the storage; hostPath and NFS volumes have no deleter, so the volume
   * goes to phase `Failed` instead. (`Recycle` is not offered: it erases the volume's files, and
   * Kubernetes has deprecated it; a `'Recycle'` string from untyped code is refused.)
   *
   * @default PersistentVolumeReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: kplus.PersistentVolumeReclaimPolicy;

  /**
   * Labels of every volume. `volumes[i].metadata.addLabel()` adds labels to one volume.
   *
   * @default - the app's selector labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of every volume.
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Annotations for a GitOps tool: `GitOps.argoCd()` or `GitOps.flux()` keep the volumes from being
   * pruned or deleted by the tool (Argo CD's also syncs them in the first wave).
   *
   * @default - the app's `gitOps`, if any
   */
  readonly gitOps?: GitOps;
}

/**
 * How a static volume set chooses the directory (hostPath) or export (NFS) of each volume.
 */
export class VolumePaths {
  /**
   * One directory per replica under `basePath`: `<basePath>/<namespace>-<claim>-<statefulset>-<ordinal>`,
   * named after the claim it is bound to (the namespace keeps apps of the same name in different
   * namespaces apart).
   */
  public static under(basePath: string): VolumePaths {
    return new VolumePaths(basePath, undefined);
  }

  /**
   * The given directories, in ordinal order (the first for the pod with the app's first ordinal).
   * At least one per replica; entries beyond the replicas make volumes for the pods a scale-up adds.
   */
  public static of(paths: string[]): VolumePaths {
    return new VolumePaths(undefined, [...paths]);
  }

  private constructor(
    /** The base directory of `under()`. */
    public readonly basePath?: string,
    /** The directories of `of()`. */
    public readonly paths?: string[]) {}
}

/**
 * Options of the init container that hands a volume to the user an image runs as.
 */
export interface OwnershipInitContainerOptions {
  /**
   * Name of the app's volume claim to prepare.
   */
  readonly claim: string;

  /**
   * User id that must own the volume (the user the app's image runs as).
   */
  readonly user: number;

  /**
   * Group id that must own the volume.
   *
   * @default - the same as `user`
   */
  readonly group?: number;

  /**
   * Change the owner of everything on the volume, not only of its top directory. Needed only when
   * the volume already holds files of another user; it reads the whole volume on every pod start.
   *
   * @default false
   */
  readonly recursive?: boolean;

  /**
   * Image that provides `chown`.
   *
   * @default 'busybox:1.36'
   */
  readonly image?: string;

  /**
   * Name of the init container.
   *
   * @default - `chown-<claim>`
   */
  readonly name?: string;
}

/**
 * What one volume of a set is backed by (the part of the PersistentVolume spec its kind decides).
 * @internal
 */
export interface VolumeSource {
  readonly hostPath?: k8s.HostPathVolumeSource;
  readonly nfs?: k8s.NfsVolumeSource;
  readonly nodeAffinity?: k8s.VolumeNodeAffinity;
  readonly mountOptions?: string[];
  /** The node the volume is pinned to (for the chart's checks; rendered through nodeAffinity). */
  readonly node?: string;
}

/**
 * A set of static PersistentVolumes for one volume claim of a StatefulApp: one volume per pod
 * ordinal, each pre-bound to exactly the claim that pod gets.
 *
 * **Binding.** A StatefulSet's pod `<statefulset>-<ordinal>` gets the claim
 * `<claim>-<statefulset>-<ordinal>` in the app's namespace. The volume of each ordinal carries a
 * `claimRef` to that claim, so Kubernetes binds it to that claim and no other: pod 3 can never get
 * pod 0's data, and a volume is never taken by an unrelated claim. The claim must name a
 * StorageClass (best one with `StorageClass.NO_PROVISIONER`) and every volume carries the same
 * class name, so no dynamic provisioner creates an empty volume for these claims; the set reads
 * the class from the claim, so the two cannot disagree. The set also checks at synth time that
 * each volume is at least as large as the claim's request and offers all its access modes, which
 * Kubernetes requires before it binds.
 *
 * **Count.** The set makes one volume per entry of `VolumePaths.of()`, or one per replica with `VolumePaths.under()`.
 * Fewer volumes than replicas is an error (the pods without a volume would stay Pending). More
 * entries than replicas are allowed: the extra volumes are pre-bound to the claims of the pods a
 * scale-up adds, and keep the volumes of pods removed by a scale-down.
 *
 * **Retain.** Volumes keep their data when their claim is deleted (reclaim policy `Retain`).
 * A PersistentVolume is cluster-scoped: it never carries a namespace, also inside a chart that
 * has one.
 *
 * **Ownership.** hostPath and NFS volumes ignore the pod's `fsGroup`: a new directory belongs to
 * root (hostPath `DirectoryOrCreate`) or to whoever owns the export (NFS), and an image that runs
 * as a non-root user cannot write to it. Either prepare the directories on the node or server, or
 * add `StaticVolumeSet.ownershipInitContainer()` to the app's `initContainers` (or `addInitContainer`).
 */
export abstract class StaticVolumeSet extends Construct {
  /**
   * An init container that makes `user:group` the owner of the claim's volume before the app
   * starts, for images that run as a non-root user on volumes that ignore `fsGroup` (hostPath,
   * NFS). Add it to the app's `initContainers`.
   *
   * It runs `chown` as root with only the `CHOWN` capability (plus `DAC_OVERRIDE` when
   * `recursive`), so the pod no longer meets the restricted Pod Security Standard (the baseline
   * standard allows it). On NFS, root is usually mapped to `nobody` by the server (`root_squash`):
   * then `chown` fails and the pod stays in `Init:Error`; either export with `no_root_squash`, or
   * skip this container and run `chown <user>:<group> <export>` on the NFS server once.
   */
  public static ownershipInitContainer(options: OwnershipInitContainerOptions): SidecarProps {
    const where = 'StaticVolumeSet.ownershipInitContainer()';
    checkInteger(where, 'user', options.user, 0);
    const group = options.group ?? options.user;
    checkInteger(where, 'group', group, 0);
    const recursive = options.recursive ?? false;
    const mountPath = '/volume';
    return {
      name: options.name ?? `chown-${options.claim}`,
      image: options.image ?? 'busybox:1.36',
      command: ['chown', ...(recursive ? ['-R'] : []), `${options.user}:${group}`, mountPath],
      claimMounts: [{ claim: options.claim, path: mountPath }],
      resources: {
        cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
      },
      containerSecurity: {
        ensureNonRoot: false,
        user: 0,
        group: 0,
        addCapabilities: recursive ? [LinuxCapability.CHOWN, LinuxCapability.DAC_OVERRIDE] : [LinuxCapability.CHOWN],
      },
    };
  }

  /** The app whose pods use the volumes. */
  public readonly app: StatefulApp;
  /** Name of the app's claim the volumes are made for. */
  public readonly claim: string;
  /** StorageClass name the volumes carry (the claim's; `''` for none). */
  public readonly storageClassName: string;
  /** Capacity of each volume. */
  public readonly capacity: Size;
  /** Access modes of each volume. */
  public readonly accessModes: kplus.PersistentVolumeAccessMode[];
  /** Reclaim policy of each volume. */
  public readonly reclaimPolicy: kplus.PersistentVolumeReclaimPolicy;

  private readonly props: StaticVolumeSetProps;
  private readonly labels: { [key: string]: string };
  private readonly annotations: { [key: string]: string };
  private readonly objects: ApiObject[] = [];
  private readonly names: string[] = [];
  private readonly claims: string[] = [];

  constructor(scope: Construct, id: string, props: StaticVolumeSetProps) {
    super(scope, id);
    this.props = props;
    this.app = props.app;
    this.claim = props.claim;
    const appClaims = this.app.volumeClaims.map(c => c.name);
    if (!appClaims.includes(this.claim)) {
      throw invalid(this, 'claim', this.claim,
        `is not a volume claim of app ${this.app.node.path} (its claims: ${appClaims.join(', ') || 'none'})`);
    }
    const claim = this.app.volumeClaim(this.claim);
    // The app's claims are fixed when it is constructed, so these are checked here, when both are known.
    if (claim.expandTo !== undefined) {
      throw invalid(this, 'claim', this.claim,
        `has expandTo (${claim.expandTo.asString()}), but static hostPath and NFS volumes cannot be expanded through their claim `
        + '(no provisioner resizes them); remove expandTo, and grow the volumes and their capacity yourself');
    }
    if (claim.volumeMode === kplus.PersistentVolumeMode.BLOCK) {
      throw invalid(this, 'claim', this.claim,
        'is a Block claim (volumeMode BLOCK): hostPath and NFS volumes of a set are filesystems; use PersistentVolumeMode.FILE_SYSTEM');
    }

    const className = this.app.claimStorageClassName(this.claim);
    if (className === undefined) {
      throw invalid(this, 'claim', this.claim,
        'names no StorageClass, so the cluster\'s default class is filled in and its provisioner may create new, empty '
        + 'volumes instead of binding these. Give the claim storageClass (e.g. a StorageClass with provisioner '
        + 'StorageClass.NO_PROVISIONER), or StorageClass.none() for volumes without a class');
    }
    this.storageClassName = className;

    this.capacity = props.capacity ?? claim.size;
    if (!(sizeBytes(this.capacity) >= sizeBytes(claim.size))) {
      throw invalid(this, 'capacity', this.capacity.asString(),
        `is below the request of claim "${this.claim}" (${claim.size.asString()}): a volume smaller than its claim never binds `
        + `and the pod stays Pending; give at least ${claim.size.asString()}`);
    }

    const claimModes = this.app.claimAccessModes(this.claim);
    this.accessModes = [...(props.accessModes ?? claimModes)];
    if (this.accessModes.length === 0) {
      throw invalid(this, 'accessModes', this.accessModes, `give at least the claim's access modes (${claimModes.join(', ')})`);
    }
    this.accessModes.forEach((m, i) =>
      checkEnumValue(this, `accessModes[${i}]`, m, kplus.PersistentVolumeAccessMode, 'PersistentVolumeAccessMode'));
    const missing = claimModes.filter(m => !this.accessModes.includes(m));
    if (missing.length > 0) {
      throw invalid(this, 'accessModes', this.accessModes,
        `do not cover the access modes of claim "${this.claim}" (${claimModes.join(', ')}): a volume binds only to a claim `
        + `whose modes it all offers; add ${missing.join(', ')}`);
    }

    this.reclaimPolicy = props.reclaimPolicy ?? kplus.PersistentVolumeReclaimPolicy.RETAIN;
    checkReclaimPolicy(this, 'reclaimPolicy', this.reclaimPolicy);
    checkLabels(this, 'labels', props.labels);
    this.labels = { ...(props.labels ?? this.app.selectorLabels) };
    checkAnnotations(this, 'annotations', props.annotations);
    this.annotations = { ...props.annotations };
    checkGitOps(this, 'gitOps', props.gitOps);
    const preset = props.gitOps ?? this.app.gitOps;
    checkPresetConflicts(this, props.gitOps ? 'gitOps' : `gitOps of app ${this.app.node.path}`, preset, 'the PersistentVolumes', preset?.annotationsFor('PersistentVolume') ?? {},
      Object.fromEntries(Object.entries(this.annotations).map(([k, v]) => [k, { value: v, field: 'annotations' }])));
    if (preset !== undefined) {
      registerGitOps(this, preset, this, props.gitOps ? 'gitOps' : `gitOps of app ${this.app.node.path}`);
    }
  }

  /** The PersistentVolumes, in ordinal order. */
  public get volumes(): ApiObject[] {
    return [...this.objects];
  }

  /** Names of the PersistentVolumes, in ordinal order. */
  public get volumeNames(): string[] {
    return [...this.names];
  }

  /**
   * Names of the claims the volumes are pre-bound to, in the same order as `volumes`
   * (`<claim>-<statefulset>-<ordinal>`, in the app's namespace).
   */
  public get claimNames(): string[] {
    return [...this.claims];
  }

  /**
   * The path of each volume: the given paths, or `<basePath>/<namespace>-<claim name>` for each
   * replica. Checks that the paths are absolute and that there is a volume for every replica.
   * @internal
   */
  protected _volumePaths(paths: VolumePaths): string[] {
    if (!(paths instanceof VolumePaths)) {
      throw invalid(this, 'paths', paths, 'must be VolumePaths.under(basePath) or VolumePaths.of([...])');
    }
    let result: string[];
    if (paths.basePath !== undefined) {
      checkAbsolutePath(this, 'paths.basePath', paths.basePath);
      const base = paths.basePath.replace(/\/+$/, '');
      result = ordinalsOf(this.app.startOrdinal, this.app.replicas)
        .map(o => `${base}/${staticVolumeName(this.app.namespace, this.claim, this.app.name, o)}`);
    } else {
      result = [...(paths.paths ?? [])];
      result.forEach((p, i) => checkAbsolutePath(this, `paths[${i}]`, p));
    }
    // The app's replicas are fixed when it is constructed, so this is checked here rather than in a
    // late validation.
    if (result.length < this.app.replicas) {
      const ordinal = this.app.startOrdinal + result.length;
      throw invalid(this, 'paths', result,
        `gives ${result.length} volume(s) for ${this.app.replicas} replicas: pod ${this.app.podName(ordinal)} would stay Pending, `
        + `because its claim ${this.claimName(ordinal)} has no volume; give one path per replica`);
    }
    return result;
  }

  /**
   * Creates one PersistentVolume per source, the i-th for ordinal `startOrdinal + i`, pre-bound to
   * that pod's claim.
   * @internal
   */
  protected _createVolumes(sources: VolumeSource[]): void {
    const ordinals = ordinalsOf(this.app.startOrdinal, sources.length);
    const claimNames = ordinals.map(o => this.claimName(o));
    const names = this.props.volumeNames ?? ordinals.map(o => staticVolumeName(this.app.namespace, this.claim, this.app.name, o));
    this._checkCount('volumeNames', names, sources.length);
    names.forEach((n, i) => checkDnsSubdomain(this, `volumeNames[${i}]`, n));
    const dup = firstDuplicate(names);
    if (dup !== undefined) {
      throw invalid(this, 'volumeNames', dup, 'volume names must be unique');
    }

    sources.forEach(({ node: _node, ...source }, i) => {
      const pv = new k8s.KubePersistentVolume(this, `${ordinals[i]}`, {
        metadata: {
          name: names[i],
          labels: Object.keys(this.labels).length > 0 ? { ...this.labels } : undefined,
          annotations: Object.keys(this.annotations).length > 0 ? { ...this.annotations } : undefined,
        },
        spec: {
          capacity: { storage: sizeQuantity(this.capacity) },
          accessModes: this.accessModes.map(m => `${m}`),
          persistentVolumeReclaimPolicy: this.reclaimPolicy,
          storageClassName: this.storageClassName,
          claimRef: { name: claimNames[i], namespace: this.app.namespace },
          ...source,
        },
      });
      clusterScoped(pv);
      this.objects.push(pv);
    });
    this.names.push(...names);
    this.claims.push(...claimNames);
    const pinned = sources.map(s => s.node);
    registerVolumeSet(this, {
      errors: this,
      app: this.app,
      namespace: this.app.namespace,
      claimNames,
      nodes: pinned.every(n => n !== undefined) ? pinned as string[] : undefined,
      objects: this.objects.map(o => [o, this.props.volumeNames ? 'volumeNames' : 'claim'] as [ApiObject, string]),
    });
  }

  /**
   * Checks that a per-volume list has one entry per volume.
   * @internal
   */
  protected _checkCount(field: string, list: unknown[], count: number): void {
    if (list.length !== count) {
      throw invalid(this, field, list,
        `has ${list.length} entries for ${count} volumes (ordinals ${this.app.startOrdinal} to ${this.app.startOrdinal + count - 1}); `
        + 'give exactly one per volume, in ordinal order');
    }
  }

  /**
   * The claim the pod with this ordinal gets from the claim template. Like `app.claimNames()`,
   * but also for ordinals beyond the current replicas (volumes kept for scaling).
   */
  private claimName(ordinal: number): string {
    return claimName(this.claim, this.app.name, ordinal);
  }
}
