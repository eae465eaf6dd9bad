import { Construct } from 'constructs';
import { StaticVolumeSet, StaticVolumeSetProps, VolumePaths } from './static-volume-set';
import { checkMountOptions, firstDuplicate, invalid, isIpAddress } from './validation';

/**
 * Properties of an NfsVolumeSet.
 */
export interface NfsVolumeSetProps extends StaticVolumeSetProps {
  /**
   * The NFS server: a host name or IP address, e.g. `192.168.1.34` (without the export path).
   */
  readonly server: string;

  /**
   * The directory of each volume (an exported directory of the NFS server): `VolumePaths.under(basePath)` for one directory per replica
   * under a base directory, named `<namespace>-<claim>-<statefulset>-<ordinal>`, or
   * `VolumePaths.of([...])` for the given directories in ordinal order (at least one per replica;
   * entries beyond the replicas make volumes for the pods a scale-up adds). NFS does not create the
   * directories: create them on the server first, or the mount fails.
   */
  readonly paths: VolumePaths;

  /**
   * Mount the exports read-only.
   *
   * @default false
   */
  readonly readOnly?: boolean;

  /**
   * NFS mount options, one per entry, e.g. `['nfsvers=4.1', 'hard']`. Kubernetes does not check
   * them: a wrong option makes the mount, and the pod, fail.
   *
   * @default - none (the node's NFS client defaults)
   */
  readonly mountOptions?: string[];
}

/**
 * NFS PersistentVolumes for one volume claim of a StatefulApp: one export directory per pod
 * ordinal, each volume pre-bound to exactly the claim its pod gets (see `StaticVolumeSet` for
 * binding, the StorageClass the claim needs, and `Retain`). NFS data lives on the server, so it
 * follows its pod to any node.
 *
 * **Ownership.** NFS ignores the pod's `fsGroup`: files belong to whoever owns the export on the
 * server. For an image that runs as a non-root user, either `chown` each export directory on the
 * server to that user once, or add `StaticVolumeSet.ownershipInitContainer()` to the app's
 * `initContainers` (it runs `chown` as root, which works only on exports with `no_root_squash`).
 *
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#nfs
 */
export class NfsVolumeSet extends StaticVolumeSet {
  /** The NFS server. */
  public readonly server: string;
  /** Exported directory of each volume, in ordinal order. */
  public readonly paths: string[];

  constructor(scope: Construct, id: string, props: NfsVolumeSetProps) {
    super(scope, id, props);
    if (typeof props.server !== 'string' || !(isIpAddress(props.server) || isHostName(props.server))) {
      throw invalid(this, 'server', props.server,
        'give the NFS server\'s host name or IP address, e.g. "192.168.1.34" (the export paths go into paths)');
    }
    this.server = props.server;
    this.paths = this._volumePaths(props.paths);
    const shared = firstDuplicate(this.paths.map(p => p.replace(/\/+$/, '') || '/'));
    if (shared !== undefined) {
      throw invalid(this, 'paths', shared, 'two volumes use the same export directory; give each its own directory');
    }
    checkMountOptions(this, 'mountOptions', props.mountOptions);
    const mountOptions = props.mountOptions && props.mountOptions.length > 0 ? [...props.mountOptions] : undefined;

    this._createVolumes(this.paths.map(path => ({
      nfs: { server: this.server, path, readOnly: props.readOnly ?? false },
      mountOptions,
    })));
  }
}

/** A host name: DNS labels of letters, digits and '-' (any case), separated by dots, at most 253 characters. */
function isHostName(value: string): boolean {
  return value.length <= 253 && /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/.test(value);
}
