/**
 * `plan --against` for a StatefulSet: the update rules of the API server, what the update does
 * (template roll, scale), and the day-2 risks it carries.
 *
 * The rule is `ValidateStatefulSetUpdate` (pkg/apis/apps/validation/validation.go, Kubernetes 1.27
 * to 1.31): it copies replicas, template, updateStrategy, minReadySeconds, ordinals and
 * persistentVolumeClaimRetentionPolicy from the new spec onto the old one and refuses the update
 * unless the rest is `apiequality.Semantic.DeepEqual`, after `SetDefaults_StatefulSet`. So the
 * selector, serviceName, podManagementPolicy, volumeClaimTemplates and revisionHistoryLimit (and
 * any other field) cannot change.
 */
import { ChangeStatus, emptyChange, Finding, REFUSED, Refusal, ScaleChange, StatefulSetChange, TemplateChange } from './changes';
import { arr, canonical, formatSelector, int, isObj, listing, Obj, obj, parseQuantity, plural, readSelector, sameQuantity, str, strMap } from './k8s';
import { listSome, MAX_PODS } from './limits';
import { LoadedObject } from './load';
import { isCassandra, isZooKeeper } from './patterns';
import { diffPaths, normalizePodTemplate, normalizeStatefulSetSpec, short } from './semantic';
import { podsDownFrom, podsUpFrom } from './updates';
import { namespaceOf } from './world';
import { claimName, podName, quorumOf, toleratedFailures } from '../private/identity';

const RULE = 'ValidateStatefulSetUpdate';

/** Spec fields the API server lets an update change (`ValidateStatefulSetUpdate`). */
export const MUTABLE_SPEC_FIELDS = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

const CHECKED_SPEC_FIELDS = new Set([...MUTABLE_SPEC_FIELDS, 'selector', 'serviceName', 'podManagementPolicy', 'volumeClaimTemplates']);

/** One StatefulSet as compared: its spec with the server's defaults, and its claim templates by key. */
interface Shape {
  readonly o: LoadedObject;
  readonly name: string;
  readonly namespace: string;
  /** The spec as written. */
  readonly raw: Obj;
  /** The spec with the server's defaults, nulls and empty values pruned. */
  readonly spec: Obj;
  readonly replicas: number;
  readonly start: number;
  /** Claim templates by name (`#<index>` for a template without a name), normalized. */
  readonly templates: Map<string, Obj>;
  /** The names of the claim templates that have one. */
  readonly templateNames: string[];
}

function shape(o: LoadedObject): Shape {
  const raw = obj(o.object, 'spec');
  const spec = normalizeStatefulSetSpec(raw);
  const templates = new Map<string, Obj>();
  arr(spec, 'volumeClaimTemplates').filter(isObj).forEach((t, i) => {
    const name = str(obj(t, 'metadata'), 'name') ?? '';
    templates.set(name === '' ? `#${i}` : name, t);
  });
  return {
    o,
    name: o.name,
    namespace: namespaceOf(o),
    raw,
    spec,
    replicas: Math.max(0, int(spec, 'replicas') ?? 1),
    start: Math.max(0, int(obj(spec, 'ordinals'), 'start') ?? 0),
    templates,
    templateNames: [...templates.keys()].filter((k) => !k.startsWith('#')),
  };
}

/** The pods in start order (at most MAX_PODS). */
function podNames(s: Shape): string[] {
  return podsUpFrom(s.name, s.start, 0, s.replicas - 1);
}

/** `a, b and c`, or `a, b, ... and 990 more` past ten names. */
function someOf(names: string[], total: number): string {
  return listSome(names, undefined, total);
}

/** The claims of a template, in start order (at most MAX_PODS names), and how many there are. */
function claimsOf(s: Shape, template: string): { names: string[]; total: number } {
  const count = Math.min(s.replicas, MAX_PODS);
  return { names: Array.from({ length: count }, (_, i) => claimName(template, s.name, s.start + i)), total: s.replicas };
}

function nsFlag(s: Shape): string {
  return `-n ${s.namespace}`;
}

