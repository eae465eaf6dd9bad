import { ApiObject, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ContainerProps, EnvVariable, PodVolume } from './container';
import { AlertSeverity } from './monitoring';
import { ClientAccessOptions, INetworkPeer, NetworkAccess, NetworkPeer, PortRole } from './network-policy';
import { podDnsNameWildcard, quorumOf, serviceDnsName, serviceDnsNameForms, toleratedFailures } from './private/identity';
import { alternation, describeChildWorkload, matchers, podsUp } from './private/monitoring';
import { sizeBytes } from './private/render-container';
import { mergeResources, sharedOptions } from './private/shared-options';
import {
  addCertificate, certificateDnsNames, JAAS_DIR, JAAS_FILE, JAAS_TEMPLATE_NAME, renderJaasScript, renderJaasTemplate,
  ResolvedSasl, ResolvedTls, resolveSasl, resolveTls, saslUsers, saslZooCfgLines, TLS_DIR, TLS_PASSWORD_DIR, tlsZooCfgLines,
} from './private/zookeeper-security';
import { ContainerProbe, ProbeOptions } from './probe';
import { StatefulApp } from './stateful-app';
import { checkDnsLabel, checkDuration, checkInteger, firstDuplicate, invalid, reportChildErrorsAs } from './validation';
import { Spreading, StatefulWorkloadOptions } from './workload-options';
import { ZooKeeperSaslOptions } from './zookeeper-sasl';
import { ZooKeeperPlaintextClientPort, ZooKeeperTls, ZooKeeperTlsSource } from './zookeeper-tls';

/**
 * Which kind of ZooKeeper image runs the servers; it decides how they are configured.
 */
export enum ZooKeeperImageKind {
  /**
   * The official image (`zookeeper` on Docker Hub, ZooKeeper 3.8 or later): the construct
   * generates `zoo.cfg` into a ConfigMap and writes each server's `myid` at start.
   */
  OFFICIAL = 'Official',
  /**
   * The image of the Kubernetes ZooKeeper tutorial (`registry.k8s.io/kubernetes-zookeeper`,
   * ZooKeeper 3.4.10): its `start-zookeeper` script writes the configuration from flags.
   */
  KUBERNETES_ZOOKEEPER = 'KubernetesZookeeper',
}

/**
 * The container image of a ZooKeeper ensemble and how it is configured.
 */
export class ZooKeeperImage {
  /** Tag of the official image used by default. */
  public static readonly DEFAULT_OFFICIAL_TAG = '3.9.3';

  /** The image of the Kubernetes ZooKeeper tutorial. */
  public static readonly KUBERNETES_ZOOKEEPER_IMAGE = 'registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10';

  /**
   * The official image `zookeeper:<tag>` from Docker Hub. The construct generates its `zoo.cfg`
   * (mounted from a ConfigMap) and a `logback.xml`, which needs ZooKeeper 3.8 or later.
   *
   * @param tag image tag, e.g. `3.9.3` or `3.8.4`
   * @default tag ZooKeeperImage.DEFAULT_OFFICIAL_TAG
   */
  public static official(tag?: string): ZooKeeperImage {
    return new ZooKeeperImage(ZooKeeperImageKind.OFFICIAL, `zookeeper:${tag ?? ZooKeeperImage.DEFAULT_OFFICIAL_TAG}`);
  }

  /**
   * A copy of the official image in another registry, or an image built `FROM` it, configured
   * like `official()`. The image must keep the official layout: `zkServer.sh` on the `PATH`, `bash`,
   * and user 1000.
   *
   * @param image full image reference, e.g. `registry.example.com/mirror/zookeeper:3.9.3`
   */
  public static officialFrom(image: string): ZooKeeperImage {
    return new ZooKeeperImage(ZooKeeperImageKind.OFFICIAL, image);
  }

  /**
   * The image of the Kubernetes ZooKeeper tutorial, configured by its `start-zookeeper` flags.
   * It ships ZooKeeper 3.4.10, which is no longer maintained: use it to reproduce the tutorial,
   * `official()` for anything else.
   *
   * @param image full image reference
   * @default image ZooKeeperImage.KUBERNETES_ZOOKEEPER_IMAGE
   */
  public static kubernetesZookeeper(image?: string): ZooKeeperImage {
    return new ZooKeeperImage(ZooKeeperImageKind.KUBERNETES_ZOOKEEPER, image ?? ZooKeeperImage.KUBERNETES_ZOOKEEPER_IMAGE);
  }

  private constructor(
    /** How the image is configured. */
    public readonly kind: ZooKeeperImageKind,
    /** The image reference. */
    public readonly image: string) {}
}

/**
 * Log level of the ZooKeeper servers.
 */
export enum ZooKeeperLogLevel {
  /** Errors only. */
  ERROR = 'ERROR',
  /** Warnings and errors. */
  WARN = 'WARN',
  /** The ZooKeeper default. */
  INFO = 'INFO',
  /** Verbose. */
  DEBUG = 'DEBUG',
  /** Very verbose. */
  TRACE = 'TRACE',
}

/**
 * Properties of a ZooKeeperEnsemble.
 */
export interface ZooKeeperEnsembleProps extends StatefulWorkloadOptions {
  /**
   * The image and how it is configured.
   *
   * @default ZooKeeperImage.official()
   */
  readonly image?: ZooKeeperImage;

  /**
   * Image pull policy.
   *
   * @default - not set (Kubernetes uses `IfNotPresent` for tagged images)
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;

  /**
   * Accept an even number of servers (`replicas`). An ensemble of `2f + 2` servers tolerates no more failures
   * than one of `2f + 1` (a quorum of 4 is 3), so the extra server only adds load; it is useful as
   * the intermediate step when resizing one server at a time (3 → 4 → 5).
   *
   * @default false
   */
  readonly allowEvenServers?: boolean;

  /**
   * Name of the ConfigMap that holds the generated `zoo.cfg` and `logback.xml` (official image only).
   *
   * @default - `<name>-config`
   */
  readonly configMapName?: string;

  /**
   * Port for client connections.
   *
   * @default 2181
   */
  readonly clientPort?: number;

