/**
 * The input, indexed: the objects the plan reads, by kind, and the workloads whose pod labels
 * selectors are checked against.
 */
import { int, obj, str, strMap } from './k8s';
import { LoadedObject } from './load';
import { StorageClassInfo } from './types';
import { readVolume, Volume } from './volumes';

/** Kinds the plan reads. Every other kind is counted and skipped. */
export const KNOWN_KINDS = [
  'StatefulSet',
  'Service',
  'PodDisruptionBudget',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'StorageClass',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'Pod',
];

export const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export interface Workload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly replicas: number;
}

export interface World {
  readonly statefulSets: LoadedObject[];
  readonly services: LoadedObject[];
  readonly budgets: LoadedObject[];
  readonly volumes: Volume[];
  readonly claims: LoadedObject[];
  readonly classes: Map<string, StorageClassInfo>;
  readonly defaultClasses: StorageClassInfo[];
  readonly workloads: Workload[];
}

export function namespaceOf(o: LoadedObject): string {
  return o.namespace && o.namespace !== '' ? o.namespace : 'default';
}

export function ref(kind: string, o: LoadedObject): string {
  return `${kind} ${namespaceOf(o)}/${o.name}`;
}

export function index(objects: LoadedObject[]): World {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const classes = new Map<string, StorageClassInfo>();
  for (const o of of('StorageClass')) {
    const annotations = strMap(obj(o.object, 'metadata'), 'annotations');
    classes.set(o.name, {
      name: o.name,
      provisioner: str(o.object, 'provisioner') ?? '(no provisioner)',
      volumeBindingMode: str(o.object, 'volumeBindingMode') ?? 'Immediate',
      reclaimPolicy: str(o.object, 'reclaimPolicy') ?? 'Delete',
      allowVolumeExpansion: o.object.allowVolumeExpansion === true,
      isDefault: DEFAULT_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true'),
    });
  }
  const workloads: Workload[] = [];
  for (const o of objects) {
    const spec = obj(o.object, 'spec');
    switch (o.kind) {
      case 'StatefulSet':
      case 'Deployment':
      case 'ReplicaSet':
        workloads.push({
          kind: o.kind,
          namespace: namespaceOf(o),
          name: o.name,
          labels: strMap(obj(obj(spec, 'template'), 'metadata'), 'labels'),
          replicas: int(spec, 'replicas') ?? 1,
        });
        break;
      case 'DaemonSet':
        workloads.push({
          kind: o.kind,
          namespace: namespaceOf(o),
          name: o.name,
          labels: strMap(obj(obj(spec, 'template'), 'metadata'), 'labels'),
          replicas: 1,
        });
        break;
      case 'Pod':
        workloads.push({ kind: o.kind, namespace: namespaceOf(o), name: o.name, labels: strMap(obj(o.object, 'metadata'), 'labels'), replicas: 1 });
        break;
      default:
        break;
    }
  }
  return {
    statefulSets: of('StatefulSet'),
    services: of('Service'),
    budgets: of('PodDisruptionBudget'),
    volumes: of('PersistentVolume').map(readVolume),
    claims: of('PersistentVolumeClaim'),
    classes,
    defaultClasses: [...classes.values()].filter((c) => c.isDefault),
    workloads,
  };
}