function orphanSteps(s: Shape): string[] {
  return [
    `recreate the StatefulSet without touching its pods and claims: kubectl delete statefulset ${s.name} ${nsFlag(s)} --cascade=orphan`,
    'then apply the new manifests (sync again): the new StatefulSet adopts the running pods',
  ];
}

function rollByHand(s: Shape, why: string): string {
  const pods = podsDownFrom(s.name, s.start, s.replicas - 1, 0);
  return pods.length === 0
    ? ''
    : `${why}: delete them one at a time, highest ordinal first (kubectl delete pod ${pods[0]} ${nsFlag(s)}, wait until it is Running and Ready, then ${someOf(pods.slice(1), s.replicas - 1) || 'done'}), so each is recreated from the new StatefulSet`;
}

function change(s: Shape, status: ChangeStatus, fields: Partial<StatefulSetChange>): StatefulSetChange {
  return { ...emptyChange('StatefulSet', s.namespace, s.name, status), template: null, scale: null, ...fields };
}

export function statefulSetAdded(n: LoadedObject): StatefulSetChange {
  const s = shape(n);
  const pods = podNames(s);
  return change(s, 'added', {
    message: s.replicas === 0
      ? 'new StatefulSet with 0 replicas: creates no pod'
      : `new StatefulSet: creates ${someOf(pods, s.replicas)}${s.templates.size > 0 ? ' with their claims' : ''} (see its plan)`,
  });
}

/** What deleting the StatefulSet deletes: its pods, and its claims with whenDeleted: Delete. */
export function statefulSetDeletion(o: LoadedObject): string {
  const s = shape(o);
  const whenDeleted = str(obj(s.spec, 'persistentVolumeClaimRetentionPolicy'), 'whenDeleted') ?? 'Retain';
  const claims = s.templateNames.map((t) => claimsOf(s, t));
  const claimText = listSome(claims.flatMap((c) => c.names), undefined, claims.reduce((sum, c) => sum + c.total, 0));
  let fate: string;
  if (claims.length === 0 || s.replicas === 0) fate = '';
  else if (whenDeleted === 'Delete') fate = `; its claims ${claimText} are deleted too (whenDeleted: Delete)`;
  else fate = `; its claims ${claimText} are kept, with their data (whenDeleted: Retain)`;
  return `the StatefulSet and its pods${s.replicas > 0 ? ` ${someOf(podNames(s), s.replicas)}` : ''} are deleted${fate}`;
}

export function statefulSetRemoved(o: LoadedObject): StatefulSetChange {
  const s = shape(o);
  return change(s, 'removed', {
    message: `no longer in the input: if the deployment prunes it (Argo CD or Flux with pruning, kubectl apply --prune), ${statefulSetDeletion(o)}`,
  });
}

