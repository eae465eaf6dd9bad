import { createHash } from 'crypto';
import { ApiObject, Chart, Duration, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ClaimMount, ContainerProps, PodVolume, PodVolumeKind, SidecarProps, VolumeMountOptions } from './container';
import { GitOps } from './gitops';
import { AlertRule, ScrapeKind } from './monitoring';
import { ClientAccessOptions, INetworkPeer, NetworkPeer, NetworkPolicyOptions, PortRole } from './network-policy';
import { ObjectMetadataOptions, WorkloadMetadataOptions } from './object-metadata';
import { AppMonitoring, resolveMetrics, ResolvedMetrics, SCRAPE_ANNOTATIONS } from './private/app-monitoring';
import { registerApp } from './private/chart-checks';
import { createDisruptionBudget, CreatedBudget } from './private/disruption-budget';
import {
  checkGitOps, checkPresetConflicts, describeGitOps, effectiveGitOps, gitOpsOf, keepAnnotationsOfEveryTool, registerGitOps,
} from './private/gitops';
import {
  DEFAULT_CLUSTER_DOMAIN, defaultSelectorLabels, effectiveNamespace, Identity, mergeLabels,
} from './private/identity';
import { workloadKindOf } from './private/monitoring';
import { AppNetworkPolicy, AppPort, AppService, checkNetworkAccess, checkPortRoles } from './private/network-policy';
import {
  checkContainer, checkEnvValue, checkResources, checkRootUser, ContainerState, containerVolumeName, DEFAULT_RESOURCES,
  allMounts, defined, NO_SECURITY_OPTIONS, ownVolumes, renderContainer, sizeBytes, sizeQuantity,
} from './private/render-container';
import {
  checkScheduling, renderNodeAffinity, renderTolerations, renderTopologySpread,
} from './private/scheduling';
import { checkRemovedOptions, mergeResources } from './private/shared-options';
import { IStorageClass, StorageClass } from './storage-class';
import {
  checkAbsolutePath, checkAnnotations, checkConfigMapKey, checkDnsLabel, checkDnsSubdomain, checkDuration, checkEnumValue, checkEnvVarName,
  checkId,
  checkInteger, checkLabelKey, checkLabels, checkLabelValue, checkServiceName, checkServicePortName, checkSize, checkSubPath,
  checkSysctlName, ErrorScope, errorScopeOf, firstDuplicate, invalid,
} from './validation';
import {
  ClaimRetention, Spreading, StatefulWorkloadOptions, UpdateStrategy, UpdateStrategyType,
} from './workload-options';

/**
 * A volume claim template: each pod gets its own PersistentVolumeClaim
 * `<claim>-<statefulset>-<ordinal>` from it, and keeps it across restarts and rescheduling.
 *
 * Claim templates cannot be changed once the StatefulSet exists (the API server refuses the update).
 */
export interface VolumeClaimProps {
  /**
   * Name of the claim template (also the volume name used in mounts).
   */
  readonly name: string;

  /**
   * Requested storage, e.g. `Size.gibibytes(10)`.
   */
  readonly size: Size;

  /**
   * Where the volume is mounted in the main container. A claim must be mounted somewhere: here or
   * through a container's `claimMounts`.
   *
   * @default - not mounted in the main container
   */
  readonly mountPath?: string;

  /**
   * Access modes.
   *
   * @default [PersistentVolumeAccessMode.READ_WRITE_ONCE]
   */
  readonly accessModes?: kplus.PersistentVolumeAccessMode[];

  /**
   * The StorageClass that provisions the volumes (or that static volumes carry): a `StorageClass`
   * of this app, `StorageClass.fromStorageClassName(name)` for one the cluster already has, or
   * `StorageClass.none()` for volumes without a class.
   *
   * @default - the app's `storageClass`, else the cluster's default StorageClass
   */
  readonly storageClass?: IStorageClass;

  /**
   * Whether the volume holds a filesystem the container mounts (`mountPath`, `claimMounts`), or is
   * a raw block device: with `PersistentVolumeMode.BLOCK` the claim's path in a container is the
   * device path (`volumeDevices`), without `subPath` or `readOnly`.
   *
   * @default PersistentVolumeMode.FILE_SYSTEM
   */
  readonly volumeMode?: kplus.PersistentVolumeMode;

  /**
   * Grow the claims of the existing pods to this size, through Git, without changing the
   * StatefulSet: the app then declares one PersistentVolumeClaim per pod, named exactly as the
   * StatefulSet names it (`<claim>-<statefulset>-<ordinal>`), with the claim template's metadata and
   * spec at this size, annotated so that no GitOps tool prunes or deletes it (the `gitOps` preset's
   * keep annotations, or those of Argo CD and Flux when no preset is chosen). Applying them expands
   * the bound volumes; the claim template keeps `size`, so the StatefulSet does not change (a claim
   * template can never change on an existing StatefulSet).
   *
   * Refused: a size not above `size` (claims never shrink); a `StorageClass` of this app without
   * `allowVolumeExpansion`, or `StorageClass.none()`; claims served by a `HostPathVolumeSet` or
   * `NfsVolumeSet` (static volumes cannot be expanded through their claim); a claim retention
   * policy that deletes claims. For a class the cluster already has
   * (`StorageClass.fromStorageClassName`), its `allowVolumeExpansion` must be true: the API server
   * refuses the expansion otherwise.
   *
   * Pods added later: raising `replicas` here declares the new pods' claims at this size too, and
   * with Argo CD's waves (claims before the StatefulSet) they exist before their pod. Pods added
   * outside Git (`kubectl scale`) get a claim from the template at `size`; raise `replicas` in the
   * app so the claim is declared and expanded.
   *
   * Raising the template afterwards: set `size` to the new size and remove `expandTo`, then follow
   * what `cdk8s-stateful plan --against` prints: `kubectl delete statefulset <name> --cascade=orphan`
   * (the pods and claims keep running), then apply; the new StatefulSet adopts the pods. The
   * declared claims leave Git then; their keep annotations stop the GitOps tool from deleting them.
   *
   * @default - not expanded: the claims have the template's `size`
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims
   */
  readonly expandTo?: Size;
}

/**
 * Properties of a StatefulApp.
 */
export interface StatefulAppProps extends StatefulWorkloadOptions {
  /**
   * The main container. Its resources and security come from the app's `resources` and
   * `containerSecurity`; its name from `containerName`.
   */
  readonly container: ContainerProps;

  /**
   * Ordinal of the first pod.
   *
   * @default 0
   */
  readonly startOrdinal?: number;

  /**
   * More containers that run beside the main container. More can be added with `addSidecar`.
   *
   * @default - none
   */
  readonly sidecars?: SidecarProps[];

  /**
   * Containers that run to completion, in order, before the main container starts. More can be
   * added with `addInitContainer`.
   *
   * @default - none
   */
  readonly initContainers?: SidecarProps[];

  /**
   * Volume claim templates: the per-pod persistent volumes.
   *
   * @default - none
   */
  readonly volumeClaims?: VolumeClaimProps[];

  /**
   * Ports of the headless Service.
   *
   * @default - one port per named port of the main container, with the same name and number
   */
  readonly servicePorts?: kplus.ServicePort[];

  /**
   * Publish DNS records of pods before they are ready, for peers that must find each other to
   * become ready (Cassandra gossip, ZooKeeper elections).
   *
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;

  /**
   * Pod management: `OrderedReady` starts pods one at a time, each after the previous is Ready, and
   * stops them in reverse; `Parallel` starts and stops them all at once.
   *
   * @default PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: kplus.PodManagementPolicy;

  /**
   * How long a new pod must be Ready before it counts as available.
   *
   * @default - 0 seconds
   */
  readonly minReady?: Duration;

  /**
   * How many old revisions the StatefulSet keeps for rollbacks.
   *
   * @default 10
   */
  readonly revisionHistoryLimit?: number;

  /**
   * What happens to the claims of pods removed by scaling down.
   *
   * @default ClaimRetention.RETAIN
   */
  readonly claimRetentionWhenScaled?: ClaimRetention;

  /**
   * What happens to the claims when the StatefulSet is deleted.
   *
   * @default ClaimRetention.RETAIN
   */
  readonly claimRetentionWhenDeleted?: ClaimRetention;

  /**
   * The pods form a majority quorum (etcd, ZooKeeper, Raft-based stores): `(replicas − 1) / 2`
   * members may be down at once, rounded down. The disruption budget is then checked against the
   * quorum: it may never let a drain take down more members than that, and with no tolerance at
   * all (one or two members) the default budget is refused rather than guessed.
   *
   * @default false
   */
  readonly quorum?: boolean;

  /**
   * Give the main container default TCP readiness and liveness probes on its first port when it has
   * none of its own.
   *
   * @default true
   */
  readonly defaultProbes?: boolean;

  /**
   * Name of the ConfigMap that holds the files added with `addConfigFile`.
   *
   * @default - `<name>-config`
   */
  readonly configMapName?: string;

  /**
   * Labels that tell this app's pods apart from the pods of other StatefulSets that share its
   * `selectorLabels`, for an app that is one of several StatefulSets of one workload (like the
   * racks of a rack-aware `CassandraRing`). They are added to the pods and the StatefulSet, and to
   * the StatefulSet's selector only, so that each StatefulSet selects its own pods alone; the
   * Services, the PodDisruptionBudget, anti-affinity and topology spread keep selecting by
   * `selectorLabels`, across the whole workload. Like every selector, they cannot be changed once
   * the StatefulSet exists.
   *
   * @default - none: the StatefulSet selects by `selectorLabels`
   */
  readonly statefulSetSelectorLabels?: { [key: string]: string };

  /**
   * Create the governing headless Service (`serviceName`). Give `false` when several StatefulSets
   * share one governing Service that another app creates: the pods still get their DNS names under
   * `serviceName`, which must then exist and select them.
   *
   * @default true
   */
  readonly createHeadlessService?: boolean;

  /**
   * What a named container port (of the main container or a sidecar) is for, once the app has a
   * NetworkPolicy (`networkPolicy`): `PortRole.PEER` for replication, gossip, elections or
   * administration, which only the app's own pods may reach; `PortRole.CLIENT` (every port not
   * given) for clients. Marking a port `PEER` gives the app its NetworkPolicy unless
   * `networkPolicy` says otherwise, and keeps the port off the default client Service. The metrics
   * port takes its access from `networkPolicy.monitoring` and is not marked here.
   *
   * @default - every port is a client port
   */
  readonly portRoles?: { [portName: string]: PortRole };
}

