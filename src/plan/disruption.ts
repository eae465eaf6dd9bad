/**
 * Disruption: the PodDisruptionBudgets that select a StatefulSet's pods, what they allow, and ZooKeeper quorum.
 */
import { IntOrPercent, obj, plural, readIntOrPercent, readSelector, scaleIntOrPercent, selectorMatches } from './k8s';
import { listSome, MAX_NAMES } from './limits';
import { LoadedObject } from './load';
import { isZooKeeper } from './patterns';
import { governedTogether } from './racks';
import { Draft } from './statefulset';
import { BudgetPlan, DisruptionPlan, QuorumPlan, Severity } from './types';
import { namespaceOf, Workload, World } from './world';
import { quorumOf, toleratedFailures } from '../private/identity';

export type AddProblem = (severity: Severity, message: string, fix?: string, refused?: boolean) => void;

export interface BudgetRule {
  readonly rule: string;
  readonly allowed: (expected: number) => number;
}

export function budgetRule(pdb: LoadedObject): BudgetRule {
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

export function budgetSelects(pdb: LoadedObject, labels: Record<string, string>): boolean {
  const selector = readSelector(obj(pdb.object, 'spec'), 'selector');
  // policy/v1: a missing selector selects nothing, an empty one every pod of the namespace.
  return selector !== undefined && selectorMatches(selector, labels);
}

const selections = new WeakMap<LoadedObject, { selected: Workload[]; pods: number }>();

/**
 * The workloads of the input whose pods a budget selects (in its namespace), and how many pods
 * they run. Computed once per budget, however many StatefulSets it selects.
 */
export function budgetSelection(pdb: LoadedObject, world: World): { selected: Workload[]; pods: number } {
  let found = selections.get(pdb);
  if (!found) {
    const selector = readSelector(obj(pdb.object, 'spec'), 'selector');
    // policy/v1: a missing selector selects nothing, an empty one every pod of the namespace.
    const selected = selector === undefined ? [] : world.podLabels.select(namespaceOf(pdb), selector);
    found = { selected, pods: selected.reduce((sum, w) => sum + w.replicas, 0) };
    selections.set(pdb, found);
  }
  return found;
}

export function planDisruption(d: Draft, world: World, problem: AddProblem): DisruptionPlan {
  const matching = world.budgetSelectors.candidates(d.namespace, d.podLabels).filter((b) => budgetSelects(b, d.podLabels));
  const isSelf = (w: Workload) => w.kind === 'StatefulSet' && w.name === d.name;
  const others = new Map<string, number>();
  const allAlso = new Map<string, string[]>();
  const budgets: BudgetPlan[] = matching.map((b) => {
    const { selected, pods } = budgetSelection(b, world);
    const self = selected.find(isSelf);
    const expected = pods - (self?.replicas ?? 0) + (self ? d.replicas : 0);
    const rule = budgetRule(b);
    const also = selected.filter((w) => !isSelf(w));
    others.set(b.name, also.length);
    allAlso.set(b.name, also.map((w) => `${w.kind} ${w.name}`));
    return {
      name: b.name,
      rule: rule.rule,
      expectedPods: expected,
      allowedDisruptions: rule.allowed(expected),
      alsoSelects: also.slice(0, MAX_NAMES).map((w) => `${w.kind} ${w.name}`),
    };
  });

  // StatefulSets that share this one's governing Service are one workload (the racks of a ring):
  // one budget across them is what they need.
  const together = (names: string[]) => {
    const group = governedTogether(world.governed, d.namespace, d.serviceName);
    return names.every((w) => group.has(w));
  };
  for (const b of budgets) {
    if (b.alsoSelects.length > 0 && !together(allAlso.get(b.name) ?? [])) {
      problem('warning', `PodDisruptionBudget ${b.name} also selects the pods of ${listSome(b.alsoSelects, undefined, others.get(b.name))}: it counts ${plural(b.expectedPods, 'pod')} together`, 'give each budget the selector of one workload');
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
    const q = quorumOf(n);
    const tolerated = toleratedFailures(n);
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