/** Compares the deployed StatefulSet `o` with the new one `n`. */
export function compareStatefulSet(o: LoadedObject, n: LoadedObject, classes: Map<string, LoadedObject>): StatefulSetChange {
  const before = shape(o);
  const after = shape(n);
  const refusals: Refusal[] = [];

  // selector
  const selBefore = readSelector(before.spec, 'selector');
  const selAfter = readSelector(after.spec, 'selector');
  if (canonical(selBefore) !== canonical(selAfter)) {
    const oldClaims = before.templateNames.flatMap((t) => claimsOf(before, t).names);
    refusals.push({
      field: 'selector',
      change: `selector ${selBefore ? formatSelector(selBefore) : '(none)'} -> ${selAfter ? formatSelector(selAfter) : '(none)'}`,
      message: `the selector cannot change on an existing StatefulSet: ${REFUSED}`,
      fix: [
        'keep the old selector (and keep its labels on the pod template), or',
        `create the StatefulSet under a new name: new pods and new claims, the data in the old claims (${oldClaims.length > 0 ? listSome(oldClaims) : 'none'}) is not carried over, or`,
        ...orphanSteps(after),
        'running pods that do not carry the new labels are not adopted: delete them one at a time so the StatefulSet recreates them (they reattach their claims by name)',
      ],
      rule: RULE,
    });
  }

  // serviceName
  const svcBefore = str(before.spec, 'serviceName') ?? '';
  const svcAfter = str(after.spec, 'serviceName') ?? '';
  if (svcBefore !== svcAfter) {
    refusals.push({
      field: 'serviceName',
      change: `serviceName ${svcBefore || '(none)'} -> ${svcAfter || '(none)'}`,
      message: `serviceName cannot change on an existing StatefulSet: ${REFUSED}`,
      fix: [
        'keep the old serviceName, or',
        ...orphanSteps(after),
        rollByHand(before, `the running pods keep their DNS names under ${svcBefore || '(no service)'} until they are recreated`),
      ].filter((x) => x !== ''),
      rule: RULE,
    });
  }

  // podManagementPolicy (defaults to OrderedReady)
  const pmpBefore = str(before.spec, 'podManagementPolicy') ?? 'OrderedReady';
  const pmpAfter = str(after.spec, 'podManagementPolicy') ?? 'OrderedReady';
  if (pmpBefore !== pmpAfter) {
    refusals.push({
      field: 'podManagementPolicy',
      change: `podManagementPolicy ${pmpBefore} -> ${pmpAfter}`,
      message: `podManagementPolicy cannot change on an existing StatefulSet: ${REFUSED}`,
      fix: ['keep the old policy, or', ...orphanSteps(after), 'pods and claims are kept and nothing restarts'],
      rule: RULE,
    });
  }

  refusals.push(...compareClaimTemplates(before, after, classes));

  // Any other spec field (revisionHistoryLimit included), compared after defaulting.
  const otherKeys = new Set([...Object.keys(before.spec), ...Object.keys(after.spec)].filter((k) => !CHECKED_SPEC_FIELDS.has(k)));
  for (const k of [...otherKeys].sort()) {
    if (canonical(before.spec[k]) !== canonical(after.spec[k])) {
      refusals.push({
        field: k,
        change: `spec.${k}: ${short(before.spec[k])} -> ${short(after.spec[k])}`,
        message: `only ${MUTABLE_SPEC_FIELDS.join(', ')} may change on an existing StatefulSet: ${REFUSED}`,
        fix: [`keep the old spec.${k}, or`, ...orphanSteps(after)],
        rule: RULE,
      });
    }
  }

  const scale = compareScale(before, after);
  const template = compareTemplate(before, after);
  const other = compareOther(before, after);
  const findings = dayTwo(before, after, scale, template);
  const changed = refusals.length > 0 || scale !== null || template !== null || other.length > 0;
  return change(after, changed ? 'changed' : 'unchanged', { refusals, template, scale, other, findings });
}

