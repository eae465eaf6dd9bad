/**
 * One StatefulSet: its pods, their DNS names and claims (drafted first, so that claims competing
 * for the same volumes can be settled across StatefulSets), then the finished plan.
 */
import { BaseResolution, ClaimRequest, claimRequest, resolveClaim } from './claims';
import { planDisruption } from './disruption';
import { arr, formatLabels, formatSelector, isObj, int, listing, Obj, obj, parseQuantity, plural, readSelector, selectorIsEmpty, selectorMatches, str, strList, strMap } from './k8s';
import { LoadedObject } from './load';
import { planGoverningService } from './services';
import { ClaimPlan, ClaimResolution, PodPlan, Problem, Severity, StatefulSetPlan, VolumeInfo } from './types';
import { planScaleDown, planUpdate } from './updates';
import { namespaceOf, ref, World } from './world';

export interface Draft {
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

export interface ClaimDraft {
  readonly template: string;
  readonly name: string;
  readonly request: ClaimRequest;
  readonly inInput: boolean;
  readonly base: BaseResolution;
  resolution: ClaimResolution;
}

export function draftStatefulSet(o: LoadedObject, world: World, clusterDomain: string, reservedByClaims: Map<string, string>): Draft {
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

export function finish(d: Draft, world: World): StatefulSetPlan {
  const subject = ref('StatefulSet', d.o);
  const problems = d.problems;
  const problem = (severity: Severity, message: string, fix?: string, refused = false) =>
    problems.push({ severity, subject, message, fix, refused, source: d.o.source });

  const governingService = planGoverningService(d, world, problem);

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

export function toClaimPlan(c: ClaimDraft): ClaimPlan {
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