  /**
   * Port on which followers connect to the leader (the second port of a `server.N` line).
   *
   * @default 2888
   */
  readonly serverPort?: number;

  /**
   * Port for leader election (the third port of a `server.N` line).
   *
   * @default 3888
   */
  readonly electionPort?: number;

  /**
   * The basic time unit of ZooKeeper (`tickTime`): heartbeats, and the unit of `initLimit`,
   * `syncLimit` and the default session timeouts. Whole milliseconds.
   *
   * @default Duration.seconds(2)
   */
  readonly tickTime?: Duration;

  /**
   * Ticks a follower may take to connect and sync to the leader (`initLimit`). Raise it when the
   * data is large.
   *
   * @default 10
   */
  readonly initLimit?: number;

  /**
   * Ticks a follower may lag behind the leader before it is dropped (`syncLimit`).
   *
   * @default 5
   */
  readonly syncLimit?: number;

  /**
   * JVM heap of each server (`-Xmx` and `-Xms`), in whole mebibytes. It must stay below the
   * container's memory limit (`resources.memory.limit`): the JVM needs memory beyond the heap.
   *
   * @default Size.mebibytes(512)
   */
  readonly heapSize?: Size;

  /**
   * Maximum concurrent connections of one client IP address to one server (`maxClientCnxns`);
   * 0 means unlimited.
   *
   * @default 60
   */
  readonly maxClientConnections?: number;

  /**
   * Snapshots (and their transaction logs) kept by the automatic purge
   * (`autopurge.snapRetainCount`). ZooKeeper keeps at least 3.
   *
   * @default 3
   */
  readonly snapshotRetainCount?: number;

  /**
   * How often old snapshots and transaction logs are purged (`autopurge.purgeInterval`), in
   * whole hours. `Duration.hours(0)` disables the purge, and the data volume then fills up.
   *
   * @default Duration.hours(12)
   */
  readonly purgeInterval?: Duration;

  /**
   * Smallest session timeout a client may negotiate (`minSessionTimeout`). Whole milliseconds.
   *
   * @default - 2 × tickTime
   */
  readonly minSessionTimeout?: Duration;

  /**
   * Largest session timeout a client may negotiate (`maxSessionTimeout`). Whole milliseconds.
   *
   * @default - 20 × tickTime
   */
  readonly maxSessionTimeout?: Duration;

  /**
   * Log level of the servers (written to the container's standard output).
   *
   * @default ZooKeeperLogLevel.INFO
   */
  readonly logLevel?: ZooKeeperLogLevel;

  /**
   * Four-letter-word commands the servers answer (`4lw.commands.whitelist`; official image
   * only). Must include `ruok`, which the probes use; `srvr` is what `zkServer.sh status` uses,
   * `mntr` what monitoring (e.g. a Prometheus exporter) reads. Commands left out are refused.
   *
   * @default ['ruok', 'srvr', 'mntr']
   */
  readonly fourLetterWordCommands?: string[];

  /**
   * Size of each server's data volume (claim `datadir`: snapshots and transaction log).
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
   * TLS between the servers and for clients (official image only): a certificate from a
   * cert-manager issuer (`ZooKeeperTls.fromIssuer`) or an existing Secret
   * (`ZooKeeperTls.fromSecret`). See `docs/zookeeper-tls.md`, also for rotating certificates.
   *
   * @default - no TLS: servers and clients talk plaintext
   */
  readonly tls?: ZooKeeperTls;

  /**
   * SASL authentication (DIGEST-MD5) between the servers and of clients (official image only).
   * The construct generates the JAAS file; the passwords come from Secrets when a server starts.
   *
   * @default - no SASL
   */
  readonly sasl?: ZooKeeperSaslOptions;
}

const DATA_CLAIM = 'datadir';
const DATA_MOUNT = '/var/lib/zookeeper';
const OFFICIAL_DATA_DIR = '/var/lib/zookeeper/data';
const OFFICIAL_DATA_LOG_DIR = '/var/lib/zookeeper/log';
const OFFICIAL_CONF_DIR = '/conf';
const OFFICIAL_LOG_DIR = '/logs';
const TUTORIAL_DATA_DIR = '/var/lib/zookeeper/data';
const TUTORIAL_DATA_LOG_DIR = '/var/lib/zookeeper/data/log';
const TUTORIAL_CONF_DIR = '/opt/zookeeper/conf';
const TUTORIAL_LOG_DIR = '/var/log/zookeeper';
const ZOOKEEPER_UID = 1000;
const MIB = 1024 * 1024;
const FOUR_LETTER_WORD = /^[a-z]{4}$/;
/** ZooKeeper's default `metricsProvider.httpPort`. */
const DEFAULT_METRICS_PORT = 7000;
/** The class of ZooKeeper's built-in Prometheus metrics provider (ZooKeeper 3.6 and later). */
const PROMETHEUS_PROVIDER = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';
/** Outstanding requests of a server above which the alert fires. */
const OUTSTANDING_REQUESTS_ALERT = 10;
/** Average request latency of a server (ms) above which the alert fires. */
const LATENCY_ALERT_MS = 100;

const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.units(0.5), limit: kplus.Cpu.units(1) },
  memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
};

