import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { checkDnsSubdomain, checkEnumValue, checkInteger, ErrorScope, invalid } from '../validation';
import { DisruptionBudget, DisruptionBudgetKind, UnhealthyPodEvictionPolicy } from '../workload-options';
import { quorumOf, toleratedFailures } from './identity';
import { defined } from './render-container';

// The one place that checks a DisruptionBudget against the pods it guards and renders the
// PodDisruptionBudget: a StatefulApp's budget, and a CassandraRing's one budget over all its racks.
// Not part of the public API.

/** The pods a budget guards. */
export interface BudgetTarget {
  /** Number of pods the budget selects. */
  readonly replicas: number;
  /** The pods form a majority quorum: the budget may never let a drain break it. */
  readonly quorum: boolean;
  /** Name of the PodDisruptionBudget when the budget names none. */
  readonly defaultName: string;
  /** Metadata of the PodDisruptionBudget of the given name. */
  readonly metadata: (name: string) => k8s.ObjectMeta;
  /** Labels that select every pod the budget guards. */
  readonly selector: { [key: string]: string };
}

/**
 * Checks the budget against the pods it guards and creates the PodDisruptionBudget (none for
 * `DisruptionBudget.none()`). Without a budget: `maxUnavailable(1)` for more than one pod (refused
 * for a quorum that tolerates no failure), none for one pod.
 */
export function createDisruptionBudget(
  scope: Construct,
  id: string,
  errors: ErrorScope,
  given: DisruptionBudget | undefined,
  target: BudgetTarget,
): CreatedBudget | undefined {
  const n = target.replicas;
  const quorum = target.quorum;
  const tolerance = quorum ? toleratedFailures(n) : Math.max(n - 1, 0);
  let budget = given;
  if (budget === undefined) {
    if (n <= 1) return undefined;
    if (tolerance === 0) {
      throw invalid(errors, 'disruptionBudget', '(default: maxUnavailable 1)', noTolerance(n));
    }
    budget = DEFAULT_BUDGET;
  }
  if (!(budget instanceof DisruptionBudget)) {
    throw invalid(errors, 'disruptionBudget', budget,
      'must be DisruptionBudget.maxUnavailable(n), DisruptionBudget.minAvailable(n) or DisruptionBudget.none()');
  }
  if (budget.kind === DisruptionBudgetKind.NONE) return undefined;
  if (quorum && tolerance === 0) {
    throw invalid(errors, 'disruptionBudget', describeBudget(budget), noTolerance(n));
  }
  const count = budget.count!;
  if (budget.kind === DisruptionBudgetKind.MAX_UNAVAILABLE) {
    checkInteger(errors, 'disruptionBudget.maxUnavailable', count, 0);
    if (count === 0) {
      throw invalid(errors, 'disruptionBudget.maxUnavailable', 0,
        'a budget that allows no disruption blocks every node drain and cluster upgrade forever; use at least 1');
    }
    if (count >= n && !budget.allowAllPodsDown) {
      throw invalid(errors, 'disruptionBudget.maxUnavailable', count,
        `with ${n} replica(s) this protects nothing: a drain may take down every pod at once; `
        + `${n > 1 ? `use at most ${n - 1}, ` : ''}DisruptionBudget.none() for no budget, or allowAllPodsDown: true to keep such a budget on purpose`);
    }
    if (quorum && count > tolerance) {
      throw invalid(errors, 'disruptionBudget.maxUnavailable', count,
        `would let a drain break the quorum: ${n} members need ${quorumOf(n)} for a quorum, so at most ${tolerance} may be down at once; `
        + `use 1${tolerance > 1 ? `..${tolerance}` : ''}`);
    }
  } else {
    checkInteger(errors, 'disruptionBudget.minAvailable', count, 0);
    if (quorum && count < quorumOf(n)) {
      throw invalid(errors, 'disruptionBudget.minAvailable', count,
        `would let a drain break the quorum: ${n} members need ${quorumOf(n)} for a quorum; use at least ${quorumOf(n)}`);
    }
    if (count === 0 && !budget.allowAllPodsDown) {
      throw invalid(errors, 'disruptionBudget.minAvailable', 0,
        'protects nothing: a drain may take down every pod at once; use at least 1, DisruptionBudget.none() for no budget, '
        + 'or allowAllPodsDown: true to keep such a budget on purpose');
    }
    if (count >= n) {
      throw invalid(errors, 'disruptionBudget.minAvailable', count,
        `with ${n} replica(s) this allows no disruption, which blocks every node drain and cluster upgrade forever; use at most ${Math.max(n - 1, 0)}`);
    }
  }
  if (budget.unhealthyPodEvictionPolicy !== undefined) {
    checkEnumValue(errors, 'disruptionBudget.unhealthyPodEvictionPolicy', budget.unhealthyPodEvictionPolicy,
      UnhealthyPodEvictionPolicy, 'UnhealthyPodEvictionPolicy');
  }
  const pdbName = budget.name ?? target.defaultName;
  checkDnsSubdomain(errors, 'disruptionBudget.name', pdbName);
  const max = budget.kind === DisruptionBudgetKind.MAX_UNAVAILABLE;
  const object = new k8s.KubePodDisruptionBudget(scope, id, {
    metadata: target.metadata(pdbName),
    spec: defined({
      selector: { matchLabels: target.selector },
      minAvailable: max ? undefined : k8s.IntOrString.fromNumber(count),
      maxUnavailable: max ? k8s.IntOrString.fromNumber(count) : undefined,
      unhealthyPodEvictionPolicy: budget.unhealthyPodEvictionPolicy,
    }),
  });
  return { object, allows: max ? count : n - count };
}

/** The budget of more than one pod when none is given. */
const DEFAULT_BUDGET = DisruptionBudget.maxUnavailable(1);

/** Why a budget cannot guard `n` members that tolerate no failure. */
function noTolerance(n: number): string {
  return n <= 1
    ? 'a single member has no fault tolerance: any budget either lets a drain stop it or blocks every drain; '
      + 'give DisruptionBudget.none(), or run 3 members'
    : `${n} members tolerate no failure (a quorum is ${quorumOf(n)}): any budget either lets a drain break the quorum `
      + 'or blocks every drain; run an odd number of members, or give DisruptionBudget.none() for this resize step';
}

/** A created PodDisruptionBudget and how many pods it lets voluntary disruptions take down at once. */
export interface CreatedBudget {
  readonly object: ApiObject;
  readonly allows: number;
}

function describeBudget(budget: DisruptionBudget): string {
  return budget.kind === DisruptionBudgetKind.MAX_UNAVAILABLE ? `maxUnavailable ${budget.count}` : `minAvailable ${budget.count}`;
}
