import { ApiObject, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ContainerSecurityOptions, EnvVariable, LinuxCapability, PodVolume } from './container';
import { JmxExporterAgent, JmxExporterAgentSource } from './jmx-exporter-agent';
import { AlertSeverity, Scrape } from './monitoring';
import { createDisruptionBudget } from './private/disruption-budget';
import { defaultSelectorLabels, mergeLabels, RACK_LABEL, rackStatefulSetName } from './private/identity';
import { describeChildWorkload, podsUp } from './private/monitoring';
import { cpuCores, sizeBytes } from './private/render-container';
import { checkRequirement, checkScheduling, requireInEveryTerm } from './private/scheduling';
import { mergeResources, sharedOptions } from './private/shared-options';
import { ContainerProbe, LifecycleHook } from './probe';
import { NodeSelectorOperator, NodeSelectorRequirement, TopologySpread } from './scheduling';
import { StatefulApp, StatefulAppProps } from './stateful-app';
import { StorageClass, VolumeBindingMode } from './storage-class';
import {
  checkAbsolutePath, checkDnsLabel, checkInteger, checkLabelValue, firstDuplicate, invalid, reportChildErrorsAs,
} from './validation';
import { DisruptionBudget, Spreading, StatefulWorkloadOptions } from './workload-options';

/** Port of gossip and streaming between nodes. */
const INTRA_NODE_PORT = 7000;
/** Port of TLS-encrypted traffic between nodes. */
const TLS_INTRA_NODE_PORT = 7001;
/** Port of JMX (nodetool). */
const JMX_PORT = 7199;
/** Port of CQL, the client protocol. */
const CQL_PORT = 9042;
/** Port of the JMX exporter's metrics endpoint by default. */
const DEFAULT_METRICS_PORT = 9404;
/** Where the Cassandra container finds the JMX exporter's jar (an emptyDir the init container fills). */
const AGENT_DIR = '/opt/jmx-exporter';
const AGENT_JAR = 'jmx_prometheus_javaagent.jar';
/** Where the Cassandra container finds the JMX exporter's configuration (from the ring's ConfigMap). */
const AGENT_CONFIG = '/etc/jmx-exporter/cassandra.yaml';
/** Name of the agent's init container and of its volume. */
const AGENT_NAME = 'jmx-exporter';

/** uid and gid of the `cassandra` user of the official image. */
const OFFICIAL_IMAGE_USER = 999;

const MEBIBYTE = 1024 * 1024;

/** Resources of a node: the Kubernetes Cassandra tutorial's. */
const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
};

/**
 * Data centre and rack names: letters, digits, '_', '.' and '-', starting with a letter or digit.
 * GossipingPropertyFileSnitch reads them from `cassandra-rackdc.properties`, and keyspaces name
 * data centres in `NetworkTopologyStrategy` options; whitespace, commas, quotes, '=' or ':' are
 * misread there, and the images write the names into that file with `sed`.
 */
const TOPOLOGY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Cluster names: like data centre names, plus inner spaces (Cassandra's own default is
 * `Test Cluster`). The images write the name unquoted into `cassandra.yaml` with `sed`, so
 * characters such as ':', '#', quotes, '/' or '&' would break the file.
 */
const CLUSTER_NAME = /^[A-Za-z0-9]([A-Za-z0-9 _.-]*[A-Za-z0-9_.-])?$/;

/** Environment variables the ring sets itself, with the prop that controls each. */
const RING_ENV: { [name: string]: string } = {
  MAX_HEAP_SIZE: 'heapSize',
  HEAP_NEWSIZE: 'heapNewSize',
  CASSANDRA_SEEDS: 'seedCount',
  CASSANDRA_CLUSTER_NAME: 'clusterName',
  CASSANDRA_DC: 'dataCenter',
  CASSANDRA_RACK: 'rack (or racks[].name)',
  CASSANDRA_ENDPOINT_SNITCH: 'dataCenter and rack (the ring uses GossipingPropertyFileSnitch)',
  CASSANDRA_NUM_TOKENS: 'numTokens',
  POD_IP: '(the ring sets it from the pod status)',
};

/** Environment variables the ring sets itself when it has `metrics`. */
const METRICS_ENV: { [name: string]: string } = {
  JVM_EXTRA_OPTS: 'metrics (the ring loads the JMX exporter agent with -javaagent in JVM_EXTRA_OPTS)',
};

/**
 * Seeds per data centre that a ring draws beyond one per rack: Cassandra's documentation advises
 * two or three seeds per data centre.
 */
const SEEDS_PER_DATA_CENTER = 3;

/**
 * A rack of a rack-aware CassandraRing: its own StatefulSet `<ring>-<rack>`, pinned to a failure
 * domain (a zone, or the nodes that match `nodeAffinity`), whose nodes tell Cassandra their rack.
 */
export interface CassandraRack {
  /**
   * Name of the rack: Cassandra's rack name (`CASSANDRA_RACK`) and the suffix of its StatefulSet
   * `<ring>-<rack>`. A DNS label (lowercase letters, digits and '-'). A node that has stored data
   * refuses to start in another rack, so choose it once.
   */
  readonly name: string;

  /**
   * The zone the rack's nodes run in (required node affinity on the node label
   * `topology.kubernetes.io/zone`). Each rack's zone must differ from the others'.
   *
   * @default - no zone: give `nodeAffinity` instead (a rack must be pinned by one or both)
   */
  readonly zone?: string;

  /**
   * Node requirements of the rack's nodes, e.g. a node label of a physical rack. With `zone`, a
   * node must meet both. They are added to every term of the ring's `requiredNodeAffinity`.
   *
   * @default - none: give `zone` instead (a rack must be pinned by one or both)
   */
  readonly nodeAffinity?: NodeSelectorRequirement[];

  /**
   * Number of Cassandra nodes of the rack. At least 1.
   *
   * @default - an even share of the ring's `replicas` among the racks that give none; 1 when the
   * ring's `replicas` is not set
   */
  readonly replicas?: number;
}

/** A checked rack. */
interface RackPlan {
  readonly name: string;
  readonly replicas: number;
  readonly requirements: NodeSelectorRequirement[];
}