function compareClaimTemplates(before: Shape, after: Shape, classes: Map<string, LoadedObject>): Refusal[] {
  const refusals: Refusal[] = [];
  const message = `volumeClaimTemplates cannot change on an existing StatefulSet: ${REFUSED}`;
  const label = (key: string) => (key.startsWith('#') ? `without a name (position ${key.slice(1)})` : key);

  for (const [key, t] of after.templates) {
    const previous = before.templates.get(key);
    if (!previous) {
      refusals.push({
        field: `volumeClaimTemplates[${key}]`,
        change: `claim template ${label(key)} added`,
        message,
        fix: [
          ...orphanSteps(after),
          rollByHand(before, `the running pods keep running without the new volume ${label(key)}`),
        ].filter((x) => x !== ''),
        rule: RULE,
      });
      continue;
    }
    const storageBefore = obj(obj(obj(previous, 'spec'), 'resources'), 'requests').storage;
    const storageAfter = obj(obj(obj(t, 'spec'), 'resources'), 'requests').storage;
    if (!sameQuantity(storageBefore, storageAfter)) {
      const grow = (parseQuantity(storageAfter) ?? 0) > (parseQuantity(storageBefore) ?? 0);
      const rawBefore = rawStorage(before, key) ?? storageBefore;
      const rawAfter = rawStorage(after, key) ?? storageAfter;
      refusals.push({
        field: `volumeClaimTemplates[${key}].spec.resources.requests.storage`,
        change: `claim template ${label(key)}: storage ${short(rawBefore)} -> ${short(rawAfter)}`,
        message,
        fix: grow && !key.startsWith('#') ? growSteps(before, after, key, t, String(rawAfter), classes) : [
          grow ? 'keep the old size' : `a claim can never shrink (the API server refuses to lower spec.resources.requests.storage of a bound claim): keep ${short(rawBefore)}`,
          'to use smaller volumes, create a StatefulSet under a new name and move the data to it',
        ],
        rule: RULE,
      });
    }
    // The storage request was compared above; compare everything else.
    const a = withoutStorage(previous);
    const b = withoutStorage(t);
    const paths: string[] = [];
    diffPaths(a, b, '', paths);
    if (paths.length > 0) {
      refusals.push({
        field: `volumeClaimTemplates[${key}]`,
        change: `claim template ${label(key)} changed: ${paths.join('; ')}`,
        message,
        fix: [
          'keep the old claim template, or',
          ...orphanSteps(after),
          key.startsWith('#')
            ? 'only claims created later use the new template'
            : `the existing claims ${someOf(claimsOf(before, key).names, before.replicas)} keep their current settings: only claims created later use the new template; to move existing data to the new settings (e.g. another StorageClass), copy it to new claims`,
        ],
        rule: RULE,
      });
    }
  }
  for (const key of before.templates.keys()) {
    if (after.templates.has(key)) continue;
    refusals.push({
      field: `volumeClaimTemplates[${key}]`,
      change: `claim template ${label(key)} removed`,
      message,
      fix: [
        'keep the claim template, or',
        ...orphanSteps(after),
        rollByHand(before, `the running pods still mount ${label(key)}`),
        key.startsWith('#') ? '' : `the claims ${someOf(claimsOf(before, key).names, before.replicas)} are not deleted: delete them yourself once their data is no longer needed`,
      ].filter((x) => x !== ''),
      rule: RULE,
    });
  }
  const common = [...after.templates.keys()].filter((x) => before.templates.has(x));
  const commonBefore = [...before.templates.keys()].filter((x) => after.templates.has(x));
  if (canonical(common) !== canonical(commonBefore)) {
    refusals.push({
      field: 'volumeClaimTemplates',
      change: `claim templates reordered: ${commonBefore.map(label).join(', ')} -> ${common.map(label).join(', ')}`,
      message,
      fix: ['keep the old order of volumeClaimTemplates'],
      rule: RULE,
    });
  }
  return refusals;
}

/** The storage request of a claim template as written (for messages). */
function rawStorage(s: Shape, key: string): unknown {
  const templates = arr(s.raw, 'volumeClaimTemplates').filter(isObj);
  const t = key.startsWith('#') ? templates[Number(key.slice(1))] : templates.find((x) => str(obj(x, 'metadata'), 'name') === key);
  return obj(obj(obj(t, 'spec'), 'resources'), 'requests').storage;
}

function withoutStorage(t: Obj): Obj {
  const copy = structuredClone(t);
  const resources = obj(obj(copy, 'spec'), 'resources');
  const requests = obj(resources, 'requests');
  delete requests.storage;
  if (Object.keys(requests).length === 0) delete resources.requests;
  if (Object.keys(resources).length === 0) delete obj(copy, 'spec').resources;
  return copy;
}

function growSteps(before: Shape, after: Shape, template: string, t: Obj, size: string, classes: Map<string, LoadedObject>): string[] {
  const { names: claims, total } = claimsOf(before, template);
  const patch = JSON.stringify({ spec: { resources: { requests: { storage: size } } } });
  const className = str(obj(t, 'spec'), 'storageClassName');
  let expansion: string;
  const defaultClass = [...classes.values()].find((c) => strMap(obj(c.object, 'metadata'), 'annotations')['storageclass.kubernetes.io/is-default-class'] === 'true');
  const sc = className !== undefined ? classes.get(className) : defaultClass;
  if (className === '') {
    expansion = 'the claims are bound to static volumes (storageClassName ""): those cannot be expanded through the claim; grow each volume and its PersistentVolume capacity first';
  } else if (sc) {
    expansion = sc.object.allowVolumeExpansion === true
      ? `StorageClass ${sc.name} allows it (allowVolumeExpansion: true)`
      : `StorageClass ${sc.name} does not set allowVolumeExpansion: true, so the API server refuses that too: set it on the class if its provisioner supports expansion, otherwise copy the data to new, larger claims`;
  } else if (className !== undefined) {
    expansion = `this works only if StorageClass ${className} allows expansion: check kubectl get storageclass ${className} -o jsonpath='{.allowVolumeExpansion}'`;
  } else {
    expansion = 'this works only if the cluster\'s default StorageClass (which provisioned the claims) sets allowVolumeExpansion: true';
  }
  return [
    claims.length > 0
      ? `expand the existing claims directly: kubectl patch pvc ${claims[0]} ${nsFlag(before)} -p '${patch}'${total > 1 ? ` (and the same for ${someOf(claims.slice(1), total - 1)})` : ''}; ${expansion}`
      : `no claim exists yet (0 replicas); ${expansion}`,
    ...orphanSteps(after),
    `claims created from now on get ${size}`,
  ];
}

