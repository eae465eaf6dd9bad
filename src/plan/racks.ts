/**
 * Workloads of several StatefulSets behind one governing Service, like the racks of a rack-aware
 * CassandraRing (one StatefulSet `<ring>-<rack>` per rack): their start order per rack, the one
 * budget across them, and a scale-down warning per rack.
 *
 * StatefulSets of one namespace that name the same governing Service (`spec.serviceName`) are one
 * workload: their pods share one DNS domain. A rack is named by the pod label `RACK_LABEL` (set by
 * CassandraRing), else by its StatefulSet's name.
 */
import type { Diff } from './diff';
import { listing, plural } from './k8s';
import type { Problem, StatefulSetPlan } from './types';
import { RACK_LABEL } from '../private/identity';

/** One rack: one StatefulSet of a workload of several. */
export interface RackPlan {
  readonly rack: string;
  readonly statefulSet: string;
  readonly replicas: number;
  /** Its pods, in start order. */
  readonly startOrder: string[];
  /** How the rack starts its pods. */
  readonly startMessage: string;
  /** What a scale down of this rack removes, and what to do first. */
  readonly scaleDownMessage: string;
}

/** StatefulSets that share one governing Service. */
export interface RackGroupPlan {
  readonly namespace: string;
  readonly serviceName: string;
  readonly racks: RackPlan[];
  readonly pods: number;
  readonly startMessage: string;
  /** The one budget every rack shares, or null when they do not share exactly one. */
  readonly budget: string | null;
  readonly budgetMessage: string;
}

/** A StatefulSet as the grouping sees it. */
export interface GovernedStatefulSet {
  readonly namespace: string;
  readonly name: string;
  readonly serviceName: string;
}

/**
 * The StatefulSets (as `StatefulSet <name>`) that share the governing Service `serviceName` in
 * `namespace`: a budget that selects them together guards one workload.
 */
export function governedTogether(all: GovernedStatefulSet[], namespace: string, serviceName: string): Set<string> {
  if (serviceName === '') return new Set();
  let index = governedIndexes.get(all);
  if (!index) {
    // One pass over the input, once: the plan stays linear in the number of StatefulSets.
    index = new Map();
    for (const s of all) {
      const key = `${s.namespace}/${s.serviceName}`;
      index.set(key, (index.get(key) ?? new Set()).add(`StatefulSet ${s.name}`));
    }
    governedIndexes.set(all, index);
  }
  return index.get(`${namespace}/${serviceName}`) ?? new Set();
}

const governedIndexes = new WeakMap<GovernedStatefulSet[], Map<string, Set<string>>>();

/** Groups the StatefulSets that share a governing Service, in input order; single ones are left out. */
export function planRackGroups(statefulSets: StatefulSetPlan[]): RackGroupPlan[] {
  const groups = new Map<string, StatefulSetPlan[]>();
  for (const s of statefulSets) {
    if (s.serviceName === '') continue;
    const key = `${s.namespace}/${s.serviceName}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].filter((members) => members.length > 1).map(planGroup);
}

function planGroup(members: StatefulSetPlan[]): RackGroupPlan {
  const racks = members.map((s): RackPlan => {
    const rack = s.podLabels[RACK_LABEL] ?? s.name;
    const startOrder = s.pods.map((p) => p.name);
    const startMessage = startOrder.length === 0 ? 'no pods'
      : s.podManagementPolicy === 'Parallel' ? `${listing(startOrder)}, all at once`
        : `${startOrder.join(', then ')}, one at a time`;
    const order = s.scaleDown.order;
    const scaleDownMessage = order.length === 0 ? 'no pods to remove'
      : `removes ${order[0]} first${order.length > 1 ? ` (then ${listing(order.slice(1))})` : ''}, `
        + 'and the app is not told: take each node out of the app first (for Cassandra, nodetool decommission on the pod), '
        + 'one at a time, and keep the racks the same size, since each rack holds its own replicas of the data';
    return { rack, statefulSet: s.name, replicas: s.replicas, startOrder, startMessage, scaleDownMessage };
  });
  const pods = members.reduce((n, s) => n + s.replicas, 0);
  const first = members[0];
  const startMessage = `${plural(members.length, 'StatefulSet')} share the governing Service ${first.serviceName}: `
    + 'each starts its own pods in its own order, and the racks start side by side, not one after another';

  const names = members.map((s) => s.disruption.budgets.map((b) => b.name));
  const shared = names.every((n) => n.length === 1 && n[0] === names[0][0]) ? first.disruption.budgets[0] : undefined;
  let budgetMessage: string;
  if (shared && shared.expectedPods === pods) {
    budgetMessage = `one PodDisruptionBudget ${shared.name} (${shared.rule}) covers all ${plural(pods, 'pod')} of the ${members.length} racks: `
      + `a drain evicts at most ${shared.allowedDisruptions} of them at a time, from any rack`;
    const smallest = Math.min(...members.map((s) => s.replicas));
    if (shared.allowedDisruptions > smallest) {
      budgetMessage += ` (more than the smallest rack's ${smallest}: a drain can take down a whole rack and pods of another)`;
    }
  } else if (names.every((n) => n.length === 0)) {
    budgetMessage = 'no PodDisruptionBudget selects these pods: a drain may take down pods of several racks at once';
  } else {
    budgetMessage = `the racks do not share one budget (${members.map((_, i) => `${racks[i].rack}: ${names[i].join(', ') || 'none'}`).join('; ')}): `
      + 'a drain counts each rack on its own';
  }
  return {
    namespace: first.namespace,
    serviceName: first.serviceName,
    racks,
    pods,
    startMessage,
    budget: shared && shared.expectedPods === pods ? shared.name : null,
    budgetMessage,
  };
}