/**
 * A production-shaped ZooKeeper ensemble: the Kubernetes ZooKeeper tutorial as one construct,
 * with a configuration that is correct by construction.
 *
 * It builds one `StatefulApp` (`app`) with
 * - a headless Service `<name>-hs` (ports `server` 2888 and `leader-election` 3888) that gives
 *   each server a stable DNS name, publishing addresses of servers that are not ready yet so that
 *   peers find each other during elections;
 * - a client Service `<name>-cs` (port `client` 2181);
 * - a PodDisruptionBudget `<name>-pdb` that never lets a drain take down more servers than the
 *   ensemble tolerates (default maxUnavailable 1);
 * - a StatefulSet with OrderedReady pod management, rolling updates, anti-affinity across nodes,
 *   readiness and liveness probes based on ZooKeeper's `ruok` command, a non-root pod (user, group
 *   and fsGroup 1000) and a 10Gi data claim `datadir` per server;
 * - a NetworkPolicy `<name>` (`networkPolicy`): the quorum and election ports 2888 and 3888 are
 *   reachable by the servers alone; the client port 2181 by the clients declared with
 *   `allowClientsFrom` (or `networkPolicy.clients`), and by any source while none is declared.
 *
 * Two images are supported (`image`): the official image (default), configured by a generated
 * `zoo.cfg` in a ConfigMap plus a `myid` written at start from the pod's ordinal (ordinal + 1);
 * and the tutorial image `registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10`, configured by its
 * `start-zookeeper` flags. The probes use `ruok`, which answers as soon as the server process
 * serves requests, also before it has joined a quorum: a probe that waited for the quorum could
 * never let pod 0 become Ready, and OrderedReady would never start pod 1.
 *
 * Changing the number of servers. The configuration is static: each server's `zoo.cfg` lists
 * every server, so a new count means a new list for all of them. With the official image the
 * configuration checksum is a pod annotation, so the StatefulSet replaces every server, one at a
 * time from the highest ordinal, after creating new servers (scale up) or removing the highest
 * ones (scale down); the tutorial image gets the count through its command, with the same effect.
 * During that roll, servers with the old list and servers with the new list run side by side. Old
 * and new majorities always overlap when the count changes by ONE: change it one server at a time
 * (3 → 4 → 5, with `allowEvenServers` for the step in between, and 5 → 4 → 3 down), wait until
 * every pod has been replaced and the ensemble has a leader (`srvr` reports `Mode: leader` on one
 * server) before the next step. A jump such as 3 → 5 lets the two servers still on the old list
 * and the three on the new list elect two leaders, and writes can be lost. Removed servers keep
 * their claims (and data); a server that comes back later catches up from the leader.
 *
 * One server (`replicas: 1`) runs ZooKeeper standalone: no server list, no disruption budget, and
 * no fault tolerance (a restart or a node drain stops the service). Use it for development only.
 *
 * Number of servers (`replicas`, default 3): an ensemble of `2f + 1` servers keeps working while `f`
 * of them are down, so use an odd number: 3 (tolerates one failure) or 5 (tolerates two). An even
 * number is refused unless `allowEvenServers` is set. The other shared options (`resources`,
 * `storageClass`, `disruptionBudget`, spreading, …) mean what they mean on a `StatefulApp`; the
 * ensemble's defaults differ where ZooKeeper needs it: requests cpu 500m / memory 1Gi, limits cpu 1
 * / memory 1Gi; user, group and fsGroup 1000; required anti-affinity across nodes; and a budget that
 * is checked against the quorum.
 *
 * Use `connectString` for clients and `serverAddresses` for tools that need every server; `zooCfg`
 * and `myidScript` are the exact texts the servers get. See `docs/zookeeper-ensemble.md`.
 */
export class ZooKeeperEnsemble extends Construct implements INetworkPeer {
  /** The stateful app: headless Service, client Service, disruption budget and StatefulSet. */
  public readonly app: StatefulApp;
  /** The image and how it is configured. */
  public readonly image: ZooKeeperImage;
  /** Number of servers. */
  public readonly replicas: number;
  /** Port for client connections. */
  public readonly clientPort: number;
  /** Port for TLS client connections (with `tls` only). */
  public readonly secureClientPort?: number;
  /** Port on which followers connect to the leader. */
  public readonly serverPort: number;
  /** Port for leader election. */
  public readonly electionPort: number;
  /** Name of the client Service. */
  public readonly clientServiceName: string;
  /** Name of the headless Service. */
  public readonly serviceName: string;
  /** JVM heap of each server. */
  public readonly heapSize: Size;
  /** Port of ZooKeeper's Prometheus metrics provider (`metricsProvider.httpPort`), if `metrics` is given. */
  public readonly metricsPort?: number;
  /**
   * The exact `zoo.cfg` the servers read (official image only; the tutorial image writes its own
   * from the command's flags).
   */
  public readonly zooCfg?: string;
  /**
   * The exact POSIX shell snippet each server runs before ZooKeeper starts (official image only):
   * it takes the ordinal from the host name (`$HOSTNAME`, else the `hostname` command) and writes
   * ordinal + 1 to `myid` in the data directory: `$ZOO_DATA_DIR` (the official image's variable,
   * which the container sets to the `dataDir` of `zooCfg`), else that `dataDir`. It exits with
   * status 1 and a message when the host name does not end in `-<ordinal>`.
   */
  public readonly myidScript?: string;
  /**
   * The JAAS file the servers read, as generated (with `sasl` only): `jaas.conf.template` beside
   * `zoo.cfg`, with a placeholder `@<VARIABLE>@` where each password goes.
   */
  public readonly jaasTemplate?: string;
  /**
   * The exact POSIX shell snippet each server runs before ZooKeeper starts (with `sasl` only): it
   * writes the JAAS file (`$ZK_JAAS_FILE`, in a memory-backed volume) from `jaasTemplate` and the
   * passwords in the container's environment (from the Secrets), then removes the passwords from
   * the environment.
   */
  public readonly jaasScript?: string;
  /** The cert-manager Certificate (with `ZooKeeperTls.fromIssuer` only). */
  public readonly certificate?: ApiObject;

  private readonly tls?: ResolvedTls;

