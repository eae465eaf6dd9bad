/**
 * The analysis behind `cdk8s-stateful plan`: from plain Kubernetes objects to a plain data
 * structure that says, for each StatefulSet, what the cluster will do with it.
 */
import { VolumePool } from './claims';
import { settleCompetition } from './competition';
import { obj, str } from './k8s';
import { MAX_NAMES } from './limits';
import { LoadedObject, LoadResult, WITHOUT_KIND } from './load';
import { globalProblems } from './problems';
import { planRackGroups } from './racks';
import { draftStatefulSet, finish } from './statefulset';
import { InputSummary, Plan, PlanOptions, PLAN_FORMAT_VERSION, Problem } from './types';
import { index, KNOWN_KINDS, namespaceOf, ref } from './world';
import { DEFAULT_CLUSTER_DOMAIN } from '../private/identity';

const KNOWN = new Set(KNOWN_KINDS);

/** Builds the plan for every StatefulSet in the input. */
export function buildPlan(input: LoadResult, options: PlanOptions = {}): Plan {
  const clusterDomain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const problems: Problem[] = [];

  // The same object twice: applying the input leaves the last definition.
  const unique = new Map<string, LoadedObject>();
  for (const o of input.objects) {
    if (!KNOWN.has(o.kind)) continue;
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

  const pool = new VolumePool(world, reservedByClaims);
  const drafts = world.statefulSets.map((o) => draftStatefulSet(o, world, clusterDomain, pool));
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
    const bucket = KNOWN.has(o.kind) ? read : skipped;
    bucket[o.kind] = (bucket[o.kind] ?? 0) + 1;
  }
  return {
    files: input.files,
    objects: input.objects.length,
    read,
    skipped,
    notObjects: input.notObjects.length,
    withoutKind: input.notObjects.filter((d) => d.what === WITHOUT_KIND).length,
    notObjectDocuments: input.notObjects.filter((d) => d.what !== WITHOUT_KIND).slice(0, MAX_NAMES),
  };
}
