/**
 * `plan --against OLD`: compares the StatefulSets of the new manifests with the ones
 * currently deployed (matched by namespace and name) and says what the update does,
 * and which changes the API server refuses.
 */
import { arr, canonical, formatSelector, int, isObj, listing, Obj, obj, parseQuantity, readSelector, sameQuantity, str, strMap } from './k8s';
import { LoadedObject, LoadResult } from './load';
import { namespaceOf } from './world';

/** A change the API server refuses on update. */
export interface Refusal {
  /** The spec field, e.g. `volumeClaimTemplates[datadir]`. */
  readonly field: string;
  /** What changed, e.g. `claim template datadir: storage 10Gi -> 20Gi`. */
  readonly change: string;
  readonly message: string;
  /** What to do instead, step by step. */
  readonly fix: string[];
}

export interface TemplateChange {
  /** The changed paths inside spec.template, with old and new values. */
  readonly changed: string[];
  /** Pods that restart, in order. */
  readonly restarts: string[];
  readonly message: string;
}

export interface ScaleChange {
  readonly replicasBefore: number;
  readonly replicasAfter: number;
  readonly startBefore: number;
  readonly startAfter: number;
  /** Pods created, in start order. */
  readonly added: string[];
  /** Pods removed, in removal order (highest ordinal first). */
  readonly removed: string[];
  readonly message: string;
}

export type ChangeStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface StatefulSetChange {
  readonly namespace: string;
  readonly name: string;
  readonly status: ChangeStatus;
  readonly refusals: Refusal[];
  readonly template: TemplateChange | null;
  readonly scale: ScaleChange | null;
  /** Other accepted changes (update strategy, partition, claim retention, minReadySeconds, ...). */
  readonly other: string[];
  /** For added and removed StatefulSets. */
  readonly message: string | null;
}

export interface Diff {
  /** The files of the deployed manifests. */
  readonly againstFiles: string[];
  readonly statefulSets: StatefulSetChange[];
  /** Number of changes the API server refuses. */
  readonly refused: number;
}

/** Spec fields the API server lets an update change. */
export const MUTABLE_SPEC_FIELDS = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
  'revisionHistoryLimit',
];

const CHECKED_SPEC_FIELDS = new Set([...MUTABLE_SPEC_FIELDS, 'selector', 'serviceName', 'podManagementPolicy', 'volumeClaimTemplates']);

const REFUSED = 'the API server refuses the update, so the sync will fail';

/** Compares the deployed manifests (`old`) with the new ones. */
export function diffAgainst(old: LoadResult, current: LoadResult): Diff {
  const key = (o: LoadedObject) => `${namespaceOf(o)}/${o.name}`;
  const oldSets = new Map(old.objects.filter((o) => o.kind === 'StatefulSet').map((o) => [key(o), o]));
  const newSets = new Map(current.objects.filter((o) => o.kind === 'StatefulSet').map((o) => [key(o), o]));
  const classes = current.objects.filter((o) => o.kind === 'StorageClass');

  const changes: StatefulSetChange[] = [];
  for (const [k, n] of newSets) {
    const o = oldSets.get(k);
    changes.push(o ? compare(o, n, classes) : added(n));
  }
  for (const [k, o] of oldSets) {
    if (!newSets.has(k)) changes.push(removed(o));
  }
  return {
    againstFiles: old.files,
    statefulSets: changes,
    refused: changes.reduce((sum, c) => sum + c.refusals.length, 0),
  };
}

// ---------------------------------------------------------------------------

interface Shape {
  readonly name: string;
  readonly namespace: string;
  readonly spec: Obj;
  readonly replicas: number;
  readonly start: number;
  readonly templates: Obj[];
  readonly templateNames: string[];
}

function shape(o: LoadedObject): Shape {
  const spec = obj(o.object, 'spec');
  const templates = arr(spec, 'volumeClaimTemplates').filter(isObj);
  return {
    name: o.name,
    namespace: namespaceOf(o),
    spec,
    replicas: Math.max(0, int(spec, 'replicas') ?? 1),
    start: int(obj(spec, 'ordinals'), 'start') ?? 0,
    templates,
    templateNames: templates.map((t) => str(obj(t, 'metadata'), 'name') ?? ''),
  };
}

