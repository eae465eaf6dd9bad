/**
 * The input, indexed: the objects the plan reads, by kind, and the workloads whose pod labels
 * selectors are checked against.
 */
import { int, obj, readSelector, str, strMap } from './k8s';
import { LabelIndex, SelectorIndex } from './label-index';
import { LoadedObject } from './load';
import type { GovernedStatefulSet } from './racks';
import { StorageClassInfo } from './types';
import { readVolume, Volume } from './volumes';
import { effectiveNamespace } from '../private/identity';

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

/** The objects the plan reads, by kind, with the indexes that keep lookups constant-time. */
export interface World {
  readonly statefulSets: LoadedObject[];
  /** The StatefulSets with their governing Service (racks of a ring share one). */
  readonly governed: GovernedStatefulSet[];
  readonly services: LoadedObject[];
  readonly budgets: LoadedObject[];
  readonly volumes: Volume[];
  readonly claims: LoadedObject[];
  readonly classes: Map<string, StorageClassInfo>;
  readonly defaultClasses: StorageClassInfo[];
  /** The StorageClass objects. */
  readonly storageClasses: LoadedObject[];
  readonly workloads: Workload[];
  /** Services by `namespace/name`. */
  readonly serviceByName: Map<string, LoadedObject>;
  /** PersistentVolumeClaims by `namespace/name`. */
  readonly claimByName: Map<string, LoadedObject>;
  /** PersistentVolumes by name. */
  readonly volumeByName: Map<string, Volume>;
  /** PersistentVolumes by the claim name in their claimRef (any namespace). */
  readonly volumesByClaimRef: Map<string, Volume[]>;
  /** PersistentVolumes without a claimRef, in input order. */
  readonly volumesWithoutClaimRef: Volume[];
  /** Every workload's pod labels. */
  readonly podLabels: LabelIndex<Workload>;
  /** The pod labels of the StatefulSets only. */
  readonly statefulSetPods: LabelIndex<LoadedObject>;
  /** PodDisruptionBudgets by selector. */
  readonly budgetSelectors: SelectorIndex<LoadedObject>;
  /** Services by selector (Services without a selector are not in it). */
  readonly serviceSelectors: SelectorIndex<LoadedObject>;
}

/** The namespace an object lands in. */
export function namespaceOf(o: LoadedObject): string {
  return effectiveNamespace(o.namespace);
}

/** `Kind namespace/name` */
export function ref(kind: string, o: LoadedObject): string {
  return `${kind} ${namespaceOf(o)}/${o.name}`;
}

/** `namespace/name`, the key of a namespaced object in the maps above. */
export function nsKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function podTemplateLabels(o: LoadedObject): Record<string, string> {
  return strMap(obj(obj(obj(o.object, 'spec'), 'template'), 'metadata'), 'labels');
}

export function index(objects: LoadedObject[]): World {
  const world: World = {
    statefulSets: [],
    governed: [],
    services: [],
    budgets: [],
    volumes: [],
    claims: [],
    classes: new Map(),
    defaultClasses: [],
    storageClasses: [],
    workloads: [],
    serviceByName: new Map(),
    claimByName: new Map(),
    volumeByName: new Map(),
    volumesByClaimRef: new Map(),
    volumesWithoutClaimRef: [],
    podLabels: new LabelIndex(),
    statefulSetPods: new LabelIndex(),
    budgetSelectors: new SelectorIndex(),
    serviceSelectors: new SelectorIndex(),
  };
  const addWorkload = (w: Workload) => {
    world.workloads.push(w);
    world.podLabels.add(w.namespace, w.labels, w);
  };
  for (const o of objects) {
    const spec = obj(o.object, 'spec');
    const namespace = namespaceOf(o);
    switch (o.kind) {
      case 'StorageClass': {
        const annotations = strMap(obj(o.object, 'metadata'), 'annotations');
        const info: StorageClassInfo = {
          name: o.name,
          provisioner: str(o.object, 'provisioner') ?? '(no provisioner)',
          volumeBindingMode: str(o.object, 'volumeBindingMode') ?? 'Immediate',
          reclaimPolicy: str(o.object, 'reclaimPolicy') ?? 'Delete',
          allowVolumeExpansion: o.object.allowVolumeExpansion === true,
          isDefault: DEFAULT_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true'),
        };
        world.classes.set(o.name, info);
        world.storageClasses.push(o);
        break;
      }
      case 'StatefulSet':
        world.statefulSets.push(o);
        world.governed.push({ namespace, name: o.name, serviceName: str(spec, 'serviceName') ?? '' });
        world.statefulSetPods.add(namespace, podTemplateLabels(o), o);
        addWorkload({ kind: o.kind, namespace, name: o.name, labels: podTemplateLabels(o), replicas: int(spec, 'replicas') ?? 1 });
        break;
      case 'Deployment':
      case 'ReplicaSet':
        addWorkload({ kind: o.kind, namespace, name: o.name, labels: podTemplateLabels(o), replicas: int(spec, 'replicas') ?? 1 });
        break;
      case 'DaemonSet':
        addWorkload({ kind: o.kind, namespace, name: o.name, labels: podTemplateLabels(o), replicas: 1 });
        break;
      case 'Pod':
        addWorkload({ kind: o.kind, namespace, name: o.name, labels: strMap(obj(o.object, 'metadata'), 'labels'), replicas: 1 });
        break;
      case 'Service': {
        world.services.push(o);
        world.serviceByName.set(nsKey(namespace, o.name), o);
        const selector = strMap(spec, 'selector');
        if (Object.keys(selector).length > 0) world.serviceSelectors.add(namespace, { matchLabels: selector, matchExpressions: [] }, o);
        break;
      }
      case 'PodDisruptionBudget': {
        world.budgets.push(o);
        const selector = readSelector(spec, 'selector');
        if (selector) world.budgetSelectors.add(namespace, selector, o);
        break;
      }
      case 'PersistentVolume': {
        const v = readVolume(o);
        world.volumes.push(v);
        world.volumeByName.set(o.name, v);
        if (v.claimRefName === undefined) {world.volumesWithoutClaimRef.push(v);} else {
          const list = world.volumesByClaimRef.get(v.claimRefName);
          if (list) list.push(v); else world.volumesByClaimRef.set(v.claimRefName, [v]);
        }
        break;
      }
      case 'PersistentVolumeClaim':
        world.claims.push(o);
        world.claimByName.set(nsKey(namespace, o.name), o);
        break;
      default:
        break;
    }
  }
  world.defaultClasses.push(...[...world.classes.values()].filter((c) => c.isDefault));
  return world;
}
