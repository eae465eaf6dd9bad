import { createHash } from 'crypto';
import { ApiObject, Chart, Duration, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ContainerProps, PodVolume, PodVolumeKind, SidecarProps, VolumeMountOptions } from './container';
import { AlertRule, ScrapeKind } from './monitoring';
import { AppMonitoring, resolveMetrics, ResolvedMetrics, SCRAPE_ANNOTATIONS } from './private/app-monitoring';
import {
  DEFAULT_CLUSTER_DOMAIN, defaultSelectorLabels, effectiveNamespace, Identity, mergeLabels, quorumOf, toleratedFailures,
} from './private/identity';
import { workloadKindOf } from './private/monitoring';
import {
  allMounts, checkContainer, checkEnvName, checkResources, ContainerState, containerVolumeName, DEFAULT_RESOURCES, ownVolumes,
  renderContainer, sizeBytes, sizeQuantity,
} from './private/render-container';
import { mergeResources } from './private/shared-options';
import { IStorageClass } from './storage-class';
import {
  checkAbsolutePath, checkDnsLabel, checkDnsSubdomain, checkInteger, checkPortName, checkServiceName, ErrorScope,
  errorScopeOf, firstDuplicate, invalid,
} from './validation';
import {
  ClaimRetention, DisruptionBudget, DisruptionBudgetKind, Spreading, StatefulWorkloadOptions, UpdateStrategy, UpdateStrategyType,
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
}

/** The pod annotation that holds the checksum of the files added with `addConfigFile`. */
const CONFIG_CHECKSUM = 'checksum/config';

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
export class StatefulApp extends Construct {
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
  /** The headless Service. */
  public readonly headlessService: ApiObject;
  /** The StatefulSet. */
  public readonly statefulSet: ApiObject;
  /** The PodDisruptionBudget, if any. */
  public readonly disruptionBudget?: ApiObject;
  /** The client Service, if any. */
  public readonly clientService?: ApiObject;
  /** Name of the client Service, if any. */
  public readonly clientServiceName?: string;
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
  private configMapObject?: ApiObject;
  private readonly metrics?: ResolvedMetrics;
  private readonly monitoring?: AppMonitoring;
  private budgetAllows?: number;

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
    this.namespace = effectiveNamespace(props.namespace ?? Chart.of(this).namespace);
    this.clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    checkDnsSubdomain(errors, 'clusterDomain', this.clusterDomain);
    this.replicas = props.replicas ?? 1;
    checkInteger(errors, 'replicas', this.replicas, 0);
    this.startOrdinal = props.startOrdinal ?? 0;
    checkInteger(errors, 'startOrdinal', this.startOrdinal, 0);
    this.selectorLabels = { ...(props.selectorLabels ?? defaultSelectorLabels(name)) };
    if (Object.keys(this.selectorLabels).length === 0) {
      throw invalid(errors, 'selectorLabels', this.selectorLabels, 'must hold at least one label, or the selectors would match every pod');
    }
    this.labels = mergeLabels(props.labels, this.selectorLabels);
    this.identity = new Identity({
      name,
      serviceName: this.serviceName,
      namespace: this.namespace,
      clusterDomain: this.clusterDomain,
      startOrdinal: this.startOrdinal,
      replicas: this.replicas,
    });
    this.configMapName = props.configMapName ?? `${name}-config`;
    checkDnsSubdomain(errors, 'configMapName', this.configMapName);

    // claims and containers
    this.volumeClaims = this.checkClaims(props.volumeClaims ?? []);
    this.resources = mergeResources(props.resources, DEFAULT_RESOURCES)!;
    checkResources(errors, 'resources', this.resources);
    this.containerName = props.containerName ?? name;
    this.main = {
      field: 'container',
      name: this.containerName,
      props: props.container,
      resources: this.resources,
      security: props.containerSecurity ?? {},
      env: [...(props.container.env ?? [])],
      claimMounts: [
        ...this.volumeClaims.filter(c => c.mountPath !== undefined).map(c => ({ claim: c.name, path: c.mountPath! })),
        ...(props.container.claimMounts ?? []),
      ],
      extraMounts: [],
      defaultProbes: props.defaultProbes ?? true,
    };
    checkContainer(errors, this.main, this.claimNameSet());
    (props.sidecars ?? []).forEach(c => this.addSidecar(c));
    (props.initContainers ?? []).forEach(c => this.addInitContainer(c));

