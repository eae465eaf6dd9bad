/**
 * `plan --against OLD`: compares every object of the kinds the API server guards (StatefulSets,
 * PersistentVolumes, PersistentVolumeClaims, StorageClasses, Services and PodDisruptionBudgets) with
 * the one currently deployed, matched by kind, namespace and name, and says what the update does and
 * which changes the API server refuses. The deployed side may be manifests (the previous commit's
 * output) or live objects exported with `kubectl get -o yaml`.
 */
import { Diff, ObjectChange, StatefulSetChange } from './changes';
import { GitOpsHandling, gitOpsHandling, keptFromPruning } from './gitops';
import { arr, isObj, obj, str, strMap } from './k8s';
import { LoadedObject, LoadResult } from './load';
import { isLive, semanticallyEqual } from './semantic';
import { Problem } from './types';
import { compareBudget, compareService } from './update-service';
import { compareStatefulSet, statefulSetAdded, statefulSetDeletion, statefulSetRemoved } from './update-statefulset';
import { compareClaim, compareStorageClass, compareVolume, objectChange } from './update-storage';
import { namespaceOf, nsKey } from './world';
import { quorumTlsFindings } from './zookeeper-tls';
import { claimName } from '../private/identity';

export * from './changes';
export { MUTABLE_SPEC_FIELDS } from './update-statefulset';

/** The kinds compared, in the order the plan reports them. */
export const COMPARED_KINDS = ['StatefulSet', 'PersistentVolume', 'PersistentVolumeClaim', 'StorageClass', 'Service', 'PodDisruptionBudget'];

const CLUSTER_SCOPED = new Set(['PersistentVolume', 'StorageClass']);
const COMPARED = new Set(COMPARED_KINDS);

function keyOf(o: LoadedObject): string {
  return `${o.kind}/${CLUSTER_SCOPED.has(o.kind) ? '' : namespaceOf(o)}/${o.name}`;
}

function subjectOf(o: LoadedObject): string {
  return CLUSTER_SCOPED.has(o.kind) ? `${o.kind} ${o.name}` : `${o.kind} ${namespaceOf(o)}/${o.name}`;
}

/**
 * The compared objects of one side by key; the last definition of an object wins, as when the
 * manifests are applied. Duplicates are reported (`side` says which manifests).
 */
function byKey(result: LoadResult, side: string, problems: Problem[]): Map<string, LoadedObject> {
  const map = new Map<string, LoadedObject>();
  for (const o of result.objects) {
    if (!COMPARED.has(o.kind)) continue;
    const key = keyOf(o);
    const first = map.get(key);
    if (first) {
      const content = (x: LoadedObject) => ({ ...x.object, metadata: undefined, status: undefined });
      const same = semanticallyEqual(content(first), content(o));
      problems.push({
        severity: same ? 'warning' : 'error',
        subject: subjectOf(o),
        message: `defined more than once in the ${side} (${first.source.file}:${first.source.line} and ${o.source.file}:${o.source.line})${same ? '' : ', differently'}: the plan compares the last definition`,
        fix: 'keep one definition',
        refused: false,
        source: o.source,
      });
    }
    map.set(key, o);
  }
  return map;
}

/** What deleting and recreating the object deletes, for a GitOps tool that does it on a refusal. */
function recreation(old: LoadedObject, handling: GitOpsHandling): string {
  let what: string;
  switch (old.kind) {
    case 'StatefulSet':
      what = `${statefulSetDeletion(old)}, then created again from the new manifest: every pod restarts at the same time (an outage)`;
      break;
    case 'PersistentVolumeClaim':
      what = 'the claim is deleted (once no pod uses it) and its PersistentVolume released: with reclaimPolicy Delete its data is deleted, and the new claim gets a new, empty volume';
      break;
    case 'PersistentVolume':
      what = 'the PersistentVolume object is deleted (the storage itself stays) and its claim is left Lost until the new object is created';
      break;
    case 'Service':
      what = 'the Service is deleted and created again: its cluster IP changes and clients lose their connections';
      break;
    case 'StorageClass':
      what = 'the StorageClass is deleted and created again: existing volumes keep the settings they were provisioned with';
      break;
    default:
      what = `the ${old.kind} is deleted and created again`;
  }
  return `${handling.note}: ${what}`;
}

/**
 * Whether a live object of the deployed set was made by the cluster rather than applied from
 * manifests, so that its absence from the new manifests is not a removal: a claim the StatefulSet
 * controller created from a claim template, or a volume a provisioner created for a claim.
 */
function clusterMade(before: Map<string, LoadedObject>, after: Map<string, LoadedObject>): (o: LoadedObject) => boolean {
  const owner = claimOwner([...before.values(), ...after.values()]);
  return (o) => {
    if (!isLive(o)) return false;
    if (o.kind === 'PersistentVolume') return strMap(obj(o.object, 'metadata'), 'annotations')['pv.kubernetes.io/provisioned-by'] !== undefined;
    return o.kind === 'PersistentVolumeClaim' && owner(o) !== undefined;
  };
}

/**
 * The StatefulSet (of `statefulSets`) whose claim template names this claim
 * (`<template>-<statefulset>-<ordinal>`, in its namespace), if any.
 */