/**
 * Properties of a CassandraRing.
 */
export interface CassandraRingProps extends StatefulWorkloadOptions {
  /**
   * How many nodes are seeds: the first pods of the ring (`<name>-0`, `<name>-1`, …), named by
   * their stable DNS names in `CASSANDRA_SEEDS`. A new node contacts the seeds to join the ring,
   * so more than one seed keeps the ring able to start and grow while one seed pod is lost.
   * From 1 to `replicas`; keep it below `replicas` in larger rings, because a seed node does not
   * bootstrap (stream data) when it joins.
   *
   * With `racks`, seeds are drawn across the racks: the first pod of each rack, then the second of
   * each, and so on; at least one per rack.
   *
   * @default - 2, or 1 for a single-node ring; with racks, one per rack and up to 3 in all (more
   * when there are more racks)
   */
  readonly seedCount?: number;

  /**
   * Name of the Cassandra cluster (`CASSANDRA_CLUSTER_NAME`). Every node of the ring must have the
   * same name, and it cannot be changed once the nodes have stored data. Letters, digits, spaces,
   * '_', '.' and '-', starting with a letter or digit and not ending with a space: the images write
   * the name unquoted into `cassandra.yaml`.
   *
   * @default - the ring's name
   */
  readonly clusterName?: string;

  /**
   * Data centre of the nodes (`CASSANDRA_DC`), as `NetworkTopologyStrategy` keyspaces name it.
   * Case-sensitive; letters, digits, '_', '.' and '-', starting with a letter or digit (a
   * conservative rule: whitespace, commas, quotes, '=' or ':' are misread by
   * GossipingPropertyFileSnitch or by keyspace options). A node that has stored data refuses to
   * start in another data centre or rack, so choose both once.
   *
   * @default 'dc1'
   */
  readonly dataCenter?: string;

  /**
   * Rack of the nodes (`CASSANDRA_RACK`) of a ring without `racks`. Same rule as `dataCenter`.
   * Not allowed with `racks`, which name their racks themselves.
   *
   * @default 'rack1'
   */
  readonly rack?: string;

  /**
   * The racks of a rack-aware ring: each rack is its own StatefulSet `<name>-<rack>`, pinned to its
   * zone (or node affinity), and its nodes tell Cassandra their rack (`CASSANDRA_RACK`, with
   * `GossipingPropertyFileSnitch`), so `NetworkTopologyStrategy` keyspaces put the replicas of each
   * row in different racks and a lost zone loses one replica of each row only.
   *
   * The ring keeps one headless Service and one client Service for all racks, and one
   * PodDisruptionBudget over all of them (see `disruptionBudget`). Seeds are drawn across the racks.
   * With racks, `replicas` is the number of nodes of the whole ring (see `CassandraRack.replicas`),
   * and the StorageClass of the data volumes, when it is a `StorageClass` of this library, must
   * bind `WaitForFirstConsumer`, so that each volume is provisioned in its pod's zone.
   *
   * @default - none: one StatefulSet `<name>` whose nodes are in the rack `rack`
   */
  readonly racks?: CassandraRack[];

  /**
   * Number of tokens (virtual nodes) per node (`CASSANDRA_NUM_TOKENS`). Cannot be changed on a node
   * that has joined the ring. From 1 to 1536.
   *
   * @default - not set: the image's default (16 in the official Cassandra 4 image)
   */
  readonly numTokens?: number;

  /**
   * Container image. The defaults of `podSecurity`, `containerSecurity`, `readiness` and
   * `dataDirectory` fit the official image; another image may need them changed.
   *
   * @default 'cassandra:4.1'
   */
  readonly image?: string;

  /**
   * Image pull policy.
   *
   * @default - not set: Kubernetes uses `IfNotPresent` for tagged images
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;

  /**
   * Maximum JVM heap (`MAX_HEAP_SIZE`), in whole mebibytes; rendered like `512M`. Must be below
   * the memory limit (`resources.memory.limit`): Cassandra also uses memory outside the heap
   * (off-heap buffers, memtables, the page cache), so about half the limit is usual.
   *
   * @default - half the memory limit (512M for 1Gi)
   */
  readonly heapSize?: Size;

  /**
   * Young generation of the heap (`HEAP_NEWSIZE`), in whole mebibytes; rendered like `100M`.
   * Must be below `heapSize`.
   *
   * @default - a quarter of the heap, at most 100M per CPU core of the cpu limit (at least one
   * core), as Cassandra's `cassandra-env.sh` computes it: 100M for the defaults
   */
  readonly heapNewSize?: Size;

  /**
   * More environment variables of the Cassandra container, after those the ring sets
   * (`MAX_HEAP_SIZE`, `HEAP_NEWSIZE`, `CASSANDRA_SEEDS`, `CASSANDRA_CLUSTER_NAME`, `CASSANDRA_DC`,
   * `CASSANDRA_RACK`, `CASSANDRA_ENDPOINT_SNITCH`, `CASSANDRA_NUM_TOKENS`, `POD_IP`), which cannot
   * be given here.
   *
   * @default - none
   */
  readonly env?: EnvVariable[];

  /**
   * Readiness probe: a node is ready when it serves clients.
   *
   * @default - `cqlsh -e 'describe cluster'` every 10 s with a 10 s timeout. It needs the image's
   * `cqlsh` and succeeds once the node has joined the ring and accepts CQL connections. It logs in
   * without credentials: give your own probe when authentication is enabled.
   */
  readonly readiness?: ContainerProbe;

  /**
   * Liveness probe.
   *
   * @default - a TCP probe on the intra-node port 7000 every 10 s, failing after 6 attempts
   */
  readonly liveness?: ContainerProbe;

  /**
   * Startup probe. Liveness and readiness wait for it, so a node that replays a long commit log
   * after a crash is not killed before it listens.
   *
   * @default - a TCP probe on the intra-node port 7000 every 10 s, for up to 10 minutes
   */
  readonly startup?: ContainerProbe;

  /**
   * Add the `IPC_LOCK` capability, so that Cassandra can lock its memory (`mlockall`) and the JVM
   * is never swapped out. It is the one exception to the restricted Pod Security Standard the ring
   * makes for Cassandra itself; namespaces that enforce the `baseline` or `restricted` level reject
   * pods with it. Without it Cassandra logs that it cannot lock memory and runs normally.
   *
   * @default true
   */
  readonly ipcLock?: boolean;