/** Ordinals in [aStart, aStart + aCount) that are not in [bStart, bStart + bCount), as ranges. */
function rangeMinus(aStart: number, aCount: number, bStart: number, bCount: number): [number, number][] {
  const aEnd = aStart + aCount - 1;
  const bEnd = bStart + bCount - 1;
  if (aCount <= 0) return [];
  if (bCount <= 0 || bEnd < aStart || bStart > aEnd) return [[aStart, aEnd]];
  const out: [number, number][] = [];
  if (aStart < bStart) out.push([aStart, bStart - 1]);
  if (aEnd > bEnd) out.push([bEnd + 1, aEnd]);
  return out;
}

function compareScale(before: Shape, after: Shape): ScaleChange | null {
  if (before.replicas === after.replicas && before.start === after.start) return null;
  const addedRanges = rangeMinus(after.start, after.replicas, before.start, before.replicas);
  const removedRanges = rangeMinus(before.start, before.replicas, after.start, after.replicas).reverse();
  const count = (ranges: [number, number][]) => ranges.reduce((sum, [a, b]) => sum + b - a + 1, 0);
  const addedCount = count(addedRanges);
  const removedCount = count(removedRanges);
  const addedOrds: number[] = [];
  for (const [a, b] of addedRanges) for (let x = a; x <= b && addedOrds.length < MAX_PODS; x++) addedOrds.push(x);
  const removedOrds: number[] = [];
  for (const [a, b] of removedRanges) for (let x = b; x >= a && removedOrds.length < MAX_PODS; x--) removedOrds.push(x);
  const addedPods = addedOrds.map((x) => podName(after.name, x));
  const removedPods = removedOrds.map((x) => podName(after.name, x));
  const templates = after.templateNames;
  const whenScaled = str(obj(after.spec, 'persistentVolumeClaimRetentionPolicy'), 'whenScaled') ?? 'Retain';
  const parallel = (str(after.spec, 'podManagementPolicy') ?? 'OrderedReady') === 'Parallel';

  const parts: string[] = [];
  const what = before.start !== after.start
    ? `ordinals.start ${before.start} -> ${after.start}, replicas ${before.replicas} -> ${after.replicas}`
    : `replicas ${before.replicas} -> ${after.replicas}`;
  if (addedCount > 0) {
    const claims = templates.flatMap((t) => addedOrds.map((x) => claimName(t, after.name, x)));
    parts.push(`adds ${someOf(addedPods, addedCount)} (${parallel ? 'all at once' : 'one at a time, in this order'})${claims.length > 0 ? `; they get the claims ${someOf(claims, addedCount * templates.length)}: new ones, or the claims kept from an earlier scale down, with their data` : ''}`);
  }
  if (removedCount > 0) {
    const claims = before.templateNames.flatMap((t) => removedOrds.map((x) => claimName(t, before.name, x)));
    let fate = '';
    if (claims.length > 0) {
      const names = someOf(claims, removedCount * before.templateNames.length);
      fate = whenScaled === 'Delete'
        ? `; their claims ${names} are deleted (whenScaled: Delete), and with them the data unless the volumes are retained`
        : `; their claims ${names} are kept, with their data (whenScaled: Retain)`;
    }
    parts.push(`removes ${someOf(removedPods, removedCount)} (highest ordinal first${parallel ? ', all at once' : ', one at a time'})${fate}`);
  }
  return {
    replicasBefore: before.replicas,
    replicasAfter: after.replicas,
    startBefore: before.start,
    startAfter: after.start,
    added: addedPods,
    removed: removedPods,
    message: `${what}: ${parts.join('; ') || 'no pod changes'}`,
  };
}