function claimOwner(statefulSets: Iterable<LoadedObject>): (o: LoadedObject) => string | undefined {
  const templates = new Map<string, Set<string>>();
  for (const s of statefulSets) {
    if (s.kind !== 'StatefulSet') continue;
    const names = arr(obj(s.object, 'spec'), 'volumeClaimTemplates').filter(isObj).map((t) => str(obj(t, 'metadata'), 'name') ?? '');
    templates.set(nsKey(namespaceOf(s), s.name), new Set(names.filter((x) => x !== '')));
  }
  return (o) => {
    if (o.kind !== 'PersistentVolumeClaim') return undefined;
    // <template>-<statefulset>-<ordinal>: try each split of the name before the ordinal.
    const m = /^(.*)-(\d+)$/.exec(o.name);
    if (!m) return undefined;
    const ordinal = Number(m[2]);
    const base = m[1];
    for (let i = base.indexOf('-'); i > 0; i = base.indexOf('-', i + 1)) {
      const template = base.slice(0, i);
      const set = base.slice(i + 1);
      if (templates.get(nsKey(namespaceOf(o), set))?.has(template) && claimName(template, set, ordinal) === o.name) return set;
    }
    return undefined;
  };
}

/** Compares the deployed manifests (`old`) with the new ones. */
export function diffAgainst(old: LoadResult, current: LoadResult): Diff {
  const problems: Problem[] = [];
  const before = byKey(old, 'deployed manifests (--against)', problems);
  const after = byKey(current, 'new manifests', []);
  // The plan of the new manifests reports their duplicates already.
  const classes = new Map<string, LoadedObject>();
  for (const o of [...before.values(), ...after.values()]) if (o.kind === 'StorageClass') classes.set(o.name, o);

  const statefulSets: StatefulSetChange[] = [];
  const objects: ObjectChange[] = [];
  // A ZooKeeper quorum switched to or from TLS in one step breaks (see zookeeper-tls.ts).
  const quorumTls = quorumTlsFindings(old, current);
  const unchanged: Record<string, number> = {};

  const compare = (o: LoadedObject, n: LoadedObject): ObjectChange => {
    switch (n.kind) {
      case 'StatefulSet': return compareStatefulSet(o, n, classes);
      case 'PersistentVolume': return compareVolume(o, n);
      case 'PersistentVolumeClaim': return compareClaim(o, n, classes);
      case 'StorageClass': return compareStorageClass(o, n);
      case 'Service': return compareService(o, n);
      default: return compareBudget(o, n);
    }
  };

  const record = (c: ObjectChange) => {
    if (c.kind === 'StatefulSet') statefulSets.push(c as StatefulSetChange);
    else if (c.status === 'unchanged') unchanged[c.kind] = (unchanged[c.kind] ?? 0) + 1;
    else objects.push(c);
  };

  for (const [k, n] of after) {
    const o = before.get(k);
    if (!o) {
      record(n.kind === 'StatefulSet' ? statefulSetAdded(n) : objectChange(n.kind, n, 'added', { message: `new ${n.kind}` }));
      continue;
    }
    let c = compare(o, n);
    const tls = n.kind === 'StatefulSet' ? quorumTls.get(nsKey(namespaceOf(n), n.name)) : undefined;
    if (tls) c = { ...c, findings: [...c.findings, tls] };
    // A GitOps annotation can turn a refused update into delete and create.
    const handling = gitOpsHandling(n);
    if (handling && c.refusals.length > 0) {
      c = handling.recreates
        ? { ...c, recreate: recreation(o, handling), findings: [...c.findings, { severity: 'error', message: recreation(o, handling), fix: `remove the annotation, or make the change as the steps below say: ${c.refusals[0].fix[0]}` }] }
        : { ...c, findings: [...c.findings, { severity: 'warning', message: handling.note }] };
    }
    record(c);
  }
  const createdByCluster = clusterMade(before, after);
  const stillClaimedBy = claimOwner(after.values());
  for (const [k, o] of before) {
    if (after.has(k) || createdByCluster(o)) continue;
    if (o.kind === 'StatefulSet') {
      record(statefulSetRemoved(o));
      continue;
    }
    const kept = keptFromPruning(o);
    const owner = stillClaimedBy(o);
    if (kept) {
      // The declared claims of a grown volume: the tools leave them, and the StatefulSet goes on using them.
      const use = owner ? `; StatefulSet ${owner} goes on using it, as the claim of its pod` : '';
      record(objectChange(o.kind, o, 'removed', {
        message: `no longer in the input, but ${kept} it: it stays in the cluster with its data${use} (kubectl apply --prune would still delete it)`,
      }));
      continue;
    }
    const pruned = 'no longer in the input: if the deployment prunes it (Argo CD or Flux with pruning, kubectl apply --prune), it is deleted';
    let message = pruned;
    if (o.kind === 'PersistentVolumeClaim') message += ', and its PersistentVolume released (with reclaimPolicy Delete, its data is deleted)';
    if (o.kind === 'PersistentVolume') {
      message += ' once no claim is bound to it (kubernetes.io/pv-protection); a claim bound to it is left Lost';
      if ((str(obj(o.object, 'spec'), 'persistentVolumeReclaimPolicy') ?? 'Retain') === 'Delete') message += ', and with reclaimPolicy Delete the storage may be deleted with it';
    }
    record(objectChange(o.kind, o, 'removed', { message }));
  }
  const refused = [...statefulSets, ...objects].reduce((sum, c) => sum + c.refusals.length, 0);
  return { againstFiles: old.files, statefulSets, objects, unchanged, problems, refused };
}