  /**
   * Name of the data claim template; each node gets the claim `<claim>-<name>-<ordinal>`.
   *
   * @default 'cassandra-data'
   */
  readonly dataClaimName?: string;

  /**
   * Size of each node's data volume.
   *
   * @default Size.gibibytes(10)
   */
  readonly storageSize?: Size;

  /**
   * Grow the data volumes of the existing servers to this size through Git, without changing the
   * StatefulSet: the claim's `expandTo` (see `VolumeClaimProps.expandTo`). Must be larger than
   * `storageSize`; the claim template keeps `storageSize`.
   *
   * @default - not expanded
   */
  readonly storageExpandTo?: Size;

  /**
   * Where the data volume is mounted in the container.
   *
   * @default '/var/lib/cassandra' (the official image's data directory)
   */
  readonly dataDirectory?: string;

  /**
   * The JMX exporter agent a ring with `metrics` runs in the Cassandra JVM, and where its jar comes
   * from. Applies only with `metrics`.
   *
   * @default JmxExporterAgent.fromMavenCentral() (version JmxExporterAgent.DEFAULT_VERSION)
   */
  readonly metricsAgent?: JmxExporterAgent;
}

/**
 * A Cassandra ring: the Kubernetes Cassandra tutorial as one construct, built on one
 * `StatefulApp` (`app`): a headless Service for CQL that publishes not-ready addresses (nodes
 * gossip before they are ready), a StatefulSet of nodes with the intra-node (7000), TLS intra-node
 * (7001), JMX (7199) and CQL (9042) ports, a data claim per node, a `nodetool drain` pre-stop hook
 * with a long termination grace period, and a PodDisruptionBudget (maxUnavailable 1).
 *
 * Seeds: the tutorial seeds only pod 0, so no new node can join while pod 0 is lost. The ring
 * seeds the first `seedCount` pods (2 by default) by their stable DNS names.
 *
 * Nodes start one at a time (`OrderedReady`): Cassandra refuses to bootstrap several nodes at once.
 *
 * Security: the pods follow the restricted Pod Security Standard except for what Cassandra and
 * its image need, each a documented prop: the `IPC_LOCK` capability (`ipcLock`, on by default), and
 * a writable root filesystem for the official image's entrypoint, which rewrites its configuration
 * files from the environment (`containerSecurity.readOnlyRootFilesystem`). The default image runs
 * as its `cassandra` user (uid 999), not as root. Images that start as root and switch users
 * themselves (like the tutorial's `gcr.io/google-samples/cassandra:v13`) need
 * `podSecurity: { ensureNonRoot: false, user: 0, group: 0 }` and `containerSecurity` with `ensureNonRoot: false`
 * and the capabilities their start script uses.
 *
 * Scaling down: a StatefulSet removes the highest ordinals first, without telling Cassandra.
 * Lowering `replicas` alone loses the data those nodes own (their replicas are never streamed to
 * other nodes) and leaves them listed as down in the ring. Remove one node at a time:
 *
 * 1. `kubectl exec <name>-<n-1> -- nodetool decommission` on the highest ordinal, and wait until
 *    `nodetool status` on another node no longer lists it;
 * 2. lower `replicas` by one, synthesize and apply;
 * 3. the node's claim `<claim>-<name>-<n-1>` is retained (claims are never deleted by the ring).
 *    Delete it once you no longer need its data: a node that finds the data of a decommissioned
 *    node refuses to start, so a later scale-up would otherwise fail for that ordinal.
 *
 * Never go below the keyspaces' replication factor or below `seedCount` (refused at synth time).
 * After adding nodes, run `nodetool cleanup` on the old ones.
 *
 * Racks: with `racks`, the ring is one StatefulApp per rack (StatefulSet `<name>-<rack>`), each
 * pinned to its zone by required node affinity on `topology.kubernetes.io/zone` and telling its
 * nodes their rack in `CASSANDRA_RACK`. The official image's entrypoint writes `CASSANDRA_DC` and
 * `CASSANDRA_RACK` into `cassandra-rackdc.properties` and `CASSANDRA_ENDPOINT_SNITCH` into
 * `cassandra.yaml` at every start; the ring sets the snitch to `GossipingPropertyFileSnitch`, which
 * reads that file and gossips each node's data centre and rack, so `NetworkTopologyStrategy`
 * places the replicas of each row in different racks. The pods of all racks share the ring's
 * selector labels, which the one headless Service, the one client Service, the one
 * PodDisruptionBudget and the anti-affinity select by; each rack's StatefulSet also selects by the
 * label `cdk8s-stateful/cassandra-rack: <rack>`, so it never adopts another rack's pods. The
 * first rack's app (`app`) holds the Services (and the ServiceAccount of `createServiceAccount`);
 * the budget belongs to the ring. Each rack starts its nodes one at a time, but the racks start
 * side by side. The first node of each rack is a seed, and seeds do not bootstrap, so they start
 * together; later nodes of different racks may try to bootstrap at the same time, which Cassandra
 * refuses (`cassandra.consistent.rangemovement`): such a node fails to start and is restarted until
 * the other has joined. To avoid that, create a new ring with one node per rack and raise the
 * replicas afterwards. Scale a rack down like a ring, from its highest ordinal, one node at a
 * time, and keep the racks the same size.
 */
