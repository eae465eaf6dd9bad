/**
 * The analysis behind `cdk8s-stateful plan`: from plain Kubernetes objects to a plain
 * data structure that says, for each StatefulSet, what the cluster will do with it.
 */
import {
  arr,
  formatLabels,
  formatSelector,
  int,
  IntOrPercent,
  isObj,
  LabelSelector,
  listing,
  mapSelectorMatches,
  Obj,
  obj,
  optObj,
  parseQuantity,
  plural,
  readIntOrPercent,
  readSelector,
  scaleIntOrPercent,
  selectorIsEmpty,
  selectorMatches,
  str,
  strList,
  strMap,
} from './k8s';
import { LoadedObject, LoadResult, SourceRef } from './load';
import { governedTogether, planRackGroups, RackGroupPlan } from './racks';

/** Version of the JSON document written by `--json`. */
export const PLAN_FORMAT_VERSION = 1;

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

export interface PlanOptions {
  /** The cluster's DNS domain. @default cluster.local */
  readonly clusterDomain?: string;
}

export type Severity = 'error' | 'warning';

/** Something wrong or risky found while reading the manifests. */
export interface Problem {
  readonly severity: Severity;
  /** What the problem is about, e.g. `StatefulSet default/redis`. */
  readonly subject: string;
  readonly message: string;
  /** How to fix it. */
  readonly fix?: string;
  /** True when the API server refuses the object as written. */
  readonly refused: boolean;
  readonly source?: SourceRef;
}

/** What was read. */
export interface InputSummary {
  readonly files: string[];
  /** Number of Kubernetes objects read (List items counted one by one). */
  readonly objects: number;
  /** Objects used by the plan, by kind. */
  readonly read: Record<string, number>;
  /** Objects of kinds the plan does not know: counted and skipped, by kind. */
  readonly skipped: Record<string, number>;
  /** YAML documents that are not Kubernetes objects (no kind): skipped. */
  readonly notObjects: number;
}

/** A PersistentVolume from the input. */
export interface VolumeInfo {
  readonly name: string;
  /** `hostPath /data/data1`, `nfs 192.168.1.34:/data/volumes/v1`, `local /mnt/disk`, `csi driver (handle)` */
  readonly source: string;
  /** The node(s) its nodeAffinity requires, or null when it has none. */
  readonly node: string | null;
  readonly capacity: string | null;
  readonly accessModes: string[];
  /** '' when the volume has no class. */
  readonly storageClassName: string;
  readonly reclaimPolicy: string;
  /** `namespace/name` of the claim its claimRef reserves it for, or null. */
  readonly claimRef: string | null;
}

/** A StorageClass from the input. */
export interface StorageClassInfo {
  readonly name: string;
  readonly provisioner: string;
  readonly volumeBindingMode: string;
  readonly reclaimPolicy: string;
  readonly allowVolumeExpansion: boolean;
  readonly isDefault: boolean;
}

/**
 * What will satisfy a claim:
 * - `static`: a PersistentVolume reserved for this claim (claimRef, or the claim's volumeName);
 * - `candidates`: unbound PersistentVolumes that match; the binder picks one;
 * - `storage-class`: provisioned by a StorageClass in the input;
 * - `cluster-default`: no class named and no default class in the input: the cluster's default class;
 * - `unsatisfied`: nothing in the input can satisfy it; the pod stays Pending.
 */
export type ResolutionKind = 'static' | 'candidates' | 'storage-class' | 'cluster-default' | 'unsatisfied';

export interface ClaimResolution {
  readonly kind: ResolutionKind;
  /** One sentence: what satisfies the claim, or why nothing does. */
  readonly summary: string;
  /** For `static`. */
  readonly volume?: VolumeInfo;
  /** For `candidates`: the volumes the binder may pick from. */
  readonly candidates?: VolumeInfo[];
  /** For `storage-class`. */
  readonly storageClass?: StorageClassInfo;
  /** For `unsatisfied`: whether something not in the input (in the cluster) may still satisfy it. */
  readonly mayExistInCluster?: boolean;
  /** Volumes considered and not used, and other remarks. */
  readonly notes: string[];
}

/** One PersistentVolumeClaim a pod uses. */
export interface ClaimPlan {
  /** The volumeClaimTemplate's name. */
  readonly template: string;
  /** `<template>-<statefulset>-<ordinal>` */
  readonly name: string;
  readonly storage: string | null;
  readonly accessModes: string[];
  /** storageClassName as written; null when not set. */
  readonly storageClassName: string | null;
  /** True when a PersistentVolumeClaim of that name is in the input (the StatefulSet then uses it as it is). */
  readonly inInput: boolean;
  readonly resolution: ClaimResolution;
}

export interface PodPlan {
  readonly ordinal: number;
  readonly name: string;
  /** `<pod>.<serviceName>.<namespace>.svc.<clusterDomain>`, or null without serviceName. */
  readonly dnsName: string | null;
  readonly claims: ClaimPlan[];
}

export interface GoverningServicePlan {
  readonly name: string;
  readonly found: boolean;
  readonly headless: boolean;
  readonly selectsPods: boolean;
}

export interface BudgetPlan {
  readonly name: string;
  /** `maxUnavailable: 1`, `minAvailable: 50%` */
  readonly rule: string;
  /** Pods the budget counts (every workload in the input whose pods it selects). */
  readonly expectedPods: number;
  /** Voluntary disruptions allowed when all those pods are healthy. */
  readonly allowedDisruptions: number;
  /** Other workloads whose pods the budget also selects. */
  readonly alsoSelects: string[];
}

export interface QuorumPlan {
  readonly servers: number;
  /** floor(n/2)+1 */
  readonly quorum: number;
  readonly budgetKeepsQuorum: boolean;
  readonly message: string;
}

export interface DisruptionPlan {
  readonly budgets: BudgetPlan[];
  /** Allowed voluntary disruptions when all pods are healthy; null when no budget limits them. */
  readonly allowedDisruptions: number | null;
  /** Whether a node drain can evict these pods. */
  readonly drain: 'proceeds' | 'blocks' | 'unlimited' | 'no-pods';
  readonly message: string;
  /** For ZooKeeper-shaped apps (port 2888 or 3888, or a zookeeper image). */
  readonly quorum: QuorumPlan | null;
}

export interface UpdatePlan {
  readonly strategy: string;
  readonly partition: number;
  readonly maxUnavailable: string | null;
  /** Pods a template change rolls, in order. */
  readonly rolls: string[];
  /** Pods a template change does not roll (below the partition, or all with OnDelete). */
  readonly untouched: string[];
  readonly message: string;
}