function podNames(s: Shape): string[] {
  return Array.from({ length: s.replicas }, (_, i) => `${s.name}-${s.start + i}`);
}

function claimNames(s: Shape, template: string, ordinals?: number[]): string[] {
  const ords = ordinals ?? Array.from({ length: s.replicas }, (_, i) => s.start + i);
  return ords.map((ord) => `${template}-${s.name}-${ord}`);
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
  const pods = podNames(s).reverse();
  return pods.length === 0
    ? ''
    : `${why}: delete them one at a time, highest ordinal first (kubectl delete pod ${pods[0]} ${nsFlag(s)}, wait until it is Running and Ready, then ${listing(pods.slice(1)) || 'done'}), so each is recreated from the new StatefulSet`;
}

function added(n: LoadedObject): StatefulSetChange {
  const s = shape(n);
  const pods = podNames(s);
  return {
    namespace: s.namespace,
    name: s.name,
    status: 'added',
    refusals: [],
    template: null,
    scale: null,
    other: [],
    message: pods.length === 0
      ? 'new StatefulSet with 0 replicas: creates no pod'
      : `new StatefulSet: creates ${listing(pods)}${s.templateNames.length > 0 ? ' with their claims' : ''} (see its plan)`,
  };
}

function removed(o: LoadedObject): StatefulSetChange {
  const s = shape(o);
  const whenDeleted = str(obj(s.spec, 'persistentVolumeClaimRetentionPolicy'), 'whenDeleted') ?? 'Retain';
  const claims = s.templateNames.filter((t) => t !== '').flatMap((t) => claimNames(s, t));
  const pods = podNames(s);
  let fate: string;
  if (claims.length === 0) fate = '';
  else if (whenDeleted === 'Delete') fate = `; its claims ${listing(claims)} are deleted too (whenDeleted: Delete)`;
  else fate = `; its claims ${listing(claims)} are kept, with their data (whenDeleted: Retain)`;
  return {
    namespace: s.namespace,
    name: s.name,
    status: 'removed',
    refusals: [],
    template: null,
    scale: null,
    other: [],
    message: `no longer in the input: if the deployment prunes it (Argo CD or Flux with pruning, kubectl apply --prune), the StatefulSet and its pods${pods.length ? ` ${listing(pods)}` : ''} are deleted${fate}`,
  };
}

function compare(o: LoadedObject, n: LoadedObject, classes: LoadedObject[]): StatefulSetChange {
  const before = shape(o);
  const after = shape(n);
  const refusals: Refusal[] = [];

  // selector
  const selBefore = readSelector(before.spec, 'selector');
  const selAfter = readSelector(after.spec, 'selector');
  if (canonical(selBefore) !== canonical(selAfter)) {
    refusals.push({
      field: 'selector',
      change: `selector ${selBefore ? formatSelector(selBefore) : '(none)'} -> ${selAfter ? formatSelector(selAfter) : '(none)'}`,
      message: `the selector cannot change on an existing StatefulSet: ${REFUSED}`,
      fix: [
        'keep the old selector (and keep its labels on the pod template), or',
        `create the StatefulSet under a new name: new pods and new claims, the data in the old claims (${before.templateNames.map((t) => `${t}-${before.name}-*`).join(', ') || 'none'}) is not carried over, or`,
        ...orphanSteps(after),
        'running pods that do not carry the new labels are not adopted: delete them one at a time so the StatefulSet recreates them (they reattach their claims by name)',
      ],
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
    });
  }

  // podManagementPolicy
  const pmpBefore = str(before.spec, 'podManagementPolicy') ?? 'OrderedReady';
  const pmpAfter = str(after.spec, 'podManagementPolicy') ?? 'OrderedReady';
  if (pmpBefore !== pmpAfter) {
    refusals.push({
      field: 'podManagementPolicy',
      change: `podManagementPolicy ${pmpBefore} -> ${pmpAfter}`,
      message: `podManagementPolicy cannot change on an existing StatefulSet: ${REFUSED}`,
      fix: ['keep the old policy, or', ...orphanSteps(after), 'pods and claims are kept and nothing restarts'],
    });
  }

  refusals.push(...compareClaimTemplates(before, after, classes));

  // Any other spec field the API server does not let change.
  const otherKeys = new Set([...Object.keys(before.spec), ...Object.keys(after.spec)].filter((k) => !CHECKED_SPEC_FIELDS.has(k)));
  for (const k of [...otherKeys].sort()) {
    if (canonical(before.spec[k]) !== canonical(after.spec[k])) {
      refusals.push({
        field: k,
        change: `spec.${k}: ${short(before.spec[k])} -> ${short(after.spec[k])}`,
        message: `only ${MUTABLE_SPEC_FIELDS.join(', ')} may change on an existing StatefulSet: ${REFUSED}`,
        fix: [`keep the old spec.${k}, or`, ...orphanSteps(after)],
      });
    }
  }

  const scale = compareScale(before, after);
  const template = compareTemplate(before, after);
  const other = compareOther(before, after);
  const changed = refusals.length > 0 || scale !== null || template !== null || other.length > 0;
  return {
    namespace: after.namespace,
    name: after.name,
    status: changed ? 'changed' : 'unchanged',
    refusals,
    template,
    scale,
    other,
    message: null,
  };
}