/** The objects of an app that take their own labels and annotations (`objectMetadata`). */
const METADATA_PARTS: Array<keyof WorkloadMetadataOptions> = [
  'statefulSet', 'headlessService', 'clientService', 'disruptionBudget', 'configMap', 'serviceAccount', 'monitoring', 'networkPolicy',
  'volumeClaims',
];

/**
 * The StatefulSet object. Its claim templates carry `apiVersion` and `kind`, as the API server
 * stores them: without them, GitOps tools that compare the manifest with the stored object (Argo
 * CD) report the StatefulSet as out of sync forever. The generated `toJson` of the raw type drops
 * both fields from a template, so they are added to the rendered object.
 */
class StatefulSetObject extends k8s.KubeStatefulSet {
  public toJson(): any {
    const json = super.toJson();
    const templates: unknown = json.spec?.volumeClaimTemplates;
    if (Array.isArray(templates)) {
      json.spec.volumeClaimTemplates = templates.map(t => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t }));
    }
    return json;
  }
}

/** The update strategy of an app that gives none. */
const DEFAULT_UPDATE_STRATEGY = UpdateStrategy.rollingUpdate();

// What apps that leave these options unset render, made once and shared (cdk8s copies what it
// resolves, so these are only read).
const RENDERED_DEFAULT_UPDATE_STRATEGY: k8s.StatefulSetUpdateStrategy = { type: UpdateStrategyType.ROLLING_UPDATE };
const RENDERED_DEFAULT_RETENTION: k8s.StatefulSetPersistentVolumeClaimRetentionPolicy = {
  whenDeleted: ClaimRetention.RETAIN,
  whenScaled: ClaimRetention.RETAIN,
};
const RENDERED_DEFAULT_POD_SECURITY: k8s.PodSecurityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

/** The pod annotation that holds the checksum of the files added with `addConfigFile`. */
const CONFIG_CHECKSUM = 'checksum/config';

/** The most a ConfigMap's data may hold (`MaxSecretSize`, which ValidateConfigMap applies). */
const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/** A generated configuration file. */
interface ConfigFile {
  readonly key: string;
  readonly directory: string;
  readonly content: string;
}

/**
 * A stateful workload: a StatefulSet with its governing headless Service, per-pod volume claim
 * templates, a PodDisruptionBudget, spreading across nodes, an optional client Service, and typed
 * getters for the stable network identity of its pods.
 *
 * All selectors are derived from one label map. The pods are hardened by default (restricted Pod
 * Security Standard, resource requests and limits, no service account token); see
 * `ContainerProps` for images that need a setting relaxed.
 *
 * The pod template is rendered at synthesis, so an app can be added to after it is constructed:
 * environment variables (`addEnv`), sidecars and init containers, volumes and their mounts, pod
 * annotations and generated configuration files (`addConfigFile`, whose content change rolls the
 * pods). So the app can use its own names in its own configuration:
 *
 * ```ts
 * const etcd = new StatefulApp(this, 'etcd', { replicas: 3, quorum: true, container: { image: 'quay.io/coreos/etcd:v3.5.17' } });
 * etcd.addEnv('ETCD_INITIAL_CLUSTER', EnvValue.fromValue(
 *   etcd.podNames.map((pod, i) => `${pod}=http://${etcd.podDnsNames[i]}:2380`).join(',')));
 * ```
 */
export class StatefulApp extends Construct implements INetworkPeer {
  /** Name of the StatefulSet. */
  public readonly name: string;
  /** Name of the governing headless Service. */
  public readonly serviceName: string;
  /** Namespace used in DNS names (`default` when none is set). */
  public readonly namespace: string;
  /** Number of pods. */
  public readonly replicas: number;
  /** Ordinal of the first pod. */
  public readonly startOrdinal: number;
  /** Cluster DNS domain. */
  public readonly clusterDomain: string;
  /** Labels every selector of the app is derived from. */
  public readonly selectorLabels: { [key: string]: string };
  /** Labels of every object and pod of the app (its `labels` and the selector labels). */
  public readonly labels: { [key: string]: string };
  /** Name of the main container. */
  public readonly containerName: string;
  /** The volume claim templates. */
  public readonly volumeClaims: VolumeClaimProps[];
  /** Ports of the headless Service. */
  public readonly servicePorts: kplus.ServicePort[];
  /** Effective CPU and memory of the main container (the defaults merged with `resources`). */
  public readonly resources: kplus.ContainerResources;
  /** The headless Service; none when `createHeadlessService` is false. */
  public readonly headlessService?: ApiObject;
  /** The ServiceAccount the app created (`createServiceAccount`), if any. */
  public readonly serviceAccount?: ApiObject;
  /** The StatefulSet. */
  public readonly statefulSet: ApiObject;
  /** The PodDisruptionBudget, if any. */
  public readonly disruptionBudget?: ApiObject;
  /** The client Service, if any. */
  public readonly clientService?: ApiObject;
  /** Name of the client Service, if any. */
  public readonly clientServiceName?: string;
  /** The GitOps preset of the app (its `gitOps`), if any. */
  public readonly gitOps?: GitOps;
  /**
   * The PersistentVolumeClaims declared for claims with `expandTo`, one per pod and claim, in
   * claim and start order.
   */
  public readonly expandedClaims: ApiObject[] = [];
  /** Port number of the metrics endpoint, if the app has `metrics`. */
  public readonly metricsPort?: number;
  /** The ServiceMonitor or PodMonitor, if `metrics.scrape` asks for one. */
  public readonly metricsMonitor?: ApiObject;
  /** The PrometheusRule with the app's alerts, if `metrics.alerts` is given. */
  public readonly prometheusRule?: ApiObject;
  /**
   * How many pods the PodDisruptionBudget lets voluntary disruptions take down at once (its
   * maxUnavailable, or replicas − minAvailable); `undefined` when the app has no budget.
   */
  public readonly disruptionTolerance?: number;

  private readonly props: StatefulAppProps;
  private readonly errors: ErrorScope;
  private readonly identity: Identity;
  private readonly main: ContainerState;
  private readonly sidecars: ContainerState[] = [];
  private readonly initContainers: ContainerState[] = [];
  private readonly extraVolumes: PodVolume[] = [];
  private readonly extraPodAnnotations: { [key: string]: string } = {};
  private readonly configFiles: ConfigFile[] = [];
  private readonly configMapName: string;
  private readonly ownSelectorLabels: { [key: string]: string };
  private readonly serviceAccountName?: string;
  private configMapObject?: ApiObject;
  private readonly metrics?: ResolvedMetrics;
  private readonly monitoring?: AppMonitoring;
  private policy?: AppNetworkPolicy;
  private clientServicePorts: kplus.ServicePort[] = [];