function compareTemplate(before: Shape, after: Shape): TemplateChange | null {
  const a = normalizePodTemplate(obj(before.spec, 'template'));
  const b = normalizePodTemplate(obj(after.spec, 'template'));
  if (canonical(a) === canonical(b)) return null;
  const changed: string[] = [];
  diffPaths(a, b, '', changed);

  const strategy = obj(after.spec, 'updateStrategy');
  const type = str(strategy, 'type') ?? 'RollingUpdate';
  const partition = Math.max(0, int(obj(strategy, 'rollingUpdate'), 'partition') ?? 0);
  // Pods that exist before the update and after it: positions (ordinal - start) of the new set.
  const firstExisting = Math.max(before.start, after.start) - after.start;
  const lastExisting = Math.min(before.start + before.replicas, after.start + after.replicas) - 1 - after.start;
  const existing = Math.max(0, lastExisting - firstExisting + 1);

  if (type === 'OnDelete') {
    return {
      changed,
      restarts: [],
      message: 'the pod template changes, but with OnDelete no pod restarts by itself: each pod gets the new template when you delete it',
    };
  }
  const lowestRolled = Math.max(firstExisting, partition);
  const restartCount = Math.max(0, lastExisting - lowestRolled + 1);
  const keptCount = existing - restartCount;
  const restarts = podsDownFrom(after.name, after.start, lastExisting, lowestRolled);
  const kept = podsUpFrom(after.name, after.start, firstExisting, Math.min(lastExisting, partition - 1));
  let message: string;
  if (existing === 0) {
    message = 'the pod template changes; no running pod is affected (new pods start with the new template)';
  } else if (restartCount === 0) {
    message = `the pod template changes, but no pod restarts now: partition ${partition} is at or above the number of pods; they roll when the partition is lowered`;
  } else {
    message = restartCount === 1
      ? `the pod template changes: ${restarts[0]} restarts (RollingUpdate)`
      : `the pod template changes: ${someOf(restarts, restartCount)} restart in this order (RollingUpdate, highest ordinal first, one at a time, each waiting for the previous one to be Running and Ready)`;
    if (keptCount > 0) message += `; ${someOf(kept, keptCount)} ${keptCount === 1 ? 'keeps' : 'keep'} the old template (partition ${partition})`;
  }
  return { changed, restarts, message };
}

function compareOther(before: Shape, after: Shape): string[] {
  const out: string[] = [];
  const sA = obj(before.spec, 'updateStrategy');
  const sB = obj(after.spec, 'updateStrategy');
  const typeA = str(sA, 'type') ?? 'RollingUpdate';
  const typeB = str(sB, 'type') ?? 'RollingUpdate';
  if (typeA !== typeB) out.push(`updateStrategy ${typeA} -> ${typeB}`);
  const pA = int(obj(sA, 'rollingUpdate'), 'partition') ?? 0;
  const pB = int(obj(sB, 'rollingUpdate'), 'partition') ?? 0;
  if (typeB === 'RollingUpdate' && pA !== pB) {
    out.push(pB < pA
      ? `partition ${pA} -> ${pB}: pods at positions ${pB} to ${pA - 1} that still run an older template roll now, highest first`
      : `partition ${pA} -> ${pB}: later template changes leave the pods below position ${pB} on the old template`);
  }
  const muA = obj(sA, 'rollingUpdate').maxUnavailable;
  const muB = obj(sB, 'rollingUpdate').maxUnavailable;
  if (canonical(muA) !== canonical(muB)) out.push(`rollingUpdate.maxUnavailable ${short(muA)} -> ${short(muB)}`);

  const rA = obj(before.spec, 'persistentVolumeClaimRetentionPolicy');
  const rB = obj(after.spec, 'persistentVolumeClaimRetentionPolicy');
  for (const field of ['whenScaled', 'whenDeleted']) {
    const a = str(rA, field) ?? 'Retain';
    const b = str(rB, field) ?? 'Retain';
    if (a === b) continue;
    const when = field === 'whenScaled' ? 'removed by a scale down' : 'of a deleted StatefulSet';
    out.push(b === 'Delete'
      ? `persistentVolumeClaimRetentionPolicy.${field} ${a} -> ${b}: from now on, claims of pods ${when} are deleted`
      : `persistentVolumeClaimRetentionPolicy.${field} ${a} -> ${b}: from now on, claims of pods ${when} are kept`);
  }
  if (canonical(before.spec.minReadySeconds) !== canonical(after.spec.minReadySeconds)) {
    out.push(`minReadySeconds ${short(before.spec.minReadySeconds ?? 0)} -> ${short(after.spec.minReadySeconds ?? 0)}`);
  }
  return out;
}