function normalizeClaimTemplate(t: Obj): Obj {
  const metadata = { ...obj(t, 'metadata') };
  delete metadata.creationTimestamp;
  for (const k of ['labels', 'annotations']) {
    if (isObj(metadata[k]) && Object.keys(metadata[k] as Obj).length === 0) delete metadata[k];
  }
  const spec: Obj = { ...obj(t, 'spec') };
  if (spec.volumeMode === undefined) spec.volumeMode = 'Filesystem';
  const resources: Obj = { ...obj(spec, 'resources') };
  for (const k of ['requests', 'limits']) {
    const q = optObjCopy(resources, k);
    if (q) {
      for (const [name, value] of Object.entries(q)) {
        const parsed = parseQuantity(value);
        q[name] = parsed === undefined ? value : parsed;
      }
      resources[k] = q;
    }
  }
  spec.resources = resources;
  return { metadata, spec };
}

function optObjCopy(parent: Obj, key: string): Obj | undefined {
  const v = parent[key];
  return isObj(v) ? { ...v } : undefined;
}

function compareClaimTemplates(before: Shape, after: Shape, classes: LoadedObject[]): Refusal[] {
  const refusals: Refusal[] = [];
  const oldByName = new Map(before.templates.map((t, i) => [before.templateNames[i], t]));
  const newByName = new Map(after.templates.map((t, i) => [after.templateNames[i], t]));
  const message = `volumeClaimTemplates cannot change on an existing StatefulSet: ${REFUSED}`;

  for (const [name, t] of newByName) {
    const previous = oldByName.get(name);
    if (!previous) {
      refusals.push({
        field: `volumeClaimTemplates[${name}]`,
        change: `claim template ${name} added`,
        message,
        fix: [
          ...orphanSteps(after),
          rollByHand(before, `the running pods keep running without the new volume ${name}`),
        ].filter((x) => x !== ''),
      });
      continue;
    }
    const storageBefore = obj(obj(obj(previous, 'spec'), 'resources'), 'requests').storage;
    const storageAfter = obj(obj(obj(t, 'spec'), 'resources'), 'requests').storage;
    if (!sameQuantity(storageBefore, storageAfter)) {
      const grow = (parseQuantity(storageAfter) ?? 0) > (parseQuantity(storageBefore) ?? 0);
      refusals.push({
        field: `volumeClaimTemplates[${name}].spec.resources.requests.storage`,
        change: `claim template ${name}: storage ${short(storageBefore)} -> ${short(storageAfter)}`,
        message,
        fix: grow ? growSteps(before, after, name, t, String(storageAfter), classes) : [
          `a claim can never shrink (the API server refuses to lower spec.resources.requests.storage of a bound claim): keep ${short(storageBefore)}`,
          'to use smaller volumes, create a StatefulSet under a new name and move the data to it',
        ],
      });
    }
    // The storage request was compared above; compare everything else.
    const a = normalizeClaimTemplate(previous);
    const b = normalizeClaimTemplate(t);
    for (const x of [a, b]) {
      const resources = obj(obj(x, 'spec'), 'resources');
      const requests = obj(resources, 'requests');
      delete requests.storage;
      if (Object.keys(requests).length === 0) delete resources.requests;
    }
    const paths: string[] = [];
    diffPaths(a, b, '', paths);
    if (paths.length > 0) {
      refusals.push({
        field: `volumeClaimTemplates[${name}]`,
        change: `claim template ${name} changed: ${paths.join('; ')}`,
        message,
        fix: [
          'keep the old claim template, or',
          ...orphanSteps(after),
          `the existing claims ${listing(claimNames(before, name))} keep their current settings: only claims created later use the new template; to move existing data to the new settings (e.g. another StorageClass), copy it to new claims`,
        ],
      });
    }
  }
  for (const name of oldByName.keys()) {
    if (newByName.has(name)) continue;
    refusals.push({
      field: `volumeClaimTemplates[${name}]`,
      change: `claim template ${name} removed`,
      message,
      fix: [
        'keep the claim template, or',
        ...orphanSteps(after),
        rollByHand(before, `the running pods still mount ${name}`),
        `the claims ${listing(claimNames(before, name))} are not deleted: delete them yourself once their data is no longer needed`,
      ].filter((x) => x !== ''),
    });
  }
  const common = after.templateNames.filter((x) => oldByName.has(x));
  const commonBefore = before.templateNames.filter((x) => newByName.has(x));
  if (canonical(common) !== canonical(commonBefore)) {
    refusals.push({
      field: 'volumeClaimTemplates',
      change: `claim templates reordered: ${commonBefore.join(', ')} -> ${common.join(', ')}`,
      message,
      fix: ['keep the old order of volumeClaimTemplates'],
    });
  }
  return refusals;
}

