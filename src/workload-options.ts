import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ContainerSecurityOptions } from './container';
import { GitOps } from './gitops';
import { MetricsOptions } from './monitoring';
import { WorkloadMetadataOptions } from './object-metadata';
import { NodeSelectorTerm, PreferredNodeSelectorTerm, Toleration, TopologySpread } from './scheduling';
import { IStorageClass } from './storage-class';

/**
 * Whether and how strongly pods of the app are kept apart.
 */
export enum Spreading {
  /** No constraint. */
  NONE = 'None',
  /** The scheduler prefers to keep pods apart but places them together when it must. */
  PREFERRED = 'Preferred',
  /**
   * Pods are never placed together; a pod stays Pending when no separate node (or zone) is free.
   */
  REQUIRED = 'Required',
}

/**
 * What happens to the claims (and the data) of pods that are removed.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
 */
export enum ClaimRetention {
  /** Keep the claims and their volumes: the data survives and a returning pod finds it again. */
  RETAIN = 'Retain',
  /** Delete the claims; depending on the volumes' reclaim policy, the data is deleted too. */
  DELETE = 'Delete',
}

/**
 * Options of a rolling update.
 */
export interface RollingUpdateOptions {
  /**
   * Only pods with an ordinal greater than or equal to the partition are updated; the others keep
   * the old template. Use it to stage (canary) an update.
   *
   * @default 0
   */
  readonly partition?: number;

  /**
   * Maximum number of pods that can be unavailable during the update. Needs the
   * `MaxUnavailableStatefulSet` feature gate; without it Kubernetes updates one pod at a time.
   *
   * @default - not set (one pod at a time)
   */
  readonly maxUnavailable?: number;
}

/**
 * The kind of an update strategy.
 */
export enum UpdateStrategyType {
  /** Pods are replaced one by one, from the highest ordinal down. */
  ROLLING_UPDATE = 'RollingUpdate',
  /** Pods get the new template only when they are deleted. */
  ON_DELETE = 'OnDelete',
}

/**
 * How pods are replaced when the pod template changes.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies
 */
export class UpdateStrategy {
  /**
   * Replace pods one by one, from the highest ordinal down, waiting for each to be Ready.
   */
  public static rollingUpdate(options: RollingUpdateOptions = {}): UpdateStrategy {
    return new UpdateStrategy(UpdateStrategyType.ROLLING_UPDATE, options.partition, options.maxUnavailable);
  }

  /**
   * Never replace pods automatically: a pod gets the new template only when it is deleted.
   */
  public static onDelete(): UpdateStrategy {
    return new UpdateStrategy(UpdateStrategyType.ON_DELETE);
  }

  private constructor(
    /** Rolling update or on-delete. */
    public readonly type: UpdateStrategyType,
    /** The partition of a rolling update. */
    public readonly partition?: number,
    /** The maxUnavailable of a rolling update. */
    public readonly maxUnavailable?: number) {}
}

/**
 * The kind of a disruption budget.
 */
export enum DisruptionBudgetKind {
  /** At most a number of pods may be unavailable. */
  MAX_UNAVAILABLE = 'MaxUnavailable',
  /** At least a number of pods must stay available. */
  MIN_AVAILABLE = 'MinAvailable',
  /** No PodDisruptionBudget. */
  NONE = 'None',
}

/**
 * Whether a drain may evict a pod that is running but not Ready, when the app is already below its
 * budget.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy
 */
export enum UnhealthyPodEvictionPolicy {
  /**
   * A running pod that is not Ready may be evicted only while the app is within its budget (as many
   * Ready pods as the budget wants). When more pods are down than the budget allows, a drain waits
   * for the pods to become Ready, and an operator decides. Kubernetes' own default.
   */
  IF_HEALTHY_BUDGET = 'IfHealthyBudget',
  /**
   * A running pod that is not Ready may always be evicted, even when the app is below its budget:
   * a drain never waits for a pod that is crash-looping or never becomes Ready, but may also evict
   * a pod that was about to become Ready and restore the app.
   */
  ALWAYS_ALLOW = 'AlwaysAllow',
}

/**
 * Options of a PodDisruptionBudget.
 */
export interface DisruptionBudgetOptions {
  /**
   * Name of the PodDisruptionBudget.
   *
   * @default - `<name>-pdb`
   */
  readonly name?: string;