  constructor(scope: Construct, id: string, props: StatefulAppProps) {
    super(scope, id);
    this.props = props;
    this.errors = errorScopeOf(this);
    const errors = this.errors;

    // identity
    const name = props.name ?? id;
    checkDnsLabel(errors, 'name', name, 52);
    this.name = name;
    this.serviceName = props.serviceName ?? name;
    checkServiceName(errors, 'serviceName', this.serviceName);
    if (props.namespace !== undefined) {
      checkDnsLabel(errors, 'namespace', props.namespace);
    }
    const chart = Chart.of(this);
    checkChartMetadata(errors, chart);
    this.namespace = effectiveNamespace(props.namespace ?? chart.namespace);
    this.clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    if (props.clusterDomain !== undefined) checkDnsSubdomain(errors, 'clusterDomain', this.clusterDomain);
    this.replicas = props.replicas ?? 1;
    if (props.replicas !== undefined) checkInteger(errors, 'replicas', this.replicas, 0);
    this.startOrdinal = props.startOrdinal ?? 0;
    if (props.startOrdinal !== undefined) checkInteger(errors, 'startOrdinal', this.startOrdinal, 0);
    // The default selector label's value is the name, a DNS label, which is a valid label value.
    this.selectorLabels = { ...(props.selectorLabels ?? defaultSelectorLabels(name)) };
    if (props.selectorLabels !== undefined) {
      if (Object.keys(this.selectorLabels).length === 0) {
        throw invalid(errors, 'selectorLabels', this.selectorLabels, 'must hold at least one label, or the selectors would match every pod');
      }
      checkLabels(errors, 'selectorLabels', this.selectorLabels);
    }
    if (props.labels !== undefined) this.checkLabelsKeepSelector('labels', props.labels);
    if (props.podAnnotations !== undefined) checkAnnotations(errors, 'podAnnotations', props.podAnnotations);
    if (props.annotations !== undefined) checkAnnotations(errors, 'annotations', props.annotations);
    if (props.objectMetadata !== undefined) this.checkObjectMetadata(props.objectMetadata);
    if (props.objectMetadata !== undefined && props.annotations !== undefined) {
      for (const part of METADATA_PARTS) {
        // Each object carries the app's annotations and its own: together within the API server's limit.
        const own = props.objectMetadata[part]?.annotations;
        if (own !== undefined) {
          checkAnnotations(errors, `objectMetadata.${part}.annotations`, mergeLabels(props.annotations, own));
        }
      }
    }
    this.labels = mergeLabels(props.labels, this.selectorLabels);
    this.ownSelectorLabels = { ...props.statefulSetSelectorLabels };
    if (props.statefulSetSelectorLabels !== undefined) {
      for (const [key, value] of Object.entries(this.ownSelectorLabels)) {
        checkLabelKey(errors, 'statefulSetSelectorLabels key', key);
        checkLabelValue(errors, `statefulSetSelectorLabels[${JSON.stringify(key)}]`, value);
        if (key in this.selectorLabels) {
          throw invalid(errors, 'statefulSetSelectorLabels key', key, 'is already a selector label; use a key of its own');
        }
      }
    }
    this.identity = new Identity({
      name,
      serviceName: this.serviceName,
      namespace: this.namespace,
      clusterDomain: this.clusterDomain,
      startOrdinal: this.startOrdinal,
      replicas: this.replicas,
    });
    // The default, `<name>-config`, is a DNS subdomain as the name is a DNS label of at most 52 characters.
    this.configMapName = props.configMapName ?? `${name}-config`;
    if (props.configMapName !== undefined) checkDnsSubdomain(errors, 'configMapName', this.configMapName);

    // scheduling, the pod and the service account
    checkRemovedOptions(errors, props);
    checkScheduling(errors, props);
    if (props.podSecurity !== undefined) this.checkPodSecurity(props.podSecurity);
    if (props.terminationGracePeriod !== undefined) {
      checkDuration(errors, 'terminationGracePeriod', props.terminationGracePeriod, {
        unit: 'seconds',
        min: 1,
        // https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations
        why: 'a grace period of 0 kills pods without waiting, which the StatefulSet documentation calls unsafe: a replacement may start '
          + 'while the old pod still writes to the volume',
        example: 'Duration.seconds(30)',
      });
    }
    if (props.minReady !== undefined) {
      checkDuration(errors, 'minReady', props.minReady, { unit: 'seconds', min: 0, example: 'Duration.seconds(10)' });
    }
    if (props.spreadAcrossNodes !== undefined) {
      checkEnumValue(errors, 'spreadAcrossNodes', props.spreadAcrossNodes, Spreading, 'Spreading');
    }
    if (props.podManagementPolicy !== undefined) {
      checkEnumValue(errors, 'podManagementPolicy', props.podManagementPolicy, kplus.PodManagementPolicy, 'PodManagementPolicy');
    }
    if (props.claimRetentionWhenScaled !== undefined) {
      checkEnumValue(errors, 'claimRetentionWhenScaled', props.claimRetentionWhenScaled, ClaimRetention, 'ClaimRetention');
    }
    if (props.claimRetentionWhenDeleted !== undefined) {
      checkEnumValue(errors, 'claimRetentionWhenDeleted', props.claimRetentionWhenDeleted, ClaimRetention, 'ClaimRetention');
    }
    this.serviceAccountName = props.serviceAccountName ?? (props.createServiceAccount ? name : undefined);
    if (this.serviceAccountName !== undefined) {
      checkDnsSubdomain(errors, 'serviceAccountName', this.serviceAccountName);
    }

    // claims and containers
    this.volumeClaims = this.checkClaims(props.volumeClaims ?? []);
    checkGitOps(errors, 'gitOps', props.gitOps);
    this.gitOps = props.gitOps;
    this.checkGitOpsConflicts();
    this.resources = mergeResources(props.resources, DEFAULT_RESOURCES)!;
    // The defaults alone are valid; given resources are checked merged with them.
    if (props.resources !== undefined) checkResources(errors, 'resources', this.resources);
    this.containerName = props.containerName ?? name;
    const claimMounts: ClaimMount[] = [];
    for (const c of this.volumeClaims) {
      if (c.mountPath !== undefined) claimMounts.push({ claim: c.name, path: c.mountPath });
    }
    claimMounts.push(...(props.container.claimMounts ?? []));
    this.main = {
      field: 'container',
      name: this.containerName,
      props: props.container,
      resources: this.resources,
      security: props.containerSecurity ?? NO_SECURITY_OPTIONS,
      env: [...(props.container.env ?? [])],
      claimMounts,
      extraMounts: [],
      defaultProbes: props.defaultProbes ?? true,
    };
    if (props.container === null || typeof props.container !== 'object') {
      throw invalid(errors, 'container', props.container, 'give the main container, e.g. { image: "nginx:1.27", ports: [{ number: 80, name: "http" }] }');
    }
    checkContainer(errors, this.main, this.volumeClaims, props);
    checkRootUser(errors, this.main, props.podSecurity ?? {});
    if (props.sidecars !== undefined) props.sidecars.forEach(c => this.addSidecar(c));
    if (props.initContainers !== undefined) props.initContainers.forEach(c => this.addInitContainer(c));

    // metrics: the port is on the pods and the headless Service
    this.metrics = resolveMetrics(errors, props.metrics, this.containers(false));
    this.metricsPort = this.metrics?.port;
    if (this.metrics?.scrape.kind === ScrapeKind.ANNOTATIONS) {
      for (const key of SCRAPE_ANNOTATIONS) {
        if (props.podAnnotations?.[key] !== undefined) {
          throw invalid(errors, 'podAnnotations', key, 'is set by metrics.scrape (Scrape.annotations()); remove it from podAnnotations');
        }
      }
    }

    // Services
    this.servicePorts = props.servicePorts ?? (props.container.ports ?? [])
      .filter(p => p.name !== undefined)
      .map(p => ({ name: p.name, port: p.number, protocol: p.protocol }));
    this.checkServicePorts('servicePorts', this.servicePorts, undefined);
    this.servicePorts = this.withMetricsPort(this.servicePorts);
    this.headlessService = props.createHeadlessService === false ? undefined : new k8s.KubeService(this, 'HeadlessService', {
      metadata: this.metadata(this.serviceName, 'headlessService'),
      spec: defined({
        clusterIp: 'None',
        ports: renderServicePorts(this.servicePorts),
        selector: this.selectorLabels,
        publishNotReadyAddresses: props.publishNotReadyAddresses,
      }),
    });
    if (props.clientService) {
      const cs = props.clientService;
      this.clientServiceName = cs.name ?? `${name}-client`;
      checkServiceName(errors, 'clientService.name', this.clientServiceName);
      if (this.clientServiceName === this.serviceName) {
        throw invalid(errors, 'clientService.name', this.clientServiceName, `must differ from the headless Service name (serviceName "${this.serviceName}")`);
      }
      // The metrics port stays off the client Service (a ServiceMonitor scrapes each pod once), and
      // so do peer ports (only the app's own pods use them).
      const ports = cs.ports ?? this.servicePorts.filter(p => (this.metrics === undefined || p.name !== this.metrics.portName)
        && (p.name === undefined || props.portRoles?.[p.name] !== PortRole.PEER));
      if (this.metrics?.scrape.kind === ScrapeKind.SERVICE_MONITOR && cs.ports?.some(p => p.name === this.metrics!.portName)) {
        throw invalid(errors, 'clientService.ports', this.metrics.portName,
          'is the metrics port, which the ServiceMonitor scrapes through the headless Service; on the client Service as well, '
          + 'Prometheus would scrape every pod twice. Leave it off the client Service');
      }
      if (ports.length === 0) {
        throw invalid(errors, 'clientService.ports', ports, this.servicePorts.length > 0
          ? 'give at least one port (the headless Service has only the metrics port, which stays off the client Service)'
          : 'give at least one port (the main container has no named ports to default to)');
      }
      const type = cs.type ?? kplus.ServiceType.CLUSTER_IP;
      checkEnumValue(errors, 'clientService.type', type, kplus.ServiceType, 'ServiceType');
      if (type === kplus.ServiceType.EXTERNAL_NAME) {
        throw invalid(errors, 'clientService.type', type,
          'an ExternalName Service is a DNS alias for a name outside the cluster and does not select pods; use CLUSTER_IP, NODE_PORT or LOAD_BALANCER');
      }
      this.checkServicePorts('clientService.ports', ports, type);
      this.clientServicePorts = ports;
      this.clientService = new k8s.KubeService(this, 'ClientService', {
        metadata: this.metadata(this.clientServiceName, 'clientService'),
        spec: {
          type: cs.type ?? kplus.ServiceType.CLUSTER_IP,
          ports: renderServicePorts(ports),
          selector: this.selectorLabels,
        },
      });
    }

    // the StatefulSet, rendered at synthesis
    if (props.updateStrategy !== undefined) this.checkUpdateStrategy(props.updateStrategy);
    if (props.revisionHistoryLimit !== undefined) {
      checkInteger(errors, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
    }
    if (props.createServiceAccount) {
      this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: this.metadata(this.serviceAccountName!, 'serviceAccount'),
        // Only pods that call the Kubernetes API need the token; `automountServiceAccountToken` on
        // the pods decides for them.
        automountServiceAccountToken: false,
      });
    }
    this.createExpandedClaims();
    const statefulSetMetadata = this.metadata(name, 'statefulSet');
    this.statefulSet = new StatefulSetObject(this, 'StatefulSet', {
      // The StatefulSet also carries the labels only its own selector has (a rack's).
      metadata: props.statefulSetSelectorLabels === undefined ? statefulSetMetadata
        : { ...statefulSetMetadata, labels: mergeLabels(statefulSetMetadata.labels, this.ownSelectorLabels) },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    if (props.gitOps !== undefined) {
      // At synthesis, every object of the app gets the preset's annotations for its kind.
      registerGitOps(this, props.gitOps, errors, 'gitOps');
    }

    const budget = this.createBudget();
    this.disruptionBudget = budget?.object;
    this.disruptionTolerance = budget?.allows;

    // scrape configuration and alerts
    if (this.metrics) {
      this.monitoring = new AppMonitoring({
        scope: this,
        errors,
        kind: workloadKindOf(this),
        name,
        namespace: this.namespace,
        selectorLabels: this.selectorLabels,
        podNames: this.podNames,
        containerName: this.containerName,
        claimNames: this.volumeClaims.flatMap(c => this.identity.claimNames(c.name)),
        metadata: n => this.metadata(n, 'monitoring'),
      }, this.metrics);
      this.metricsMonitor = this.monitoring.monitor;
      this.prometheusRule = this.monitoring.rule;
    }

    // the NetworkPolicy: asked for, or implied by ports only the app's own pods may reach
    if (props.portRoles !== undefined) checkPortRoles(errors, props.portRoles);
    if (this.metrics && props.portRoles?.[this.metrics.portName] !== undefined) {
      throw invalid(errors, `portRoles[${JSON.stringify(this.metrics.portName)}]`, props.portRoles[this.metrics.portName],
        'is the metrics port: who may reach it is networkPolicy.monitoring; leave it out of portRoles');
    }
    const policyOptions = props.networkPolicy !== undefined ? checkNetworkAccess(errors, props.networkPolicy)
      : props.portRoles !== undefined && Object.values(props.portRoles).includes(PortRole.PEER) ? {} : undefined;
    if (policyOptions?.monitoring !== undefined && policyOptions.monitoring.length > 0 && !this.metrics) {
      const n = policyOptions.monitoring.length;
      throw invalid(errors, 'networkPolicy.monitoring', `${n} source${n === 1 ? '' : 's'}`,
        'the app has no metrics port; give metrics, or leave networkPolicy.monitoring out');
    }
    if (policyOptions !== undefined) {
      this.policy = this.createNetworkPolicy(policyOptions);
    }
    this.node.addValidation({ validate: () => this.validateLate() });
    registerApp(this, chart, {
      errors,
      props,
      name,
      namespace: this.namespace,
      selectorLabels: this.selectorLabels,
      podLabels: () => this.podLabels(),
      objects: () => [
        [this.statefulSet, 'name'],
        ...(this.headlessService ? [[this.headlessService, 'serviceName'] as [ApiObject, string]] : []),
        ...(this.clientService ? [[this.clientService, 'clientService.name'] as [ApiObject, string]] : []),
        ...(this.serviceAccount ? [[this.serviceAccount, 'serviceAccountName'] as [ApiObject, string]] : []),
        ...(this.disruptionBudget ? [[this.disruptionBudget, 'disruptionBudget.name'] as [ApiObject, string]] : []),
        ...this.expandedClaims.map(c => [c, 'volumeClaims'] as [ApiObject, string]),
        ...(this.policy ? [[this.policy.object, 'networkPolicy.name'] as [ApiObject, string]] : []),
        ...(this.configMapObject ? [[this.configMapObject, 'configMapName'] as [ApiObject, string]] : []),
      ],
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Adding to the app after construction

  /**
   * Adds an environment variable to the main container, after those it already has (Kubernetes
   * expands `$(NAME)` only to variables defined earlier).
   */
  public addEnv(name: string, value: kplus.EnvValue): void {
    checkEnvVarName(this.errors, 'env name', name);
    checkEnvValue(this.errors, `env ${name}`, value);
    if (this.main.env.some(e => e.name === name)) {
      throw invalid(this.errors, 'env name', name, `the ${this.containerName} container already has this variable; names must be unique within a container`);
    }
    this.main.env.push({ name, value });
  }

  /**
   * Adds a container that runs beside the main container.
   */
  public addSidecar(sidecar: SidecarProps): void {
    this.sidecars.push(this.containerState(sidecar, `sidecars[${this.sidecars.length}]`));
  }

  /**
   * Adds a container that runs to completion before the main container starts, after the init
   * containers the app already has.
   */
  public addInitContainer(container: SidecarProps): void {
    this.initContainers.push(this.containerState(container, `initContainers[${this.initContainers.length}]`));
  }

  /**
   * Adds a volume to the pods; mount it with `mountVolume`.
   */
  public addVolume(volume: PodVolume): void {
    if (!(volume instanceof PodVolume)) {
      throw invalid(this.errors, 'volume', volume, 'must be PodVolume.emptyDir(name), PodVolume.fromConfigMap(name, configMap) or PodVolume.fromSecret(name, secret)');
    }
    checkDnsLabel(this.errors, 'volume name', volume.name);
    checkSize(this.errors, `volume ${volume.name} sizeLimit`, volume.sizeLimit, 'Size.gibibytes(1)');
    if (this.volumeNames().includes(volume.name)) {
      throw invalid(this.errors, 'volume name', volume.name, 'the pods already have a volume (or claim) of this name; volume names must be unique');
    }
    if (volume.kind !== PodVolumeKind.EMPTY_DIR) {
      checkDnsSubdomain(this.errors, `volume ${volume.name} source name`, volume.sourceName!);
    }
    this.extraVolumes.push(volume);
  }

  /**
   * Mounts a volume of the pods (a claim template or a volume added with `addVolume`) into a
   * container.
   */
  public mountVolume(volume: string, path: string, options: VolumeMountOptions = {}): void {
    const known = [...this.volumeClaims.map(c => c.name), ...this.extraVolumes.map(v => v.name)];
    if (!known.includes(volume)) {
      throw invalid(this.errors, 'volume', volume, `is neither a claim nor a volume added with addVolume (have: ${known.join(', ') || 'none'})`);
    }
    checkAbsolutePath(this.errors, 'mount path', path);
    checkSubPath(this.errors, 'subPath', options.subPath);
    const target = this.findContainer(options.container);
    if (this.volumeClaims.some(c => c.name === volume)) {
      target.claimMounts.push({ claim: volume, path, subPath: options.subPath, readOnly: options.readOnly });
    } else {
      target.extraMounts.push({ name: volume, mountPath: path, subPath: options.subPath, readOnly: options.readOnly });
    }
  }

  /**
   * Adds an annotation to the pods (the pod template). Changing it later rolls every pod.
   */
  public addPodAnnotation(key: string, value: string): void {
    if (typeof key !== 'string' || key === '' || this.props.podAnnotations?.[key] !== undefined || this.extraPodAnnotations[key] !== undefined
      || this.monitoring?.podAnnotations()[key] !== undefined) {
      throw invalid(this.errors, 'pod annotation', key, 'must be a new, non-empty annotation key');
    }
    checkAnnotations(this.errors, 'pod annotation', { [key]: value });
    this.extraPodAnnotations[key] = value;
  }

  /**
   * Lets a client reach the app's client ports (all of them, or `options.ports`) through the
   * app's NetworkPolicy; an app without one gets it now (`NetworkAccess.restricted()`), unless its
   * `networkPolicy` is `NetworkAccess.unrestricted()`. Once a client port has a declared client, no
   * other source reaches it. Refused for ports the app does not have, peer ports and the metrics
   * port.
   *
   * @param peer the client: a construct of this library, `NetworkPeer.workload(...)` for a
   * cdk8s-plus workload, pods, namespaces or a CIDR
   */
  public allowClientsFrom(peer: INetworkPeer, options: ClientAccessOptions = {}): void {
    if (!this.policy) {
      if (this.props.networkPolicy !== undefined) {
        throw invalid(this.errors, 'networkPolicy', 'NetworkAccess.unrestricted()',
          'allowClientsFrom declares a client of the app\'s NetworkPolicy, but the app has none, so every source reaches it already; '
          + 'give networkPolicy: NetworkAccess.restricted() to let only the declared clients in');
      }
      this.policy = this.createNetworkPolicy({});
    }
    this.policy.addClient(peer, options, 'allowClientsFrom');
  }

  /** The app's pods, as a source or destination of another app's NetworkPolicy. */
  public toNetworkPeer(): NetworkPeer {
    return NetworkPeer.podsInNamespace(this.selectorLabels, this.namespace);
  }

  /** The NetworkPolicy, if the app has one. */
  public get networkPolicy(): ApiObject | undefined {
    return this.policy?.object;
  }

  /**
   * Adds an alert to the app's PrometheusRule (the app needs `metrics.alerts`). It carries the
   * labels every alert of the app has (`severity`, `namespace`, `statefulset` and
   * `metrics.alerts.alertLabels`).
   */
  public addAlert(rule: AlertRule): void {
    if (!this.monitoring) {
      throw invalid(this.errors, 'metrics', undefined, 'the app has no metrics: give metrics (with alerts: {}) to add alerts');
    }
    this.monitoring.addAlert(rule);
  }

  /**
   * Adds a generated configuration file to the main container (or another container), read-only.
   * The files are kept in one ConfigMap (`configMapName`), and a checksum of their content is a pod
   * annotation (`checksum/config`), so changing a file rolls the pods, which then read it.
   *
   * @param path absolute path of the file in the container, e.g. `/conf/zoo.cfg`
   * @param content the file's text
   */
  public addConfigFile(path: string, content: string, options: ConfigFileOptions = {}): void {
    checkAbsolutePath(this.errors, 'config file path', path);
    const slash = path.lastIndexOf('/');
    const directory = path.slice(0, slash) || '/';
    const key = path.slice(slash + 1);
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
      throw invalid(this.errors, 'config file path', path, "must end in a file name of letters, digits, '-', '_' and '.'");
    }
    checkConfigMapKey(this.errors, 'config file name', key);
    if (this.configFiles.some(f => f.key === key)) {
      throw invalid(this.errors, 'config file path', path, 'the app already has a configuration file of this name; file names must be unique');
    }
    if (typeof content !== 'string') {
      throw invalid(this.errors, 'config file content', content, 'must be a string');
    }
    const target = this.findContainer(options.container);
    this.configFiles.push({ key, directory, content });
    const volumeName = this.configVolumeName(target.name, directory);
    if (!target.extraMounts.some(m => m.name === volumeName)) {
      target.extraMounts.push({ name: volumeName, mountPath: directory, readOnly: true });
    }
    if (!this.configMapObject) {
      this.configMapObject = new k8s.KubeConfigMap(this, 'Config', {
        metadata: this.metadata(this.configMapName, 'configMap'),
        data: Lazy.any({ produce: () => Object.fromEntries(this.configFiles.map(f => [f.key, f.content])) }),
      });
      // Written before the StatefulSet, whose pods mount it.
      this.statefulSet.node.addDependency(this.configMapObject);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Identity

  /** The ConfigMap of the files added with `addConfigFile`, if any. */
  public get configMap(): ApiObject | undefined {
    return this.configMapObject;
  }

  /** Pod names in start order (`<name>-<ordinal>`). */
  public get podNames(): string[] {
    return this.identity.podNames;
  }

  /** Stable DNS names of the pods, in start order. */
  public get podDnsNames(): string[] {
    return this.identity.podDnsNames;
  }

  /** DNS name of the headless Service (`<service>.<namespace>.svc.<domain>`). */
  public get serviceDnsName(): string {
    return this.identity.serviceDnsName;
  }

  /**
   * Name of the pod with the given ordinal.
   */
  public podName(ordinal: number): string {
    this.checkOrdinal(ordinal);
    return this.identity.podNames[ordinal - this.startOrdinal];
  }

  /**
   * Stable DNS name of the pod with the given ordinal:
   * `<pod>.<service>.<namespace>.svc.<cluster domain>`.
   */
  public podDnsName(ordinal: number): string {
    this.checkOrdinal(ordinal);
    return this.identity.podDnsName(ordinal);
  }

  /**
   * Names of the PersistentVolumeClaims each pod gets from a claim template, in start order
   * (`<claim>-<statefulset>-<ordinal>`).
   */
  public claimNames(claim: string): string[] {
    this.volumeClaim(claim);
    return this.identity.claimNames(claim);
  }

  /**
   * The claim template with the given name.
   */
  public volumeClaim(claim: string): VolumeClaimProps {
    const found = this.volumeClaims.find(c => c.name === claim);
    if (!found) {
      throw invalid(this.errors, 'claim', claim, `is not a volume claim of this app (claims: ${this.volumeClaims.map(c => c.name).join(', ') || 'none'})`);
    }
    return found;
  }

  /**
   * Name of the StorageClass the claim asks for; `undefined` when the claim leaves it to the
   * cluster's default class.
   */
  public claimStorageClassName(claim: string): string | undefined {
    return this.volumeClaim(claim).storageClass?.storageClassName;
  }

  /**
   * Access modes the claim asks for (its `accessModes`, or the default `ReadWriteOnce`).
   */
  public claimAccessModes(claim: string): kplus.PersistentVolumeAccessMode[] {
    return claimAccessModes(this.volumeClaim(claim));
  }

  // ---------------------------------------------------------------------------------------------
  // Checks

  private checkClaims(claims: VolumeClaimProps[]): VolumeClaimProps[] {
    const errors = this.errors;
    checkStorageClass(errors, 'storageClass', this.props.storageClass);
    const result = claims.map((c, i) => {
      checkDnsLabel(errors, `volumeClaims[${i}].name`, c.name);
      if (!(c.size instanceof Size)) {
        throw invalid(errors, `volumeClaims[${i}].size`, c.size, 'must be a Size greater than zero, e.g. Size.gibibytes(1)');
      }
      if (!(sizeBytes(c.size) > 0)) {
        throw invalid(errors, `volumeClaims[${i}].size`, c.size.asString(), 'must be greater than zero, e.g. Size.gibibytes(1)');
      }
      if (c.mountPath !== undefined) {
        checkAbsolutePath(errors, `volumeClaims[${i}].mountPath`, c.mountPath);
      }
      if (c.accessModes !== undefined && c.accessModes.length === 0) {
        throw invalid(errors, `volumeClaims[${i}].accessModes`, c.accessModes, 'give at least one access mode, e.g. READ_WRITE_ONCE');
      }
      (c.accessModes ?? []).forEach((m, j) =>
        checkEnumValue(errors, `volumeClaims[${i}].accessModes[${j}]`, m, kplus.PersistentVolumeAccessMode, 'PersistentVolumeAccessMode'));
      checkStorageClass(errors, `volumeClaims[${i}].storageClass`, c.storageClass);
      if (c.volumeMode !== undefined) {
        checkEnumValue(errors, `volumeClaims[${i}].volumeMode`, c.volumeMode, kplus.PersistentVolumeMode, 'PersistentVolumeMode');
      }
      // The app's storageClass is the default of every claim that names none.
      const claim = c.storageClass !== undefined || this.props.storageClass === undefined ? c : { ...c, storageClass: this.props.storageClass };
      this.checkExpansion(i, claim);
      return claim;
    });
    const dupClaim = firstDuplicate(result.map(c => c.name));
    if (dupClaim !== undefined) {
      throw invalid(errors, 'volumeClaims', dupClaim, 'claim names must be unique');
    }
    return result;
  }

  /** Checks a label map that is merged with the selector labels: it may not change one of them. */
  private checkLabelsKeepSelector(field: string, labels: { [key: string]: string } | undefined) {
    checkLabels(this.errors, field, labels);
    for (const [key, value] of Object.entries(labels ?? {})) {
      const selector = this.selectorLabels[key];
      if (selector !== undefined && selector !== value) {
        throw invalid(this.errors, `${field}[${JSON.stringify(key)}]`, value,
          `would change the selector label ${key}: "${selector}" (selectorLabels), which every selector of the app is derived from; `
          + 'leave it out, or change selectorLabels');
      }
    }
  }

  private checkObjectMetadata(metadata: WorkloadMetadataOptions | undefined) {
    if (metadata === undefined) return;
    for (const part of METADATA_PARTS) {
      const own = metadata[part];
      if (own === undefined) continue;
      this.checkLabelsKeepSelector(`objectMetadata.${part}.labels`, own.labels);
      checkAnnotations(this.errors, `objectMetadata.${part}.annotations`, own.annotations);
    }
    const unknown = Object.keys(metadata).find(k => !(METADATA_PARTS as string[]).includes(k));
    if (unknown !== undefined) {
      throw invalid(this.errors, 'objectMetadata', unknown, `is not an object of the app; give one of ${METADATA_PARTS.join(', ')}`);
    }
  }

  /** Annotations the user gave an object of the app, each with the field that set it. */
  private givenAnnotations(part: keyof WorkloadMetadataOptions): { [key: string]: { value: string; field: string } } {
    const given: { [key: string]: { value: string; field: string } } = {};
    // The claims get only their own annotations, not the app's.
    const layers: Array<[{ [key: string]: string } | undefined, string]> = [
      [part === 'volumeClaims' ? undefined : this.props.annotations, 'annotations'],
      [this.props.objectMetadata?.[part]?.annotations, `objectMetadata.${part}.annotations`],
    ];
    for (const [annotations, field] of layers) {
      for (const [key, value] of Object.entries(annotations ?? {})) {
        given[key] = { value, field };
      }
    }
    return given;
  }

  /** A preset of the app may not contradict an annotation the user gave: checked before anything is rendered. */
  private checkGitOpsConflicts() {
    const preset = this.props.gitOps;
    if (preset !== undefined) {
      const check = (part: keyof WorkloadMetadataOptions, kind: string, object: string) =>
        checkPresetConflicts(this.errors, 'gitOps', preset, object, preset.annotationsFor(kind), this.givenAnnotations(part));
      check('headlessService', 'Service', 'the headless Service');
      check('clientService', 'Service', 'the client Service');
      check('statefulSet', 'StatefulSet', 'the StatefulSet');
      check('disruptionBudget', 'PodDisruptionBudget', 'the PodDisruptionBudget');
      check('configMap', 'ConfigMap', 'the ConfigMap');
      check('networkPolicy', 'NetworkPolicy', 'the NetworkPolicy');
      check('volumeClaims', 'PersistentVolumeClaim', 'the claims');
    }
    // Claims declared by expandTo always carry keep annotations.
    const expanded = this.volumeClaims.findIndex(c => c.expandTo !== undefined);
    if (expanded >= 0) {
      const keep = preset?.keepAnnotations ?? keepAnnotationsOfEveryTool();
      const given = this.givenAnnotations('volumeClaims');
      for (const [key, value] of Object.entries(keep)) {
        if (given[key] !== undefined && given[key].value !== value) {
          throw invalid(this.errors, `volumeClaims[${expanded}].expandTo`, this.volumeClaims[expanded].expandTo!.asString(),
            `the claims it declares carry ${key}: "${value}" so that no GitOps tool prunes or deletes them, but ${given[key].field} sets it to `
            + `"${given[key].value}"; remove that annotation`);
        }
      }
    }
  }

  /** Names of the claims with `volumeMode` BLOCK. */
  private blockClaimNames(): Set<string> {
    const names = new Set<string>();
    for (const c of this.volumeClaims) if (c.volumeMode === kplus.PersistentVolumeMode.BLOCK) names.add(c.name);
    return names;
  }

  /** Renders a container; the paths of its Block claims become device paths (`volumeDevices`). */
  private renderWithDevices(state: ContainerState): k8s.Container {
    const rendered = renderContainer(state);
    const block = this.blockClaimNames();
    if (block.size === 0) return rendered;
    const mounts = (rendered.volumeMounts ?? []).filter(m => !block.has(m.name));
    const devices = (rendered.volumeMounts ?? []).filter(m => block.has(m.name)).map(m => ({ name: m.name, devicePath: m.mountPath }));
    return {
      ...rendered,
      volumeMounts: mounts.length > 0 ? mounts : undefined,
      volumeDevices: devices.length > 0 ? devices : undefined,
    };
  }

  /** Checks a claim's `expandTo`: larger than its size, on a class that can expand, with claims that are kept. */
  private checkExpansion(i: number, c: VolumeClaimProps) {
    if (c.expandTo === undefined) return;
    const field = `volumeClaims[${i}].expandTo`;
    const bytes = c.expandTo instanceof Size ? sizeBytes(c.expandTo) : NaN;
    if (!(bytes > 0)) {
      throw invalid(this.errors, field, c.expandTo, 'must be a Size greater than the claim\'s size, e.g. Size.gibibytes(50)');
    }
    if (bytes <= sizeBytes(c.size)) {
      throw invalid(this.errors, field, c.expandTo.asString(),
        `must be larger than the claim's size (${c.size.asString()}): a claim can only grow, never shrink (the API server refuses a lower request)`);
    }
    const sc = c.storageClass;
    if (sc instanceof StorageClass && !sc.allowVolumeExpansion) {
      throw invalid(this.errors, field, c.expandTo.asString(),
        `the claim's StorageClass ${sc.storageClassName} does not allow expansion (allowVolumeExpansion is false), so the API server refuses `
        + 'the larger request; give the StorageClass allowVolumeExpansion: true if its provisioner can expand volumes');
    }
    if (sc !== undefined && sc.storageClassName === '') {
      throw invalid(this.errors, field, c.expandTo.asString(),
        'the claim has no StorageClass (StorageClass.none()): it binds static volumes, which cannot be expanded through their claim; '
        + 'grow the volumes themselves instead');
    }
    for (const [retention, value] of [
      ['claimRetentionWhenScaled', this.props.claimRetentionWhenScaled],
      ['claimRetentionWhenDeleted', this.props.claimRetentionWhenDeleted],
    ] as const) {
      if (value === ClaimRetention.DELETE) {
        throw invalid(this.errors, field, c.expandTo.asString(),
          `${retention} is ClaimRetention.DELETE: the StatefulSet would delete claims that Git declares, and the GitOps tool would `
          + 'recreate them empty; expansion keeps claims, so use ClaimRetention.RETAIN');
      }
    }
  }

  private checkUpdateStrategy(strategy: UpdateStrategy | undefined) {
    if (strategy !== undefined && !(strategy instanceof UpdateStrategy)) {
      throw invalid(this.errors, 'updateStrategy', strategy, 'must be UpdateStrategy.rollingUpdate({...}) or UpdateStrategy.onDelete()');
    }
    if (strategy?.partition !== undefined) {
      checkInteger(this.errors, 'updateStrategy.partition', strategy.partition, 0);
    }
    if (strategy?.maxUnavailable !== undefined) {
      checkInteger(this.errors, 'updateStrategy.maxUnavailable', strategy.maxUnavailable, 1);
    }
  }

  private checkServicePorts(field: string, ports: kplus.ServicePort[], type: kplus.ServiceType | undefined) {
    const errors = this.errors;
    if (!Array.isArray(ports)) {
      throw invalid(errors, field, ports, 'must be a list of ports, e.g. [{ name: "http", port: 80 }]');
    }
    ports.forEach((p, i) => {
      checkInteger(errors, `${field}[${i}].port`, p.port, 1, 65535);
      if (p.name !== undefined) {
        // ValidateService: Service port names are DNS labels (container port names are IANA service names).
        checkServicePortName(errors, `${field}[${i}].name`, p.name);
      } else if (ports.length > 1) {
        throw invalid(errors, `${field}[${i}].name`, p.name, 'a Service with more than one port needs a name on every port');
      }
      if (p.protocol !== undefined) {
        checkEnumValue(errors, `${field}[${i}].protocol`, p.protocol, kplus.Protocol, 'Protocol');
      }
      if (p.targetPort !== undefined) {
        checkInteger(errors, `${field}[${i}].targetPort`, p.targetPort, 1, 65535);
      }
      if (p.nodePort !== undefined) {
        if (type === undefined || type === kplus.ServiceType.CLUSTER_IP) {
          // validateServicePort: nodePort "may not be used when `type` is 'ClusterIP'" (and a headless Service has no node ports).
          throw invalid(errors, `${field}[${i}].nodePort`, p.nodePort,
            `a ${type === undefined ? 'headless' : 'ClusterIP'} Service has no node ports (the API server refuses one); `
            + 'remove it, or use a client Service of type NODE_PORT or LOAD_BALANCER');
        }
        checkInteger(errors, `${field}[${i}].nodePort`, p.nodePort, 30000, 32767);
      }
    });
    if (ports.length < 2) return;
    const dupName = firstDuplicate(ports.filter(p => p.name !== undefined).map(p => p.name));
    if (dupName !== undefined) {
      throw invalid(errors, field, dupName, 'port names must be unique');
    }
    const dupPort = firstDuplicate(ports.map(p => `${p.port}/${p.protocol ?? 'TCP'}`));
    if (dupPort !== undefined) {
      throw invalid(errors, field, dupPort, 'port numbers must be unique');
    }
  }

  /**
   * Checks that each Service port targets a port a container of the pod declares (sidecars may be
   * added after construction, so this runs at synthesis).
   */
  private checkServiceTargets(field: string, ports: kplus.ServicePort[]) {
    if (this.props.allowUndeclaredPorts) return;
    const declared: kplus.ContainerPort[] = [];
    for (const c of this.containers(false)) if (c.props.ports !== undefined) declared.push(...c.props.ports);
    ports.forEach((p, i) => {
      const target = p.targetPort ?? p.port;
      const protocol = p.protocol ?? kplus.Protocol.TCP;
      if (!declared.some(d => d.number === target && (d.protocol ?? kplus.Protocol.TCP) === protocol)) {
        throw invalid(this.errors, `${field}[${i}]${p.targetPort !== undefined ? '.targetPort' : '.port'}`, target,
          `no container of the app declares ${protocol} port ${target} (declared: ${declared.map(d => `${d.number}/${d.protocol ?? 'TCP'}`).join(', ') || 'none'}); `
          + 'the Service would send traffic where nothing listens. Declare the port in the container\'s ports (or give the targetPort it '
          + 'listens on), or set allowUndeclaredPorts: true if the process listens there without declaring it');
      }
    });
  }

  /** Checks the pod's security settings as the API server does. */
  private checkPodSecurity(sc: kplus.PodSecurityContextProps | undefined) {
    if (sc === undefined) return;
    const errors = this.errors;
    checkId(errors, 'podSecurity.user', sc.user);
    checkId(errors, 'podSecurity.group', sc.group);
    checkId(errors, 'podSecurity.fsGroup', sc.fsGroup);
    if (sc.fsGroupChangePolicy !== undefined) {
      checkEnumValue(errors, 'podSecurity.fsGroupChangePolicy', sc.fsGroupChangePolicy, kplus.FsGroupChangePolicy, 'FsGroupChangePolicy');
    }
    (sc.sysctls ?? []).forEach((sysctl, i) => {
      checkSysctlName(errors, `podSecurity.sysctls[${i}].name`, sysctl?.name);
      if (typeof sysctl.value !== 'string') {
        throw invalid(errors, `podSecurity.sysctls[${i}].value`, sysctl.value, 'must be a string, e.g. "1024"');
      }
    });
    const dup = firstDuplicate((sc.sysctls ?? []).map(x => x.name));
    if (dup !== undefined) {
      throw invalid(errors, 'podSecurity.sysctls', dup, 'each sysctl may be set once (the API server refuses duplicates)');
    }
  }

  private checkOrdinal(ordinal: number) {
    if (!Number.isInteger(ordinal) || ordinal < this.startOrdinal || ordinal >= this.startOrdinal + this.replicas) {
      throw invalid(this.errors, 'ordinal', ordinal,
        `must be an integer from ${this.startOrdinal} to ${this.startOrdinal + this.replicas - 1} (the app's pods)`);
    }
  }

  /** What can only be checked once everything has been added: runs at synthesis. */
  private validateLate(): string[] {
    const all = this.containers(true);
    if (this.props.portRoles !== undefined) {
      const portNames = new Set(this.containers(false).flatMap(c => (c.props.ports ?? []).map(p => p.name)));
      const unknownRole = Object.keys(this.props.portRoles).find(n => !portNames.has(n));
      if (unknownRole !== undefined) {
        throw invalid(this.errors, 'portRoles', unknownRole,
          `is not the name of a port of the main container or a sidecar (ports: ${[...portNames].filter(n => n !== undefined).join(', ') || 'none named'})`);
      }
    }
    const unmounted = this.volumeClaims.find(v => !isClaimMounted(all, v.name));
    if (unmounted !== undefined) {
      throw invalid(this.errors, 'volumeClaims', unmounted.name,
        'claim is mounted nowhere: give it a mountPath, mount it with a container\'s claimMounts, or call mountVolume');
    }
    if (this.configFiles.length > 0) {
      const field = this.props.podAnnotations?.[CONFIG_CHECKSUM] !== undefined ? 'podAnnotations'
        : this.extraPodAnnotations[CONFIG_CHECKSUM] !== undefined ? 'pod annotation' : undefined;
      if (field !== undefined) {
        throw invalid(this.errors, field, CONFIG_CHECKSUM,
          'is the annotation addConfigFile sets to the checksum of the configuration files (so a change rolls the pods); use another key');
      }
    }
    const block = this.blockClaimNames();
    for (const c of all) {
      for (const m of c.claimMounts) {
        if (block.has(m.claim) && (m.subPath !== undefined || m.readOnly !== undefined)) {
          throw invalid(this.errors, `${c.field} claim ${m.claim}`, m.path,
            'is a Block volume (volumeMode BLOCK): it is attached as a device at this path, which takes no subPath or readOnly');
        }
      }
    }
    // A preset of a scope (GitOps.applyTo) may not contradict the claim templates' own annotations.
    const preset = effectiveGitOps(this);
    if (preset !== undefined && preset !== this.props.gitOps && this.volumeClaims.length > 0) {
      const given = this.givenAnnotations('volumeClaims');
      const owner = this.node.scopes.find(s => gitOpsOf(s) === preset);
      for (const [key, value] of Object.entries(preset.keepAnnotations)) {
        if (given[key] !== undefined && given[key].value !== value) {
          throw invalid(this.errors, given[key].field, given[key].value,
            `contradicts the GitOps preset ${describeGitOps(preset)} applied to ${owner?.node.path || 'the app'}, which sets ${key}: "${value}" `
            + 'on the claim templates; remove the annotation or the preset');
        }
      }
    }
    for (const c of all) {
      // Which mounts collide is worked out (with the field of each) only for a container whose paths repeat.
      const mounts = allMounts(c);
      if (mounts.length < 2 || firstDuplicate(mounts.map(m => normalizePath(m.mountPath))) === undefined) continue;
      const seen = new Map<string, { field: string; volume: string }>();
      for (const { mount, field } of this.describedMounts(c)) {
        const p = normalizePath(mount.mountPath);
        const other = seen.get(p);
        if (other !== undefined) {
          // ValidateVolumeMounts: mount paths "must be unique" within a container.
          throw invalid(this.errors, field, mount.mountPath,
            `the ${c.name} container already mounts volume "${other.volume}" at ${p} (${other.field}); `
            + `volume "${mount.name}" cannot be mounted there too: mount each at its own path`);
        }
        seen.set(p, { field, volume: mount.name });
      }
    }
    const dupVolume = firstDuplicate(this.volumeNames());
    if (dupVolume !== undefined) {
      throw invalid(this.errors, 'volume names', dupVolume,
        'two volumes of the pod have this name (a claim, a writable directory, a ConfigMap mount or an added volume); rename one');
    }
    this.checkServiceTargets('servicePorts', this.servicePorts);
    if (this.props.clientService) {
      this.checkServiceTargets('clientService.ports', this.props.clientService.ports ?? this.servicePorts);
    }
    // After the Service targets are known to be declared (unless allowUndeclaredPorts): every
    // Service port must serve someone through the NetworkPolicy.
    this.policy?.validate();
    // AccumulateUniqueHostPorts: two containers of the pod cannot take one host port.
    const hostPorts = new Map<string, string>();
    for (const c of this.containers(false)) {
      if (!(c.props.ports ?? []).some(p => p.hostPort !== undefined)) continue;
      (c.props.ports ?? []).forEach((p, i) => {
        if (p.hostPort === undefined) return;
        const key = `${p.protocol ?? 'TCP'}/${p.hostIp ?? ''}/${p.hostPort}`;
        const other = hostPorts.get(key);
        if (other !== undefined) {
          throw invalid(this.errors, `${c.field}.ports[${i}].hostPort`, p.hostPort,
            `${other} already takes host port ${p.hostPort}; two containers of a pod cannot share a host port (the API server refuses it)`);
        }
        hostPorts.set(key, `${c.field}.ports[${i}]`);
      });
    }
    // A resource read by an environment variable must be of a container of the pod.
    for (const c of all) {
      if (c.env.length === 0) continue;
      const names = all.map(s => s.name);
      c.env.forEach(e => {
        const from = e.value?.valueFrom as { resourceFieldRef?: { containerName?: string } } | undefined;
        const container: unknown = from?.resourceFieldRef?.containerName;
        if (container !== undefined && !names.includes(container as string)) {
          throw invalid(this.errors, `${c.field} env ${e.name} container`, container,
            `is not a container of the app (have: ${names.join(', ')}); name one of them, or leave it out for the variable's own container`);
        }
      });
    }
    const podAnnotations = this.renderPodAnnotations();
    if (podAnnotations !== undefined) checkAnnotations(this.errors, 'podAnnotations', podAnnotations);
    if (this.configFiles.length > 0) {
      // ValidateConfigMap: the data of a ConfigMap may hold at most 1 MiB.
      const bytes = this.configFiles.reduce((n, f) => n + Buffer.byteLength(f.key) + Buffer.byteLength(f.content), 0);
      if (bytes > CONFIG_MAP_MAX_BYTES) {
        throw invalid(this.errors, 'config files', `${bytes} bytes`,
          `the files added with addConfigFile share one ConfigMap, which holds at most ${CONFIG_MAP_MAX_BYTES} bytes; mount large files from a volume`);
      }
    }
    return [];
  }

  /** The mounts of a container, each with the field (or call) that made it, for messages. */
  private describedMounts(c: ContainerState): Array<{ mount: k8s.VolumeMount; field: string }> {
    const described: Array<{ mount: k8s.VolumeMount; field: string }> = [];
    const given = c.props.claimMounts ?? [];
    c.claimMounts.forEach(m => {
      const claimIndex = this.volumeClaims.findIndex(v => v.name === m.claim && v.mountPath === m.path);
      const givenIndex = given.indexOf(m);
      const field = givenIndex >= 0 ? `${c.field}.claimMounts[${givenIndex}].path`
        : c === this.main && claimIndex >= 0 && !given.some(g => g.claim === m.claim && g.path === m.path) ? `volumeClaims[${claimIndex}].mountPath`
          : `mountVolume("${m.claim}") path`;
      described.push({ mount: { name: m.claim, mountPath: m.path, subPath: m.subPath, readOnly: m.readOnly }, field });
    });
    const own = ownVolumes(c).mounts;
    const dirs = c.props.writableDirectories ?? [];
    own.forEach((mount, i) => described.push({
      mount,
      field: i < dirs.length ? `${c.field}.writableDirectories[${i}]` : `${c.field}.configMapMounts[${i - dirs.length}].path`,
    }));
    c.extraMounts.forEach(mount => described.push({
      mount,
      field: this.extraVolumes.some(v => v.name === mount.name) ? `mountVolume("${mount.name}") path` : 'config file path',
    }));
    return described;
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  /** Metadata of an object of the app: its name, the app's labels and annotations, and the object's own. */
  private metadata(objectName: string, part: keyof WorkloadMetadataOptions) {
    const own: ObjectMetadataOptions = this.props.objectMetadata?.[part] ?? {};
    const annotations = this.props.annotations === undefined && own.annotations === undefined
      ? {} : mergeLabels(this.props.annotations, own.annotations);
    return {
      name: objectName,
      namespace: this.props.namespace,
      // The app's labels, unless the object has labels of its own (the ApiObject copies them).
      labels: own.labels === undefined ? this.labels : mergeLabels(this.props.labels, own.labels, this.selectorLabels),
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    };
  }

  /** Labels and annotations of the claim templates (and of the claims the StatefulSet makes from them). */
  private claimTemplateMetadata(name: string): k8s.ObjectMeta {
    const own = this.props.objectMetadata?.volumeClaims ?? {};
    const keep = effectiveGitOps(this)?.keepAnnotations;
    if (own.labels === undefined && own.annotations === undefined && keep === undefined) return { name };
    const labels = mergeLabels(own.labels);
    const annotations = mergeLabels(own.annotations, keep);
    return defined({
      name,
      labels: Object.keys(labels).length > 0 ? labels : undefined,
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    });
  }

  /**
   * One PersistentVolumeClaim per pod for each claim with `expandTo`, exactly as the StatefulSet
   * makes it from the template (the template's labels with the selector labels, its annotations,
   * its spec), at the new size and with the keep annotations.
   */
  private createExpandedClaims(): void {
    if (!this.volumeClaims.some(c => c.expandTo !== undefined)) return;
    const own = this.props.objectMetadata?.volumeClaims ?? {};
    const keep = this.props.gitOps?.keepAnnotations ?? keepAnnotationsOfEveryTool();
    this.volumeClaims.forEach(c => {
      if (c.expandTo === undefined) return;
      this.identity.claimNames(c.name).forEach(claim => {
        this.expandedClaims.push(new k8s.KubePersistentVolumeClaim(this, `ExpandedClaim-${claim}`, {
          metadata: {
            name: claim,
            namespace: this.props.namespace,
            // The StatefulSet controller gives its claims the template's labels and its selector labels.
            labels: mergeLabels(own.labels, this.selectorLabels),
            annotations: mergeLabels(own.annotations, keep),
          },
          spec: {
            ...this.claimSpec(c),
            resources: { requests: { storage: sizeQuantity(c.expandTo!) } },
          },
        }));
      });
    });
  }

  /** The spec of a claim template, as the API server stores it (volumeMode filled in). */
  private claimSpec(c: VolumeClaimProps): k8s.PersistentVolumeClaimSpec {
    return defined({
      accessModes: claimAccessModes(c).map(m => `${m}`),
      storageClassName: c.storageClass?.storageClassName,
      volumeMode: c.volumeMode ?? kplus.PersistentVolumeMode.FILE_SYSTEM,
      resources: { requests: { storage: sizeQuantity(c.size) } },
    });
  }

  /** Labels of the pods (and the StatefulSet): the app's labels and its own selector labels. */
  private podLabels(): { [key: string]: string } {
    return this.props.statefulSetSelectorLabels === undefined ? this.labels : mergeLabels(this.labels, this.ownSelectorLabels);
  }

  private containerState(c: SidecarProps, field: string): ContainerState {
    if (c.name === undefined) {
      throw invalid(this.errors, `${field}.name`, c.name, 'sidecars and init containers need a name');
    }
    const taken = this.containers(true).map(s => s.name);
    if (taken.includes(c.name)) {
      throw invalid(this.errors, `${field}.name`, c.name, 'container names must be unique within the pod');
    }
    if (c === null || typeof c !== 'object') {
      throw invalid(this.errors, field, c, 'must be a container: { name, image, ... }');
    }
    const resources = mergeResources(c.resources, DEFAULT_RESOURCES)!;
    checkResources(this.errors, `${field}.resources`, resources);
    const state: ContainerState = {
      field,
      name: c.name,
      props: c,
      resources,
      security: c.containerSecurity ?? NO_SECURITY_OPTIONS,
      env: [...(c.env ?? [])],
      claimMounts: [...(c.claimMounts ?? [])],
      extraMounts: [],
      defaultProbes: false,
      init: field.startsWith('initContainers'),
    };
    checkContainer(this.errors, state, this.volumeClaims, this.props);
    checkRootUser(this.errors, state, this.props.podSecurity ?? {});
    return state;
  }

  /** The main container and the sidecars, and with `withInit` the init containers too: a new array. */
  private containers(withInit: boolean): ContainerState[] {
    if (this.sidecars.length === 0 && (!withInit || this.initContainers.length === 0)) return [this.main];
    return withInit ? [this.main].concat(this.sidecars, this.initContainers) : [this.main].concat(this.sidecars);
  }

  private findContainer(name: string | undefined): ContainerState {
    if (name === undefined) return this.main;
    const all = this.containers(true);
    const found = all.find(c => c.name === name);
    if (!found) {
      throw invalid(this.errors, 'container', name, `is not a container of the app (have: ${all.map(c => c.name).join(', ')})`);
    }
    return found;
  }

  private configVolumeName(containerName: string, directory: string): string {
    return containerVolumeName(containerName, directory);
  }

  private volumeNames(): string[] {
    const names = this.volumeClaims.map(c => c.name);
    for (const c of this.containers(true)) {
      if (c.props.writableDirectories === undefined && c.props.configMapMounts === undefined) continue;
      for (const v of ownVolumes(c).volumes) names.push(v.name);
    }
    for (const v of this.extraVolumes) names.push(v.name);
    for (const v of this.configVolumes()) names.push(v.name);
    return names;
  }

  private configVolumes(): k8s.Volume[] {
    if (this.configFiles.length === 0) return [];
    const directories = [...new Set(this.configFiles.map(f => f.directory))];
    const all = this.containers(true);
    const volumes: k8s.Volume[] = [];
    for (const c of all) {
      for (const dir of directories) {
        const volumeName = this.configVolumeName(c.name, dir);
        if (!c.extraMounts.some(m => m.name === volumeName)) continue;
        // One directory: the whole ConfigMap; several: each directory gets its own files.
        const items = directories.length > 1
          ? this.configFiles.filter(f => f.directory === dir).map(f => ({ key: f.key, path: f.key }))
          : undefined;
        volumes.push({ name: volumeName, configMap: defined({ name: this.configMapName, items }) });
      }
    }
    return volumes;
  }

  private renderVolumes(): k8s.Volume[] {
    const volumes: k8s.Volume[] = [];
    for (const c of this.containers(true)) {
      if (c.props.writableDirectories !== undefined || c.props.configMapMounts !== undefined) volumes.push(...ownVolumes(c).volumes);
    }
    if (this.configFiles.length > 0) volumes.push(...this.configVolumes());
    for (const v of this.extraVolumes) volumes.push(renderPodVolume(v));
    return volumes;
  }

  private renderPodAnnotations(): { [key: string]: string } | undefined {
    if (this.props.podAnnotations === undefined && this.monitoring === undefined && this.configFiles.length === 0
      && Object.keys(this.extraPodAnnotations).length === 0) {
      return undefined;
    }
    const annotations: { [key: string]: string } = {
      ...this.props.podAnnotations, ...this.extraPodAnnotations, ...this.monitoring?.podAnnotations(),
    };
    if (this.configFiles.length > 0) {
      const hash = createHash('sha256');
      for (const f of [...this.configFiles].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
        hash.update(`${f.key}\0${f.content}\0`);
      }
      annotations[CONFIG_CHECKSUM] = hash.digest('hex');
    }
    return Object.keys(annotations).length > 0 ? annotations : undefined;
  }

  private renderSpec(): k8s.StatefulSetSpec {
    const props = this.props;
    const podSc = props.podSecurity ?? {};
    const selectorExpressions: k8s.LabelSelectorRequirement[] = [];
    for (const key of Object.keys(this.selectorLabels)) selectorExpressions.push({ key, operator: 'In', values: [this.selectorLabels[key]] });
    const nodeSpread = props.spreadAcrossNodes ?? (this.replicas > 1 ? Spreading.PREFERRED : Spreading.NONE);
    const nodeAffinity = renderNodeAffinity(props.requiredNodeAffinity, props.preferredNodeAffinity);
    const hostTerm = { labelSelector: { matchExpressions: selectorExpressions }, topologyKey: 'kubernetes.io/hostname' };
    const strategy = props.updateStrategy ?? DEFAULT_UPDATE_STRATEGY;
    const volumes = this.renderVolumes();
    // Only the keys that are set (see `defined`).
    return defined({
      serviceName: this.serviceName,
      replicas: this.replicas,
      ordinals: this.startOrdinal !== 0 ? { start: this.startOrdinal } : undefined,
      selector: {
        matchLabels: props.statefulSetSelectorLabels === undefined ? this.selectorLabels : { ...this.selectorLabels, ...this.ownSelectorLabels },
      },
      podManagementPolicy: props.podManagementPolicy ?? kplus.PodManagementPolicy.ORDERED_READY,
      updateStrategy: strategy === DEFAULT_UPDATE_STRATEGY ? RENDERED_DEFAULT_UPDATE_STRATEGY
        : strategy.type === UpdateStrategyType.ON_DELETE ? { type: UpdateStrategyType.ON_DELETE } : defined({
          type: UpdateStrategyType.ROLLING_UPDATE,
          rollingUpdate: strategy.partition !== undefined || strategy.maxUnavailable !== undefined ? defined({
            partition: strategy.partition,
            maxUnavailable: strategy.maxUnavailable !== undefined ? k8s.IntOrString.fromNumber(strategy.maxUnavailable) : undefined,
          }) : undefined,
        }),
      minReadySeconds: props.minReady?.toSeconds(),
      revisionHistoryLimit: props.revisionHistoryLimit,
      persistentVolumeClaimRetentionPolicy: props.claimRetentionWhenDeleted === undefined && props.claimRetentionWhenScaled === undefined
        ? RENDERED_DEFAULT_RETENTION : {
          whenDeleted: props.claimRetentionWhenDeleted ?? ClaimRetention.RETAIN,
          whenScaled: props.claimRetentionWhenScaled ?? ClaimRetention.RETAIN,
        },
      template: {
        metadata: defined({ labels: this.podLabels(), annotations: this.renderPodAnnotations() }),
        spec: defined({
          serviceAccountName: this.serviceAccountName,
          automountServiceAccountToken: props.automountServiceAccountToken ?? false,
          terminationGracePeriodSeconds: props.terminationGracePeriod?.toSeconds(),
          securityContext: props.podSecurity === undefined ? RENDERED_DEFAULT_POD_SECURITY : defined({
            runAsNonRoot: podSc.ensureNonRoot ?? true,
            runAsUser: podSc.user,
            runAsGroup: podSc.group,
            fsGroup: podSc.fsGroup,
            fsGroupChangePolicy: podSc.fsGroupChangePolicy,
            sysctls: podSc.sysctls?.map(s => ({ name: s.name, value: s.value })),
            seccompProfile: { type: 'RuntimeDefault' },
          }),
          priorityClassName: props.priorityClassName,
          nodeSelector: props.nodeSelector && Object.keys(props.nodeSelector).length > 0 ? { ...props.nodeSelector } : undefined,
          tolerations: renderTolerations(props.tolerations),
          affinity: nodeSpread === Spreading.NONE && nodeAffinity === undefined ? undefined : defined({
            nodeAffinity,
            podAntiAffinity: nodeSpread === Spreading.NONE ? undefined : nodeSpread === Spreading.REQUIRED
              ? { requiredDuringSchedulingIgnoredDuringExecution: [hostTerm] }
              : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: hostTerm }] },
          }),
          topologySpreadConstraints: renderTopologySpread(props.topologySpread, this.selectorLabels),
          initContainers: this.initContainers.length > 0 ? this.initContainers.map(c => this.renderWithDevices(c)) : undefined,
          containers: this.containers(false).map(c => this.renderWithDevices(c)),
          volumes: volumes.length > 0 ? volumes : undefined,
        }),
      },
      // apiVersion and kind of each template are added by StatefulSetObject.
      volumeClaimTemplates: this.volumeClaims.length > 0 ? this.volumeClaims.map(c => ({
        metadata: this.claimTemplateMetadata(c.name),
        spec: this.claimSpec(c),
      })) : undefined,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Metrics

  /** The ports of the headless Service with the metrics port, which is added when it is missing. */
  private withMetricsPort(ports: kplus.ServicePort[]): kplus.ServicePort[] {
    const m = this.metrics;
    if (!m) return ports;
    const named = ports.find(p => p.name === m.portName);
    if (named && (named.targetPort ?? named.port) !== m.port) {
      throw invalid(this.errors, 'servicePorts', m.portName,
        `is the name of the metrics port ${m.port}, but this Service port targets ${named.targetPort ?? named.port}; `
        + 'give it the metrics port, or leave it out (the metrics port is added to the headless Service)');
    }
    if (named) return ports;
    const clash = ports.find(p => p.port === m.port && (p.protocol ?? kplus.Protocol.TCP) === kplus.Protocol.TCP);
    if (clash) {
      throw invalid(this.errors, 'servicePorts', m.port,
        `Service port ${clash.name ?? '(unnamed)'} has the number of the metrics port; name it '${m.portName}' or leave it out`);
    }
    return [...ports, { name: m.portName, port: m.port }];
  }

  // ---------------------------------------------------------------------------------------------
  // NetworkPolicy

  private createNetworkPolicy(options: NetworkPolicyOptions): AppNetworkPolicy {
    return new AppNetworkPolicy({
      scope: this,
      errors: this.errors,
      name: this.name,
      namespace: this.namespace,
      selectorLabels: this.selectorLabels,
      ports: () => this.appPorts(),
      services: () => this.appServices(),
      scraped: this.metrics !== undefined && this.metrics.scrape.kind !== ScrapeKind.NONE,
      metadata: n => this.metadata(n, 'networkPolicy'),
    }, options);
  }

  /** The ports of the main container and the sidecars, with what each is for. */
  private appPorts(): AppPort[] {
    const roles = this.props.portRoles ?? {};
    return this.containers(false).flatMap(c => (c.props.ports ?? []).map((p): AppPort => {
      const protocol = p.protocol ?? kplus.Protocol.TCP;
      const isMetrics = this.metrics !== undefined && p.number === this.metrics.port && protocol === kplus.Protocol.TCP;
      return {
        number: p.number,
        name: p.name,
        protocol,
        use: isMetrics ? 'metrics' : p.name !== undefined && roles[p.name] === PortRole.PEER ? 'peer' : 'client',
      };
    }));
  }

  private appServices(): AppService[] {
    return [
      ...(this.headlessService ? [{ field: 'servicePorts', name: this.serviceName, forClients: false, ports: this.servicePorts }] : []),
      ...(this.clientService ? [{ field: 'clientService.ports', name: this.clientServiceName!, forClients: true, ports: this.clientServicePorts }] : []),
    ];
  }

  // ---------------------------------------------------------------------------------------------
  // Disruption budget

  private createBudget(): CreatedBudget | undefined {
    return createDisruptionBudget(this, 'DisruptionBudget', this.errors, this.props.disruptionBudget, {
      replicas: this.replicas,
      quorum: this.props.quorum ?? false,
      defaultName: `${this.name}-pdb`,
      metadata: pdbName => this.metadata(pdbName, 'disruptionBudget'),
      selector: this.selectorLabels,
    });
  }
}

/**
 * Options of a generated configuration file.
 */
export interface ConfigFileOptions {
  /**
   * Name of the container that reads the file.
   *
   * @default - the main container
   */
  readonly container?: string;
}

/**
 * Checks a StorageClass reference. `IStorageClass` is an interface, so a plain
 * `{ storageClassName: '…' }` is accepted by the compiler, and untyped callers can pass anything
 * (e.g. the old plain name string): the name must be a DNS subdomain, or '' for no class.
 */
function checkStorageClass(errors: ErrorScope, field: string, storageClass: IStorageClass | undefined): void {
  if (storageClass === undefined) return;
  const className: unknown = (storageClass as { storageClassName?: unknown } | null)?.storageClassName;
  if (typeof className !== 'string') {
    throw invalid(errors, field, storageClass,
      'must be a StorageClass, StorageClass.fromStorageClassName(name) or StorageClass.none()');
  }
  if (className !== '') {
    checkDnsSubdomain(errors, `${field}.storageClassName`, className);
  }
}

function claimAccessModes(claim: VolumeClaimProps): kplus.PersistentVolumeAccessMode[] {
  return [...(claim.accessModes ?? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE])];
}

function renderPodVolume(v: PodVolume): k8s.Volume {
  switch (v.kind) {
    case PodVolumeKind.CONFIG_MAP:
      return { name: v.name, configMap: { name: v.sourceName } };
    case PodVolumeKind.SECRET:
      return { name: v.name, secret: { secretName: v.sourceName, defaultMode: 0o400 } };
    default:
      return {
        name: v.name,
        emptyDir: v.memory || v.sizeLimit ? {
          medium: v.memory ? 'Memory' : undefined,
          sizeLimit: v.sizeLimit ? sizeQuantity(v.sizeLimit) : undefined,
        } : {},
      };
  }
}

function renderServicePorts(ports: kplus.ServicePort[]): k8s.ServicePort[] {
  return ports.map(p => defined({
    name: p.name,
    port: p.port,
    targetPort: p.targetPort !== undefined ? k8s.IntOrString.fromNumber(p.targetPort) : undefined,
    protocol: p.protocol,
    nodePort: p.nodePort,
  }));
}

/** Whether a container of `containers` mounts the claim (indexed loops: this runs once per app at synthesis). */
function isClaimMounted(containers: ContainerState[], claim: string): boolean {
  for (let i = 0; i < containers.length; i++) {
    const mounts = containers[i].claimMounts;
    for (let j = 0; j < mounts.length; j++) {
      if (mounts[j].claim === claim) return true;
    }
  }
  return false;
}

/** A path with `//`, `/./` and a trailing '/' removed, to compare mount paths. */
function normalizePath(path: string): string {
  if (path.startsWith('/') && !path.includes('//') && !path.includes('/./') && !path.endsWith('/') && !path.endsWith('/.')) return path;
  return `/${path.split('/').filter(p => p !== '' && p !== '.').join('/')}`;
}

/**
 * Checks the namespace and labels a chart gives the app's objects: the chart's namespace is the
 * app's when it names none, and the chart's labels are on every object.
 */
/** Charts whose namespace and labels were found valid (neither can change after the chart is made). */
const checkedCharts = new WeakSet<Chart>();

function checkChartMetadata(errors: ErrorScope, chart: Chart): void {
  if (checkedCharts.has(chart)) return;
  if (chart.namespace !== undefined) {
    try {
      checkDnsLabel(errors, 'namespace', chart.namespace);
    } catch {
      throw invalid(errors, 'namespace', chart.namespace,
        `comes from chart ${chart.node.path || chart.node.id}, and must be a DNS label of at most 63 characters: lowercase letters, digits and '-', `
        + 'starting and ending with a letter or digit; fix the chart\'s namespace, or give the app a namespace of its own');
    }
  }
  checkLabels(errors, `labels of chart ${chart.node.path || chart.node.id}`, chart.labels);
  checkedCharts.add(chart);
}