export class CassandraRing extends Construct {
  /**
   * The StatefulApp that holds the ring's Services, StatefulSet, claims and budget; with `racks`,
   * the first rack's app, which holds the Services (see `apps` for every rack).
   */
  public readonly app: StatefulApp;
  /** The StatefulApp of every rack, in the order of `racks`; `[app]` for a ring without racks. */
  public readonly apps: StatefulApp[];
  /** The ring's PodDisruptionBudget over every rack, for a ring with `racks` (else `app.disruptionBudget`). */
  public readonly disruptionBudget?: ApiObject;
  /**
   * How many nodes of the whole ring its PodDisruptionBudget lets voluntary disruptions take down
   * at once; `undefined` without a budget.
   */
  public readonly disruptionTolerance?: number;
  /** Name of the Cassandra cluster. */
  public readonly clusterName: string;
  /** Data centre of the nodes. */
  public readonly dataCenter: string;
  /** Rack of the nodes; with `racks`, the first rack's name (see `rackNames`). */
  public readonly rack: string;
  /** Names of the racks, in order: `[rack]` for a ring without racks. */
  public readonly rackNames: string[];
  /** Number of seed nodes. */
  public readonly seedCount: number;
  /** Maximum heap of each node. */
  public readonly heapSize: Size;
  /** Young generation of each node's heap. */
  public readonly heapNewSize: Size;
  /** The CQL port clients connect to. */
  public readonly cqlPort: number = CQL_PORT;
  /** Port of the JMX exporter's metrics endpoint, if `metrics` is given. */
  public readonly metricsPort?: number;
  /** The JMX exporter agent, if `metrics` is given. */
  public readonly metricsAgent?: JmxExporterAgent;
  private readonly ringName: string;