  /**
   * Whether a drain may evict a pod that is running but not Ready while the app is below its
   * budget.
   *
   * The default keeps Kubernetes' `IfHealthyBudget` (the field is left out of the manifest, so it
   * also applies on clusters older than 1.26, which do not know the field). It is the right choice
   * for the workloads of this library, quorum systems first: a member that is running but not Ready
   * is usually one that is rejoining (syncing from the leader, replaying its commit log, streaming),
   * and while the app is below its budget that member is what restores the quorum; evicting it
   * starts its recovery again on another node. A pod that is not Ready while the app is within its
   * budget can still be evicted. The price: when more members are down than the budget allows, a
   * drain waits until an operator looks, for example at a crash-looping member, and deletes that pod
   * by hand. Choose `ALWAYS_ALLOW` for apps where an unattended drain matters more than that.
   *
   * @default - not set: Kubernetes' default, UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET
   */
  readonly unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;

  /**
   * Accept a budget that protects nothing: `maxUnavailable` at or above the number of pods, or
   * `minAvailable(0)`, which lets a drain take down every pod at once. Such a budget is usually a
   * mistake (a count meant for a larger app); set this to keep the PodDisruptionBudget in place on
   * purpose, e.g. while the app runs a single pod that will grow, or use `DisruptionBudget.none()`.
   *
   * @default false
   */
  readonly allowAllPodsDown?: boolean;
}

/**
 * The PodDisruptionBudget of an app: how many pods voluntary disruptions (node drains, cluster
 * upgrades) may take down at once.
 *
 * For a quorum system (ZooKeeper, or a StatefulApp with `quorum: true`) the budget is checked
 * against the quorum: it may never let a drain take down more members than the quorum tolerates.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export class DisruptionBudget {
  /**
   * At most `count` pods may be unavailable at once. At least 1: a budget that allows no
   * disruption blocks every node drain and cluster upgrade forever.
   */
  public static maxUnavailable(count: number, options: DisruptionBudgetOptions = {}): DisruptionBudget {
    return new DisruptionBudget(DisruptionBudgetKind.MAX_UNAVAILABLE, count, options.name, options.unhealthyPodEvictionPolicy,
      options.allowAllPodsDown);
  }

  /**
   * At least `count` pods must stay available. Below the number of replicas: a budget that allows
   * no disruption blocks every node drain and cluster upgrade forever.
   */
  public static minAvailable(count: number, options: DisruptionBudgetOptions = {}): DisruptionBudget {
    return new DisruptionBudget(DisruptionBudgetKind.MIN_AVAILABLE, count, options.name, options.unhealthyPodEvictionPolicy,
      options.allowAllPodsDown);
  }

  /**
   * No PodDisruptionBudget: drains may take down every pod at once.
   */
  public static none(): DisruptionBudget {
    return new DisruptionBudget(DisruptionBudgetKind.NONE);
  }

  private constructor(
    /** Which limit the budget sets. */
    public readonly kind: DisruptionBudgetKind,
    /** The number of pods of the limit (not set for `none()`). */
    public readonly count?: number,
    /** Name of the PodDisruptionBudget. */
    public readonly name?: string,
    /** Whether a drain may evict a running pod that is not Ready while the app is below its budget. */
    public readonly unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy,
    /** Whether a budget that lets every pod go down at once is accepted. */
    public readonly allowAllPodsDown?: boolean) {}
}

/**
 * A normal (ClusterIP) Service in front of the app, for clients that need any ready pod rather
 * than a particular one, like a database's client port.
 */
export interface ClientServiceOptions {
  /**
   * Name of the Service.
   *
   * @default - `<name>-client` for a StatefulApp, `<name>-cs` for a ZooKeeperEnsemble, `<name>-client`
   * for a CassandraRing
   */
  readonly name?: string;

  /**
   * Ports of the Service.
   *
   * @default - a StatefulApp: the ports of its headless Service; a pattern: its client port
   */
  readonly ports?: kplus.ServicePort[];

  /**
   * Type of the Service.
   *
   * @default ServiceType.CLUSTER_IP
   */
  readonly type?: kplus.ServiceType;
}

/**
 * What every stateful workload of this library has, accepted under the same names, with the same
 * types, by `StatefulApp`, `ZooKeeperEnsemble` and `CassandraRing`. A pattern passes these to its
 * StatefulApp as one set; where a pattern has a default of its own (e.g. three replicas, required
 * anti-affinity), its documentation says so.
 */