export interface ScaleDownPlan {
  /** Pods in the order a scale down removes them (highest ordinal first). */
  readonly order: string[];
  readonly whenScaled: string;
  readonly whenDeleted: string;
  readonly message: string;
  readonly deleteMessage: string;
}

export interface StatefulSetPlan {
  readonly namespace: string;
  readonly name: string;
  readonly source: SourceRef;
  readonly replicas: number;
  readonly serviceName: string;
  readonly podManagementPolicy: string;
  readonly startOrdinal: number;
  readonly podLabels: Record<string, string>;
  readonly governingService: GoverningServicePlan | null;
  /** How the pods start. */
  readonly startMessage: string;
  readonly pods: PodPlan[];
  /** Every PersistentVolume that one of the claims may bind. */
  readonly volumes: VolumeInfo[];
  readonly disruption: DisruptionPlan;
  readonly update: UpdatePlan;
  readonly scaleDown: ScaleDownPlan;
  readonly problems: Problem[];
}

export interface Plan {
  readonly version: number;
  readonly clusterDomain: string;
  readonly input: InputSummary;
  readonly statefulSets: StatefulSetPlan[];
  /** StatefulSets that share a governing Service (the racks of a ring), grouped. */
  readonly racks: RackGroupPlan[];
  /** Problems not tied to one StatefulSet (Services, budgets and volumes). */
  readonly problems: Problem[];
}

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

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

// ---------------------------------------------------------------------------
// The input, indexed

interface Workload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly replicas: number;
}

interface Volume {
  readonly o: LoadedObject;
  readonly info: VolumeInfo;
  readonly capacityBytes: number | undefined;
  readonly labels: Record<string, string>;
  readonly volumeMode: string;
  readonly claimRefName: string | undefined;
  readonly claimRefNamespace: string | undefined;
  readonly claimRefUid: string | undefined;
}

