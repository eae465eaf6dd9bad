import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AppContainerProps, ClaimMount } from './container';
import { renderContainer, RenderedContainer, sizeBytes, sizeQuantity } from './private/render-container';
import { IStorageClass } from './storage-class';
import {
  checkAbsolutePath, checkDnsLabel, checkDnsSubdomain, checkInteger, checkPortName, checkServiceName,
  checkStorageClassChoice, firstDuplicate, invalid,
} from './validation';

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
 * The PodDisruptionBudget of the app: how many pods voluntary disruptions (node drains, cluster
 * upgrades) may take down at once. Give at most one of `maxUnavailable` and `minAvailable`.
 */
export interface DisruptionBudgetOptions {
  /**
   * Create the budget.
   *
   * @default - true when replicas > 1 or any other option here is given
   */
  readonly enabled?: boolean;

  /**
   * Name of the PodDisruptionBudget.
   *
   * @default - `<name>-pdb`
   */
  readonly name?: string;

  /**
   * At most this many pods may be unavailable. Must be at least 1, or drains block forever.
   *
   * @default 1 (unless minAvailable is given)
   */
  readonly maxUnavailable?: number;

  /**
   * At least this many pods must stay available. Must be below the replicas, or drains block forever.
   *
   * @default - not set (maxUnavailable is used)
   */
  readonly minAvailable?: number;
}

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
   * Name of the StorageClass that provisions the volumes (or that static volumes carry). `''`
   * asks for volumes without a class and turns off the cluster's default class for this claim.
   * Give either this or `storageClass`, not both.
   *
   * @default - the cluster's default StorageClass (unless `storageClass` is given)
   */
  readonly storageClassName?: string;

  /**
   * The StorageClass that provisions the volumes (or that static volumes carry): a `StorageClass`
   * of this app, or `StorageClass.fromStorageClassName(name)` for one the cluster already has.
   * Prefer it to `storageClassName`: the claim then follows the class if it is renamed.
   * Give either this or `storageClassName`, not both.
   *
   * @default - the cluster's default StorageClass (unless `storageClassName` is given)
   */
  readonly storageClass?: IStorageClass;
}

/**
 * A normal (ClusterIP) Service in front of the app, for clients that need any ready pod rather
 * than a particular one, like a database's client port.
 */
export interface ClientServiceOptions {
  /**
   * Name of the Service.
   *
   * @default - `<name>-client`
   */
  readonly name?: string;

  /**
   * Ports of the Service.
   *
   * @default - the ports of the headless Service
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
 * The names and labels of a stateful app: shared by `StatefulApp` and the systems built on it.
 */
export interface StatefulIdentityProps {
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
   * Cluster DNS domain, used in the pods' DNS names.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/**
 * Properties of a StatefulApp.
 */
export interface StatefulAppProps extends StatefulIdentityProps {
  /**
   * Number of pods.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Ordinal of the first pod.
   *
   * @default 0
   */
  readonly startOrdinal?: number;

  /**
   * The main container.
   */
  readonly container: AppContainerProps;

  /**
   * Annotations of the pods (the pod template). Changing one rolls every pod, so a checksum of
   * configuration the pods read from a ConfigMap restarts them when it changes.
   *
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };

  /**
   * More containers that run beside the main container.
   *
   * @default - none
   */
  readonly sidecars?: AppContainerProps[];

  /**
   * Containers that run to completion, in order, before the main container starts.
   *
   * @default - none
   */
  readonly initContainers?: AppContainerProps[];

  /**
   * Volume claim templates: the per-pod persistent volumes.
   *
   * @default - none
   */
  readonly volumeClaims?: VolumeClaimProps[];

  /**
   * Name of the governing headless Service, which gives each pod its DNS name
   * `<pod>.<serviceName>.<namespace>.svc.<clusterDomain>`.
   *
   * @default - the app's name
   */
  readonly serviceName?: string;

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
   * A normal Service for clients in front of the app.
   *
   * @default - none
   */
  readonly clientService?: ClientServiceOptions;

