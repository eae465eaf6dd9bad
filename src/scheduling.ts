import { Duration } from 'cdk8s';

// Where the pods of a stateful workload may run: tolerations, node selection and node affinity,
// topology spread. The options that use these types are in `StatefulWorkloadOptions`
// (src/workload-options.ts); StatefulApp checks and renders them (src/private/scheduling.ts).

/**
 * The effect of a node taint that a toleration tolerates.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export enum TaintEffect {
  /** New pods are not scheduled on the node unless they tolerate the taint. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler tries not to place pods that do not tolerate the taint on the node. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /**
   * Pods that do not tolerate the taint are evicted from the node, and new ones are not scheduled
   * there. A toleration of this effect may limit how long the pod stays (`tolerationSeconds`).
   */
  NO_EXECUTE = 'NoExecute',
}

/**
 * How a toleration matches a taint's value.
 */
export enum TolerationOperator {
  /** The taint has the key, whatever its value; the toleration gives no value. */
  EXISTS = 'Exists',
  /** The taint has the key and the toleration's value. */
  EQUAL = 'Equal',
}

/**
 * A toleration: the pods may run on (or stay on) nodes with a matching taint.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export interface Toleration {
  /**
   * The taint key, a label key such as `dedicated` or `example.com/storage`.
   *
   * @default - every key; only with `TolerationOperator.EXISTS` (the pods tolerate every taint)
   */
  readonly key?: string;

  /**
   * How the taint's value is matched.
   *
   * @default TolerationOperator.EQUAL
   */
  readonly operator?: TolerationOperator;

  /**
   * The taint value (a label value) for `TolerationOperator.EQUAL`. Not allowed with `EXISTS`.
   *
   * @default '' (the empty value)
   */
  readonly value?: string;

  /**
   * The taint effect tolerated.
   *
   * @default - every effect
   */
  readonly effect?: TaintEffect;

  /**
   * How long a pod stays on a node after a taint of effect `NoExecute` is added to it (in whole
   * seconds); only with `effect: TaintEffect.NO_EXECUTE`.
   *
   * @default - forever
   */
  readonly tolerationSeconds?: Duration;
}

/**
 * How a node selector requirement matches the value of a node label.
 */
export enum NodeSelectorOperator {
  /** The label's value is one of `values`. */
  IN = 'In',
  /** The label's value is none of `values`, or the node lacks the label. */
  NOT_IN = 'NotIn',
  /** The node has the label (no `values`). */
  EXISTS = 'Exists',
  /** The node lacks the label (no `values`). */
  DOES_NOT_EXIST = 'DoesNotExist',
  /** The label's value, an integer, is greater than the one integer in `values`. */
  GT = 'Gt',
  /** The label's value, an integer, is less than the one integer in `values`. */
  LT = 'Lt',
}

/**
 * One condition on a node label.
 */
export interface NodeSelectorRequirement {
  /**
   * The node label key, e.g. `topology.kubernetes.io/zone` or `node.kubernetes.io/instance-type`.
   */
  readonly key: string;

  /**
   * How the label's value is matched.
   */
  readonly operator: NodeSelectorOperator;

  /**
   * The values: at least one for `IN` and `NOT_IN`, exactly one integer for `GT` and `LT`, none
   * for `EXISTS` and `DOES_NOT_EXIST`.
   *
   * @default - none
   */
  readonly values?: string[];
}

/**
 * A node selector term: a node matches when it meets every requirement.
 */
export interface NodeSelectorTerm {
  /**
   * The requirements, all of which a node must meet. At least one.
   */
  readonly matchExpressions: NodeSelectorRequirement[];
}

/**
 * A preferred node selector term: the scheduler adds `weight` to the score of each node that meets
 * every requirement.
 */
export interface PreferredNodeSelectorTerm {
  /**
   * Weight of the term, from 1 to 100.
   */
  readonly weight: number;

  /**
   * The requirements, all of which a node must meet to get the weight. At least one.
   */
  readonly matchExpressions: NodeSelectorRequirement[];
}

/**
 * What the scheduler does with a pod that would break a topology spread constraint.
 */
export enum WhenUnsatisfiable {
  /** The pod is not scheduled (stays Pending) until it can be placed within the skew. */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
  /** The pod is scheduled anyway, preferring the placements that reduce the skew. */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
}

/**
 * Options of a topology spread constraint.
 */
export interface TopologySpreadOptions {
  /**
   * The most the number of the app's pods may differ between two domains (zones, nodes). At
   * least 1.
   *
   * @default 1
   */
  readonly maxSkew?: number;

  /**
   * What the scheduler does with a pod that would break the constraint.
   *
   * @default WhenUnsatisfiable.SCHEDULE_ANYWAY (a pod is never left Pending only for the spread)
   */
  readonly whenUnsatisfiable?: WhenUnsatisfiable;

  /**
   * The least number of domains the pods are spread over: while fewer domains have eligible nodes,
   * each is treated as holding none of the app's pods, so no domain gets more than `maxSkew`
   * pods. Only with `WhenUnsatisfiable.DO_NOT_SCHEDULE`. At least 1.
   *
   * @default - not set (as 1)
   */
  readonly minDomains?: number;
}

/**
 * A topology spread constraint on the app's own pods: the scheduler keeps the number of the app's
 * pods in each domain of a topology (each zone, each node) within `maxSkew` of each other. The
 * constraint selects the app's pods by its selector labels.
 *
 * For keeping pods on different nodes, `spreadAcrossNodes` (pod anti-affinity) is usually what
 * you want; a spread constraint across nodes allows several pods per node while keeping them even.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
export class TopologySpread {
  /** The well-known node label of a node's zone. */
  public static readonly ZONE_KEY = 'topology.kubernetes.io/zone';
  /** The well-known node label of a node's name. */
  public static readonly HOSTNAME_KEY = 'kubernetes.io/hostname';

  /**
   * Spread the pods evenly across zones (node label `topology.kubernetes.io/zone`).
   */
  public static acrossZones(options: TopologySpreadOptions = {}): TopologySpread {
    return new TopologySpread(TopologySpread.ZONE_KEY, options);
  }

  /**
   * Spread the pods evenly across nodes (node label `kubernetes.io/hostname`).
   */
  public static acrossNodes(options: TopologySpreadOptions = {}): TopologySpread {
    return new TopologySpread(TopologySpread.HOSTNAME_KEY, options);
  }

  /**
   * Spread the pods evenly across the domains of any node label, e.g. a rack label
   * `example.com/rack`. Nodes without the label are not counted.
   *
   * @param topologyKey the node label key whose values are the domains
   */
  public static acrossDomainsOf(topologyKey: string, options: TopologySpreadOptions = {}): TopologySpread {
    return new TopologySpread(topologyKey, options);
  }

  /** The node label key whose values are the domains. */
  public readonly topologyKey: string;
  /** The most the pod counts of two domains may differ. */
  public readonly maxSkew: number;
  /** What the scheduler does with a pod that would break the constraint. */
  public readonly whenUnsatisfiable: WhenUnsatisfiable;
  /** The least number of domains, if set. */
  public readonly minDomains?: number;

  private constructor(topologyKey: string, options: TopologySpreadOptions) {
    this.topologyKey = topologyKey;
    this.maxSkew = options.maxSkew ?? 1;
    this.whenUnsatisfiable = options.whenUnsatisfiable ?? WhenUnsatisfiable.SCHEDULE_ANYWAY;
    this.minDomains = options.minDomains;
  }
}
