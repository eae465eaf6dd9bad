import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { StaticVolumeSet, StaticVolumeSetProps, VolumePaths } from './static-volume-set';
import { checkEnumValue, firstDuplicate, invalid } from './validation';

/** The node label hostPath volumes are pinned with. */
const HOSTNAME_LABEL = 'kubernetes.io/hostname';
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Properties of a HostPathVolumeSet.
 */
export interface HostPathVolumeSetProps extends StaticVolumeSetProps {
  /**
   * The directory of each volume on its node: `VolumePaths.under(basePath)` for one directory per replica
   * under a base directory, named `<namespace>-<claim>-<statefulset>-<ordinal>`, or
   * `VolumePaths.of([...])` for the given directories in ordinal order (at least one per replica;
   * entries beyond the replicas make volumes for the pods a scale-up adds).
   */
  readonly paths: VolumePaths;

  /**
   * What must be at each path. `DIRECTORY_OR_CREATE` creates a missing directory (owned by root,
   * mode 0755).
   *
   * @default HostPathVolumeType.DIRECTORY_OR_CREATE
   */
  readonly type?: kplus.HostPathVolumeType;

  /**
   * The node of each volume, in ordinal order (the value of the node's `kubernetes.io/hostname`
   * label, usually its name). Each volume gets a node affinity, so its pod is always scheduled on
   * the node that holds its data. On a cluster with more than one node this is the only way
   * hostPath data follows its pod: without it, a pod that moves to another node finds an empty
   * directory there.
   *
   * @default - not pinned (only safe on a single-node cluster)
   */
  readonly nodes?: string[];

  /**
   * Accept paths in or above the node's system directories: `/etc`, `/proc`, `/sys`, `/dev`,
   * `/boot`, `/root`, `/var/run` and `/run`, the kubelet's `/var/lib/kubelet`, the container
   * runtimes' directories and sockets (`/var/lib/docker`, `/var/lib/containerd`,
   * `/run/containerd`, `/var/run/docker.sock`, `/run/crio`, …), `/var/lib/etcd` and `/var/log`.
   * A pod that can write there can take over the node (a runtime socket starts containers, the
   * kubelet's directory holds every pod's secrets). Refused unless set: set it only for a workload
   * that must manage the node itself.
   *
   * @default false
   */
  readonly allowSensitiveHostPaths?: boolean;
}

/**
 * hostPath PersistentVolumes for one volume claim of a StatefulApp: one directory per pod
 * ordinal, each volume pre-bound to exactly the claim its pod gets (see `StaticVolumeSet` for
 * binding, the StorageClass the claim needs, and `Retain`).
 *
 * **Pinning.** A hostPath volume is a directory on whichever node the pod runs on. On a
 * multi-node cluster, give `nodes`: each volume then carries a node affinity to its node, the
 * scheduler places its pod there, and the data follows the pod across restarts. Without `nodes`,
 * a rescheduled pod gets an empty directory on another node (the old data stays behind). If the
 * app requires its pods on separate nodes (`Spreading.REQUIRED`), pin them to separate nodes.
 *
 * **Ownership.** hostPath volumes ignore the pod's `fsGroup`; a directory made by
 * `DIRECTORY_OR_CREATE` belongs to root. For an image that runs as a non-root user, prepare the
 * directories on the nodes, or add `StaticVolumeSet.ownershipInitContainer()` to the app's
 * `initContainers`.
 *
 * hostPath volumes give pods access to the node's filesystem; use them only on clusters you
 * control (development, single-node, edge). The node's root directory `/` is refused.
 *
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
 */
export class HostPathVolumeSet extends StaticVolumeSet {
  /** Directory on the node of each volume, in ordinal order. */
  public readonly paths: string[];
  /** Node of each volume, in ordinal order, when pinned. */
  public readonly nodes?: string[];

  constructor(scope: Construct, id: string, props: HostPathVolumeSetProps) {
    super(scope, id, props);
    this.paths = this._volumePaths(props.paths);
    this.paths.forEach((p, i) => {
      if (p.replace(/\/+$/, '') === '') {
        throw invalid(this, props.paths.basePath === undefined ? `paths[${i}]` : 'paths.basePath', p,
          "is the node's root directory: the pod would get the node's whole filesystem; give a directory for the volume, e.g. \"/data/volumes\"");
      }
    });
    if (!props.allowSensitiveHostPaths) {
      this.paths.forEach((p, i) => {
        const sensitive = sensitiveHostPath(p);
        if (sensitive !== undefined) {
          throw invalid(this, props.paths.basePath === undefined ? `paths[${i}]` : 'paths.basePath', props.paths.basePath ?? p,
            `${sensitive}: a pod that can write there can take over the node. Keep volumes in a directory of their own, e.g. "/data/volumes", `
            + 'or set allowSensitiveHostPaths: true for a workload that must manage the node itself');
        }
      });
    }
    const type = props.type ?? kplus.HostPathVolumeType.DIRECTORY_OR_CREATE;
    checkEnumValue(this, 'type', type, kplus.HostPathVolumeType, 'HostPathVolumeType');

    if (props.nodes !== undefined) {
      this._checkCount('nodes', props.nodes, this.paths.length);
      props.nodes.forEach((n, i) => {
        if (typeof n !== 'string' || n.length > 63 || !LABEL_VALUE.test(n)) {
          throw invalid(this, `nodes[${i}]`, n,
            `must be the value of a node's ${HOSTNAME_LABEL} label (at most 63 letters, digits, '-', '_' or '.'), e.g. "worker-1"`);
        }
      });
      this.nodes = [...props.nodes];
    }
    const places = this.paths.map((p, i) => (this.nodes ? `${this.nodes[i]}:${p}` : p).replace(/\/+$/, ''));
    const shared = firstDuplicate(places);
    if (shared !== undefined) {
      throw invalid(this, 'paths', shared,
        this.nodes ? 'two volumes use the same directory on the same node; give each its own directory'
          : 'two volumes use the same directory (without nodes, all volumes may be on one node); give each its own directory');
    }

    this._createVolumes(this.paths.map((path, i) => ({
      node: this.nodes?.[i],
      hostPath: { path, type },
      nodeAffinity: this.nodes ? {
        required: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [this.nodes[i]] }] }],
        },
      } : undefined,
    })));
  }
}

/**
 * Directories of a node that no volume may be in or above: the system's configuration, kernel
 * interfaces and devices, the kubelet's and the container runtimes' state and sockets, etcd's data
 * and the node's logs.
 *
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath (security risks of hostPath)
 */
const SENSITIVE_HOST_PATHS = [
  '/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/run', '/var/run', '/var/log',
  '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/var/lib/containers', '/var/lib/crio', '/var/lib/cri-o',
  '/var/lib/etcd', '/var/lib/rancher', '/var/lib/k0s', '/etc/kubernetes', '/usr', '/bin', '/sbin', '/lib', '/lib64',
];

/** Why a host path is sensitive (it is, is inside or holds one of the sensitive directories), or undefined. */
function sensitiveHostPath(path: string): string | undefined {
  const normalized = `/${path.split('/').filter(p => p !== '' && p !== '.').join('/')}`;
  for (const s of SENSITIVE_HOST_PATHS) {
    if (normalized === s || normalized.startsWith(`${s}/`)) {
      return `is ${normalized === s ? '' : 'inside '}the node's ${s}`;
    }
    if (s.startsWith(`${normalized}/`)) {
      return `holds the node's ${s}`;
    }
  }
  return undefined;
}