interface World {
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

function ref(kind: string, o: LoadedObject): string {
  return `${kind} ${namespaceOf(o)}/${o.name}`;
}

function index(objects: LoadedObject[]): World {
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

function readVolume(o: LoadedObject): Volume {
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

const PV_SPEC_FIELDS = new Set([
  'accessModes', 'capacity', 'claimRef', 'mountOptions', 'nodeAffinity', 'persistentVolumeReclaimPolicy',
  'storageClassName', 'volumeMode', 'volumeAttributesClassName',
]);

function volumeSource(spec: Obj): string {
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

function volumeNode(spec: Obj): string | null {
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

// ---------------------------------------------------------------------------
// Claims

interface ClaimRequest {
  readonly namespace: string;
  readonly name: string;
  readonly storage: unknown;
  readonly storageBytes: number | undefined;
  readonly accessModes: string[];
  /** undefined when not set; '' when set to the empty string. */
  readonly storageClassName: string | undefined;
  readonly volumeMode: string;
  readonly selector: LabelSelector | undefined;
  readonly volumeName: string | undefined;
}

function claimRequest(namespace: string, name: string, spec: Obj, annotations: Record<string, string>): ClaimRequest {
  const storage = obj(obj(spec, 'resources'), 'requests').storage;
  const rawClass = spec.storageClassName;
  let storageClassName: string | undefined;
  if (typeof rawClass === 'string') storageClassName = rawClass;
  else if (annotations['volume.beta.kubernetes.io/storage-class'] !== undefined) storageClassName = annotations['volume.beta.kubernetes.io/storage-class'];
  return {
    namespace,
    name,
    storage,
    storageBytes: parseQuantity(storage),
    accessModes: strList(spec, 'accessModes'),
    storageClassName,
    volumeMode: str(spec, 'volumeMode') ?? 'Filesystem',
    selector: readSelector(spec, 'selector'),
    volumeName: str(spec, 'volumeName'),
  };
}

/** Why a volume cannot satisfy a claim (empty when it can). */
function misfits(v: Volume, c: ClaimRequest, checkClassAndSelector: boolean, effectiveClass: string): string[] {
  const reasons: string[] = [];
  if (c.storageBytes !== undefined && (v.capacityBytes === undefined || v.capacityBytes < c.storageBytes)) {
    reasons.push(`its capacity ${v.info.capacity ?? '(none)'} is smaller than the ${String(c.storage)} requested`);
  }
  const missing = c.accessModes.filter((m) => !v.info.accessModes.includes(m));
  if (missing.length > 0) {
    reasons.push(`it lacks access mode ${missing.join(', ')} (it has ${v.info.accessModes.join(', ') || 'none'})`);
  }
  if (v.volumeMode !== c.volumeMode) {
    reasons.push(`its volumeMode ${v.volumeMode} differs from the claim's ${c.volumeMode}`);
  }
  if (checkClassAndSelector) {
    if (v.info.storageClassName !== effectiveClass) {
      reasons.push(`its storageClassName ${quoteClass(v.info.storageClassName)} differs from the claim's ${quoteClass(effectiveClass)}`);
    }
    if (c.selector && !selectorMatches(c.selector, v.labels)) {
      reasons.push(`its labels do not match the claim's selector ${formatSelector(c.selector)}`);
    }
  }
  return reasons;
}

function quoteClass(name: string): string {
  return name === '' ? '"" (no class)' : `"${name}"`;
}

interface BaseResolution {
  /** The resolution when no candidate volume is taken into account. */
  readonly fallback: ClaimResolution;
  /** Final resolution unless competition for candidates changes it. */
  readonly resolution: ClaimResolution;
  /** Unbound volumes that match (empty when the resolution is not `candidates`). */
  readonly candidates: Volume[];
}

function resolveClaim(c: ClaimRequest, world: World, reservedByClaims: Map<string, string>): BaseResolution {
  const notes: string[] = [];
  if (c.storageBytes === undefined) {
    const r = unsatisfied('it requests no storage (spec.resources.requests.storage), so it cannot be created', false, notes);
    return { fallback: r, resolution: r, candidates: [] };
  }
  let effectiveClass: string | undefined = c.storageClassName;
  let classNote: string | undefined;
  if (effectiveClass === undefined && world.defaultClasses.length > 0) {
    effectiveClass = world.defaultClasses[0].name;
    classNote = `no storageClassName: the claim gets the default StorageClass "${effectiveClass}" when it is created`;
    notes.push(classNote);
  }

  // 1. A claim in the input that names its volume.
  if (c.volumeName !== undefined && c.volumeName !== '') {
    const v = world.volumes.find((x) => x.o.name === c.volumeName);
    if (!v) {
      const r = unsatisfied(`its volumeName names PersistentVolume "${c.volumeName}", which is not in the input`, true, notes);
      return { fallback: r, resolution: r, candidates: [] };
    }
    const otherClaim = v.claimRefName !== undefined && (v.claimRefName !== c.name || (v.claimRefNamespace ?? '') !== c.namespace);
    const reasons = misfits(v, c, true, effectiveClass ?? '');
    if (otherClaim) reasons.push(`its claimRef reserves it for claim ${v.info.claimRef}`);
    if (reasons.length > 0) {
      const r = unsatisfied(`its volumeName names PersistentVolume ${v.o.name}, which cannot bind it: ${listing(reasons)}`, false, notes);
      return { fallback: r, resolution: r, candidates: [] };
    }
    const r: ClaimResolution = { kind: 'static', summary: `PersistentVolume ${v.o.name} (${describeVolume(v.info)}), named by the claim's volumeName`, volume: v.info, notes };
    return { fallback: r, resolution: r, candidates: [] };
  }

  // 2. A volume pre-bound to this claim by its claimRef.
  for (const v of world.volumes) {
    if (v.claimRefName !== c.name) continue;
    const refNamespace = v.claimRefNamespace ?? '';
    if (refNamespace === '') {
      notes.push(`PersistentVolume ${v.o.name} names this claim in its claimRef without a namespace, so it does not match: set claimRef.namespace: ${c.namespace}`);
      continue;
    }
    if (refNamespace !== c.namespace) continue;
    if (v.claimRefUid !== undefined && v.claimRefUid !== '') {
      notes.push(`PersistentVolume ${v.o.name} is reserved for this claim, but its claimRef.uid pins it to one claim object, which a newly created claim is not: remove claimRef.uid`);
      continue;
    }
    const reasons = misfits(v, c, false, effectiveClass ?? '');
    if (reasons.length > 0) {
      notes.push(`PersistentVolume ${v.o.name} is reserved for this claim but will not be used: ${listing(reasons)}`);
      continue;
    }
    if (c.storageClassName !== undefined && v.info.storageClassName !== c.storageClassName) {
      notes.push(`PersistentVolume ${v.o.name} has storageClassName ${quoteClass(v.info.storageClassName)} and the claim ${quoteClass(c.storageClassName)}: keep them equal`);
    }
    const r: ClaimResolution = {
      kind: 'static',
      summary: `PersistentVolume ${v.o.name} (${describeVolume(v.info)}), reserved for this claim by its claimRef`,
      volume: v.info,
      notes,
    };
    return { fallback: r, resolution: r, candidates: [] };
  }

  // 3. Unbound volumes that match.
  const wantedClass = effectiveClass ?? '';
  const unbound = world.volumes.filter((v) => v.claimRefName === undefined && !reservedByClaims.has(v.o.name));
  const candidates = unbound.filter((v) => misfits(v, c, true, wantedClass).length === 0);
  const rejected = (onlyClass: boolean) => unbound
    .filter((v) => !candidates.includes(v) && (!onlyClass || v.info.storageClassName === wantedClass))
    .map((v) => `PersistentVolume ${v.o.name} cannot be used: ${listing(misfits(v, c, true, wantedClass))}`);

  // What satisfies the claim when no candidate volume does.
  let fallback: ClaimResolution;
  if (effectiveClass !== undefined && effectiveClass !== '') {
    const sc = world.classes.get(effectiveClass);
    if (sc) {
      fallback = {
        kind: 'storage-class',
        summary: `provisioned by StorageClass ${sc.name} (${describeClass(sc)})`,
        storageClass: sc,
        notes: [...notes, ...rejected(true)],
      };
    } else {
      fallback = unsatisfied(
        `StorageClass "${effectiveClass}" is not in the input and no PersistentVolume in the input matches. It may exist in the cluster; if it does not, the pod will stay Pending`,
        true,
        [...notes, ...rejected(false)],
      );
    }
  } else if (effectiveClass === '') {
    fallback = unsatisfied(
      'storageClassName "" turns dynamic provisioning off and no PersistentVolume without a class in the input matches (one may exist in the cluster)',
      true,
      [...notes, ...rejected(false)],
    );
  } else {
    fallback = {
      kind: 'cluster-default',
      summary: 'no storageClassName and no default StorageClass in the input: the cluster\'s default StorageClass provisions it; without one, the pod will stay Pending',
      notes: [...notes, ...rejected(false)],
    };
  }

  if (candidates.length === 0) return { fallback, resolution: fallback, candidates: [] };

  const candidateNotes = [...notes];
  if (c.storageClassName === undefined && classNote === undefined) {
    candidateNotes.push(
      'no storageClassName: if the cluster has a default StorageClass, the claim gets that class when it is created and these volumes (no class) are not considered; set storageClassName: "" to bind only to volumes without a class',
    );
  }
  const names = candidates.map((v) => v.o.name);
  const resolution: ClaimResolution = {
    kind: 'candidates',
    summary: candidates.length === 1
      ? `the unbound PersistentVolume ${names[0]} (${describeVolume(candidates[0].info)}), which has no claimRef`
      : `one of ${candidates.length} unbound PersistentVolumes (${names.join(', ')}): the binder picks one arbitrarily`,
    candidates: candidates.map((v) => v.info),
    notes: candidateNotes,
  };
  return { fallback, resolution, candidates };
}

function unsatisfied(reason: string, mayExistInCluster: boolean, notes: string[]): ClaimResolution {
  return {
    kind: 'unsatisfied',
    summary: mayExistInCluster
      ? `nothing in the input can satisfy this claim: ${reason}`
      : `nothing can satisfy this claim, the pod will stay Pending: ${reason}`,
    mayExistInCluster,
    notes,
  };
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

// ---------------------------------------------------------------------------
// StatefulSets

interface Draft {
  readonly o: LoadedObject;
  readonly namespace: string;
  readonly name: string;
  readonly spec: Obj;
  readonly replicas: number;
  readonly serviceName: string;
  readonly podManagementPolicy: string;
  readonly startOrdinal: number;
  readonly podLabels: Record<string, string>;
  readonly pods: { ordinal: number; name: string; dnsName: string | null }[];
  readonly claims: ClaimDraft[][];
  readonly problems: Problem[];
}

interface ClaimDraft {
  readonly template: string;
  readonly name: string;
  readonly request: ClaimRequest;
  readonly inInput: boolean;
  readonly base: BaseResolution;
  resolution: ClaimResolution;
}

/** Builds the plan for every StatefulSet in the input. */
export function buildPlan(input: LoadResult, options: PlanOptions = {}): Plan {
  const clusterDomain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const problems: Problem[] = [];

  // The same object twice: applying the input leaves the last definition.
  const unique = new Map<string, LoadedObject>();
  for (const o of input.objects) {
    if (!KNOWN_KINDS.includes(o.kind)) continue;
    const clusterScoped = o.kind === 'PersistentVolume' || o.kind === 'StorageClass';
    const key = `${o.kind}/${clusterScoped ? '' : namespaceOf(o)}/${o.name}`;
    const first = unique.get(key);
    if (first) {
      problems.push({
        severity: 'warning',
        subject: clusterScoped ? `${o.kind} ${o.name}` : ref(o.kind, o),
        message: `defined more than once (${first.source.file}:${first.source.line} and ${o.source.file}:${o.source.line}): applying the input leaves the last definition, which the plan uses`,
        fix: 'keep one definition',
        refused: false,
        source: o.source,
      });
    }
    unique.set(key, o);
  }
  const world = index([...unique.values()]);

  // Volumes named by claims in the input are taken by them.
  const reservedByClaims = new Map<string, string>();
  for (const c of world.claims) {
    const volumeName = str(obj(c.object, 'spec'), 'volumeName');
    if (volumeName) reservedByClaims.set(volumeName, `${namespaceOf(c)}/${c.name}`);
  }

  const drafts = world.statefulSets.map((o) => draftStatefulSet(o, world, clusterDomain, reservedByClaims));
  settleCompetition(drafts, problems);

  const statefulSets = drafts.map((d) => finish(d, world));
  problems.push(...globalProblems(world));

  return {
    version: PLAN_FORMAT_VERSION,
    clusterDomain,
    input: summarize(input),
    statefulSets,
    racks: planRackGroups(statefulSets),
    problems,
  };
}

function summarize(input: LoadResult): InputSummary {
  const read: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  for (const o of input.objects) {
    const bucket = KNOWN_KINDS.includes(o.kind) ? read : skipped;
    bucket[o.kind] = (bucket[o.kind] ?? 0) + 1;
  }
  return { files: input.files, objects: input.objects.length, read, skipped, notObjects: input.notObjects.length };
}

function draftStatefulSet(o: LoadedObject, world: World, clusterDomain: string, reservedByClaims: Map<string, string>): Draft {
  const namespace = namespaceOf(o);
  const subject = ref('StatefulSet', o);
  const spec = obj(o.object, 'spec');
  const problems: Problem[] = [];
  const problem = (severity: Severity, message: string, fix?: string, refused = false) =>
    problems.push({ severity, subject, message, fix, refused, source: o.source });

  const replicas = int(spec, 'replicas') ?? 1;
  const serviceName = str(spec, 'serviceName') ?? '';
  const podManagementPolicy = str(spec, 'podManagementPolicy') ?? 'OrderedReady';
  const startOrdinal = int(obj(spec, 'ordinals'), 'start') ?? 0;
  const template = obj(spec, 'template');
  const podLabels = strMap(obj(template, 'metadata'), 'labels');

  if (podManagementPolicy !== 'OrderedReady' && podManagementPolicy !== 'Parallel') {
    problem('error', `podManagementPolicy "${podManagementPolicy}" is not valid: the API server refuses it`, 'use OrderedReady or Parallel', true);
  }
  if (replicas < 0) problem('error', `replicas ${replicas} is negative: the API server refuses it`, undefined, true);

  // The StatefulSet's own selector.
  const selector = readSelector(spec, 'selector');
  if (!selector) {
    problem('error', 'spec.selector is missing: apps/v1 requires it and the API server refuses the StatefulSet', `add spec.selector.matchLabels with the pod labels (${formatLabels(podLabels)})`, true);
  } else if (selectorIsEmpty(selector)) {
    problem('error', 'spec.selector is empty: the API server refuses an empty selector', `select the pod labels (${formatLabels(podLabels)})`, true);
  } else if (!selectorMatches(selector, podLabels)) {
    problem(
      'error',
      `spec.selector (${formatSelector(selector)}) does not match the template labels (${formatLabels(podLabels)}): the API server refuses the StatefulSet ("selector does not match template labels")`,
      'derive the selector and the template labels from the same label map',
      true,
    );
  } else {
    for (const other of world.statefulSets) {
      if (other === o || namespaceOf(other) !== namespace) continue;
      const otherLabels = strMap(obj(obj(obj(other.object, 'spec'), 'template'), 'metadata'), 'labels');
      if (selectorMatches(selector, otherLabels)) {
        problem('warning', `spec.selector (${formatSelector(selector)}) also matches the pods of ${ref('StatefulSet', other)}`, 'give each StatefulSet a label the others do not carry');
      }
    }
  }

  const pods = [];
  for (let i = 0; i < Math.max(0, replicas); i++) {
    const ordinal = startOrdinal + i;
    const podName = `${o.name}-${ordinal}`;
    pods.push({
      ordinal,
      name: podName,
      dnsName: serviceName ? `${podName}.${serviceName}.${namespace}.svc.${clusterDomain}` : null,
    });
  }

  // Claims.
  const templates = arr(spec, 'volumeClaimTemplates').filter(isObj);
  for (const t of templates) {
    const tName = str(obj(t, 'metadata'), 'name') ?? '';
    const tSpec = obj(t, 'spec');
    if (tName === '') {
      problem('error', 'a volumeClaimTemplate has no metadata.name: the API server refuses it', undefined, true);
      continue;
    }
    if (parseQuantity(obj(obj(tSpec, 'resources'), 'requests').storage) === undefined) {
      problem(
        'error',
        `volumeClaimTemplate "${tName}" requests no storage (spec.resources.requests.storage): its claims cannot be created, so no pod starts`,
        `set spec.resources.requests.storage on "${tName}", e.g. 1Gi`,
      );
    }
    if (strList(tSpec, 'accessModes').length === 0) {
      problem('error', `volumeClaimTemplate "${tName}" has no accessModes: its claims cannot be created, so no pod starts`, 'set accessModes, e.g. [ReadWriteOnce]');
    }
  }
  const claims: ClaimDraft[][] = pods.map((pod) => templates.flatMap((t) => {
    const tName = str(obj(t, 'metadata'), 'name') ?? '';
    if (tName === '') return [];
    const claimName = `${tName}-${o.name}-${pod.ordinal}`;
    const existing = world.claims.find((c) => c.name === claimName && namespaceOf(c) === namespace);
    const request = existing
      ? claimRequest(namespace, claimName, obj(existing.object, 'spec'), strMap(obj(existing.object, 'metadata'), 'annotations'))
      : claimRequest(namespace, claimName, obj(t, 'spec'), strMap(obj(t, 'metadata'), 'annotations'));
    const base = resolveClaim(request, world, reservedByClaims);
    return [{ template: tName, name: claimName, request, inInput: existing !== undefined, base, resolution: base.resolution }];
  }));

  // Problems about unsatisfied claims, once per template and reason.
  const byReason = new Map<string, string[]>();
  for (const c of claims.flat()) {
    if (c.resolution.kind !== 'unsatisfied' || c.request.storageBytes === undefined) continue;
    const key = `${c.template}\u0000${c.resolution.summary}`;
    byReason.set(key, [...(byReason.get(key) ?? []), c.name]);
  }
  for (const [key, names] of byReason) {
    const summary = key.split('\u0000')[1];
    const text = names.length > 1 ? summary.replace('this claim', 'these claims').replace('the pod will', 'the pods will') : summary;
    problem(summary.startsWith('nothing in the input') ? 'warning' : 'error', `claim${names.length > 1 ? 's' : ''} ${listing(names)}: ${text}`);
  }

  return {
    o,
    namespace,
    name: o.name,
    spec,
    replicas: Math.max(0, replicas),
    serviceName,
    podManagementPolicy,
    startOrdinal,
    podLabels,
    pods,
    claims,
    problems,
  };
}

/**
 * Claims compete for the same unbound volumes: the binder gives each volume to one claim.
 * With OrderedReady, pods (and their claims) are created in order, so the earlier ones win.
 */
function settleCompetition(drafts: Draft[], problems: Problem[]): void {
  interface Group { volumes: Volume[]; claims: { d: Draft; c: ClaimDraft; podIndex: number }[] }
  const groups = new Map<string, Group>();
  for (const d of drafts) {
    d.claims.forEach((podClaims, podIndex) => {
      for (const c of podClaims) {
        if (c.resolution.kind !== 'candidates') continue;
        const key = c.base.candidates.map((v) => v.o.name).sort().join('\u0000');
        const g = groups.get(key) ?? { volumes: c.base.candidates, claims: [] };
        g.claims.push({ d, c, podIndex });
        groups.set(key, g);
      }
    });
  }

  const volumeUse = new Map<string, Set<string>>();
  for (const g of groups.values()) {
    const owners = [...new Set(g.claims.map((x) => `${x.d.name}/${x.c.template}`))];
    for (const v of g.volumes) {
      const set = volumeUse.get(v.o.name) ?? new Set<string>();
      owners.forEach((x) => set.add(x));
      volumeUse.set(v.o.name, set);
    }

    const m = g.volumes.length;
    const claimNames = g.claims.map((x) => x.c.name);
    const drafted = [...new Set(g.claims.map((x) => x.d))];
    const single = drafted.length === 1 ? drafted[0] : undefined;
    const subject = single ? ref('StatefulSet', single.o) : 'PersistentVolumes';
    const volumeNames = g.volumes.map((v) => v.o.name);

    if (g.claims.length > m) {
      const ordered = single !== undefined && single.podManagementPolicy === 'OrderedReady';
      if (ordered) {
        const winners = g.claims.slice(0, m);
        for (const x of g.claims.slice(m)) {
          const fb = x.c.base.fallback;
          const note = `the ${plural(m, 'matching PersistentVolume')} (${volumeNames.join(', ')}) ${m === 1 ? 'goes' : 'go'} to the claims of earlier pods (${winners.map((w) => w.c.name).join(', ')})`;
          if (fb.kind === 'storage-class') {
            x.c.resolution = { ...fb, notes: [...fb.notes, note] };
          } else {
            x.c.resolution = {
              kind: 'unsatisfied',
              summary: `nothing can satisfy this claim, the pod will stay Pending: ${note}`,
              mayExistInCluster: true,
              notes: fb.kind === 'cluster-default'
                ? [...fb.notes, 'if the cluster has a default StorageClass, every claim gets that class instead and is provisioned']
                : [...fb.notes, `otherwise, ${fb.summary}`],
            };
          }
        }
        const losers = g.claims.slice(m).map((x) => x.c.name);
        if (g.claims[m].c.base.fallback.kind !== 'storage-class') {
          single.problems.push({
            severity: 'error',
            subject,
            message: `${plural(g.claims.length, 'claim')} (${listing(claimNames)}) match only ${plural(m, 'unbound PersistentVolume')} (${volumeNames.join(', ')}): ${listing(losers)} ${losers.length === 1 ? 'finds' : 'find'} no volume and the pod stays Pending`,
            fix: 'add a PersistentVolume for every claim (pre-bound with spec.claimRef), or name a StorageClass that provisions the rest',
            refused: false,
            source: single.o.source,
          });
        }
      } else {
        for (const x of g.claims) {
          x.c.resolution = {
            ...x.c.resolution,
            notes: [...x.c.resolution.notes, `${g.claims.length} claims compete for these ${m} volumes: ${m} of them bind, which ones is not determined; the others: ${x.c.base.fallback.summary}`],
          };
        }
        const target = single ? single.problems : problems;
        target.push({
          severity: 'error',
          subject,
          message: `${plural(g.claims.length, 'claim')} (${listing(claimNames)}) compete for ${plural(m, 'unbound PersistentVolume')} (${volumeNames.join(', ')}): only ${m} bind, and which claims are left without a volume is not determined`,
          fix: 'add a PersistentVolume for every claim, pre-bound with spec.claimRef',
          refused: false,
          source: single?.o.source,
        });
      }
    }

    if (m > 1) {
      const first = g.claims[0];
      const last = g.claims[g.claims.length - 1];
      const firstPod = first.d.pods[first.podIndex]?.name;
      const lastPod = last.d.pods[last.podIndex]?.name;
      const example = firstPod && lastPod && firstPod !== lastPod
        ? `: if the claims are ever created again (a new cluster, volumes restored from backup), ${lastPod} can end up with the volume that held ${firstPod}'s data`
        : '';
      const message = `claims ${listing(claimNames)} can bind to any of the ${plural(m, 'unbound PersistentVolume')} ${volumeNames.join(', ')} (no claimRef): the binder picks one arbitrarily for each claim, so which pod gets which volume, and its data, is not fixed${example}`;
      const problem: Problem = {
        severity: 'warning',
        subject,
        message,
        fix: `pre-bind each volume to one claim: spec.claimRef: { namespace: ${g.claims[0].c.request.namespace}, name: ${g.claims[0].c.name} } on one volume, and so on`,
        refused: false,
        source: single?.o.source,
      };
      if (single) single.problems.push(problem); else problems.push(problem);
    }
  }

  for (const [volume, owners] of volumeUse) {
    if (owners.size > 1) {
      problems.push({
        severity: 'warning',
        subject: `PersistentVolume ${volume}`,
        message: `it can bind claims of ${listing([...owners].sort().map((x) => `template ${x.split('/')[1]} of StatefulSet ${x.split('/')[0]}`))}: whichever claim is created first takes it`,
        fix: 'pre-bind it with spec.claimRef',
        refused: false,
      });
    }
  }
}

function finish(d: Draft, world: World): StatefulSetPlan {
  const subject = ref('StatefulSet', d.o);
  const problems = d.problems;
  const problem = (severity: Severity, message: string, fix?: string, refused = false) =>
    problems.push({ severity, subject, message, fix, refused, source: d.o.source });

  // Governing Service.
  let governingService: GoverningServicePlan | null = null;
  if (d.serviceName === '') {
    problem('warning', 'no serviceName: the pods get no stable DNS names', 'create a headless Service (clusterIP: None) selecting the pods and set spec.serviceName to its name');
  } else {
    const svc = world.services.find((s) => s.name === d.serviceName && namespaceOf(s) === d.namespace);
    const others = world.services.filter((s) => namespaceOf(s) === d.namespace && s !== svc
      && str(obj(s.object, 'spec'), 'clusterIP') === 'None'
      && serviceSelects(s, d.podLabels));
    const hint = others.length > 0
      ? `the headless Service ${others.map((s) => s.name).join(', ')} selects these pods: set serviceName: ${others[0].name}, or rename that Service to ${d.serviceName}`
      : `create a Service named ${d.serviceName} with clusterIP: None selecting ${formatLabels(d.podLabels)}`;
    if (!svc) {
      governingService = { name: d.serviceName, found: false, headless: false, selectsPods: false };
      problem('error', `serviceName ${d.serviceName} has no headless Service: no Service named ${d.serviceName} is in namespace ${d.namespace} of the input, so unless it exists in the cluster the pods get no DNS records`, hint);
    } else {
      const headless = str(obj(svc.object, 'spec'), 'clusterIP') === 'None';
      const selects = serviceSelects(svc, d.podLabels);
      governingService = { name: d.serviceName, found: true, headless, selectsPods: selects };
      if (!headless) {
        problem('error', `Service ${d.serviceName} (the serviceName) is not headless (spec.clusterIP is not None): the pods get no per-pod DNS records`, `set clusterIP: None on Service ${d.serviceName} (clusterIP cannot change on an existing Service: delete and recreate it)`);
      }
      if (!selects) {
        const selector = strMap(obj(svc.object, 'spec'), 'selector');
        const selected = world.workloads.filter((w) => w.namespace === d.namespace
          && Object.keys(selector).length > 0 && mapSelectorMatches(selector, w.labels));
        const what = selected.length > 0 ? `it selects ${listing(selected.map((w) => `${w.kind} ${w.name}`))} instead` : 'it selects nothing in the input';
        problem(
          'error',
          `Service ${d.serviceName} (the serviceName) does not select these pods (selector ${Object.keys(selector).length ? formatLabels(selector) : 'none'}, pod labels ${formatLabels(d.podLabels)}): ${what}, so the pods get no DNS records`,
          `make the Service's selector ${formatLabels(d.podLabels)}`,
        );
      }
    }
  }

  const startMessage = d.pods.length === 0
    ? 'replicas is 0: no pod runs'
    : d.podManagementPolicy === 'Parallel'
      ? `Parallel: all ${plural(d.pods.length, 'pod')} are created at once, without waiting for each other`
      : 'OrderedReady: one at a time, in this order; each pod is created only when the previous one is Running and Ready';

  const pods: PodPlan[] = d.pods.map((p, i) => ({ ...p, claims: d.claims[i].map(toClaimPlan) }));
  const volumes = new Map<string, VolumeInfo>();
  for (const c of pods.flatMap((p) => p.claims)) {
    if (c.resolution.volume) volumes.set(c.resolution.volume.name, c.resolution.volume);
    for (const v of c.resolution.candidates ?? []) volumes.set(v.name, v);
  }

  // Retention with classes that delete volumes.
  const retention = obj(d.spec, 'persistentVolumeClaimRetentionPolicy');
  const whenScaled = str(retention, 'whenScaled') ?? 'Retain';
  const whenDeleted = str(retention, 'whenDeleted') ?? 'Retain';
  for (const [field, value] of [['whenScaled', whenScaled], ['whenDeleted', whenDeleted]]) {
    if (value !== 'Retain' && value !== 'Delete') {
      problem('error', `persistentVolumeClaimRetentionPolicy.${field} "${value}" is not valid: the API server refuses it`, 'use Retain or Delete', true);
    }
  }
  if (whenScaled === 'Delete' || whenDeleted === 'Delete') {
    const deleting = new Set<string>();
    for (const c of pods.flatMap((p) => p.claims)) {
      const sc = c.resolution.storageClass;
      if (sc && sc.reclaimPolicy === 'Delete') deleting.add(sc.name);
      const v = c.resolution.volume;
      if (v && v.reclaimPolicy === 'Delete') deleting.add(`PersistentVolume ${v.name}`);
    }
    if (deleting.size > 0) {
      const when = [whenScaled === 'Delete' ? 'on scale down' : '', whenDeleted === 'Delete' ? 'when the StatefulSet is deleted' : ''].filter((x) => x).join(' and ');
      problem('warning', `claims are deleted ${when} (persistentVolumeClaimRetentionPolicy) and ${listing([...deleting].map((x) => x.startsWith('PersistentVolume') ? x : `StorageClass ${x}`))} ${deleting.size === 1 ? 'has' : 'have'} reclaimPolicy Delete: the data is deleted with them`, 'keep whenScaled and whenDeleted at Retain, or use reclaimPolicy Retain');
    }
  }

  return {
    namespace: d.namespace,
    name: d.name,
    source: d.o.source,
    replicas: d.replicas,
    serviceName: d.serviceName,
    podManagementPolicy: d.podManagementPolicy,
    startOrdinal: d.startOrdinal,
    podLabels: d.podLabels,
    governingService,
    startMessage,
    pods,
    volumes: [...volumes.values()],
    disruption: planDisruption(d, world, problem),
    update: planUpdate(d, problem),
    scaleDown: planScaleDown(d, whenScaled, whenDeleted),
    problems,
  };
}

function toClaimPlan(c: ClaimDraft): ClaimPlan {
  const storage = c.request.storage;
  return {
    template: c.template,
    name: c.name,
    storage: storage === undefined || storage === null ? null : String(storage),
    accessModes: c.request.accessModes,
    storageClassName: c.request.storageClassName ?? null,
    inInput: c.inInput,
    resolution: c.resolution,
  };
}

function serviceSelects(svc: LoadedObject, labels: Record<string, string>): boolean {
  const selector = strMap(obj(svc.object, 'spec'), 'selector');
  return Object.keys(selector).length > 0 && mapSelectorMatches(selector, labels);
}

// ---------------------------------------------------------------------------
// Disruption

type AddProblem = (severity: Severity, message: string, fix?: string, refused?: boolean) => void;

interface BudgetRule {
  readonly rule: string;
  readonly allowed: (expected: number) => number;
}

function budgetRule(pdb: LoadedObject): BudgetRule {
  const spec = obj(pdb.object, 'spec');
  const maxUnavailable = readIntOrPercent(spec, 'maxUnavailable');
  const minAvailable = readIntOrPercent(spec, 'minAvailable');
  if (maxUnavailable) {
    return {
      rule: `maxUnavailable: ${maxUnavailable.text}`,
      allowed: (n) => n - Math.max(0, n - scaleIntOrPercent(maxUnavailable, n, true)),
    };
  }
  if (minAvailable) {
    return {
      rule: `minAvailable: ${minAvailable.text}`,
      allowed: (n) => Math.max(0, n - scaleIntOrPercent(minAvailable as IntOrPercent, n, true)),
    };
  }
  return { rule: 'neither minAvailable nor maxUnavailable', allowed: (n) => n };
}

function budgetSelects(pdb: LoadedObject, labels: Record<string, string>): boolean {
  const selector = readSelector(obj(pdb.object, 'spec'), 'selector');
  // policy/v1: a missing selector selects nothing, an empty one every pod of the namespace.
  return selector !== undefined && selectorMatches(selector, labels);
}

function isZooKeeper(spec: Obj): boolean {
  const containers = arr(obj(obj(spec, 'template'), 'spec'), 'containers').filter(isObj);
  return containers.some((c) => (str(c, 'image') ?? '').toLowerCase().includes('zookeeper')
    || arr(c, 'ports').filter(isObj).some((p) => {
      const port = int(p, 'containerPort');
      return port === 2888 || port === 3888;
    }));
}

function planDisruption(d: Draft, world: World, problem: AddProblem): DisruptionPlan {
  const matching = world.budgets.filter((b) => namespaceOf(b) === d.namespace && budgetSelects(b, d.podLabels));
  const budgets: BudgetPlan[] = matching.map((b) => {
    const selected = world.workloads.filter((w) => w.namespace === d.namespace && budgetSelects(b, w.labels));
    const expected = selected.reduce((sum, w) => sum + (w.kind === 'StatefulSet' && w.name === d.name ? d.replicas : w.replicas), 0);
    const rule = budgetRule(b);
    return {
      name: b.name,
      rule: rule.rule,
      expectedPods: expected,
      allowedDisruptions: rule.allowed(expected),
      alsoSelects: selected.filter((w) => !(w.kind === 'StatefulSet' && w.name === d.name)).map((w) => `${w.kind} ${w.name}`),
    };
  });

  // StatefulSets that share this one's governing Service are one workload (the racks of a ring):
  // one budget across them is what they need.
  const together = governedTogether(world.statefulSets.map((o) => ({
    namespace: namespaceOf(o), name: o.name, serviceName: str(obj(o.object, 'spec'), 'serviceName') ?? '',
  })), d.namespace, d.serviceName);
  for (const b of budgets) {
    if (b.alsoSelects.length > 0 && !b.alsoSelects.every((w) => together.has(w))) {
      problem('warning', `PodDisruptionBudget ${b.name} also selects the pods of ${listing(b.alsoSelects)}: it counts ${plural(b.expectedPods, 'pod')} together`, 'give each budget the selector of one workload');
    }
  }

  let allowed: number | null;
  let drain: DisruptionPlan['drain'];
  let message: string;
  const n = d.replicas;
  if (n === 0) {
    allowed = budgets.length > 0 ? 0 : null;
    drain = 'no-pods';
    message = 'no pods: nothing to disrupt';
  } else if (budgets.length === 0) {
    allowed = null;
    drain = 'unlimited';
    message = 'no PodDisruptionBudget selects these pods: voluntary disruptions are not limited, a node drain evicts them without waiting (several at once if they share a node)';
  } else if (budgets.length > 1) {
    allowed = 0;
    drain = 'blocks';
    message = `${plural(budgets.length, 'PodDisruptionBudget')} (${budgets.map((b) => b.name).join(', ')}) select these pods: the eviction API refuses to evict a pod with more than one budget, so node drains block`;
    problem('error', message, 'keep exactly one PodDisruptionBudget per set of pods');
  } else {
    const b = budgets[0];
    allowed = b.allowedDisruptions;
    const healthy = b.expectedPods === 1 ? 'when its one pod is healthy' : `when all ${b.expectedPods} pods are healthy`;
    if (allowed === 0) {
      drain = 'blocks';
      message = `PodDisruptionBudget ${b.name} (${b.rule}) allows 0 voluntary disruptions ${healthy}: node drains block (kubectl drain keeps retrying) until the budget or the replicas change`;
      problem('warning', message, n === 1
        ? 'one replica cannot be both protected and drained: run more replicas, or use maxUnavailable: 1'
        : 'allow at least one disruption (e.g. maxUnavailable: 1)');
    } else {
      drain = 'proceeds';
      message = `PodDisruptionBudget ${b.name} (${b.rule}) allows ${plural(allowed, 'voluntary disruption')} ${healthy}: a node drain can proceed, evicting at most ${allowed} of them at a time`;
    }
  }

  let quorum: QuorumPlan | null = null;
  if (n > 0 && isZooKeeper(d.spec)) {
    const q = Math.floor(n / 2) + 1;
    const tolerated = n - q;
    let keeps: boolean;
    let qMessage: string;
    if (allowed === null) {
      keeps = false;
      qMessage = `ZooKeeper quorum is ${q} of ${n} servers; no PodDisruptionBudget limits disruptions, so a drain can take down ${tolerated + 1} or more servers and break quorum`;
      problem('warning', qMessage, tolerated > 0 ? `add a PodDisruptionBudget with maxUnavailable: ${tolerated}` : 'run at least 3 servers and add a PodDisruptionBudget with maxUnavailable: 1');
    } else if (allowed <= tolerated) {
      keeps = true;
      qMessage = `ZooKeeper quorum is ${q} of ${n} servers; the budget allows ${allowed} down at a time, leaving ${n - allowed}: quorum holds during drains`;
    } else {
      keeps = false;
      qMessage = `ZooKeeper quorum is ${q} of ${n} servers; the budget allows ${allowed} down at a time, leaving ${n - allowed}: a drain can break quorum`;
      problem('warning', qMessage, tolerated > 0 ? `allow at most ${tolerated} (maxUnavailable: ${tolerated})` : `${n} ${n === 1 ? 'server tolerates' : 'servers tolerate'} no loss: run at least 3 servers`);
    }
    quorum = { servers: n, quorum: q, budgetKeepsQuorum: keeps, message: qMessage };
  }

  return { budgets, allowedDisruptions: allowed, drain, message, quorum };
}

// ---------------------------------------------------------------------------
// Updates and scale down

function planUpdate(d: Draft, problem: AddProblem): UpdatePlan {
  const strategy = obj(d.spec, 'updateStrategy');
  const type = str(strategy, 'type') ?? 'RollingUpdate';
  const rolling = obj(strategy, 'rollingUpdate');
  const partition = int(rolling, 'partition') ?? 0;
  const maxUnavailable = readIntOrPercent(rolling, 'maxUnavailable');
  const names = d.pods.map((p) => p.name);

  if (type === 'OnDelete') {
    return {
      strategy: type,
      partition,
      maxUnavailable: null,
      rolls: [],
      untouched: names,
      message: 'OnDelete: a template change rolls nothing by itself; each pod gets the new template only when it is deleted (kubectl delete pod)',
    };
  }
  if (type !== 'RollingUpdate') {
    problem('error', `updateStrategy.type "${type}" is not valid: the API server refuses it`, 'use RollingUpdate or OnDelete', true);
  }
  // The controller compares the partition with the pod's position (ordinal - ordinals.start).
  const rolls = d.pods.filter((_, i) => i >= partition).map((p) => p.name).reverse();
  const untouched = d.pods.filter((_, i) => i < partition).map((p) => p.name);
  const startNote = d.startOrdinal !== 0 && partition > 0 ? ` (the partition counts from ordinals.start ${d.startOrdinal})` : '';
  let message: string;
  if (d.pods.length === 0) {
    message = 'RollingUpdate: no pods to roll';
  } else if (rolls.length === 0) {
    message = `RollingUpdate with partition ${partition}${startNote}: a template change rolls no pod (the partition is at or above replicas ${d.replicas}); lower the partition to roll`;
  } else {
    const each = 'each pod is deleted and recreated, and the next one waits until it is Running and Ready';
    message = rolls.length === 1
      ? `RollingUpdate${partition > 0 ? ` with partition ${partition}` : ''}${startNote}: a template change rolls ${rolls[0]}: it is deleted and recreated`
      : `RollingUpdate${partition > 0 ? ` with partition ${partition}` : ''}${startNote}: a template change rolls ${rolls.join(', ')} in this order (highest ordinal first), one at a time; ${each}`;
    if (untouched.length > 0) message += `. ${listing(untouched)} ${untouched.length === 1 ? 'keeps' : 'keep'} the old template until the partition is lowered`;
    if (maxUnavailable) {
      message += `. rollingUpdate.maxUnavailable ${maxUnavailable.text}: where the MaxUnavailableStatefulSet feature is enabled, up to that many pods roll at once`;
    }
  }
  return { strategy: type, partition, maxUnavailable: maxUnavailable?.text ?? null, rolls, untouched, message };
}

function planScaleDown(d: Draft, whenScaled: string, whenDeleted: string): ScaleDownPlan {
  const order = d.pods.map((p) => p.name).reverse();
  const templates = [...new Set(d.claims.flat().map((c) => c.template))];
  let message: string;
  if (order.length === 0) {
    message = 'no pods to remove';
  } else {
    const how = d.podManagementPolicy === 'Parallel'
      ? 'Parallel: all removed pods terminate at once'
      : 'OrderedReady: one at a time, each after the previous one has terminated, and not while any pod is unhealthy';
    message = `a scale down removes the highest ordinal first: ${order.join(', ')} (${how})`;
    if (templates.length > 0) {
      message += whenScaled === 'Delete'
        ? '. whenScaled: Delete: the claims of removed pods are deleted, and with them the data unless their volumes are retained'
        : '. whenScaled: Retain: the claims of removed pods (and their data) are kept; scaling up again reattaches them';
    }
  }
  let deleteMessage: string;
  if (templates.length === 0) {
    deleteMessage = 'deleting the StatefulSet deletes its pods (it has no claims)';
  } else if (whenDeleted === 'Delete') {
    deleteMessage = 'deleting the StatefulSet deletes its pods and its claims (whenDeleted: Delete)';
  } else {
    deleteMessage = 'deleting the StatefulSet deletes its pods and keeps their claims (whenDeleted: Retain)';
  }
  return { order, whenScaled, whenDeleted, message, deleteMessage };
}

// ---------------------------------------------------------------------------
// Problems not tied to one StatefulSet

function globalProblems(world: World): Problem[] {
  const problems: Problem[] = [];
  for (const s of world.services) {
    const spec = obj(s.object, 'spec');
    if (str(spec, 'type') === 'ExternalName') continue;
    const selector = strMap(spec, 'selector');
    if (Object.keys(selector).length === 0) continue;
    const selected = world.workloads.filter((w) => w.namespace === namespaceOf(s) && mapSelectorMatches(selector, w.labels));
    if (selected.length === 0) {
      problems.push({
        severity: 'warning',
        subject: ref('Service', s),
        message: `its selector ${formatLabels(selector)} selects no pods in the input: it gets no endpoints`,
        fix: 'make the selector equal to the labels of the pods it serves',
        refused: false,
        source: s.source,
      });
    }
  }
  for (const b of world.budgets) {
    const selector = readSelector(obj(b.object, 'spec'), 'selector');
    const selected = world.workloads.filter((w) => w.namespace === namespaceOf(b) && budgetSelects(b, w.labels));
    if (selected.length === 0) {
      problems.push({
        severity: 'warning',
        subject: ref('PodDisruptionBudget', b),
        message: selector ? `its selector ${formatSelector(selector)} selects no pods in the input: it protects nothing` : 'it has no selector: it protects nothing',
        fix: 'make the selector match the labels of the pods it protects',
        refused: false,
        source: b.source,
      });
    }
  }
  for (const v of world.volumes) {
    const subject = `PersistentVolume ${v.o.name}`;
    if (v.info.source.startsWith('hostPath ') && v.info.node === null) {
      problems.push({
        severity: 'warning',
        subject,
        message: `a hostPath volume without nodeAffinity: a pod using it can be scheduled on any node and sees that node's ${v.info.source.slice('hostPath '.length)}, so its data does not follow it`,
        fix: 'add spec.nodeAffinity requiring the node that holds the data (or use a local volume)',
        refused: false,
        source: v.o.source,
      });
    }
    if (v.info.reclaimPolicy === 'Recycle') {
      problems.push({
        severity: 'warning',
        subject,
        message: 'reclaim policy Recycle (deprecated): when its claim is released, the volume is wiped (rm -rf) and its data is lost',
        fix: 'use persistentVolumeReclaimPolicy: Retain',
        refused: false,
        source: v.o.source,
      });
    }
  }
  return problems;
}