  constructor(scope: Construct, id: string, props: CassandraRingProps = {}) {
    super(scope, id);
    const name = props.name ?? id;
    this.ringName = name;
    checkDnsLabel(this, 'name', name, 52);

    const given = props.replicas ?? (props.racks === undefined ? 3 : undefined);
    if (given !== undefined && (typeof given !== 'number' || !Number.isInteger(given) || given < 1)) {
      throw invalid(this, 'replicas', given, 'must be an integer >= 1: a ring needs at least one node');
    }
    const racks = props.racks === undefined ? undefined : this.planRacks(props, name);
    const replicas = racks ? racks.reduce((sum, r) => sum + r.replicas, 0) : given!;
    if (racks) {
      this.seedCount = props.seedCount ?? Math.max(racks.length, Math.min(SEEDS_PER_DATA_CENTER, replicas));
      checkInteger(this, 'seedCount', this.seedCount, 1);
      if (this.seedCount > replicas) {
        throw invalid(this, 'seedCount', this.seedCount,
          `must be at most the ring's ${replicas} nodes (the racks' replicas together): a seed is a node of the ring, so ${this.seedCount} seeds cannot all exist`);
      }
      if (this.seedCount < racks.length) {
        throw invalid(this, 'seedCount', this.seedCount,
          `must be at least the number of racks (${racks.length}): seeds are drawn one per rack first, so that a node of any rack can join while another rack is lost`);
      }
    } else {
      this.seedCount = props.seedCount ?? Math.min(2, replicas);
      if (typeof this.seedCount !== 'number' || !Number.isInteger(this.seedCount) || this.seedCount < 1 || this.seedCount > replicas) {
        throw invalid(this, 'seedCount', this.seedCount,
          `must be an integer from 1 to the replicas (${replicas}): the seeds are the first pods of the ring`);
      }
    }

    this.clusterName = props.clusterName ?? name;
    if (typeof this.clusterName !== 'string' || !CLUSTER_NAME.test(this.clusterName)) {
      throw invalid(this, 'clusterName', this.clusterName,
        "must be a non-empty name of letters, digits, spaces, '_', '.' and '-', starting with a letter or digit and not ending with a space");
    }
    this.dataCenter = props.dataCenter ?? 'dc1';
    this.checkTopologyName('dataCenter', this.dataCenter);
    this.rack = racks ? racks[0].name : props.rack ?? 'rack1';
    this.checkTopologyName('rack', this.rack);
    this.rackNames = racks ? racks.map(r => r.name) : [this.rack];
    if (props.numTokens !== undefined) {
      checkInteger(this, 'numTokens', props.numTokens, 1, 1536);
    }

    // memory: the heap must fit in the effective memory limit with room to spare
    const resources = mergeResources(props.resources, DEFAULT_RESOURCES)!;
    const memoryLimit = resources.memory!.limit!;
    const limitMib = sizeBytes(memoryLimit) / MEBIBYTE;
    this.heapSize = props.heapSize ?? Size.mebibytes(Math.floor(limitMib / 2));
    const heapMib = this.wholeMebibytes('heapSize', this.heapSize);
    if (heapMib >= limitMib) {
      throw invalid(this, 'heapSize', `${heapMib}M`,
        `must be below the memory limit (resources.memory.limit ${memoryLimit.asString()}): Cassandra also uses memory outside the heap; about half the limit is usual`);
    }
    const cores = Math.max(1, Math.ceil(cpuCores(resources.cpu?.limit) ?? 1));
    this.heapNewSize = props.heapNewSize ?? Size.mebibytes(Math.min(Math.floor(heapMib / 4), 100 * cores));
    const newMib = this.wholeMebibytes('heapNewSize', this.heapNewSize);
    if (newMib >= heapMib) {
      throw invalid(this, 'heapNewSize', `${newMib}M`,
        `must be below heapSize (${heapMib}M): it is the young generation inside the heap; a quarter of the heap is usual`);
    }
    (props.env ?? []).forEach((e, i) => {
      if (e && Object.prototype.hasOwnProperty.call(RING_ENV, e.name)) {
        throw invalid(this, `env[${i}].name`, e.name, `is set by the ring; use the prop ${RING_ENV[e.name]} instead`);
      }
      if (e && props.metrics && Object.prototype.hasOwnProperty.call(METRICS_ENV, e.name)) {
        throw invalid(this, `env[${i}].name`, e.name, `is set by the ring's ${METRICS_ENV[e.name]}; leave it out of env`);
      }
    });
    this.metricsPort = this.checkMetrics(props);
    this.metricsAgent = this.metricsPort !== undefined ? this.checkAgent(props.metricsAgent ?? JmxExporterAgent.fromMavenCentral()) : undefined;

    // security: only what Cassandra and the official image need is relaxed
    const ipcLock = props.ipcLock ?? true;
    const userSecurity = props.containerSecurity ?? {};
    const containerSecurity: ContainerSecurityOptions = {
      ...userSecurity,
      // The official image's entrypoint rewrites /etc/cassandra/cassandra.yaml and
      // cassandra-rackdc.properties from the environment at every start.
      readOnlyRootFilesystem: userSecurity.readOnlyRootFilesystem ?? false,
      addCapabilities: [
        ...(ipcLock ? [LinuxCapability.IPC_LOCK] : []),
        ...(userSecurity.addCapabilities ?? []).filter(c => !(ipcLock && c === LinuxCapability.IPC_LOCK)),
      ],
    };

    const dataClaimName = props.dataClaimName ?? 'cassandra-data';
    const dataDirectory = props.dataDirectory ?? '/var/lib/cassandra';
    checkAbsolutePath(this, 'dataDirectory', dataDirectory);

    // The app's checks speak of the ring's own fields.
    const aliases = {
      'container.image': 'image',
      'container.imagePullPolicy': 'imagePullPolicy',
      'container.readiness': 'readiness',
      'container.liveness': 'liveness',
      'container.startup': 'startup',
      'volumeClaims[0].name': 'dataClaimName',
      'volumeClaims[0].size': 'storageSize',
      'volumeClaims[0].expandTo': 'storageExpandTo',
      'volumeClaims[0].mountPath': 'dataDirectory',
      'volumeClaims[0].storageClass': 'storageClass',
    };
    const metrics = props.metrics ? { ...props.metrics, port: this.metricsPort } : undefined;
    const appProps = (overrides: Partial<StatefulAppProps>): StatefulAppProps => ({
      ...sharedOptions({ ...props, containerSecurity, metrics }, {
        name,
        replicas,
        containerName: 'cassandra',
        resources: DEFAULT_RESOURCES,
        podSecurity: {
          user: OFFICIAL_IMAGE_USER,
          group: OFFICIAL_IMAGE_USER,
          fsGroup: OFFICIAL_IMAGE_USER,
          fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
        },
        // A ring of one node gets a budget too: a drain then waits for nothing but keeps the rule
        // visible when the ring grows.
        // With allowAllPodsDown, as a ring of one node then has a budget that allows its one node down.
        disruptionBudget: DisruptionBudget.maxUnavailable(1, { allowAllPodsDown: true }),
        terminationGracePeriod: Duration.minutes(30),
      }),
      // Cassandra bootstraps one node at a time.
      podManagementPolicy: kplus.PodManagementPolicy.ORDERED_READY,
      servicePorts: [{ name: 'cql', port: CQL_PORT }],
      publishNotReadyAddresses: true,
      container: {
        image: props.image ?? 'cassandra:4.1',
        imagePullPolicy: props.imagePullPolicy,
        ports: [
          { number: INTRA_NODE_PORT, name: 'intra-node' },
          { number: TLS_INTRA_NODE_PORT, name: 'tls-intra-node' },
          { number: JMX_PORT, name: 'jmx' },
          { number: CQL_PORT, name: 'cql' },
          ...(this.metricsPort !== undefined ? [{ number: this.metricsPort, name: 'metrics' }] : []),
        ],
        // cqlsh (in the official image, with Python) connects to the local node's CQL port, which
        // opens only once the node has joined the ring: a ready node serves clients. It is much
        // lighter than `nodetool status`, which starts a JVM at every probe.
        readiness: props.readiness ?? ContainerProbe.exec(['cqlsh', '-e', 'describe cluster'], {
          period: Duration.seconds(10),
          timeout: Duration.seconds(10),
        }),
        // The intra-node port opens early in startup (before joining and streaming, which can
        // take hours), so liveness never kills a node that is still bootstrapping.
        liveness: props.liveness ?? ContainerProbe.tcp(INTRA_NODE_PORT, { period: Duration.seconds(10), failureThreshold: 6 }),
        startup: props.startup ?? ContainerProbe.tcp(INTRA_NODE_PORT, { period: Duration.seconds(10), failureThreshold: 60 }),
        // Flush memtables and stop accepting writes before the node stops.
        preStop: LifecycleHook.exec(['/bin/sh', '-c', 'nodetool drain']),
      },
      volumeClaims: [{
        name: dataClaimName,
        size: props.storageSize ?? Size.gibibytes(10),
        expandTo: props.storageExpandTo,
        mountPath: dataDirectory,
      }],
      ...overrides,
    });

    if (racks) {
      // One StatefulApp per rack. The first holds the Services (and a created ServiceAccount); all
      // share the ring's selector labels and governing Service; each selects its own pods by the
      // rack label; the ring's one budget covers them all.
      const selectorLabels = props.selectorLabels ?? defaultSelectorLabels(name);
      const serviceAccountName = props.createServiceAccount ? props.serviceAccountName ?? name : props.serviceAccountName;
      this.apps = racks.map((rack, i) => {
        const appId = `Rack-${rack.name}`;
        reportChildErrorsAs(this, appId, { ...aliases, replicas: `racks[${i}].replicas` });
        describeChildWorkload(this, appId, { alertPrefix: 'Cassandra', member: 'node', title: `Cassandra rack ${rack.name}` });
        return new StatefulApp(this, appId, appProps({
          name: rackStatefulSetName(name, rack.name),
          replicas: rack.replicas,
          serviceName: props.serviceName ?? name,
          selectorLabels,
          statefulSetSelectorLabels: { [RACK_LABEL]: rack.name },
          createHeadlessService: i === 0,
          clientService: i === 0 && props.clientService
            ? { ...props.clientService, name: props.clientService.name ?? `${name}-client` } : undefined,
          createServiceAccount: i === 0 && props.createServiceAccount,
          serviceAccountName,
          requiredNodeAffinity: requireInEveryTerm(props.requiredNodeAffinity, rack.requirements),
          // Nodes are kept apart across the whole ring, whatever the size of each rack.
          spreadAcrossNodes: props.spreadAcrossNodes ?? (replicas > 1 ? Spreading.PREFERRED : Spreading.NONE),
          disruptionBudget: DisruptionBudget.none(),
          // Every rack's pods are scraped by the first rack's monitor, which selects the whole ring.
          metrics: metrics && i > 0 ? { ...metrics, scrape: Scrape.none() } : metrics,
        }));
      });
      this.app = this.apps[0];
      // One budget over every rack: by default, one rack's worth of nodes (the smallest rack's).
      const budget = createDisruptionBudget(this, 'DisruptionBudget', this,
        props.disruptionBudget ?? DisruptionBudget.maxUnavailable(Math.min(...racks.map(r => r.replicas)), { allowAllPodsDown: true }), {
          replicas,
          quorum: false,
          defaultName: `${name}-pdb`,
          metadata: pdbName => ({ name: pdbName, namespace: props.namespace, labels: mergeLabels(props.labels, selectorLabels) }),
          selector: selectorLabels,
        });
      this.disruptionBudget = budget?.object;
      this.disruptionTolerance = budget?.allows;
    } else {
      reportChildErrorsAs(this, 'App', aliases);
      describeChildWorkload(this, 'App', { alertPrefix: 'Cassandra', member: 'node', title: 'Cassandra ring' });
      this.app = new StatefulApp(this, 'App', appProps({}));
      this.apps = [this.app];
      this.disruptionTolerance = this.app.disruptionTolerance;
    }

    // The environment, in order: the ring's variables (the seeds are drawn from the app's own
    // pods), then the user's.
    this.apps.forEach((app, i) => {
      const env: EnvVariable[] = [
        { name: 'MAX_HEAP_SIZE', value: kplus.EnvValue.fromValue(`${heapMib}M`) },
        { name: 'HEAP_NEWSIZE', value: kplus.EnvValue.fromValue(`${newMib}M`) },
        { name: 'CASSANDRA_SEEDS', value: kplus.EnvValue.fromValue(this.seeds.join(',')) },
        { name: 'CASSANDRA_CLUSTER_NAME', value: kplus.EnvValue.fromValue(this.clusterName) },
        { name: 'CASSANDRA_DC', value: kplus.EnvValue.fromValue(this.dataCenter) },
        { name: 'CASSANDRA_RACK', value: kplus.EnvValue.fromValue(this.rackNames[i]) },
        // DC and rack only take effect with this snitch (the official image keeps SimpleSnitch
        // otherwise; the tutorial's image switches to it itself when both are set).
        { name: 'CASSANDRA_ENDPOINT_SNITCH', value: kplus.EnvValue.fromValue('GossipingPropertyFileSnitch') },
        ...(props.numTokens !== undefined
          ? [{ name: 'CASSANDRA_NUM_TOKENS', value: kplus.EnvValue.fromValue(`${props.numTokens}`) }]
          : []),
        { name: 'POD_IP', value: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) },
        ...(props.env ?? []),
      ];
      env.forEach(e => app.addEnv(e.name, e.value));
      if (this.metricsAgent && this.metricsPort !== undefined) {
        this.addMetricsAgent(app, this.metricsAgent, this.metricsPort);
      }
    });
    if (props.metrics?.alerts) {
      this.addAlerts();
    }
  }

  /**
   * Stable DNS names of the seed nodes, in start order (the value of `CASSANDRA_SEEDS`, comma
   * separated).
   */
  public get seeds(): string[] {
    // The first pod of each rack, then the second of each, and so on.
    const drawn: string[] = [];
    const most = Math.max(...this.apps.map(a => a.replicas));
    for (let k = 0; k < most; k++) {
      for (const app of this.apps) {
        if (k < app.replicas) drawn.push(app.podDnsName(app.startOrdinal + k));
      }
    }
    return drawn.slice(0, this.seedCount);
  }

  /** Names of all pods, rack by rack, each rack in start order. */
  public get podNames(): string[] {
    return this.apps.flatMap(a => a.podNames);
  }

  /** Stable DNS names of all pods, rack by rack, each rack in start order. */
  public get podDnsNames(): string[] {
    return this.apps.flatMap(a => a.podDnsNames);
  }

  /**
   * Names of the data claims of all nodes (`<dataClaimName>-<statefulset>-<ordinal>`), rack by
   * rack, each rack in start order.
   */
  public get dataClaimNames(): string[] {
    return this.apps.flatMap(a => a.claimNames(a.volumeClaims[0].name));
  }

  /**
   * Stable DNS names of all nodes, in start order: the contact points a CQL client (driver) is
   * given, with `cqlPort`. The driver discovers the rest of the ring from any node it reaches.
   */
  public get contactPoints(): string[] {
    return this.podDnsNames;
  }

  /**
   * Checks the racks and shares the ring's nodes among them. Every rack is pinned (zone and/or
   * node affinity), with a unique name and zone and at least one node.
   */
  private planRacks(props: CassandraRingProps, name: string): RackPlan[] {
    const racks = props.racks!;
    if (!Array.isArray(racks) || racks.length === 0) {
      throw invalid(this, 'racks', racks, 'give at least one rack, or leave racks unset for a ring of one StatefulSet');
    }
    if (props.rack !== undefined) {
      throw invalid(this, 'rack', props.rack, 'a ring with racks names each rack in racks[].name; remove rack');
    }
    racks.forEach((r, i) => {
      checkDnsLabel(this, `racks[${i}].name`, r?.name);
      const sts = rackStatefulSetName(name, r.name);
      if (sts.length > 52) {
        throw invalid(this, `racks[${i}].name`, r.name,
          `makes the rack's StatefulSet name "${sts}" longer than 52 characters; use a shorter ring or rack name`);
      }
      if (r.zone !== undefined) {
        checkLabelValue(this, `racks[${i}].zone`, r.zone);
        if (r.zone === '') {
          throw invalid(this, `racks[${i}].zone`, r.zone, 'must name a zone (a value of the node label topology.kubernetes.io/zone)');
        }
      }
      if (r.nodeAffinity !== undefined) {
        if (!Array.isArray(r.nodeAffinity) || r.nodeAffinity.length === 0) {
          throw invalid(this, `racks[${i}].nodeAffinity`, r.nodeAffinity, 'give at least one requirement, or leave it unset');
        }
        r.nodeAffinity.forEach((req, j) => checkRequirement(this, `racks[${i}].nodeAffinity[${j}]`, req));
      }
      if (r.zone === undefined && r.nodeAffinity === undefined) {
        throw invalid(this, `racks[${i}]`, r.name,
          'a rack must be pinned to its own failure domain: give zone (or nodeAffinity). Cassandra puts the replicas of a row '
          + 'in different racks, which protects the data only when each rack can fail on its own');
      }
      if (r.replicas !== undefined) {
        if (r.replicas === 0) {
          throw invalid(this, `racks[${i}].replicas`, 0,
            'a rack needs at least one node; to retire a rack, decommission its nodes one by one and then remove the rack');
        }
        checkInteger(this, `racks[${i}].replicas`, r.replicas, 1);
      }
    });
    const dupName = firstDuplicate(racks.map(r => r.name));
    if (dupName !== undefined) {
      throw invalid(this, 'racks', dupName, 'rack names must be unique: each rack is its own StatefulSet <ring>-<rack>');
    }
    const dupZone = firstDuplicate(racks.filter(r => r.zone !== undefined).map(r => r.zone));
    if (dupZone !== undefined) {
      throw invalid(this, 'racks', dupZone,
        'two racks are pinned to the same zone: losing the zone would lose both racks, and with them several replicas of a row; '
        + 'give each rack its own zone');
    }
    // Volumes of a pinned rack must be provisioned where its pods run.
    const storageClass = props.storageClass;
    if (storageClass instanceof StorageClass && storageClass.volumeBindingMode === VolumeBindingMode.IMMEDIATE) {
      const pinned = racks.find(r => r.zone !== undefined) ?? racks[0];
      throw invalid(this, 'storageClass', storageClass.storageClassName,
        `binds claims Immediately: each volume is provisioned before its pod is scheduled, in any zone, and a pod of rack "${pinned.name}"`
        + `${pinned.zone !== undefined ? ` (zone ${pinned.zone})` : ''} could never reach it; give the StorageClass `
        + 'volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER');
    }
    checkScheduling(this, props);

    // Nodes: each rack's own, else an even share of what the ring's replicas leave.
    const without = racks.filter(r => r.replicas === undefined).length;
    const fixed = racks.reduce((sum, r) => sum + (r.replicas ?? 0), 0);
    let share = 1;
    if (props.replicas !== undefined) {
      const left = props.replicas - fixed;
      if (without === 0 && left !== 0) {
        throw invalid(this, 'replicas', props.replicas,
          `the racks have ${fixed} nodes together (racks[].replicas); give replicas ${fixed}, or leave it unset`);
      }
      if (without > 0) {
        share = left / without;
        if (!Number.isInteger(share) || share < 1) {
          throw invalid(this, 'replicas', props.replicas,
            `leaves ${left} node(s) for the ${without} rack(s) without replicas of their own, which cannot be shared evenly `
            + 'with at least one node each; give those racks their replicas, or change replicas');
        }
      }
    }
    return racks.map(r => ({
      name: r.name,
      replicas: r.replicas ?? share,
      requirements: [
        ...(r.zone !== undefined ? [{ key: TopologySpread.ZONE_KEY, operator: NodeSelectorOperator.IN, values: [r.zone] }] : []),
        ...(r.nodeAffinity ?? []),
      ],
    }));
  }

  /** Checks `metrics` and returns the exporter's port (none without `metrics`). */
  private checkMetrics(props: CassandraRingProps): number | undefined {
    const metrics = props.metrics;
    if (metrics === undefined) {
      if (props.metricsAgent !== undefined) {
        throw invalid(this, 'metricsAgent', props.metricsAgent.image, 'applies only with metrics; give metrics as well, or leave metricsAgent out');
      }
      return undefined;
    }
    const port = metrics.port ?? DEFAULT_METRICS_PORT;
    checkInteger(this, 'metrics.port', port, 1, 65535);
    const taken: { [port: number]: string } = {
      [INTRA_NODE_PORT]: 'intra-node', [TLS_INTRA_NODE_PORT]: 'tls-intra-node', [JMX_PORT]: 'jmx', [CQL_PORT]: 'cql',
    };
    if (taken[port] !== undefined) {
      throw invalid(this, 'metrics.port', port, `is Cassandra's ${taken[port]} port; the JMX exporter needs a port of its own, e.g. ${DEFAULT_METRICS_PORT}`);
    }
    if (metrics.path !== undefined && metrics.path !== '/metrics') {
      throw invalid(this, 'metrics.path', metrics.path, 'the JMX exporter agent serves /metrics; leave metrics.path out');
    }
    return port;
  }

  private checkAgent(agent: JmxExporterAgent): JmxExporterAgent {
    if (!(agent instanceof JmxExporterAgent)) {
      throw invalid(this, 'metricsAgent', agent, 'must be JmxExporterAgent.fromMavenCentral(version) or JmxExporterAgent.fromImage(image, jarPath)');
    }
    if (agent.source === JmxExporterAgentSource.MAVEN_CENTRAL && !/^\d+\.\d+\.\d+$/.test(agent.version ?? '')) {
      throw invalid(this, 'metricsAgent.version', agent.version, 'must be a release version of the JMX exporter, e.g. "1.0.1"');
    }
    if (typeof agent.image !== 'string' || agent.image.trim() === '' || /\s/.test(agent.image)) {
      throw invalid(this, 'metricsAgent.image', agent.image, 'must be an image reference without spaces');
    }
    if (agent.source === JmxExporterAgentSource.IMAGE) {
      checkAbsolutePath(this, 'metricsAgent.jarPath', agent.jarPath!);
    }
    return agent;
  }

  /**
   * The JMX exporter as a Java agent: an init container puts its jar into an emptyDir, the
   * Cassandra container mounts it read-only and loads it with `-javaagent` (the images' `cassandra-env.sh`
   * appends `JVM_EXTRA_OPTS` to the JVM options); its configuration comes from the ring's ConfigMap.
   */
  private addMetricsAgent(app: StatefulApp, agent: JmxExporterAgent, port: number): void {
    const target = `/${AGENT_NAME}/${AGENT_JAR}`;
    const command = agent.source === JmxExporterAgentSource.MAVEN_CENTRAL
      ? ['sh', '-c', [
        'set -eu',
        `url="${agent.downloadUrl}"`,
        `curl -fsSL --retry 5 -o "${target}.part" "$url"`,
        'sum="$(curl -fsSL --retry 5 "$url.sha1" | cut -c1-40)"',
        `echo "$sum  ${target}.part" | sha1sum -c -`,
        `mv "${target}.part" "${target}"`,
        '',
      ].join('\n')]
      : ['cp', agent.jarPath!, target];
    app.addVolume(PodVolume.emptyDir(AGENT_NAME));
    app.addInitContainer({
      name: AGENT_NAME,
      image: agent.image,
      command,
      // Any non-root user may write to the emptyDir; the download image's own user is a name,
      // which runAsNonRoot cannot check.
      containerSecurity: { user: 65534, group: 65534 },
      resources: {
        cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
      },
    });
    app.mountVolume(AGENT_NAME, `/${AGENT_NAME}`, { container: AGENT_NAME });
    app.mountVolume(AGENT_NAME, AGENT_DIR, { readOnly: true });
    app.addConfigFile(AGENT_CONFIG, JMX_EXPORTER_CONFIG);
    app.addEnv('JVM_EXTRA_OPTS', kplus.EnvValue.fromValue(`-javaagent:${AGENT_DIR}/${AGENT_JAR}=${port}:${AGENT_CONFIG}`));
  }

  /** The ring's own alerts: nodes down, and more nodes down than the disruption budget allows. */
  private addAlerts(): void {
    // The ring's alerts go into the first app's rule, and count every rack's pods.
    const app = this.app;
    const ns = app.namespace;
    const podNames = this.podNames;
    const n = podNames.length;
    const where = `Cassandra ring ${this.ringName} (namespace ${ns})`;
    const kubectl = `kubectl -n ${ns}`;
    const up = podsUp(ns, podNames);
    app.addAlert({
      name: 'CassandraNodeDown',
      expression: `${up} < ${n}`,
      pendingFor: Duration.minutes(5),
      severity: AlertSeverity.WARNING,
      summary: `Only {{ $value }} of the ${n} nodes of ${where} are up.`,
      runbook: `A node of the ring (${podNames.join(', ')}) has not answered Prometheus for 5 minutes. The ring serves `
        + 'requests as long as each token range keeps enough replicas for the consistency level; writes for the node are kept as '
        + `hints for a while (max_hint_window). Find it: \`${kubectl} get pods -l ${labelSelector(app.selectorLabels)}\`, then `
        + `\`${kubectl} describe pod <pod>\`, \`${kubectl} logs <pod> -c ${app.containerName}\`, and the ring's view: `
        + `\`${kubectl} exec <a running pod> -c ${app.containerName} -- nodetool status\` (DN = down). Do not remove the node `
        + '(nodetool removenode) or delete its claim while it can come back.',
    });
    const tolerance = this.disruptionTolerance;
    if (tolerance !== undefined && n - tolerance > 0) {
      app.addAlert({
        name: 'CassandraNodesDownBeyondBudget',
        expression: `${up} < ${n - tolerance}`,
        pendingFor: Duration.minutes(1),
        severity: AlertSeverity.CRITICAL,
        summary: `Only {{ $value }} of the ${n} nodes of ${where} are up: more than the ${tolerance} the disruption budget allows are down.`,
        runbook: `More nodes are down than the PodDisruptionBudget of the ring allows (${tolerance} of ${n}), so token ranges may have `
          + 'lost the replicas their consistency level needs: requests at QUORUM fail for ranges with too few replicas left. Bring '
          + 'nodes back one at a time, each Up/Normal in `nodetool status` before the next; stop node drains and cluster upgrades '
          + `until then. Nodes: ${podNames.join(', ')}.`,
      });
    }
  }

  private checkTopologyName(field: string, value: string) {
    if (typeof value !== 'string' || !TOPOLOGY_NAME.test(value)) {
      throw invalid(this, field, value,
        "must be letters, digits, '_', '.' and '-', starting with a letter or digit (no whitespace, commas or quotes: Cassandra's snitch and keyspace options misread them)");
    }
  }

  private wholeMebibytes(field: string, size: Size): number {
    const mib = size instanceof Size ? sizeBytes(size) / MEBIBYTE : NaN;
    if (!Number.isInteger(mib) || mib <= 0) {
      throw invalid(this, field, size, 'must be a whole number of mebibytes greater than zero, e.g. Size.mebibytes(512)');
    }
    return mib;
  }
}