export interface StatefulWorkloadOptions {
  /**
   * Name of the StatefulSet and prefix of its pods (`<name>-0`, `<name>-1`, …). At most 52
   * characters, because Kubernetes adds a revision hash to a 63-character pod label.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Namespace of the namespaced objects; also used in the pods' DNS names.
   *
   * @default - the chart's namespace; DNS names assume `default` when neither is set
   */
  readonly namespace?: string;

  /**
   * Labels that identify the app's pods. Every selector (StatefulSet, Services, PodDisruptionBudget,
   * anti-affinity, topology spread) is derived from these, so they cannot drift apart. Selectors are
   * immutable once the StatefulSet exists: choose them once.
   *
   * @default { 'app.kubernetes.io/name': name }
   */
  readonly selectorLabels?: { [key: string]: string };

  /**
   * More labels for every object and pod, not used in selectors.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the pods (the pod template). Changing one rolls every pod.
   *
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * Annotations of every object the construct makes (Services, StatefulSet, PodDisruptionBudget,
   * ConfigMap), not of the pods (`podAnnotations`) and not of the claim templates
   * (`objectMetadata.volumeClaims`, because a claim template cannot change once the StatefulSet
   * exists). An object's own annotations in `objectMetadata` win over these.
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Labels and annotations of one kind of object: the StatefulSet, the headless Service, the client
   * Service (e.g. for an external load balancer), the PodDisruptionBudget, the ConfigMap, the claim
   * templates.
   *
   * @default - none
   */
  readonly objectMetadata?: WorkloadMetadataOptions;

  /**
   * Annotations for a GitOps tool: `GitOps.argoCd()` or `GitOps.flux()` keep the claims (claim
   * templates, and the claims `expandTo` declares) from ever being pruned or deleted by the tool;
   * Argo CD's also orders the sync in waves. `GitOps.applyTo(chart, preset)` does the same for every
   * object of a chart.
   *
   * @default - no GitOps annotations
   */
  readonly gitOps?: GitOps;

  /**
   * Cluster DNS domain, used in the pods' DNS names.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Number of pods (servers, nodes).
   *
   * @default - 1 for a StatefulApp; 3 for a ZooKeeperEnsemble and a CassandraRing
   */
  readonly replicas?: number;

  /**
   * Name of the governing headless Service, which gives each pod its DNS name
   * `<pod>.<serviceName>.<namespace>.svc.<clusterDomain>`.
   *
   * @default - the app's name; `<name>-hs` for a ZooKeeperEnsemble
   */
  readonly serviceName?: string;

  /**
   * A normal Service for clients in front of the app.
   *
   * @default - none for a StatefulApp and a CassandraRing; `<name>-cs` on the client port for a
   * ZooKeeperEnsemble
   */
  readonly clientService?: ClientServiceOptions;

  /**
   * Name of the main container.
   *
   * @default - the app's name; `zookeeper` (or `kubernetes-zookeeper` for the tutorial image) for a
   * ZooKeeperEnsemble; `cassandra` for a CassandraRing
   */
  readonly containerName?: string;

  /**
   * CPU and memory of the main container. Each of the four values (cpu and memory, request and
   * limit) not given keeps its default, so a memory request alone keeps the default CPU and limits.
   * A request above its limit is refused.
   *
   * @default - a StatefulApp: requests cpu 100m / memory 256Mi, limits cpu 1 / memory 512Mi; a
   * ZooKeeperEnsemble: requests cpu 500m / memory 1Gi, limits cpu 1 / memory 1Gi; a CassandraRing:
   * requests and limits cpu 500m / memory 1Gi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Security settings of the main container. Each field not given keeps the construct's default.
   *
   * @default - runAsNonRoot, readOnlyRootFilesystem, no privilege escalation, not privileged,
   * capabilities drop ALL, seccomp RuntimeDefault (a CassandraRing relaxes what Cassandra needs:
   * see its documentation)
   */
  readonly containerSecurity?: ContainerSecurityOptions;

  /**
   * Security settings of the pod. Each field not given keeps the construct's default.
   *
   * @default - runAsNonRoot with the RuntimeDefault seccomp profile; a ZooKeeperEnsemble runs as
   * user, group and fsGroup 1000, a CassandraRing as 999
   */
  readonly podSecurity?: kplus.PodSecurityContextProps;

