/**
 * One StatefulSet: its pods, their DNS names and claims (drafted first, so that claims competing
 * for the same volumes can be settled across StatefulSets), then the finished plan.
 */
import { BaseResolution, ClaimRequest, claimRequest, resolveClaim, VolumePool } from './claims';
import { planDisruption } from './disruption';
import { arr, formatLabels, formatSelector, int, isObj, listing, Obj, obj, parseQuantity, plural, readSelector, selectorIsEmpty, selectorIsValid, selectorMatches, str, strList, strMap, text } from './k8s';
import { listSome, MAX_PODS, more } from './limits';
import { LoadedObject } from './load';
import { planGoverningService } from './services';
import { ClaimPlan, ClaimResolution, PodPlan, Problem, Severity, StatefulSetPlan, VolumeInfo } from './types';
import { planScaleDown, planUpdate } from './updates';
import { validateStatefulSet } from './validate';
import { namespaceOf, nsKey, ref, World } from './world';
import { claimName, ordinalsOf, podDnsName, podName } from '../private/identity';

export interface Draft {
  readonly o: LoadedObject;
  readonly namespace: string;
  readonly name: string;
  readonly spec: Obj;
  /** spec.replicas (default 1), never below 0. */
  readonly replicas: number;
  readonly serviceName: string;
  readonly podManagementPolicy: string;
  readonly startOrdinal: number;
  readonly podLabels: Record<string, string>;
  /** The pods planned one by one: the first MAX_PODS in start order. */
  readonly pods: { ordinal: number; name: string; dnsName: string | null }[];
  /** Pods beyond the ones planned. */
  readonly podsOmitted: number;
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

export function draftStatefulSet(o: LoadedObject, world: World, clusterDomain: string, pool: VolumePool): Draft {
  const namespace = namespaceOf(o);
  const subject = ref('StatefulSet', o);
  const spec = obj(o.object, 'spec');
  const problems: Problem[] = [];
  const problem = (severity: Severity, message: string, fix?: string, refused = false) =>
    problems.push({ severity, subject, message, fix, refused, source: o.source });

  // What the API server refuses when the StatefulSet is created (or updated).
  for (const r of validateStatefulSet(o.object)) problem('error', `${r.message}: the API server refuses it`, r.fix, true);

  const replicas = Math.max(0, int(spec, 'replicas') ?? 1);
  const serviceName = str(spec, 'serviceName') ?? '';
  const podManagementPolicy = str(spec, 'podManagementPolicy') || 'OrderedReady';
  const startOrdinal = Math.max(0, int(obj(spec, 'ordinals'), 'start') ?? 0);
  const template = obj(spec, 'template');
  const podLabels = strMap(obj(template, 'metadata'), 'labels');

  // The StatefulSet's own selector (validateStatefulSet reports a missing or empty one).
  const selector = readSelector(spec, 'selector');
  if (selector && !selectorIsEmpty(selector) && selectorIsValid(selector)) {
    if (!selectorMatches(selector, podLabels)) {
      problem(
        'error',
        `spec.selector (${formatSelector(selector)}) does not match the template labels (${formatLabels(podLabels)}): the API server refuses the StatefulSet ("selector does not match template labels")`,
        'derive the selector and the template labels from the same label map',
        true,
      );
    } else {
      for (const other of world.statefulSetPods.select(namespace, selector)) {
        if (other === o) continue;
        problem('warning', `spec.selector (${formatSelector(selector)}) also matches the pods of ${ref('StatefulSet', other)}`, 'give each StatefulSet a label the others do not carry');
      }
    }
  }

  // Pods: without a name the API server refuses the StatefulSet, and there is nothing to name them after.
  const named = o.name !== '';
  const listed = named ? Math.min(replicas, MAX_PODS) : 0;
  const pods = ordinalsOf(startOrdinal, listed).map((ordinal) => ({
    ordinal,
    name: podName(o.name, ordinal),
    dnsName: serviceName ? podDnsName(o.name, ordinal, serviceName, namespace, clusterDomain) : null,
  }));

  // Claims. A template without a name is accepted by the API server, but the controller names its
  // claims `-<statefulset>-<ordinal>`, which is not a valid name: they are never created.
  const templates = arr(spec, 'volumeClaimTemplates').filter(isObj);
  for (const t of templates) {
    const tName = str(obj(t, 'metadata'), 'name') ?? '';
    const tSpec = obj(t, 'spec');
    if (tName === '') {
      problem(
        'error',
        'a volumeClaimTemplate has no metadata.name: the StatefulSet is accepted, but its claims would be named -<statefulset>-<ordinal>, which is not a valid name, so they are never created and no pod starts',
        'name the claim template (e.g. data) and mount it under that name',
      );
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
  const namedTemplates = templates
    .map((t) => ({ t, name: str(obj(t, 'metadata'), 'name') ?? '' }))
    .filter((x) => x.name !== '');
  const claims: ClaimDraft[][] = pods.map((pod) => namedTemplates.map(({ t, name: tName }) => {
    const name = claimName(tName, o.name, pod.ordinal);
    const existing = world.claimByName.get(nsKey(namespace, name));
    const request = existing
      ? claimRequest(namespace, name, obj(existing.object, 'spec'), strMap(obj(existing.object, 'metadata'), 'annotations'))
      : claimRequest(namespace, name, obj(t, 'spec'), strMap(obj(t, 'metadata'), 'annotations'));
    const base = resolveClaim(request, world, pool);
    return { template: tName, name, request, inInput: existing !== undefined, base, resolution: base.resolution };
  }));

  // Problems about unsatisfied claims, once per template and reason.
  const byReason = new Map<string, string[]>();
  for (const c of claims.flat()) {
    if (c.resolution.kind !== 'unsatisfied' || c.request.storageBytes === undefined) continue;
    const key = `${c.template}\u0000${c.resolution.summary}`;
    const names = byReason.get(key);
    if (names) names.push(c.name); else byReason.set(key, [c.name]);
  }
  for (const [key, names] of byReason) {
    const summary = key.split('\u0000')[1];
    const sentence = names.length > 1 ? summary.replace('this claim', 'these claims').replace('the pod will', 'the pods will') : summary;
    problem(summary.startsWith('nothing in the input') ? 'warning' : 'error', `claim${names.length > 1 ? 's' : ''} ${listSome(names)}: ${sentence}`);
  }

  return {
    o,
    namespace,
    name: o.name,
    spec,
    replicas,
    serviceName,
    podManagementPolicy,
    startOrdinal,
    podLabels,
    pods,
    podsOmitted: named ? replicas - listed : 0,
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

  let startMessage = d.replicas === 0
    ? 'replicas is 0: no pod runs'
    : d.name === ''
      ? 'the StatefulSet has no name: no pod is planned'
      : d.podManagementPolicy === 'Parallel'
        ? `Parallel: all ${plural(d.replicas, 'pod')} are created at once, without waiting for each other`
        : 'OrderedReady: one at a time, in this order; each pod is created only when the previous one is Running and Ready';
  if (d.podsOmitted > 0) startMessage += `; the first ${d.pods.length} are listed, ${more(d.podsOmitted)} follow the same pattern`;

  const pods: PodPlan[] = d.pods.map((p, i) => ({ ...p, claims: d.claims[i].map(toClaimPlan) }));
  const volumes = new Map<string, VolumeInfo>();
  for (const c of pods.flatMap((p) => p.claims)) {
    if (c.resolution.volume) volumes.set(c.resolution.volume.name, c.resolution.volume);
    for (const v of c.resolution.candidates ?? []) volumes.set(v.name, v);
  }

  // Retention with classes that delete volumes.
  const retention = obj(d.spec, 'persistentVolumeClaimRetentionPolicy');
  const whenScaled = str(retention, 'whenScaled') || 'Retain';
  const whenDeleted = str(retention, 'whenDeleted') || 'Retain';
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
    podsOmitted: d.podsOmitted,
    volumes: [...volumes.values()],
    disruption: planDisruption(d, world, problem),
    update: planUpdate(d),
    scaleDown: planScaleDown(d, whenScaled, whenDeleted),
    problems,
  };
}

export function toClaimPlan(c: ClaimDraft): ClaimPlan {
  const storage = c.request.storage;
  return {
    template: c.template,
    name: c.name,
    storage: storage === undefined || storage === null ? null : text(storage),
    accessModes: c.request.accessModes,
    storageClassName: c.request.storageClassName ?? null,
    inInput: c.inInput,
    resolution: c.resolution,
  };
}