  /**
   * Pod management: `OrderedReady` starts pods one at a time, each after the previous is Ready, and
   * stops them in reverse; `Parallel` starts and stops them all at once.
   *
   * @default PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: kplus.PodManagementPolicy;

  /**
   * How pods are replaced when the template changes.
   *
   * @default UpdateStrategy.rollingUpdate()
   */
  readonly updateStrategy?: UpdateStrategy;

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
   * The PodDisruptionBudget.
   *
   * @default - maxUnavailable 1 when replicas > 1
   */
  readonly disruptionBudget?: DisruptionBudgetOptions;

  /**
   * Keep pods on different nodes (pod anti-affinity on `kubernetes.io/hostname`).
   *
   * @default - Spreading.PREFERRED when replicas > 1, Spreading.NONE otherwise
   */
  readonly spreadAcrossNodes?: Spreading;

  /**
   * Spread pods evenly across zones (topology spread on `topology.kubernetes.io/zone`, max skew 1).
   *
   * @default Spreading.NONE
   */
  readonly spreadAcrossZones?: Spreading;

  /**
   * Pod security context. The pod runs as non-root with the RuntimeDefault seccomp profile unless
   * `ensureNonRoot` is false.
   *
   * @default - ensureNonRoot true, seccomp RuntimeDefault, no user, group or fsGroup
   */
  readonly podSecurityContext?: kplus.PodSecurityContextProps;

  /**
   * How long a pod may take to stop after SIGTERM before it is killed.
   *
   * @default - 30 seconds (the Kubernetes default)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * Service account of the pods.
   *
   * @default - the namespace's default service account
   */
  readonly serviceAccountName?: string;

  /**
   * Mount the service account token into the pods. Only apps that call the Kubernetes API need it.
   *
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Give the main container default TCP readiness and liveness probes on its first port when it has
   * none of its own.
   *
   * @default true
   */
  readonly defaultProbes?: boolean;

}

/**
 * A stateful workload: a StatefulSet with its governing headless Service, per-pod volume claim
 * templates, a PodDisruptionBudget, spreading across nodes, an optional client Service, and typed
 * getters for the stable network identity of its pods.
 *
 * All selectors are derived from one label map. The pods are hardened by default (restricted Pod
 * Security Standard, resource requests and limits, no service account token); see
 * `AppContainerProps` for images that need a setting relaxed.
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
  /** The volume claim templates. */
  public readonly volumeClaims: VolumeClaimProps[];
  /** Ports of the headless Service. */
  public readonly servicePorts: kplus.ServicePort[];
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

  constructor(scope: Construct, id: string, props: StatefulAppProps) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsLabel(this, 'name', name, 52);
    this.name = name;
    this.serviceName = props.serviceName ?? name;
    checkServiceName(this, 'serviceName', this.serviceName);
    if (props.namespace !== undefined) {
      checkDnsLabel(this, 'namespace', props.namespace);
    }
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    checkDnsSubdomain(this, 'clusterDomain', this.clusterDomain);

    this.replicas = props.replicas ?? 1;
    checkInteger(this, 'replicas', this.replicas, 0);
    this.startOrdinal = props.startOrdinal ?? 0;
    checkInteger(this, 'startOrdinal', this.startOrdinal, 0);

    this.selectorLabels = { ...(props.selectorLabels ?? { 'app.kubernetes.io/name': name }) };
    if (Object.keys(this.selectorLabels).length === 0) {
      throw invalid(this, 'selectorLabels', this.selectorLabels, 'must hold at least one label, or the selectors would match every pod');
    }
    const labels = { ...(props.labels ?? {}), ...this.selectorLabels };
    const metadata = (objectName: string) => ({ name: objectName, namespace: props.namespace, labels });