function labelSelector(labels: { [key: string]: string }): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * Configuration of the JMX exporter agent: Cassandra's client request, storage, compaction, commit
 * log, dropped message and thread pool metrics and the failure detector's view of the ring (the
 * agent adds the JVM's own metrics). Based on the Cassandra example of the JMX exporter project.
 */
const JMX_EXPORTER_CONFIG = [
  'lowercaseOutputName: true',
  'lowercaseOutputLabelNames: true',
  'includeObjectNames:',
  '  - "org.apache.cassandra.metrics:type=ClientRequest,*"',
  '  - "org.apache.cassandra.metrics:type=Storage,*"',
  '  - "org.apache.cassandra.metrics:type=Compaction,*"',
  '  - "org.apache.cassandra.metrics:type=CommitLog,*"',
  '  - "org.apache.cassandra.metrics:type=DroppedMessage,*"',
  '  - "org.apache.cassandra.metrics:type=ThreadPools,*"',
  '  - "org.apache.cassandra.net:type=FailureDetector"',
  'rules:',
  "  - pattern: 'org.apache.cassandra.metrics<type=ThreadPools, path=(\\w+), scope=(\\w+), name=(\\w+)><>(Count|Value)'",
  '    name: cassandra_threadpools_$3_$4',
  '    labels:',
  '      path: "$1"',
  '      scope: "$2"',
  "  - pattern: 'org.apache.cassandra.metrics<type=(\\w+), scope=([\\w-]+), name=(\\w+)><>(Count|Value|Mean|99thPercentile)'",
  '    name: cassandra_$1_$3_$4',
  '    labels:',
  '      scope: "$2"',
  "  - pattern: 'org.apache.cassandra.metrics<type=(\\w+), name=(\\w+)><>(Count|Value)'",
  '    name: cassandra_$1_$2_$3',
  "  - pattern: 'org.apache.cassandra.net<type=FailureDetector><>(DownEndpointCount|UpEndpointCount)'",
  '    name: cassandra_failuredetector_$1',
  '',
].join('\n');
