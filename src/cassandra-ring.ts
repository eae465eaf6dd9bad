import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ContainerSecurityOptions, EnvVariable, LinuxCapability } from './container';
import { cpuCores, sizeBytes } from './private/render-container';
import { mergeResources, sharedOptions } from './private/shared-options';
import { ContainerProbe, LifecycleHook } from './probe';
import { StatefulApp } from './stateful-app';
import { checkAbsolutePath, checkDnsLabel, checkInteger, invalid, reportChildErrorsAs } from './validation';
import { DisruptionBudget, StatefulWorkloadOptions } from './workload-options';

/** Port of gossip and streaming between nodes. */
const INTRA_NODE_PORT = 7000;
/** Port of TLS-encrypted traffic between nodes. */
const TLS_INTRA_NODE_PORT = 7001;
/** Port of JMX (nodetool). */
const JMX_PORT = 7199;
/** Port of CQL, the client protocol. */
const CQL_PORT = 9042;

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
  CASSANDRA_RACK: 'rack',
  CASSANDRA_ENDPOINT_SNITCH: 'dataCenter and rack (the ring uses GossipingPropertyFileSnitch)',
  CASSANDRA_NUM_TOKENS: 'numTokens',
  POD_IP: '(the ring sets it from the pod status)',
};

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
   * @default - 2, or 1 for a single-node ring
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
   * Rack of the nodes (`CASSANDRA_RACK`). Same rule as `dataCenter`.
   *
   * @default 'rack1'
   */
  readonly rack?: string;

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
 */
export class CassandraRing extends Construct {
  /** The StatefulApp that holds the ring's Service, StatefulSet, claims and budget. */
  public readonly app: StatefulApp;
  /** Name of the Cassandra cluster. */
  public readonly clusterName: string;
  /** Data centre of the nodes. */
  public readonly dataCenter: string;
  /** Rack of the nodes. */
  public readonly rack: string;
  /** Number of seed nodes. */
  public readonly seedCount: number;
  /** Maximum heap of each node. */
  public readonly heapSize: Size;
  /** Young generation of each node's heap. */
  public readonly heapNewSize: Size;
  /** The CQL port clients connect to. */
  public readonly cqlPort: number = CQL_PORT;

  constructor(scope: Construct, id: string, props: CassandraRingProps = {}) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsLabel(this, 'name', name, 52);

    const replicas = props.replicas ?? 3;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1) {
      throw invalid(this, 'replicas', replicas, 'must be an integer >= 1: a ring needs at least one node');
    }
    this.seedCount = props.seedCount ?? Math.min(2, replicas);
    if (typeof this.seedCount !== 'number' || !Number.isInteger(this.seedCount) || this.seedCount < 1 || this.seedCount > replicas) {
      throw invalid(this, 'seedCount', this.seedCount,
        `must be an integer from 1 to the replicas (${replicas}): the seeds are the first pods of the ring`);
    }

    this.clusterName = props.clusterName ?? name;
    if (typeof this.clusterName !== 'string' || !CLUSTER_NAME.test(this.clusterName)) {
      throw invalid(this, 'clusterName', this.clusterName,
        "must be a non-empty name of letters, digits, spaces, '_', '.' and '-', starting with a letter or digit and not ending with a space");
    }
    this.dataCenter = props.dataCenter ?? 'dc1';
    this.checkTopologyName('dataCenter', this.dataCenter);
    this.rack = props.rack ?? 'rack1';
    this.checkTopologyName('rack', this.rack);
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
    });

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
    reportChildErrorsAs(this, 'App', {
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
    });
    this.app = new StatefulApp(this, 'App', {
      ...sharedOptions({ ...props, containerSecurity }, {
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
        disruptionBudget: DisruptionBudget.maxUnavailable(1),
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
    });

    // The environment, in order: the ring's variables (the seeds are the app's own first pods),
    // then the user's.
    const env: EnvVariable[] = [
      { name: 'MAX_HEAP_SIZE', value: kplus.EnvValue.fromValue(`${heapMib}M`) },
      { name: 'HEAP_NEWSIZE', value: kplus.EnvValue.fromValue(`${newMib}M`) },
      { name: 'CASSANDRA_SEEDS', value: kplus.EnvValue.fromValue(this.seeds.join(',')) },
      { name: 'CASSANDRA_CLUSTER_NAME', value: kplus.EnvValue.fromValue(this.clusterName) },
      { name: 'CASSANDRA_DC', value: kplus.EnvValue.fromValue(this.dataCenter) },
      { name: 'CASSANDRA_RACK', value: kplus.EnvValue.fromValue(this.rack) },
      // DC and rack only take effect with this snitch (the official image keeps SimpleSnitch
      // otherwise; the tutorial's image switches to it itself when both are set).
      { name: 'CASSANDRA_ENDPOINT_SNITCH', value: kplus.EnvValue.fromValue('GossipingPropertyFileSnitch') },
      ...(props.numTokens !== undefined
        ? [{ name: 'CASSANDRA_NUM_TOKENS', value: kplus.EnvValue.fromValue(`${props.numTokens}`) }]
        : []),
      { name: 'POD_IP', value: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) },
      ...(props.env ?? []),
    ];
    env.forEach(e => this.app.addEnv(e.name, e.value));
  }

  /**
   * Stable DNS names of the seed nodes, in start order (the value of `CASSANDRA_SEEDS`, comma
   * separated).
   */
  public get seeds(): string[] {
    return this.app.podDnsNames.slice(0, this.seedCount);
  }

  /**
   * Stable DNS names of all nodes, in start order: the contact points a CQL client (driver) is
   * given, with `cqlPort`. The driver discovers the rest of the ring from any node it reaches.
   */
  public get contactPoints(): string[] {
    return this.app.podDnsNames;
  }

  private checkTopologyName(field: string, value: string) {
    if (typeof value !== 'string' || !TOPOLOGY_NAME.test(value)) {
      throw invalid(this, field, value,
        "must be letters, digits, '_', '.' and '-', starting with a letter or digit (no whitespace, commas or quotes: Cassandra's snitch and keyspace options misread them)");
    }
  }

  private wholeMebibytes(field: string, size: Size): number {
    const mib = size ? sizeBytes(size) / MEBIBYTE : NaN;
    if (!Number.isInteger(mib) || mib <= 0) {
      throw invalid(this, field, size ? size.asString() : size, 'must be a whole number of mebibytes greater than zero, e.g. Size.mebibytes(512)');
    }
    return mib;
  }
}