    // volume claims
    this.volumeClaims = [...(props.volumeClaims ?? [])];
    const claimNames = this.volumeClaims.map(c => c.name);
    this.volumeClaims.forEach((c, i) => {
      checkDnsLabel(this, `volumeClaims[${i}].name`, c.name);
      if (!c.size || !(sizeBytes(c.size) > 0)) {
        throw invalid(this, `volumeClaims[${i}].size`, c.size ? c.size.asString() : c.size, 'must be greater than zero, e.g. Size.gibibytes(1)');
      }
      if (c.mountPath !== undefined) {
        checkAbsolutePath(this, `volumeClaims[${i}].mountPath`, c.mountPath);
      }
      if (c.accessModes !== undefined && c.accessModes.length === 0) {
        throw invalid(this, `volumeClaims[${i}].accessModes`, c.accessModes, 'give at least one access mode, e.g. READ_WRITE_ONCE');
      }
      checkStorageClassChoice(this, `volumeClaims[${i}].`, c.storageClass, c.storageClassName);
    });
    const dupClaim = firstDuplicate(claimNames);
    if (dupClaim !== undefined) {
      throw invalid(this, 'volumeClaims', dupClaim, 'claim names must be unique');
    }

    // containers
    const claimSet = new Set(claimNames);
    const implicitMounts: ClaimMount[] = this.volumeClaims
      .filter(c => c.mountPath !== undefined)
      .map(c => ({ claim: c.name, path: c.mountPath! }));
    const defaultProbes = props.defaultProbes ?? true;
    const main = renderContainer(props.container, {
      scope: this, field: 'container', name: props.container.name ?? name, claimNames: claimSet, implicitMounts, defaultProbes,
    });
    const extra = (list: AppContainerProps[] | undefined, field: string): RenderedContainer[] =>
      (list ?? []).map((c, i) => {
        if (c.name === undefined) {
          throw invalid(this, `${field}[${i}].name`, c.name, 'sidecars and init containers need a name');
        }
        return renderContainer(c, {
          scope: this, field: `${field}[${i}]`, name: c.name, claimNames: claimSet, implicitMounts: [], defaultProbes: false,
        });
      });
    const sidecars = extra(props.sidecars, 'sidecars');
    const inits = extra(props.initContainers, 'initContainers');
    const all = [main, ...sidecars, ...inits];
    const dupContainer = firstDuplicate(all.map(c => c.container.name));
    if (dupContainer !== undefined) {
      throw invalid(this, 'container names', dupContainer, 'container names must be unique within the pod');
    }
    const mounted = new Set(all.flatMap(c => c.mountedClaims));
    const unmounted = claimNames.find(c => !mounted.has(c));
    if (unmounted !== undefined) {
      throw invalid(this, 'volumeClaims', unmounted,
        'claim is mounted nowhere: give it a mountPath, or mount it with a container\'s claimMounts');
    }
    const volumes = all.flatMap(c => c.volumes);
    const dupVolume = firstDuplicate([...claimNames, ...volumes.map(v => v.name)]);
    if (dupVolume !== undefined) {
      throw invalid(this, 'volume names', dupVolume, 'a writable directory volume has the same name as another volume; rename the claim or container');
    }