  constructor(scope: Construct, id: string, props: ZooKeeperEnsembleProps = {}) {
    super(scope, id);
    const name = props.name ?? id;
    checkDnsLabel(this, 'name', name, 52);
    this.image = props.image ?? ZooKeeperImage.official();
    const official = this.image.kind === ZooKeeperImageKind.OFFICIAL;
    this.checkImage(this.image);

    // servers
    const servers = props.replicas ?? 3;
    if (typeof servers !== 'number' || !Number.isInteger(servers) || servers < 1) {
      throw invalid(this, 'replicas', servers,
        'must be a whole number of at least 1: 1 runs a standalone server (no fault tolerance), 3 or 5 an ensemble');
    }
    if (servers % 2 === 0 && !props.allowEvenServers) {
      throw invalid(this, 'replicas', servers,
        `must be odd: an ensemble of ${servers} needs ${quorumOf(servers)} servers for a quorum and tolerates `
        + `${toleratedFailures(servers)} failure(s), no more than ${servers - 1} servers do; use ${servers - 1} or ${servers + 1}, `
        + 'or set allowEvenServers: true (e.g. for one step of a resize)');
    }
    this.replicas = servers;

    // ports
    this.clientPort = props.clientPort ?? 2181;
    this.serverPort = props.serverPort ?? 2888;
    this.electionPort = props.electionPort ?? 3888;
    checkInteger(this, 'clientPort', this.clientPort, 1, 65535);
    checkInteger(this, 'serverPort', this.serverPort, 1, 65535);
    checkInteger(this, 'electionPort', this.electionPort, 1, 65535);
    const ports: [string, number][] = [['clientPort', this.clientPort], ['serverPort', this.serverPort], ['electionPort', this.electionPort]];
    for (const [field, port] of ports) {
      const other = ports.find(([f, p]) => f !== field && p === port);
      if (other) {
        throw invalid(this, field, port, `collides with ${other[0]} (${other[1]}): clientPort, serverPort and electionPort must be three different ports`);
      }
    }
    this.metricsPort = this.checkMetrics(props, official, ports);

    // TLS and SASL: the official image only (the tutorial image's start-zookeeper writes its
    // configuration from flags that have neither, and its ZooKeeper 3.4.10 has no TLS).
    for (const field of ['tls', 'sasl'] as const) {
      if (!official && props[field] !== undefined) {
        throw invalid(this, field, this.image.image,
          'needs the official image (ZooKeeperImage.official(), ZooKeeper 3.8 or later): the tutorial image runs ZooKeeper 3.4.10, which has no TLS '
          + 'and no password files, and its start-zookeeper script writes a configuration without TLS or SASL settings');
      }
    }
    this.tls = props.tls === undefined ? undefined : resolveTls(this, name, props.tls, {
      clientPort: this.clientPort,
      serverPort: this.serverPort,
      electionPort: this.electionPort,
      metricsPort: this.metricsPort,
    });
    this.secureClientPort = this.tls?.secureClientPort;
    const sasl: ResolvedSasl | undefined = props.sasl === undefined ? undefined : resolveSasl(this, props.sasl);

    // settings
    const tickMs = wholeMillis(this, 'tickTime', props.tickTime ?? Duration.seconds(2));
    if (tickMs < 1) {
      throw invalid(this, 'tickTime', `${tickMs}ms`, 'must be at least 1 millisecond, e.g. Duration.seconds(2)');
    }
    const initLimit = props.initLimit ?? 10;
    checkInteger(this, 'initLimit', initLimit, 1);
    const syncLimit = props.syncLimit ?? 5;
    checkInteger(this, 'syncLimit', syncLimit, 1);
    const maxClientCnxns = props.maxClientConnections ?? 60;
    checkInteger(this, 'maxClientConnections', maxClientCnxns, 0);
    const snapRetainCount = props.snapshotRetainCount ?? 3;
    if (typeof snapRetainCount !== 'number' || !Number.isInteger(snapRetainCount) || snapRetainCount < 3) {
      throw invalid(this, 'snapshotRetainCount', snapRetainCount, 'must be a whole number of at least 3 (ZooKeeper keeps at least 3 snapshots)');
    }
    const purgeHours = wholeHours(this, 'purgeInterval', props.purgeInterval ?? Duration.hours(12));
    const minSessionMs = wholeMillis(this, 'minSessionTimeout', props.minSessionTimeout ?? Duration.millis(2 * tickMs));
    const maxSessionMs = wholeMillis(this, 'maxSessionTimeout', props.maxSessionTimeout ?? Duration.millis(20 * tickMs));
    if (minSessionMs < 1) {
      throw invalid(this, 'minSessionTimeout', `${minSessionMs}ms`, 'must be at least 1 millisecond (default 2 × tickTime)');
    }
    if (minSessionMs > maxSessionMs) {
      throw invalid(this, 'minSessionTimeout', `${minSessionMs}ms`,
        `must not be larger than maxSessionTimeout (${maxSessionMs}ms); ZooKeeper refuses to start otherwise`);
    }
    const logLevel = props.logLevel ?? ZooKeeperLogLevel.INFO;
    if (!Object.values(ZooKeeperLogLevel).includes(logLevel)) {
      throw invalid(this, 'logLevel', logLevel, `must be one of ${Object.values(ZooKeeperLogLevel).join(', ')}`);
    }
    const fourLetterWords = this.checkFourLetterWords(props.fourLetterWordCommands, official);
    if (!official && props.configMapName !== undefined) {
      throw invalid(this, 'configMapName', props.configMapName,
        'applies only to the official image; the tutorial image writes its configuration itself');
    }

    // heap and memory: the heap must stay below the effective memory limit
    this.heapSize = props.heapSize ?? Size.mebibytes(512);
    const heapBytes = this.heapSize instanceof Size ? sizeBytes(this.heapSize) : NaN;
    if (!(heapBytes > 0) || heapBytes % MIB !== 0) {
      throw invalid(this, 'heapSize', this.heapSize,
        'must be a positive whole number of mebibytes, e.g. Size.mebibytes(512)');
    }
    const heapMib = heapBytes / MIB;
    const memoryLimit = mergeResources(props.resources, DEFAULT_RESOURCES)!.memory!.limit!;
    if (heapBytes >= sizeBytes(memoryLimit)) {
      throw invalid(this, 'heapSize', this.heapSize.asString(),
        `must be below the memory limit (resources.memory.limit ${memoryLimit.asString()}): the JVM needs memory beyond the heap `
        + 'and is killed when it reaches the limit; lower the heap (about 3/4 of the limit) or raise the limit');
    }

    // the container
    const probeOptions: ProbeOptions = { initialDelay: Duration.seconds(10), timeout: Duration.seconds(5) };
    let container: ContainerProps;
    if (official) {
      this.myidScript = renderMyidScript(OFFICIAL_DATA_DIR);
      if (sasl) {
        this.jaasTemplate = renderJaasTemplate(sasl);
        this.jaasScript = renderJaasScript(sasl, OFFICIAL_CONF_DIR, JAAS_FILE);
      }
      const env: EnvVariable[] = [
        // zkServer.sh puts ZOOCFGDIR on the classpath: logback.xml comes from the ConfigMap.
        { name: 'ZOOCFGDIR', value: kplus.EnvValue.fromValue(OFFICIAL_CONF_DIR) },
        { name: 'ZOO_LOG_DIR', value: kplus.EnvValue.fromValue(OFFICIAL_LOG_DIR) },
        // The image sets ZOO_DATA_DIR=/data; the myid snippet writes to $ZOO_DATA_DIR.
        { name: 'ZOO_DATA_DIR', value: kplus.EnvValue.fromValue(OFFICIAL_DATA_DIR) },
        // zkEnv.sh turns ZK_SERVER_HEAP (MiB) into -Xmx; -Xms makes the heap fixed, as the tutorial does.
        { name: 'ZK_SERVER_HEAP', value: kplus.EnvValue.fromValue(`${heapMib}`) },
        // With SASL the JVM reads the JAAS file the start snippet writes.
        { name: 'SERVER_JVMFLAGS', value: kplus.EnvValue.fromValue(`-Xms${heapMib}m${sasl ? ` -Djava.security.auth.login.config=${JAAS_FILE}` : ''}`) },
      ];
      if (sasl) {
        env.push({ name: 'ZK_JAAS_FILE', value: kplus.EnvValue.fromValue(JAAS_FILE) });
        // The passwords, from their Secrets; the start snippet removes them from the environment.
        saslUsers(sasl).forEach((u, i) => env.push({
          name: u.env,
          value: kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(this, `SaslPassword${i}`, u.passwordSecretName), key: u.passwordSecretKey }),
        }));
      }
      // The image's docker-entrypoint.sh is bypassed: it writes its own zoo.cfg and myid=1 when
      // they are missing, under directories that are read-only here.
      const ruok = `exec 3<>/dev/tcp/127.0.0.1/${this.clientPort} && printf ruok >&3 && grep -q imok <&3`;
      container = {
        image: this.image.image,
        imagePullPolicy: props.imagePullPolicy,
        command: ['sh', '-c', `${this.myidScript}${this.jaasScript ?? ''}exec zkServer.sh start-foreground ${OFFICIAL_CONF_DIR}/zoo.cfg\n`],
        env,
        ports: this.containerPorts(),
        // `ruok` over bash's /dev/tcp: the official image always has bash (its entrypoint is a bash
        // script) but not always nc, and the nc it has (OpenBSD) waits for end of input unless
        // given a flag that differs between its variants.
        readiness: ContainerProbe.exec(['bash', '-c', ruok], probeOptions),
        liveness: ContainerProbe.exec(['bash', '-c', ruok], probeOptions),
        // The JVM writes its perf data under /tmp; zkServer.sh needs a log directory.
        writableDirectories: ['/tmp', OFFICIAL_LOG_DIR],
      };
    } else {
      const flags = [
        `--servers=${servers}`,
        `--data_dir=${TUTORIAL_DATA_DIR}`,
        `--data_log_dir=${TUTORIAL_DATA_LOG_DIR}`,
        `--conf_dir=${TUTORIAL_CONF_DIR}`,
        `--client_port=${this.clientPort}`,
        `--election_port=${this.electionPort}`,
        `--server_port=${this.serverPort}`,
        `--tick_time=${tickMs}`,
        `--init_limit=${initLimit}`,
        `--sync_limit=${syncLimit}`,
        `--heap=${heapMib}M`,
        `--max_client_cnxns=${maxClientCnxns}`,
        `--snap_retain_count=${snapRetainCount}`,
        `--purge_interval=${purgeHours}`,
        `--max_session_timeout=${maxSessionMs}`,
        `--min_session_timeout=${minSessionMs}`,
        `--log_level=${logLevel}`,
      ];
      const ready = ['sh', '-c', `zookeeper-ready ${this.clientPort}`];
      container = {
        image: this.image.image,
        imagePullPolicy: props.imagePullPolicy,
        command: ['sh', '-c', ['start-zookeeper', ...flags].join(' ')],
        ports: this.containerPorts(),
        readiness: ContainerProbe.exec(ready, probeOptions),
        liveness: ContainerProbe.exec(ready, probeOptions),
        // start-zookeeper writes zoo.cfg, log4j.properties and java.env into its conf dir; the JVM
        // writes its perf data under /tmp. The root filesystem stays read-only.
        writableDirectories: [TUTORIAL_CONF_DIR, TUTORIAL_LOG_DIR, '/tmp'],
      };
    }

    // The app's checks speak of the ensemble's own fields.
    reportChildErrorsAs(this, 'App', {
      'container.image': 'image',
      'container.imagePullPolicy': 'imagePullPolicy',
      'volumeClaims[0].size': 'storageSize',
      'volumeClaims[0].expandTo': 'storageExpandTo',
      'volumeClaims[0].storageClass': 'storageClass',
    });
    describeChildWorkload(this, 'App', { alertPrefix: 'ZooKeeper', member: 'server', title: 'ZooKeeper ensemble' });
    this.app = new StatefulApp(this, 'App', {
      ...sharedOptions({
        ...props,
        metrics: props.metrics ? { ...props.metrics, port: this.metricsPort } : undefined,
        // A field given as undefined keeps its default (a spread would overwrite it).
        clientService: {
          ...props.clientService,
          name: props.clientService?.name ?? `${name}-cs`,
          ports: props.clientService?.ports ?? this.clientServicePorts(),
        },
      }, {
        name,
        replicas: servers,
        serviceName: `${name}-hs`,
        containerName: official ? 'zookeeper' : 'kubernetes-zookeeper',
        resources: DEFAULT_RESOURCES,
        // The official image has no USER (its entrypoint drops to `zookeeper` with gosu, which needs
        // root); the tutorial image expects runAsUser 1000. Both own their files as uid/gid 1000.
        podSecurity: { user: ZOOKEEPER_UID, group: ZOOKEEPER_UID, fsGroup: ZOOKEEPER_UID },
        spreadAcrossNodes: Spreading.REQUIRED,
        networkPolicy: NetworkAccess.restricted(),
      }),
      container,
      volumeClaims: [{ name: DATA_CLAIM, size: props.storageSize ?? Size.gibibytes(10), expandTo: props.storageExpandTo, mountPath: DATA_MOUNT }],
      servicePorts: [
        { name: 'server', port: this.serverPort },
        { name: 'leader-election', port: this.electionPort },
      ],
      // Followers reach the leader on the server port, every server the others on the election port.
      portRoles: { 'server': PortRole.PEER, 'leader-election': PortRole.PEER },
      publishNotReadyAddresses: true,
      podManagementPolicy: kplus.PodManagementPolicy.ORDERED_READY,
      // The budget is checked against the quorum, by the app.
      quorum: true,
      configMapName: props.configMapName,
    });
    this.serviceName = this.app.serviceName;
    this.clientServiceName = this.app.clientServiceName!;

    // TLS: the keystore and truststore, their password, and with cert-manager the Certificate.
    if (this.tls) {
      this.app.addVolume(PodVolume.fromSecret('tls', this.tls.secretName));
      this.app.mountVolume('tls', TLS_DIR, { readOnly: true });
      this.app.addVolume(PodVolume.fromSecret('tls-password', this.tls.passwordSecretName));
      this.app.mountVolume('tls-password', TLS_PASSWORD_DIR, { readOnly: true });
      if (this.tls.source === ZooKeeperTlsSource.CERT_MANAGER) {
        const ns = this.app.namespace;
        const domain = this.app.clusterDomain;
        this.certificate = addCertificate(this, 'Certificate', {
          name: this.tls.secretName,
          namespace: props.namespace,
          labels: this.app.labels,
          tls: this.tls,
          dnsNames: certificateDnsNames(
            this.app.podDnsNames,
            serviceDnsNameForms(this.serviceName, ns, domain),
            this.clientServiceName ? serviceDnsNameForms(this.clientServiceName, ns, domain) : [],
            podDnsNameWildcard(this.serviceName, ns, domain)),
        });
        // Written before the StatefulSet, whose pods mount the Secret cert-manager makes from it.
        this.app.statefulSet.node.addDependency(this.certificate);
      }
    }
    // SASL: the JAAS template beside zoo.cfg, the JAAS file in memory.
    if (this.jaasTemplate !== undefined) {
      this.app.addConfigFile(`${OFFICIAL_CONF_DIR}/${JAAS_TEMPLATE_NAME}`, this.jaasTemplate);
      this.app.addVolume(PodVolume.emptyDir('jaas', { memory: true, sizeLimit: Size.mebibytes(1) }));
      this.app.mountVolume('jaas', JAAS_DIR);
    }

    // The configuration lists every server by the DNS name the app gives it.
    if (official) {
      this.zooCfg = renderZooCfg({
        tickMs,
        initLimit,
        syncLimit,
        clientPort: this.clientPort,
        maxClientCnxns,
        minSessionMs,
        maxSessionMs,
        snapRetainCount,
        purgeHours,
        fourLetterWords,
        security: [...(this.tls ? tlsZooCfgLines(this.tls) : []), ...(sasl ? saslZooCfgLines(sasl) : [])],
        metricsPort: this.metricsPort,
        servers: this.app.podDnsNames.map(host => `${host}:${this.serverPort}:${this.electionPort}`),
      });
      this.app.addConfigFile(`${OFFICIAL_CONF_DIR}/zoo.cfg`, this.zooCfg);
      this.app.addConfigFile(`${OFFICIAL_CONF_DIR}/logback.xml`, renderLogbackXml(logLevel));
    }
    if (props.metrics?.alerts) {
      this.addAlerts();
    }
  }

  /** The ConfigMap with `zoo.cfg` and `logback.xml` (official image only). */
  public get configMap(): ApiObject | undefined {
    return this.app.configMap;
  }

  /** The NetworkPolicy, unless `networkPolicy` is `NetworkAccess.unrestricted()`. */
  public get networkPolicy(): ApiObject | undefined {
    return this.app.networkPolicy;
  }

  /**
   * Lets a client reach the client port through the ensemble's NetworkPolicy (e.g. a Kafka
   * StatefulApp, or `NetworkPeer.workload(deployment)` for a cdk8s-plus workload). Once a client
   * is declared, no other source reaches the client port. Refused when `networkPolicy` is
   * `NetworkAccess.unrestricted()` and for the server and election ports.
   */
  public allowClientsFrom(peer: INetworkPeer, options: ClientAccessOptions = {}): void {
    this.app.allowClientsFrom(peer, options);
  }

  /** The ensemble's servers, as a source or destination of another app's NetworkPolicy. */
  public toNetworkPeer(): NetworkPeer {
    return this.app.toNetworkPeer();
  }

  /**
   * The connect string clients use: `<client service>.<namespace>.svc.<cluster domain>:<port>`.
   * The port is the client port; with `tls` whose plaintext client port listens on localhost only
   * (the default), it is the secure client port.
   */
  public get connectString(): string {
    return `${serviceDnsName(this.clientServiceName, this.app.namespace, this.app.clusterDomain)}:${this.clientFacingPort}`;
  }

  /**
   * The client address of each server in myid order (`<pod>.<headless service>.<namespace>.svc.<cluster domain>:<port>`,
   * the port as in `connectString`); joined with commas, they form a connect string that does not
   * depend on the client Service.
   */
  public get serverAddresses(): string[] {
    return this.app.podDnsNames.map(host => `${host}:${this.clientFacingPort}`);
  }

  /** The port clients connect to: the secure client port when the plaintext one is localhost-only. */
  private get clientFacingPort(): number {
    return this.plaintextLocalOnly ? this.tls!.secureClientPort : this.clientPort;
  }

  private get plaintextLocalOnly(): boolean {
    return this.tls !== undefined && this.tls.plaintextClientPort === ZooKeeperPlaintextClientPort.LOCALHOST_ONLY;
  }

  private containerPorts(): kplus.ContainerPort[] {
    return [
      // A plaintext port on 127.0.0.1 only is not a port of the pod.
      ...(this.plaintextLocalOnly ? [] : [{ number: this.clientPort, name: 'client' }]),
      ...(this.tls ? [{ number: this.tls.secureClientPort, name: 'client-tls' }] : []),
      { number: this.serverPort, name: 'server' },
      { number: this.electionPort, name: 'leader-election' },
      ...(this.metricsPort !== undefined ? [{ number: this.metricsPort, name: 'metrics' }] : []),
    ];
  }

  private clientServicePorts(): kplus.ServicePort[] {
    return [
      ...(this.plaintextLocalOnly ? [] : [{ name: 'client', port: this.clientPort }]),
      ...(this.tls ? [{ name: 'client-tls', port: this.tls.secureClientPort }] : []),
    ];
  }

  /** Checks `metrics` and returns the provider's port (none without `metrics`). */
  private checkMetrics(props: ZooKeeperEnsembleProps, official: boolean, ports: [string, number][]): number | undefined {
    const metrics = props.metrics;
    if (metrics === undefined) return undefined;
    if (!official) {
      throw invalid(this, 'metrics', metrics,
        'the tutorial image runs ZooKeeper 3.4.10, which has no Prometheus metrics provider (ZooKeeper has one from 3.6 on); '
        + 'use ZooKeeperImage.official(), or scrape the tutorial image with a separate exporter that reads mntr');
    }
    const port = metrics.port ?? DEFAULT_METRICS_PORT;
    checkInteger(this, 'metrics.port', port, 1, 65535);
    const other = ports.find(([, p]) => p === port);
    if (other) {
      throw invalid(this, 'metrics.port', port, `collides with ${other[0]} (${other[1]}): the metrics provider needs a port of its own`);
    }
    if (metrics.path !== undefined && metrics.path !== '/metrics') {
      throw invalid(this, 'metrics.path', metrics.path, "ZooKeeper's metrics provider serves /metrics only; leave metrics.path out");
    }
    return port;
  }

  /** The ensemble's own alerts, with the quorum computed from the number of servers. */
  private addAlerts(): void {
    const app = this.app;
    const ns = app.namespace;
    const n = this.replicas;
    const quorum = quorumOf(n);
    const where = `ZooKeeper ensemble ${app.name} (namespace ${ns})`;
    const servers = matchers({ namespace: ns }, { pod: alternation(app.podNames) });
    const kubectl = `kubectl -n ${ns}`;
    const selector = Object.entries(app.selectorLabels).map(([k, v]) => `${k}=${v}`).join(',');
    app.addAlert({
      name: 'ZooKeeperBelowQuorum',
      expression: `${podsUp(ns, app.podNames)} < ${quorum}`,
      pendingFor: Duration.minutes(1),
      severity: AlertSeverity.CRITICAL,
      summary: `Only {{ $value }} of the ${n} servers of ${where} are up; a quorum needs ${quorum}.`,
      runbook: `The ensemble has lost its quorum (${quorum} of ${n} servers): it refuses every write, and clients lose their sessions. `
        + `Bring servers back before anything else: \`${kubectl} get pods -l ${selector}\`, then \`${kubectl} describe pod <pod>\` `
        + `and \`${kubectl} logs <pod> -c ${app.containerName}\` for each of ${app.podNames.join(', ')}. `
        + `Do not delete their claims (${app.claimNames(DATA_CLAIM).join(', ')}): they hold the data. Do not change the number of `
        + 'servers while the quorum is lost.',
    });
    if (n > 1) {
      app.addAlert({
        name: 'ZooKeeperNoLeader',
        expression: `(count(leader_uptime{${servers}} > 0) or vector(0)) < 1`,
        pendingFor: Duration.minutes(2),
        severity: AlertSeverity.CRITICAL,
        summary: `No server of ${where} is the leader.`,
        runbook: 'No server of the ensemble reports itself as leader (the leader_uptime metric), so nothing can be written. '
          + `Check every server's mode: \`${kubectl} exec <pod> -c ${app.containerName} -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/${this.clientPort}; `
          + "printf srvr >&3; cat <&3'` shows `Mode:` (leader, follower, or an error while it looks for a leader). Servers that cannot "
          + `reach each other on ports ${this.serverPort} and ${this.electionPort} cannot elect one: check NetworkPolicies and the `
          + `headless Service ${this.serviceName}. If the ZooKeeperBelowQuorum alert fires as well, bring servers back first.`,
      });
    }
    app.addAlert({
      name: 'ZooKeeperOutstandingRequestsHigh',
      expression: `outstanding_requests{${servers}} > ${OUTSTANDING_REQUESTS_ALERT}`,
      pendingFor: Duration.minutes(10),
      severity: AlertSeverity.WARNING,
      summary: `Server {{ $labels.pod }} of ${where} has {{ $value }} outstanding requests.`,
      runbook: `The server {{ $labels.pod }} queues requests faster than it processes them (more than ${OUTSTANDING_REQUESTS_ALERT} for 10 minutes). `
        + 'Clients send more than the ensemble handles, or the server waits for its disk (the transaction log is written before every reply): '
        + `see the node's disk latency and the server's CPU limit (resources), and which clients send the most (\`${kubectl} exec {{ $labels.pod }} `
        + `-c ${app.containerName} -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/${this.clientPort}; printf mntr >&3; cat <&3'\`).`,
    });
    app.addAlert({
      name: 'ZooKeeperLatencyHigh',
      expression: `avg_latency{${servers}} > ${LATENCY_ALERT_MS}`,
      pendingFor: Duration.minutes(10),
      severity: AlertSeverity.WARNING,
      summary: `Server {{ $labels.pod }} of ${where} answers in {{ $value }} ms on average.`,
      runbook: `The server {{ $labels.pod }} has answered requests in more than ${LATENCY_ALERT_MS} ms on average for 10 minutes; `
        + 'clients time out and sessions expire when it grows. Usual causes: a slow disk for the transaction log, long JVM garbage '
        + 'collections (raise heapSize and the memory limit together), or a CPU limit that throttles the server.',
    });
  }

  private checkFourLetterWords(given: string[] | undefined, official: boolean): string[] {
    const words = given ?? ['ruok', 'srvr', 'mntr'];
    if (given === undefined) return words;
    if (!official) {
      throw invalid(this, 'fourLetterWordCommands', words, 'applies only to the official image; the tutorial image answers every command');
    }
    const bad = words.find(w => w !== '*' && !FOUR_LETTER_WORD.test(w));
    if (bad !== undefined) {
      throw invalid(this, 'fourLetterWordCommands', bad, "each must be a four-letter command in lowercase (e.g. 'mntr'), or '*' for all");
    }
    if (!words.includes('ruok') && !words.includes('*')) {
      throw invalid(this, 'fourLetterWordCommands', words,
        "must include 'ruok': the readiness and liveness probes use it, and without it every server is restarted forever");
    }
    const dup = firstDuplicate(words);
    if (dup !== undefined) {
      throw invalid(this, 'fourLetterWordCommands', dup, 'commands must be unique');
    }
    return words;
  }

  private checkImage(image: ZooKeeperImage) {
    if (!image || typeof image.image !== 'string' || image.image.trim() === '' || /\s/.test(image.image)) {
      throw invalid(this, 'image', image?.image, 'must be an image reference without spaces, e.g. ZooKeeperImage.official("3.9.3")');
    }
    if (image.kind !== ZooKeeperImageKind.OFFICIAL) {
      return;
    }
    const lastPart = image.image.split('@')[0].split('/').pop()!;
    const tag = lastPart.includes(':') ? lastPart.split(':').pop()! : '';
    const version = /^(\d+)\.(\d+)/.exec(tag);
    if (version && (Number(version[1]) < 3 || (Number(version[1]) === 3 && Number(version[2]) < 8))) {
      throw invalid(this, 'image', image.image,
        'the official image is supported from ZooKeeper 3.8 (it is configured with logback.xml); use a 3.8 or 3.9 tag, e.g. ZooKeeperImage.official("3.9.3")');
    }
  }
}