/** Day-2 risks of an accepted change: quorum, ring membership, a rollout that can stick. */
function dayTwo(before: Shape, after: Shape, scale: ScaleChange | null, template: TemplateChange | null): Finding[] {
  const findings: Finding[] = [];
  const ns = nsFlag(after);

  // ZooKeeper: the ensemble's membership is its configuration; change it one server at a time,
  // and keep it odd (an even ensemble tolerates no more failures than one server fewer).
  if (scale && isZooKeeper(after.raw) && before.replicas !== after.replicas && after.replicas > 0) {
    const delta = Math.abs(after.replicas - before.replicas);
    if (delta > 1) {
      findings.push({
        severity: 'warning',
        message: `ZooKeeper servers ${before.replicas} -> ${after.replicas}: the ensemble changes by ${delta} servers at once; servers that start with a different server list than the running quorum can form a second quorum (split brain) or fail to join`,
        fix: `change the server count by one at a time (${before.replicas} -> ${before.replicas + Math.sign(after.replicas - before.replicas)} first), and wait until every server is Running and Ready and the ensemble has a leader before the next step`,
      });
    }
    if (after.replicas % 2 === 0) {
      findings.push({
        severity: 'warning',
        message: `ZooKeeper with ${after.replicas} servers: an even ensemble needs a quorum of ${quorumOf(after.replicas)} and tolerates ${plural(toleratedFailures(after.replicas), 'failed server')}, no more than ${after.replicas - 1} servers do`,
        fix: `run an odd number of servers (${after.replicas - 1} or ${after.replicas + 1})`,
      });
    }
  }

  // Cassandra: a node removed without `nodetool decommission` leaves its token ranges owned by a
  // node that is gone: replicas of that data are missing until the ring is repaired.
  if (scale && scale.removed.length > 0 && isCassandra(after.raw)) {
    const first = scale.removed[0];
    findings.push({
      severity: 'warning',
      message: `the Cassandra ring loses ${listing(scale.removed.slice(0, 3))}${scale.removed.length > 3 ? ' and more' : ''}: a scale down deletes the pods without decommissioning them, so the data they own loses replicas and the ring still lists them as down`,
      fix: `decommission first, highest ordinal first: kubectl exec ${first} ${ns} -- nodetool decommission; wait until nodetool status no longer lists it; then lower replicas by one, and repeat for the next pod`,
    });
  }

  // OrderedReady rolling update: if a new revision's pod never becomes Ready, the controller waits
  // for it forever, and reverting the template does not replace that pod.
  const policy = str(after.spec, 'podManagementPolicy') ?? 'OrderedReady';
  if (template && template.restarts.length > 0 && policy === 'OrderedReady') {
    const first = template.restarts[0];
    findings.push({
      severity: 'warning',
      message: `with podManagementPolicy OrderedReady, if ${first} does not become Running and Ready on the new template, the rolling update stops there for good: reverting the template does not replace a pod that never became Ready`,
      fix: `to recover: kubectl rollout undo statefulset/${after.name} ${ns} (or revert the commit), then kubectl delete pod ${first} ${ns} so it is recreated from the reverted template`,
    });
  }
  return findings;
}