/**
 * With `--against`: a warning for each rack that loses pods, naming them and what to do first.
 */
export function rackScaleDownProblems(groups: RackGroupPlan[], diff: Diff): Problem[] {
  const problems: Problem[] = [];
  for (const g of groups) {
    for (const r of g.racks) {
      const change = diff.statefulSets.find((c) => c.namespace === g.namespace && c.name === r.statefulSet);
      const removed = change?.scale?.removed ?? [];
      if (removed.length === 0 || !change?.scale) continue;
      const others = g.racks.filter((o) => o !== r).map((o) => `${o.rack} ${o.replicas}`);
      problems.push({
        severity: 'warning',
        subject: `StatefulSet ${g.namespace}/${r.statefulSet}`,
        message: `rack ${r.rack} shrinks from ${change.scale.replicasBefore} to ${change.scale.replicasAfter}: ${listing(removed)} `
          + `${removed.length === 1 ? 'leaves' : 'leave'} the rack without the app being told (the other racks: ${others.join(', ')})`,
        fix: `take ${listing(removed)} out of the app first, one at a time (for Cassandra: nodetool decommission on each), `
          + 'then apply; keep the racks the same size',
        refused: false,
      });
    }
  }
  return problems;
}

/** The text lines of the groups. */
export function textRackGroups(groups: RackGroupPlan[]): string[] {
  const out: string[] = [];
  for (const g of groups) {
    out.push(`Racks: ${g.namespace}/${g.serviceName} (${plural(g.racks.length, 'StatefulSet')}, ${plural(g.pods, 'pod')})`);
    out.push(`  ${g.startMessage}`);
    out.push('  Start order, per rack:');
    for (const r of g.racks) out.push(`    ${r.rack} (StatefulSet ${r.statefulSet}): ${r.startMessage}`);
    out.push('  Disruption:');
    out.push(`    ${g.budgetMessage}`);
    out.push('  Scale down, per rack:');
    for (const r of g.racks) out.push(`    ${r.rack}: ${r.scaleDownMessage}`);
    out.push('');
  }
  return out;
}

/** The Markdown lines of the groups. */
export function markdownRackGroups(groups: RackGroupPlan[], md: (text: string) => string): string[] {
  const out: string[] = [];
  for (const g of groups) {
    out.push(`### Racks: \`${g.namespace}/${g.serviceName}\` (${plural(g.racks.length, 'StatefulSet')}, ${plural(g.pods, 'pod')})`);
    out.push('');
    out.push(md(g.startMessage));
    out.push('');
    out.push('| rack | StatefulSet | start order | scale down |');
    out.push('|---|---|---|---|');
    for (const r of g.racks) out.push(`| \`${r.rack}\` | \`${r.statefulSet}\` | ${md(r.startMessage)} | ${md(r.scaleDownMessage)} |`);
    out.push('');
    out.push(`Disruption: ${md(g.budgetMessage)}`);
    out.push('');
  }
  return out;
}