/** A ZooKeeper time in whole milliseconds. */
function wholeMillis(scope: Construct, field: string, d: Duration): number {
  return checkDuration(scope, field, d, { unit: 'milliseconds', min: 0, countedBy: 'ZooKeeper', example: 'Duration.seconds(2)' })!;
}

/** A ZooKeeper time in whole hours. */
function wholeHours(scope: Construct, field: string, d: Duration): number {
  return checkDuration(scope, field, d, { unit: 'hours', min: 0, countedBy: 'ZooKeeper', example: 'Duration.hours(12)' })!;
}

interface ZooCfgValues {
  readonly tickMs: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly clientPort: number;
  readonly maxClientCnxns: number;
  readonly minSessionMs: number;
  readonly maxSessionMs: number;
  readonly snapRetainCount: number;
  readonly purgeHours: number;
  readonly fourLetterWords: string[];
  /** TLS and SASL settings (none without `tls` and `sasl`). */
  readonly security: string[];
  /** Port of the Prometheus metrics provider, if it is enabled. */
  readonly metricsPort?: number;
  /** `host:serverPort:electionPort` of each server, in myid order. */
  readonly servers: string[];
}

function renderZooCfg(v: ZooCfgValues): string {
  const lines = [
    `tickTime=${v.tickMs}`,
    `initLimit=${v.initLimit}`,
    `syncLimit=${v.syncLimit}`,
    `dataDir=${OFFICIAL_DATA_DIR}`,
    `dataLogDir=${OFFICIAL_DATA_LOG_DIR}`,
    `clientPort=${v.clientPort}`,
    `maxClientCnxns=${v.maxClientCnxns}`,
    `minSessionTimeout=${v.minSessionMs}`,
    `maxSessionTimeout=${v.maxSessionMs}`,
    `autopurge.snapRetainCount=${v.snapRetainCount}`,
    `autopurge.purgeInterval=${v.purgeHours}`,
    `4lw.commands.whitelist=${v.fourLetterWords.join(',')}`,
    // The AdminServer (Jetty on port 8080) would be one more unauthenticated endpoint.
    'admin.enableServer=false',
    // Bind the quorum and election ports on all addresses of the pod rather than on the address
    // its own DNS name resolves to (which service meshes and early DNS lookups can get wrong).
    'quorumListenOnAllIPs=true',
    ...v.security,
    // ZooKeeper's built-in Prometheus metrics provider (3.6 and later), on a port of its own.
    // https://zookeeper.apache.org/doc/r3.9.3/zookeeperMonitor.html
    ...(v.metricsPort !== undefined
      ? [`metricsProvider.className=${PROMETHEUS_PROVIDER}`, `metricsProvider.httpPort=${v.metricsPort}`]
      : []),
    // One server runs standalone: ZooKeeper ignores a one-server list (and logs an error for it).
    ...(v.servers.length > 1 ? v.servers.map((s, i) => `server.${i + 1}=${s}`) : []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The POSIX sh snippet that writes myid = ordinal + 1. The host name of a StatefulSet pod is
 * `<name>-<ordinal>`; the container runtime exports it as HOSTNAME. The data directory is
 * `$ZOO_DATA_DIR` (the official image's variable, which the container sets to zoo.cfg's dataDir),
 * else that dataDir.
 */
function renderMyidScript(dataDir: string): string {
  return [
    'host="${HOSTNAME:-$(hostname)}"',
    'ordinal="${host##*-}"',
    'case "$ordinal" in',
    '  \'\'|*[!0-9]*) echo "cannot derive the ZooKeeper myid: host name \'$host\' does not end in -<ordinal>" >&2; exit 1 ;;',
    'esac',
    `data_dir="\${ZOO_DATA_DIR:-${dataDir}}"`,
    'mkdir -p "$data_dir" && echo "$((ordinal + 1))" > "$data_dir/myid" || exit 1',
    '',
  ].join('\n');
}

function renderLogbackXml(level: ZooKeeperLogLevel): string {
  return [
    '<configuration>',
    '  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">',
    '    <encoder>',
    '      <pattern>%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n</pattern>',
    '    </encoder>',
    '  </appender>',
    `  <root level="${level}">`,
    '    <appender-ref ref="CONSOLE" />',
    '  </root>',
    '</configuration>',
    '',
  ].join('\n');
}