  /**
   * The StorageClass of the app's volume claims: a `StorageClass` of the app,
   * `StorageClass.fromStorageClassName(name)` for one the cluster already has, or
   * `StorageClass.none()` for volumes without a class (static volumes). A claim of a StatefulApp
   * that names its own class keeps it.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: IStorageClass;

  /**
   * The PodDisruptionBudget.
   *
   * @default - `DisruptionBudget.maxUnavailable(1)` (named `<name>-pdb`) with more than one
   * replica, none with one (a CassandraRing always gets one)
   */
  readonly disruptionBudget?: DisruptionBudget;

  /**
   * Keep pods on different nodes (pod anti-affinity on `kubernetes.io/hostname`).
   *
   * @default - Spreading.PREFERRED when replicas > 1, Spreading.NONE otherwise; Spreading.REQUIRED
   * for a ZooKeeperEnsemble
   */
  readonly spreadAcrossNodes?: Spreading;

  /**
   * Topology spread constraints on the app's own pods (selected by its selector labels): keep the
   * number of pods in each zone, node or other domain within `maxSkew` of each other, e.g.
   * `[TopologySpread.acrossZones()]`. (This replaces `spreadAcrossZones`:
   * `TopologySpread.acrossZones({ whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE })` is its
   * `Spreading.REQUIRED`, `TopologySpread.acrossZones()` its `Spreading.PREFERRED`.)
   *
   * @default - none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
   */
  readonly topologySpread?: TopologySpread[];

  /**
   * Tolerations of the pods: they may run on nodes with matching taints (e.g. nodes dedicated to
   * storage).
   *
   * @default - none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly tolerations?: Toleration[];

  /**
   * Node labels a node must have, with these values, to run the pods.
   *
   * @default - none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Required node affinity: the pods run only on nodes that match at least one of the terms (a
   * term matches when all its requirements do). Checked when a pod is scheduled only.
   *
   * @default - none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
   */
  readonly requiredNodeAffinity?: NodeSelectorTerm[];

  /**
   * Preferred node affinity: the scheduler prefers nodes that match the terms, by their weights.
   *
   * @default - none
   */
  readonly preferredNodeAffinity?: PreferredNodeSelectorTerm[];

  /**
   * Name of the PriorityClass of the pods. A stateful workload that others depend on usually
   * deserves a high priority, so that it is not preempted by less important pods.
   *
   * @default - the cluster's default priority (usually 0)
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClassName?: string;

  /**
   * How pods are replaced when the template changes.
   *
   * @default UpdateStrategy.rollingUpdate()
   */
  readonly updateStrategy?: UpdateStrategy;

  /**
   * How long a pod may take to stop after SIGTERM before it is killed.
   *
   * @default - 30 seconds (the Kubernetes default); 30 minutes for a CassandraRing
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * Service account of the pods; with `createServiceAccount`, the name of the account the app
   * creates.
   *
   * @default - the namespace's default service account; the app's name with `createServiceAccount`
   */
  readonly serviceAccountName?: string;

  /**
   * Create a ServiceAccount for the app (named `serviceAccountName`, else the app's name), with
   * token automount off, and run the pods under it: the pods then share no identity with other
   * workloads of the namespace, and Roles can be bound to this account alone.
   *
   * @default false
   */
  readonly createServiceAccount?: boolean;

  /**
   * Mount the service account token into the pods. Only apps that call the Kubernetes API need it.
   *
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Accept TCP and HTTP probes, lifecycle hooks and Service target ports on ports that no container
   * declares. Kubernetes does not need ports to be declared, but a probe or Service on a port that
   * nothing listens on fails forever, and an undeclared port is usually a typo; so by default each
   * must be a port of the container (a probe, a hook) or of a container of the pod (a Service).
   * Set it for a process that listens on a port you choose not to declare.
   *
   * @default false
   */
  readonly allowUndeclaredPorts?: boolean;

  /**
   * Prometheus metrics: the endpoint on the pods and the headless Service, how Prometheus is told
   * to scrape it (`metrics.scrape`) and a PrometheusRule with the app's alerts (`metrics.alerts`).
   * A StatefulApp serves its own endpoint (`metrics.port`, `metrics.path`); a ZooKeeperEnsemble
   * turns on ZooKeeper's Prometheus metrics provider (official image only); a CassandraRing runs
   * the Prometheus JMX exporter as a Java agent in the Cassandra JVM. See docs/observability.md.
   *
   * @default - no metrics endpoint, scrape configuration or alerts
   */
  readonly metrics?: MetricsOptions;
}