    // Services
    this.servicePorts = props.servicePorts ?? (props.container.ports ?? [])
      .filter(p => p.name !== undefined)
      .map(p => ({ name: p.name, port: p.number, protocol: p.protocol }));
    this.checkServicePorts('servicePorts', this.servicePorts);
    this.headlessService = new k8s.KubeService(this, 'HeadlessService', {
      metadata: metadata(this.serviceName),
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
      checkServiceName(this, 'clientService.name', this.clientServiceName);
      if (this.clientServiceName === this.serviceName) {
        throw invalid(this, 'clientService.name', this.clientServiceName, 'must differ from the headless Service name');
      }
      const ports = cs.ports ?? this.servicePorts;
      if (ports.length === 0) {
        throw invalid(this, 'clientService.ports', ports, 'give at least one port (the main container has no named ports to default to)');
      }
      this.checkServicePorts('clientService.ports', ports);
      this.clientService = new k8s.KubeService(this, 'ClientService', {
        metadata: metadata(this.clientServiceName),
        spec: {
          type: cs.type ?? kplus.ServiceType.CLUSTER_IP,
          ports: renderServicePorts(ports),
          selector: this.selectorLabels,
        },
      });
    }

    // update strategy
    const strategy = props.updateStrategy ?? UpdateStrategy.rollingUpdate();
    if (strategy.partition !== undefined) {
      checkInteger(this, 'updateStrategy.partition', strategy.partition, 0);
    }
    if (strategy.maxUnavailable !== undefined) {
      checkInteger(this, 'updateStrategy.maxUnavailable', strategy.maxUnavailable, 1);
    }
    if (props.revisionHistoryLimit !== undefined) {
      checkInteger(this, 'revisionHistoryLimit', props.revisionHistoryLimit, 0);
    }

    // pod
    const podSc = props.podSecurityContext ?? {};
    const selectorExpressions = Object.entries(this.selectorLabels)
      .map(([key, value]) => ({ key, operator: 'In', values: [value] }));
    const nodeSpread = props.spreadAcrossNodes ?? (this.replicas > 1 ? Spreading.PREFERRED : Spreading.NONE);
    const zoneSpread = props.spreadAcrossZones ?? Spreading.NONE;
    const hostTerm = { labelSelector: { matchExpressions: selectorExpressions }, topologyKey: 'kubernetes.io/hostname' };
    const affinity: k8s.Affinity | undefined = nodeSpread === Spreading.NONE ? undefined : {
      podAntiAffinity: nodeSpread === Spreading.REQUIRED
        ? { requiredDuringSchedulingIgnoredDuringExecution: [hostTerm] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: hostTerm }] },
    };
    const topologySpreadConstraints: k8s.TopologySpreadConstraint[] | undefined = zoneSpread === Spreading.NONE ? undefined : [{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: zoneSpread === Spreading.REQUIRED ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: this.selectorLabels },
    }];

    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: metadata(name),
      spec: {
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
          metadata: {
            labels,
            annotations: props.podAnnotations && Object.keys(props.podAnnotations).length > 0 ? { ...props.podAnnotations } : undefined,
          },
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
            affinity,
            topologySpreadConstraints,
            initContainers: inits.length > 0 ? inits.map(c => c.container) : undefined,
            containers: [main, ...sidecars].map(c => c.container),
            volumes: volumes.length > 0 ? volumes : undefined,
          },
        },
        volumeClaimTemplates: this.volumeClaims.length > 0 ? this.volumeClaims.map(c => ({
          metadata: { name: c.name },
          spec: {
            accessModes: claimAccessModes(c).map(m => `${m}`),
            storageClassName: claimStorageClassName(c),
            resources: { requests: { storage: sizeQuantity(c.size) } },
          },
        })) : undefined,
      },
    });

    // disruption budget
    const budget = props.disruptionBudget ?? {};
    const wantsBudget = budget.enabled ?? (this.replicas > 1 || props.disruptionBudget !== undefined);
    if (wantsBudget) {
      if (budget.maxUnavailable !== undefined && budget.minAvailable !== undefined) {
        throw invalid(this, 'disruptionBudget', { maxUnavailable: budget.maxUnavailable, minAvailable: budget.minAvailable },
          'give either maxUnavailable or minAvailable, not both');
      }
      if (budget.maxUnavailable !== undefined) {
        checkInteger(this, 'disruptionBudget.maxUnavailable', budget.maxUnavailable, 0);
        if (budget.maxUnavailable === 0) {
          throw invalid(this, 'disruptionBudget.maxUnavailable', 0,
            'a budget that allows no disruption blocks every node drain and cluster upgrade forever; use at least 1');
        }
      }
      if (budget.minAvailable !== undefined) {
        checkInteger(this, 'disruptionBudget.minAvailable', budget.minAvailable, 0);
        if (budget.minAvailable >= this.replicas) {
          throw invalid(this, 'disruptionBudget.minAvailable', budget.minAvailable,
            `with ${this.replicas} replica(s) this allows no disruption, which blocks every node drain and cluster upgrade forever; use at most ${Math.max(this.replicas - 1, 0)}`);
        }
      }
      const pdbName = budget.name ?? `${name}-pdb`;
      checkDnsSubdomain(this, 'disruptionBudget.name', pdbName);
      this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata: metadata(pdbName),
        spec: {
          selector: { matchLabels: this.selectorLabels },
          minAvailable: budget.minAvailable !== undefined ? k8s.IntOrString.fromNumber(budget.minAvailable) : undefined,
          maxUnavailable: budget.minAvailable === undefined ? k8s.IntOrString.fromNumber(budget.maxUnavailable ?? 1) : undefined,
        },
      });
    }
  }

  /** Pod names in start order (`<name>-<ordinal>`). */
  public get podNames(): string[] {
    return this.ordinals().map(o => this.podName(o));
  }

  /** Stable DNS names of the pods, in start order. */
  public get podDnsNames(): string[] {
    return this.ordinals().map(o => this.podDnsName(o));
  }

  /** DNS name of the headless Service (`<service>.<namespace>.svc.<domain>`). */
  public get serviceDnsName(): string {
    return `${this.serviceName}.${this.namespace}.svc.${this.clusterDomain}`;
  }

  /**
   * Name of the pod with the given ordinal.
   */
  public podName(ordinal: number): string {
    this.checkOrdinal(ordinal);
    return `${this.name}-${ordinal}`;
  }

  /**
   * Stable DNS name of the pod with the given ordinal:
   * `<pod>.<service>.<namespace>.svc.<cluster domain>`.
   */
  public podDnsName(ordinal: number): string {
    return `${this.podName(ordinal)}.${this.serviceDnsName}`;
  }

  /**
   * Names of the PersistentVolumeClaims each pod gets from a claim template, in start order
   * (`<claim>-<statefulset>-<ordinal>`).
   */
  public claimNames(claim: string): string[] {
    if (!this.volumeClaims.some(c => c.name === claim)) {
      throw invalid(this, 'claim', claim, `is not a volume claim of this app (claims: ${this.volumeClaims.map(c => c.name).join(', ') || 'none'})`);
    }
    return this.podNames.map(p => `${claim}-${p}`);
  }

  /**
   * The claim template with the given name.
   */
  public volumeClaim(claim: string): VolumeClaimProps {
    const found = this.volumeClaims.find(c => c.name === claim);
    if (!found) {
      throw invalid(this, 'claim', claim, `is not a volume claim of this app (claims: ${this.volumeClaims.map(c => c.name).join(', ') || 'none'})`);
    }
    return found;
  }

  /**
   * Name of the StorageClass the claim asks for (from its `storageClass` or `storageClassName`);
   * `undefined` when the claim leaves it to the cluster's default class.
   */
  public claimStorageClassName(claim: string): string | undefined {
    return claimStorageClassName(this.volumeClaim(claim));
  }

  /**
   * Access modes the claim asks for (its `accessModes`, or the default `ReadWriteOnce`).
   */
  public claimAccessModes(claim: string): kplus.PersistentVolumeAccessMode[] {
    return claimAccessModes(this.volumeClaim(claim));
  }

  private ordinals(): number[] {
    return Array.from({ length: this.replicas }, (_, i) => this.startOrdinal + i);
  }

  private checkOrdinal(ordinal: number) {
    if (!Number.isInteger(ordinal) || ordinal < this.startOrdinal || ordinal >= this.startOrdinal + this.replicas) {
      throw invalid(this, 'ordinal', ordinal,
        `must be an integer from ${this.startOrdinal} to ${this.startOrdinal + this.replicas - 1} (the app's pods)`);
    }
  }

  private checkServicePorts(field: string, ports: kplus.ServicePort[]) {
    ports.forEach((p, i) => {
      checkInteger(this, `${field}[${i}].port`, p.port, 1, 65535);
      if (p.name !== undefined) {
        checkPortName(this, `${field}[${i}].name`, p.name);
      } else if (ports.length > 1) {
        throw invalid(this, `${field}[${i}].name`, p.name, 'a Service with more than one port needs a name on every port');
      }
    });
    const dupName = firstDuplicate(ports.filter(p => p.name !== undefined).map(p => p.name));
    if (dupName !== undefined) {
      throw invalid(this, field, dupName, 'port names must be unique');
    }
    const dupPort = firstDuplicate(ports.map(p => `${p.port}/${p.protocol ?? 'TCP'}`));
    if (dupPort !== undefined) {
      throw invalid(this, field, dupPort, 'port numbers must be unique');
    }
  }
}

function claimAccessModes(claim: VolumeClaimProps): kplus.PersistentVolumeAccessMode[] {
  return [...(claim.accessModes ?? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE])];
}

function claimStorageClassName(claim: VolumeClaimProps): string | undefined {
  return claim.storageClass?.storageClassName ?? claim.storageClassName;
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