    // metrics: the port is on the pods and the headless Service
    this.metrics = resolveMetrics(errors, props.metrics, [this.main, ...this.sidecars]);
    this.metricsPort = this.metrics?.port;
    for (const key of SCRAPE_ANNOTATIONS) {
      if (this.metrics?.scrape.kind === ScrapeKind.ANNOTATIONS && props.podAnnotations?.[key] !== undefined) {
        throw invalid(errors, 'podAnnotations', key, 'is set by metrics.scrape (Scrape.annotations()); remove it from podAnnotations');
      }
    }

    // Services
    this.servicePorts = props.servicePorts ?? (props.container.ports ?? [])
      .filter(p => p.name !== undefined)
      .map(p => ({ name: p.name, port: p.number, protocol: p.protocol }));
    this.checkServicePorts('servicePorts', this.servicePorts);
    this.servicePorts = this.withMetricsPort(this.servicePorts);
    this.headlessService = new k8s.KubeService(this, 'HeadlessService', {
      metadata: this.metadata(this.serviceName),
      spec: {
        clusterIp: 'None',
        ports: renderServicePorts(this.servicePorts),
        selector: this.selectorLabels,
        publishNotReadyAddresses: props.publishNotReadyAddresses,
      },
    });
    if (props.clientService) {
      const cs = props.clientService;
      this.clientServiceName = cs.name ?? `${name}-client`;
      checkServiceName(errors, 'clientService.name', this.clientServiceName);
      if (this.clientServiceName === this.serviceName) {
        throw invalid(errors, 'clientService.name', this.clientServiceName, `must differ from the headless Service name (serviceName "${this.serviceName}")`);
      }
      // The metrics port stays off the client Service: a ServiceMonitor scrapes each pod once.
      const ports = cs.ports ?? this.servicePorts.filter(p => this.metrics === undefined || p.name !== this.metrics.portName);
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
      this.checkServicePorts('clientService.ports', ports);
      this.clientService = new k8s.KubeService(this, 'ClientService', {
        metadata: this.metadata(this.clientServiceName),
        spec: {
          type: cs.type ?? kplus.ServiceType.CLUSTER_IP,
          ports: renderServicePorts(ports),
          selector: this.selectorLabels,
        },
      });
    }