function growSteps(before: Shape, after: Shape, template: string, t: Obj, size: string, classes: LoadedObject[]): string[] {
  const claims = claimNames(before, template);
  const patch = JSON.stringify({ spec: { resources: { requests: { storage: size } } } });
  const className = str(obj(t, 'spec'), 'storageClassName');
  let expansion: string;
  const defaultClass = classes.find((c) => strMap(obj(c.object, 'metadata'), 'annotations')['storageclass.kubernetes.io/is-default-class'] === 'true');
  const sc = className !== undefined ? classes.find((c) => c.name === className) : defaultClass;
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
      ? `expand the existing claims directly: kubectl patch pvc ${claims[0]} ${nsFlag(before)} -p '${patch}'${claims.length > 1 ? ` (and the same for ${listing(claims.slice(1))})` : ''}; ${expansion}`
      : `no claim exists yet (0 replicas); ${expansion}`,
    ...orphanSteps(after),
    `claims created from now on get ${size}`,
  ];
}

function compareScale(before: Shape, after: Shape): ScaleChange | null {
  if (before.replicas === after.replicas && before.start === after.start) return null;
  const oldOrds = new Set(Array.from({ length: before.replicas }, (_, i) => before.start + i));
  const newOrds = Array.from({ length: after.replicas }, (_, i) => after.start + i);
  const newSet = new Set(newOrds);
  const addedOrds = newOrds.filter((x) => !oldOrds.has(x));
  const removedOrds = [...oldOrds].filter((x) => !newSet.has(x)).sort((a, b) => b - a);
  const addedPods = addedOrds.map((x) => `${after.name}-${x}`);
  const removedPods = removedOrds.map((x) => `${after.name}-${x}`);
  const templates = after.templateNames.filter((t) => t !== '');
  const whenScaled = str(obj(after.spec, 'persistentVolumeClaimRetentionPolicy'), 'whenScaled') ?? 'Retain';
  const parallel = (str(after.spec, 'podManagementPolicy') ?? 'OrderedReady') === 'Parallel';

  const parts: string[] = [];
  const what = before.start !== after.start
    ? `ordinals.start ${before.start} -> ${after.start}, replicas ${before.replicas} -> ${after.replicas}`
    : `replicas ${before.replicas} -> ${after.replicas}`;
  if (addedPods.length > 0) {
    const claims = templates.flatMap((t) => claimNames(after, t, addedOrds));
    parts.push(`adds ${listing(addedPods)} (${parallel ? 'all at once' : 'one at a time, in this order'})${claims.length > 0 ? `; they get the claims ${listing(claims)}: new ones, or the claims kept from an earlier scale down, with their data` : ''}`);
  }
  if (removedPods.length > 0) {
    const claims = templates.flatMap((t) => claimNames(before, t, removedOrds));
    let fate = '';
    if (claims.length > 0) {
      fate = whenScaled === 'Delete'
        ? `; their claims ${listing(claims)} are deleted (whenScaled: Delete), and with them the data unless the volumes are retained`
        : `; their claims ${listing(claims)} are kept, with their data (whenScaled: Retain)`;
    }
    parts.push(`removes ${listing(removedPods)} (highest ordinal first${parallel ? ', all at once' : ', one at a time'})${fate}`);
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
  const a = obj(before.spec, 'template');
  const b = obj(after.spec, 'template');
  if (canonical(a) === canonical(b)) return null;
  const changed: string[] = [];
  diffPaths(a, b, '', changed);

  const strategy = obj(after.spec, 'updateStrategy');
  const type = str(strategy, 'type') ?? 'RollingUpdate';
  const partition = int(obj(strategy, 'rollingUpdate'), 'partition') ?? 0;
  const oldOrds = new Set(Array.from({ length: before.replicas }, (_, i) => before.start + i));
  const positions = Array.from({ length: after.replicas }, (_, i) => i);
  const existing = positions.filter((i) => oldOrds.has(after.start + i));

  if (type === 'OnDelete') {
    return {
      changed,
      restarts: [],
      message: 'the pod template changes, but with OnDelete no pod restarts by itself: each pod gets the new template when you delete it',
    };
  }
  const restarts = existing.filter((i) => i >= partition).map((i) => `${after.name}-${after.start + i}`).reverse();
  const kept = existing.filter((i) => i < partition).map((i) => `${after.name}-${after.start + i}`);
  let message: string;
  if (existing.length === 0) {
    message = 'the pod template changes; no running pod is affected (new pods start with the new template)';
  } else if (restarts.length === 0) {
    message = `the pod template changes, but no pod restarts now: partition ${partition} is at or above the number of pods; they roll when the partition is lowered`;
  } else {
    message = restarts.length === 1
      ? `the pod template changes: ${restarts[0]} restarts (RollingUpdate)`
      : `the pod template changes: ${listing(restarts)} restart in this order (RollingUpdate, highest ordinal first, one at a time, each waiting for the previous one to be Running and Ready)`;
    if (kept.length > 0) message += `; ${listing(kept)} ${kept.length === 1 ? 'keeps' : 'keep'} the old template (partition ${partition})`;
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
  for (const field of ['minReadySeconds', 'revisionHistoryLimit']) {
    if (canonical(before.spec[field]) !== canonical(after.spec[field])) {
      out.push(`${field} ${short(before.spec[field])} -> ${short(after.spec[field])}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------

/** Lists the differences between two values as `path: old -> new`. */
export function diffPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (canonical(a) === canonical(b)) return;
  const at = path === '' ? '(root)' : path;
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) diffPaths(a[k], b[k], path === '' ? k : `${path}.${k}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (xs: unknown[]) => xs.every((x) => isObj(x) && typeof x.name === 'string')
      && new Set(xs.map((x) => (x as Obj).name)).size === xs.length;
    if (named(a) && named(b)) {
      const byName = (xs: unknown[]) => new Map(xs.map((x) => [(x as Obj).name as string, x]));
      const ma = byName(a);
      const mb = byName(b);
      const names = [...mb.keys(), ...[...ma.keys()].filter((x) => !mb.has(x))];
      for (const name of names) diffPaths(ma.get(name), mb.get(name), `${path}[${name}]`, out);
      const orderA = [...ma.keys()].filter((x) => mb.has(x));
      const orderB = [...mb.keys()].filter((x) => ma.has(x));
      if (canonical(orderA) !== canonical(orderB)) out.push(`${at}: order ${orderA.join(', ')} -> ${orderB.join(', ')}`);
      return;
    }
    if (a.length === b.length) {
      a.forEach((x, i) => diffPaths(x, b[i], `${path}[${i}]`, out));
      return;
    }
  }
  if (a === undefined) out.push(`${at}: added ${short(b)}`);
  else if (b === undefined) out.push(`${at}: removed (was ${short(a)})`);
  else out.push(`${at}: ${short(a)} -> ${short(b)}`);
}

function short(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

