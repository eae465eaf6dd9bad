/**
 * PersistentVolumes and StorageClasses as the plan describes them.
 */
import { arr, isObj, Obj, obj, optObj, parseQuantity, str, strList, strMap } from './k8s';
import { LoadedObject } from './load';
import { StorageClassInfo, VolumeInfo } from './types';

export interface Volume {
  readonly o: LoadedObject;
  readonly info: VolumeInfo;
  readonly capacityBytes: number | undefined;
  readonly labels: Record<string, string>;
  readonly volumeMode: string;
  readonly claimRefName: string | undefined;
  readonly claimRefNamespace: string | undefined;
  readonly claimRefUid: string | undefined;
}

export function readVolume(o: LoadedObject): Volume {
  const spec = obj(o.object, 'spec');
  const claimRef = optObj(spec, 'claimRef');
  const capacity = str(obj(spec, 'capacity'), 'storage');
  const claimRefName = str(claimRef, 'name');
  const claimRefNamespace = str(claimRef, 'namespace');
  return {
    o,
    info: {
      name: o.name,
      source: volumeSource(spec),
      node: volumeNode(spec),
      capacity: capacity ?? null,
      accessModes: strList(spec, 'accessModes'),
      storageClassName: str(spec, 'storageClassName') ?? str(strMap(obj(o.object, 'metadata'), 'annotations'), 'volume.beta.kubernetes.io/storage-class') ?? '',
      reclaimPolicy: str(spec, 'persistentVolumeReclaimPolicy') ?? 'Retain',
      claimRef: claimRefName ? `${claimRefNamespace ?? ''}/${claimRefName}` : null,
    },
    capacityBytes: parseQuantity(obj(spec, 'capacity').storage),
    labels: strMap(obj(o.object, 'metadata'), 'labels'),
    volumeMode: str(spec, 'volumeMode') ?? 'Filesystem',
    claimRefName,
    claimRefNamespace,
    claimRefUid: str(claimRef, 'uid'),
  };
}

export const PV_SPEC_FIELDS = new Set([
  'accessModes', 'capacity', 'claimRef', 'mountOptions', 'nodeAffinity', 'persistentVolumeReclaimPolicy',
  'storageClassName', 'volumeMode', 'volumeAttributesClassName',
]);

export function volumeSource(spec: Obj): string {
  const hostPath = optObj(spec, 'hostPath');
  if (hostPath) return `hostPath ${str(hostPath, 'path') ?? '(no path)'}`;
  const nfs = optObj(spec, 'nfs');
  if (nfs) return `nfs ${str(nfs, 'server') ?? '(no server)'}:${str(nfs, 'path') ?? '(no path)'}`;
  const local = optObj(spec, 'local');
  if (local) return `local ${str(local, 'path') ?? '(no path)'}`;
  const csi = optObj(spec, 'csi');
  if (csi) return `csi ${str(csi, 'driver') ?? '(no driver)'} ${str(csi, 'volumeHandle') ?? ''}`.trim();
  const other = Object.keys(spec).find((k) => !PV_SPEC_FIELDS.has(k));
  return other ?? '(no volume source)';
}

export function volumeNode(spec: Obj): string | null {
  const terms = arr(obj(obj(spec, 'nodeAffinity'), 'required'), 'nodeSelectorTerms').filter(isObj);
  if (terms.length === 0) return null;
  const described = terms.map((term) => {
    const exprs = arr(term, 'matchExpressions').filter(isObj).map((e) => {
      const key = str(e, 'key') ?? '';
      const op = str(e, 'operator') ?? '';
      const values = strList(e, 'values');
      if (key === 'kubernetes.io/hostname' && op === 'In') {
        return values.length === 1 ? `node ${values[0]}` : `one of the nodes ${values.join(', ')}`;
      }
      return `${key} ${op}${values.length ? ` (${values.join(',')})` : ''}`;
    });
    return exprs.join(' and ');
  }).filter((d) => d !== '');
  return described.length === 0 ? null : described.join(' or ');
}

export function describeVolume(v: VolumeInfo): string {
  const parts = [v.source];
  if (v.node) parts.push(v.node);
  if (v.capacity) parts.push(v.capacity);
  return parts.join(', ');
}

export function describeClass(sc: StorageClassInfo): string {
  return `provisioner ${sc.provisioner}, volumeBindingMode ${sc.volumeBindingMode}, reclaimPolicy ${sc.reclaimPolicy}`;
}