    // the StatefulSet, rendered at synthesis
    this.checkUpdateStrategy(props.updateStrategy);
    if (props.revisionHistoryLimit !== undefined) {
      checkInteger(errors, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
    }
    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: this.metadata(name),
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });

    this.disruptionBudget = this.createBudget();
    this.disruptionTolerance = this.budgetAllows;

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
        metadata: n => this.metadata(n),
      }, this.metrics);
      this.metricsMonitor = this.monitoring.monitor;
      this.prometheusRule = this.monitoring.rule;
    }
    this.node.addValidation({ validate: () => this.validateLate() });
  }

  // ---------------------------------------------------------------------------------------------
  // Adding to the app after construction

  /**
   * Adds an environment variable to the main container, after those it already has (Kubernetes
   * expands `$(NAME)` only to variables defined earlier).
   */
  public addEnv(name: string, value: kplus.EnvValue): void {
    checkEnvName(this.errors, 'env name', name);
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
    checkDnsLabel(this.errors, 'volume name', volume.name);
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
    if (options.subPath !== undefined && (options.subPath.startsWith('/') || options.subPath.split('/').includes('..'))) {
      throw invalid(this.errors, 'subPath', options.subPath, "must be a relative path without '..'");
    }
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
    this.extraPodAnnotations[key] = value;
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
        metadata: this.metadata(this.configMapName),
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
      if (!c.size || !(sizeBytes(c.size) > 0)) {
        throw invalid(errors, `volumeClaims[${i}].size`, c.size ? c.size.asString() : c.size, 'must be greater than zero, e.g. Size.gibibytes(1)');
      }
      if (c.mountPath !== undefined) {
        checkAbsolutePath(errors, `volumeClaims[${i}].mountPath`, c.mountPath);
      }
      if (c.accessModes !== undefined && c.accessModes.length === 0) {
        throw invalid(errors, `volumeClaims[${i}].accessModes`, c.accessModes, 'give at least one access mode, e.g. READ_WRITE_ONCE');
      }
      checkStorageClass(errors, `volumeClaims[${i}].storageClass`, c.storageClass);
      // The app's storageClass is the default of every claim that names none.
      return { ...c, storageClass: c.storageClass ?? this.props.storageClass };
    });
    const dupClaim = firstDuplicate(result.map(c => c.name));
    if (dupClaim !== undefined) {
      throw invalid(errors, 'volumeClaims', dupClaim, 'claim names must be unique');
    }
    return result;
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

  private checkServicePorts(field: string, ports: kplus.ServicePort[]) {
    const errors = this.errors;
    ports.forEach((p, i) => {
      checkInteger(errors, `${field}[${i}].port`, p.port, 1, 65535);
      if (p.name !== undefined) {
        checkPortName(errors, `${field}[${i}].name`, p.name);
      } else if (ports.length > 1) {
        throw invalid(errors, `${field}[${i}].name`, p.name, 'a Service with more than one port needs a name on every port');
      }
    });
    const dupName = firstDuplicate(ports.filter(p => p.name !== undefined).map(p => p.name));
    if (dupName !== undefined) {
      throw invalid(errors, field, dupName, 'port names must be unique');
    }
    const dupPort = firstDuplicate(ports.map(p => `${p.port}/${p.protocol ?? 'TCP'}`));
    if (dupPort !== undefined) {
      throw invalid(errors, field, dupPort, 'port numbers must be unique');
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
    const all = [this.main, ...this.sidecars, ...this.initContainers];
    const mounted = new Set(all.flatMap(c => c.claimMounts.map(m => m.claim)));
    const unmounted = this.volumeClaims.find(c => !mounted.has(c.name));
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
    const dupVolume = firstDuplicate(this.volumeNames());
    if (dupVolume !== undefined) {
      throw invalid(this.errors, 'volume names', dupVolume,
        'two volumes of the pod have this name (a claim, a writable directory, a ConfigMap mount or an added volume); rename one');
    }
    for (const c of all) {
      const seen = new Map<string, string>();
      for (const m of allMounts(c)) {
        const p = m.mountPath.replace(/\/+$/, '') || '/';
        const other = seen.get(p);
        if (other !== undefined) {
          throw invalid(this.errors, `${c.field} mount path`, p,
            `volumes "${other}" and "${m.name}" are both mounted there; mount each at its own path`);
        }
        seen.set(p, m.name);
      }
    }
    return [];
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  private metadata(objectName: string) {
    return { name: objectName, namespace: this.props.namespace, labels: this.labels };
  }

  private claimNameSet(): Set<string> {
    return new Set(this.volumeClaims.map(c => c.name));
  }

  private containerState(c: SidecarProps, field: string): ContainerState {
    if (c.name === undefined) {
      throw invalid(this.errors, `${field}.name`, c.name, 'sidecars and init containers need a name');
    }
    const taken = [this.main, ...this.sidecars, ...this.initContainers].map(s => s.name);
    if (taken.includes(c.name)) {
      throw invalid(this.errors, `${field}.name`, c.name, 'container names must be unique within the pod');
    }
    const resources = mergeResources(c.resources, DEFAULT_RESOURCES)!;
    checkResources(this.errors, `${field}.resources`, resources);
    const state: ContainerState = {
      field,
      name: c.name,
      props: c,
      resources,
      security: c.containerSecurity ?? {},
      env: [...(c.env ?? [])],
      claimMounts: [...(c.claimMounts ?? [])],
      extraMounts: [],
      defaultProbes: false,
    };
    checkContainer(this.errors, state, this.claimNameSet());
    return state;
  }

  private findContainer(name: string | undefined): ContainerState {
    if (name === undefined) return this.main;
    const all = [this.main, ...this.sidecars, ...this.initContainers];
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
    const all = [this.main, ...this.sidecars, ...this.initContainers];
    return [
      ...this.volumeClaims.map(c => c.name),
      ...all.flatMap(c => ownVolumes(c).volumes.map(v => v.name)),
      ...this.extraVolumes.map(v => v.name),
      ...this.configVolumes().map(v => v.name),
    ];
  }

  private configVolumes(): k8s.Volume[] {
    if (this.configFiles.length === 0) return [];
    const directories = [...new Set(this.configFiles.map(f => f.directory))];
    const all = [this.main, ...this.sidecars, ...this.initContainers];
    const volumes: k8s.Volume[] = [];
    for (const c of all) {
      for (const dir of directories) {
        const volumeName = this.configVolumeName(c.name, dir);
        if (!c.extraMounts.some(m => m.name === volumeName)) continue;
        // One directory: the whole ConfigMap; several: each directory gets its own files.
        const items = directories.length > 1
          ? this.configFiles.filter(f => f.directory === dir).map(f => ({ key: f.key, path: f.key }))
          : undefined;
        volumes.push({ name: volumeName, configMap: { name: this.configMapName, items } });
      }
    }
    return volumes;
  }

  private renderVolumes(): k8s.Volume[] {
    const all = [this.main, ...this.sidecars, ...this.initContainers];
    return [
      ...all.flatMap(c => ownVolumes(c).volumes),
      ...this.configVolumes(),
      ...this.extraVolumes.map(renderPodVolume),
    ];
  }

  private renderPodAnnotations(): { [key: string]: string } | undefined {
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
    const selectorExpressions = Object.entries(this.selectorLabels)
      .map(([key, value]) => ({ key, operator: 'In', values: [value] }));
    const nodeSpread = props.spreadAcrossNodes ?? (this.replicas > 1 ? Spreading.PREFERRED : Spreading.NONE);
    const zoneSpread = props.spreadAcrossZones ?? Spreading.NONE;
    const hostTerm = { labelSelector: { matchExpressions: selectorExpressions }, topologyKey: 'kubernetes.io/hostname' };
    const strategy = props.updateStrategy ?? UpdateStrategy.rollingUpdate();
    const volumes = this.renderVolumes();
    return {
      serviceName: this.serviceName,
      replicas: this.replicas,
      ordinals: this.startOrdinal !== 0 ? { start: this.startOrdinal } : undefined,
      selector: { matchLabels: this.selectorLabels },
      podManagementPolicy: props.podManagementPolicy ?? kplus.PodManagementPolicy.ORDERED_READY,
      updateStrategy: strategy.type === UpdateStrategyType.ON_DELETE ? { type: UpdateStrategyType.ON_DELETE } : {
        type: UpdateStrategyType.ROLLING_UPDATE,
        rollingUpdate: strategy.partition !== undefined || strategy.maxUnavailable !== undefined ? {
          partition: strategy.partition,
          maxUnavailable: strategy.maxUnavailable !== undefined ? k8s.IntOrString.fromNumber(strategy.maxUnavailable) : undefined,
        } : undefined,
      },
      minReadySeconds: props.minReady?.toSeconds(),
      revisionHistoryLimit: props.revisionHistoryLimit,
      persistentVolumeClaimRetentionPolicy: {
        whenDeleted: props.claimRetentionWhenDeleted ?? ClaimRetention.RETAIN,
        whenScaled: props.claimRetentionWhenScaled ?? ClaimRetention.RETAIN,
      },
      template: {
        metadata: { labels: this.labels, annotations: this.renderPodAnnotations() },
        spec: {
          serviceAccountName: props.serviceAccountName,
          automountServiceAccountToken: props.automountServiceAccountToken ?? false,
          terminationGracePeriodSeconds: props.terminationGracePeriod?.toSeconds(),
          securityContext: {
            runAsNonRoot: podSc.ensureNonRoot ?? true,
            runAsUser: podSc.user,
            runAsGroup: podSc.group,
            fsGroup: podSc.fsGroup,
            fsGroupChangePolicy: podSc.fsGroupChangePolicy,
            sysctls: podSc.sysctls?.map(s => ({ name: s.name, value: s.value })),
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: nodeSpread === Spreading.NONE ? undefined : {
            podAntiAffinity: nodeSpread === Spreading.REQUIRED
              ? { requiredDuringSchedulingIgnoredDuringExecution: [hostTerm] }
              : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: hostTerm }] },
          },
          topologySpreadConstraints: zoneSpread === Spreading.NONE ? undefined : [{
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: zoneSpread === Spreading.REQUIRED ? 'DoNotSchedule' : 'ScheduleAnyway',
            labelSelector: { matchLabels: this.selectorLabels },
          }],
          initContainers: this.initContainers.length > 0 ? this.initContainers.map(renderContainer) : undefined,
          containers: [this.main, ...this.sidecars].map(renderContainer),
          volumes: volumes.length > 0 ? volumes : undefined,
        },
      },
      volumeClaimTemplates: this.volumeClaims.length > 0 ? this.volumeClaims.map(c => ({
        metadata: { name: c.name },
        spec: {
          accessModes: claimAccessModes(c).map(m => `${m}`),
          storageClassName: c.storageClass?.storageClassName,
          resources: { requests: { storage: sizeQuantity(c.size) } },
        },
      })) : undefined,
    };
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
  // Disruption budget

  private createBudget(): ApiObject | undefined {
    const errors = this.errors;
    const n = this.replicas;
    const quorum = this.props.quorum ?? false;
    const tolerance = quorum ? toleratedFailures(n) : Math.max(n - 1, 0);
    let budget = this.props.disruptionBudget;
    const noTolerance = () => n <= 1
      ? 'a single member has no fault tolerance: any budget either lets a drain stop it or blocks every drain; '
        + 'give DisruptionBudget.none(), or run 3 members'
      : `${n} members tolerate no failure (a quorum is ${quorumOf(n)}): any budget either lets a drain break the quorum `
        + 'or blocks every drain; run an odd number of members, or give DisruptionBudget.none() for this resize step';
    if (budget === undefined) {
      if (n <= 1) return undefined;
      if (tolerance === 0) {
        throw invalid(errors, 'disruptionBudget', '(default: maxUnavailable 1)', noTolerance());
      }
      budget = DisruptionBudget.maxUnavailable(1);
    }
    if (!(budget instanceof DisruptionBudget)) {
      throw invalid(errors, 'disruptionBudget', budget,
        'must be DisruptionBudget.maxUnavailable(n), DisruptionBudget.minAvailable(n) or DisruptionBudget.none()');
    }
    if (budget.kind === DisruptionBudgetKind.NONE) return undefined;
    if (quorum && tolerance === 0) {
      throw invalid(errors, 'disruptionBudget', describeBudget(budget), noTolerance());
    }
    const count = budget.count!;
    if (budget.kind === DisruptionBudgetKind.MAX_UNAVAILABLE) {
      checkInteger(errors, 'disruptionBudget.maxUnavailable', count, 0);
      if (count === 0) {
        throw invalid(errors, 'disruptionBudget.maxUnavailable', 0,
          'a budget that allows no disruption blocks every node drain and cluster upgrade forever; use at least 1');
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
      if (count >= n) {
        throw invalid(errors, 'disruptionBudget.minAvailable', count,
          `with ${n} replica(s) this allows no disruption, which blocks every node drain and cluster upgrade forever; use at most ${Math.max(n - 1, 0)}`);
      }
    }
    const pdbName = budget.name ?? `${this.name}-pdb`;
    checkDnsSubdomain(errors, 'disruptionBudget.name', pdbName);
    const max = budget.kind === DisruptionBudgetKind.MAX_UNAVAILABLE;
    this.budgetAllows = max ? count : n - count;
    return new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: this.metadata(pdbName),
      spec: {
        selector: { matchLabels: this.selectorLabels },
        minAvailable: max ? undefined : k8s.IntOrString.fromNumber(count),
        maxUnavailable: max ? k8s.IntOrString.fromNumber(count) : undefined,
      },
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

function describeBudget(budget: DisruptionBudget): string {
  return budget.kind === DisruptionBudgetKind.MAX_UNAVAILABLE ? `maxUnavailable ${budget.count}` : `minAvailable ${budget.count}`;
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
  return ports.map(p => ({
    name: p.name,
    port: p.port,
    targetPort: p.targetPort !== undefined ? k8s.IntOrString.fromNumber(p.targetPort) : undefined,
    protocol: p.protocol,
    nodePort: p.nodePort,
  }));
}
