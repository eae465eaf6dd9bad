import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  DisruptionBudget, Spreading, StorageClass, TopologySpread, WhenUnsatisfiable, ZooKeeperEnsemble, ZooKeeperEnsembleProps,
  ZooKeeperImage, ZooKeeperImageKind, ZooKeeperLogLevel,
} from '../src';
import { HARDENED_CONTAINER_SECURITY_CONTEXT } from './util/hardening';
import { findObject, freshChart, synthObjects, synthValidated, toYaml } from './util/synth';

const synth = synthValidated;
const find = findObject;

function build(props: ZooKeeperEnsembleProps = {}, chartProps = {}) {
  const chart = freshChart(chartProps);
  const zk = new ZooKeeperEnsemble(chart, 'zk', props);
  return { chart, zk };
}

const DEFAULT_ZOO_CFG = [
  'tickTime=2000',
  'initLimit=10',
  'syncLimit=5',
  'dataDir=/var/lib/zookeeper/data',
  'dataLogDir=/var/lib/zookeeper/log',
  'clientPort=2181',
  'maxClientCnxns=60',
  'minSessionTimeout=4000',
  'maxSessionTimeout=40000',
  'autopurge.snapRetainCount=3',
  'autopurge.purgeInterval=12',
  '4lw.commands.whitelist=ruok,srvr,mntr',
  'admin.enableServer=false',
  'quorumListenOnAllIPs=true',
  'server.1=zk-0.zk-hs.default.svc.cluster.local:2888:3888',
  'server.2=zk-1.zk-hs.default.svc.cluster.local:2888:3888',
  'server.3=zk-2.zk-hs.default.svc.cluster.local:2888:3888',
  '',
].join('\n');

const DEFAULT_MYID_SCRIPT = [
  'host="${HOSTNAME:-$(hostname)}"',
  'ordinal="${host##*-}"',
  'case "$ordinal" in',
  '  \'\'|*[!0-9]*) echo "cannot derive the ZooKeeper myid: host name \'$host\' does not end in -<ordinal>" >&2; exit 1 ;;',
  'esac',
  'data_dir="${ZOO_DATA_DIR:-/var/lib/zookeeper/data}"',
  'mkdir -p "$data_dir" && echo "$((ordinal + 1))" > "$data_dir/myid" || exit 1',
  '',
].join('\n');

/**
 * The checksum a StatefulApp puts on its pods for its generated configuration files: SHA-256 over
 * each file name and content, in file name order.
 */
function configChecksum(data: { [key: string]: string }): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(data).sort()) {
    hash.update(`${key}\0${data[key]}\0`);
  }
  return hash.digest('hex');
}

const RUOK = ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/2181 && printf ruok >&3 && grep -q imok <&3'];

describe('ZooKeeperEnsemble defaults (official image)', () => {
  test('three servers: Services, ConfigMap, StatefulSet and a quorum-safe budget, all wired to one label map', () => {
    const { chart, zk } = build();
    const objects = synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/zk-hs', 'Service/zk-cs', 'ConfigMap/zk-config', 'StatefulSet/zk', 'PodDisruptionBudget/zk-pdb', 'NetworkPolicy/zk',
    ]);
    const selector = { 'app.kubernetes.io/name': 'zk' };

    const hs = find(objects, 'Service', 'zk-hs');
    expect(hs.spec).toEqual({
      clusterIP: 'None',
      ports: [{ name: 'server', port: 2888 }, { name: 'leader-election', port: 3888 }],
      publishNotReadyAddresses: true,
      selector,
    });
    const cs = find(objects, 'Service', 'zk-cs');
    expect(cs.spec).toEqual({ type: 'ClusterIP', ports: [{ name: 'client', port: 2181 }], selector });
    const pdb = find(objects, 'PodDisruptionBudget', 'zk-pdb');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });

    const sts = find(objects, 'StatefulSet', 'zk');
    expect(sts.spec.serviceName).toBe('zk-hs');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec.selector.matchLabels).toEqual(selector);
    expect(sts.spec.template.metadata.labels).toEqual(selector);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'datadir' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' },
    }]);

    const pod = sts.spec.template.spec;
    expect(pod.affinity).toEqual({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{
          labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['zk'] }] },
          topologyKey: 'kubernetes.io/hostname',
        }],
      },
    });
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);

    const [c] = pod.containers;
    expect(pod.containers).toHaveLength(1);
    expect(c.name).toBe('zookeeper');
    expect(c.image).toBe('zookeeper:3.9.3');
    expect(c.imagePullPolicy).toBeUndefined();
    expect(c.command).toEqual(['sh', '-c', `${DEFAULT_MYID_SCRIPT}exec zkServer.sh start-foreground /conf/zoo.cfg\n`]);
    expect(c.env).toEqual([
      { name: 'ZOOCFGDIR', value: '/conf' },
      { name: 'ZOO_LOG_DIR', value: '/logs' },
      { name: 'ZOO_DATA_DIR', value: '/var/lib/zookeeper/data' },
      { name: 'ZK_SERVER_HEAP', value: '512' },
      { name: 'SERVER_JVMFLAGS', value: '-Xms512m' },
    ]);
    expect(c.ports).toEqual([
      { containerPort: 2181, name: 'client' },
      { containerPort: 2888, name: 'server' },
      { containerPort: 3888, name: 'leader-election' },
    ]);
    for (const probe of [c.readinessProbe, c.livenessProbe]) {
      expect(probe).toEqual({ exec: { command: RUOK }, initialDelaySeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    }
    expect(c.resources).toEqual({ requests: { cpu: '0.5', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(c.securityContext).toEqual(HARDENED_CONTAINER_SECURITY_CONTEXT);
    expect(c.volumeMounts).toEqual([
      { name: 'datadir', mountPath: '/var/lib/zookeeper' },
      { name: 'zookeeper-tmp', mountPath: '/tmp' },
      { name: 'zookeeper-logs', mountPath: '/logs' },
      { name: 'zookeeper-conf', mountPath: '/conf', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'zookeeper-tmp', emptyDir: {} },
      { name: 'zookeeper-logs', emptyDir: {} },
      { name: 'zookeeper-conf', configMap: { name: 'zk-config' } },
    ]);

    // the ConfigMap (the app's generated configuration files) holds exactly the zoo.cfg of the
    // getter; its checksum, a pod annotation, rolls the pods when a file changes
    const cm = find(objects, 'ConfigMap', 'zk-config');
    expect(cm.metadata.labels).toEqual(selector);
    expect(Object.keys(cm.data).sort()).toEqual(['logback.xml', 'zoo.cfg']);
    expect(cm.data['zoo.cfg']).toBe(DEFAULT_ZOO_CFG);
    expect(zk.zooCfg).toBe(DEFAULT_ZOO_CFG);
    expect(cm.data['logback.xml']).toContain('<root level="INFO">');
    expect(sts.spec.template.metadata.annotations).toEqual({ 'checksum/config': configChecksum(cm.data) });

    expect(zk.myidScript).toBe(DEFAULT_MYID_SCRIPT);
    expect(zk.image.kind).toBe(ZooKeeperImageKind.OFFICIAL);
    expect(zk.configMap).toBeDefined();
    expect(zk.configMap).toBe(zk.app.configMap);
    expect(zk.configMap!.name).toBe('zk-config');
    expect(zk.app.disruptionBudget).toBeDefined();
    expect(zk.heapSize.toMebibytes()).toBe(512);

    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('getters: connect string and server addresses', () => {
    const { zk } = build();
    expect(zk.connectString).toBe('zk-cs.default.svc.cluster.local:2181');
    expect(zk.serverAddresses).toEqual([
      'zk-0.zk-hs.default.svc.cluster.local:2181',
      'zk-1.zk-hs.default.svc.cluster.local:2181',
      'zk-2.zk-hs.default.svc.cluster.local:2181',
    ]);
    expect(zk.replicas).toBe(3);
    expect(zk.clientServiceName).toBe('zk-cs');
    expect(zk.serviceName).toBe('zk-hs');
    expect([zk.clientPort, zk.serverPort, zk.electionPort]).toEqual([2181, 2888, 3888]);
  });

  test('every server line of zoo.cfg names the stable DNS name of pod N-1 on the headless Service', () => {
    const { zk } = build({ replicas: 5 });
    const lines = zk.zooCfg!.split('\n').filter(l => l.startsWith('server.'));
    expect(lines).toEqual(zk.app.podDnsNames.map((host, i) => `server.${i + 1}=${host}:2888:3888`));
    expect(lines).toHaveLength(5);
  });

  test('the chart namespace reaches every object, the DNS names and the connect string', () => {
    const { chart, zk } = build({}, { namespace: 'coord' });
    const objects = synth(chart);
    expect(objects.map(o => o.metadata.namespace)).toEqual(['coord', 'coord', 'coord', 'coord', 'coord', 'coord']);
    expect(zk.connectString).toBe('zk-cs.coord.svc.cluster.local:2181');
    expect(zk.zooCfg).toContain('server.1=zk-0.zk-hs.coord.svc.cluster.local:2888:3888\n');
  });

  test('a different server list changes the config checksum, so every server restarts with the new list', () => {
    const annotation = (replicas: number) => {
      const { chart } = build({ replicas });
      return find(synth(chart), 'StatefulSet').spec.template.metadata.annotations['checksum/config'];
    };
    expect(annotation(3)).toMatch(/^[0-9a-f]{64}$/);
    expect(annotation(5)).not.toBe(annotation(3));
    expect(annotation(3)).toBe(annotation(3));
  });

  test('synthesis is deterministic: the same ensemble gives byte-identical YAML', () => {
    const yaml = () => toYaml(synthObjects(build().chart));
    expect(yaml()).toEqual(yaml());
  });
});

describe('the myid snippet (POSIX sh)', () => {
  interface SnippetRun {
    /** $HOSTNAME, or undefined to leave it unset. */
    readonly hostname?: string;
    /** What the stand-in `hostname` command prints. */
    readonly commandHostname?: string;
    /** Set $ZOO_DATA_DIR to the temporary data dir (as the container does); else rewrite the default in the text. */
    readonly viaEnv?: boolean;
  }

  /**
   * Runs the snippet with `sh` (dash here) against a temporary data dir, with a stand-in
   * `hostname` command on PATH.
   */
  function runSnippet({ hostname, commandHostname = 'not-a-pod', viaEnv = true }: SnippetRun) {
    const { zk } = build();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-myid-'));
    const dataDir = path.join(dir, 'data');
    const bin = path.join(dir, 'bin');
    try {
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'hostname'), `#!/bin/sh\necho ${commandHostname}\n`, { mode: 0o755 });
      const script = viaEnv ? zk.myidScript! : zk.myidScript!.split('/var/lib/zookeeper/data').join(dataDir);
      if (!viaEnv) expect(script).not.toContain('/var/lib/zookeeper');
      const env: { [key: string]: string } = { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` };
      if (hostname !== undefined) env.HOSTNAME = hostname;
      if (viaEnv) env.ZOO_DATA_DIR = dataDir;
      const result = spawnSync('sh', ['-c', script], { env, encoding: 'utf-8' });
      const myidFile = path.join(dataDir, 'myid');
      return {
        status: result.status,
        stderr: result.stderr,
        myid: fs.existsSync(myidFile) ? fs.readFileSync(myidFile, 'utf-8') : undefined,
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test.each([['zk-0', '1\n'], ['zk-1', '2\n'], ['zk-2', '3\n'], ['my-zk-12', '13\n']])(
    'host %s writes myid %j into $ZOO_DATA_DIR (created if missing)', (hostname, myid) => {
      expect(runSnippet({ hostname })).toEqual({ status: 0, stderr: '', myid });
    });

  test.each(['zk', 'zk-', 'zk-a1', 'zk-1.example'])('host %s is refused with a message, no myid written', (hostname) => {
    const result = runSnippet({ hostname });
    expect(result.status).toBe(1);
    expect(result.myid).toBeUndefined();
    expect(result.stderr).toContain(`cannot derive the ZooKeeper myid: host name '${hostname}' does not end in -<ordinal>`);
  });

  test('without $HOSTNAME it asks the hostname command', () => {
    expect(runSnippet({ commandHostname: 'zk-4' })).toEqual({ status: 0, stderr: '', myid: '5\n' });
    expect(runSnippet({ hostname: 'zk-0', commandHostname: 'zk-4' }).myid).toBe('1\n');
  });

  test('without $ZOO_DATA_DIR it writes to the dataDir of zoo.cfg', () => {
    expect(runSnippet({ hostname: 'zk-2', viaEnv: false })).toEqual({ status: 0, stderr: '', myid: '3\n' });
  });

  test('it is parametrised only by the host name and the data dir: the container sets ZOO_DATA_DIR to dataDir', () => {
    const { chart, zk } = build();
    const dataDir = /^dataDir=(.*)$/m.exec(zk.zooCfg!)![1];
    expect(dataDir).toBe('/var/lib/zookeeper/data');
    expect(zk.myidScript!.split(dataDir)).toHaveLength(2);
    expect(zk.myidScript).not.toMatch(/\bzk\b|2181|zk-hs/);
    const c = find(synth(chart), 'StatefulSet').spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'ZOO_DATA_DIR', value: dataDir });
    // the claim is mounted above dataDir
    expect(dataDir.startsWith(`${c.volumeMounts.find((m: any) => m.name === 'datadir').mountPath}/`)).toBe(true);
  });
});

describe('ZooKeeperEnsemble customised', () => {
  test('every setting reaches zoo.cfg and the manifests', () => {
    const { chart, zk } = build({
      name: 'coord',
      namespace: 'infra',
      image: ZooKeeperImage.official('3.8.4'),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      containerName: 'zk-server',
      replicas: 5,
      selectorLabels: { app: 'coord' },
      labels: { team: 'platform' },
      serviceName: 'coord-peers',
      clientService: { name: 'coord-client' },
      configMapName: 'coord-zoo-cfg',
      clientPort: 12181,
      serverPort: 12888,
      electionPort: 13888,
      tickTime: Duration.seconds(3),
      initLimit: 20,
      syncLimit: 10,
      heapSize: Size.gibibytes(2),
      maxClientConnections: 0,
      snapshotRetainCount: 5,
      purgeInterval: Duration.hours(24),
      minSessionTimeout: Duration.seconds(10),
      maxSessionTimeout: Duration.minutes(2),
      logLevel: ZooKeeperLogLevel.WARN,
      fourLetterWordCommands: ['ruok', 'srvr', 'mntr'],
      storageSize: Size.gibibytes(20),
      storageClass: StorageClass.fromStorageClassName('fast-ssd'),
      resources: {
        cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.units(2) },
        memory: { request: Size.gibibytes(3), limit: Size.gibibytes(3) },
      },
      spreadAcrossNodes: Spreading.PREFERRED,
      topologySpread: [TopologySpread.acrossZones({ whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE })],
      disruptionBudget: DisruptionBudget.maxUnavailable(2, { name: 'coord-budget' }),
      clusterDomain: 'corp.internal',
    });
    const objects = synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/coord-peers', 'Service/coord-client', 'ConfigMap/coord-zoo-cfg', 'StatefulSet/coord', 'PodDisruptionBudget/coord-budget',
      'NetworkPolicy/coord',
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('infra');
      expect(o.metadata.labels).toEqual({ team: 'platform', app: 'coord' });
    }

    expect(zk.zooCfg).toBe([
      'tickTime=3000',
      'initLimit=20',
      'syncLimit=10',
      'dataDir=/var/lib/zookeeper/data',
      'dataLogDir=/var/lib/zookeeper/log',
      'clientPort=12181',
      'maxClientCnxns=0',
      'minSessionTimeout=10000',
      'maxSessionTimeout=120000',
      'autopurge.snapRetainCount=5',
      'autopurge.purgeInterval=24',
      '4lw.commands.whitelist=ruok,srvr,mntr',
      'admin.enableServer=false',
      'quorumListenOnAllIPs=true',
      'server.1=coord-0.coord-peers.infra.svc.corp.internal:12888:13888',
      'server.2=coord-1.coord-peers.infra.svc.corp.internal:12888:13888',
      'server.3=coord-2.coord-peers.infra.svc.corp.internal:12888:13888',
      'server.4=coord-3.coord-peers.infra.svc.corp.internal:12888:13888',
      'server.5=coord-4.coord-peers.infra.svc.corp.internal:12888:13888',
      '',
    ].join('\n'));
    expect(zk.connectString).toBe('coord-client.infra.svc.corp.internal:12181');
    expect(zk.serviceName).toBe('coord-peers');
    expect(zk.clientServiceName).toBe('coord-client');
    expect(zk.replicas).toBe(5);
    expect(zk.heapSize.toMebibytes()).toBe(2048);
    expect(zk.serverAddresses[4]).toBe('coord-4.coord-peers.infra.svc.corp.internal:12181');

    const cm = find(objects, 'ConfigMap', 'coord-zoo-cfg');
    expect(cm.data['zoo.cfg']).toBe(zk.zooCfg);
    expect(cm.data['logback.xml']).toContain('<root level="WARN">');
    expect(zk.configMap!.name).toBe('coord-zoo-cfg');

    expect(find(objects, 'Service', 'coord-peers').spec.ports).toEqual([
      { name: 'server', port: 12888 }, { name: 'leader-election', port: 13888 },
    ]);
    expect(find(objects, 'Service', 'coord-client').spec.ports).toEqual([{ name: 'client', port: 12181 }]);
    expect(find(objects, 'PodDisruptionBudget', 'coord-budget').spec.maxUnavailable).toBe(2);

    const sts = find(objects, 'StatefulSet', 'coord');
    expect(sts.spec.replicas).toBe(5);
    expect(sts.spec.serviceName).toBe('coord-peers');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '20Gi' } }, volumeMode: 'Filesystem',
    });
    const pod = sts.spec.template.spec;
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { app: 'coord' } },
    }]);
    const [c] = pod.containers;
    expect(c.name).toBe('zk-server');
    expect(c.image).toBe('zookeeper:3.8.4');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.env).toContainEqual({ name: 'ZK_SERVER_HEAP', value: '2048' });
    expect(c.env).toContainEqual({ name: 'SERVER_JVMFLAGS', value: '-Xms2048m' });
    expect(c.ports.map((p: any) => p.containerPort)).toEqual([12181, 12888, 13888]);
    expect(c.readinessProbe.exec.command[2]).toBe('exec 3<>/dev/tcp/127.0.0.1/12181 && printf ruok >&3 && grep -q imok <&3');
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '3Gi' }, limits: { cpu: '2', memory: '3Gi' } });
    expect(c.volumeMounts).toContainEqual({ name: 'zk-server-conf', mountPath: '/conf', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'zk-server-conf', configMap: { name: 'coord-zoo-cfg' } });
    expect(sts.spec.template.metadata.annotations).toEqual({ 'checksum/config': configChecksum(cm.data) });

    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('official images are accepted from 3.8, by tag, by digest, from a registry with a port', () => {
    for (const image of [
      ZooKeeperImage.official('3.8.4'), ZooKeeperImage.official('3.9'), ZooKeeperImage.official('latest'),
      ZooKeeperImage.officialFrom('zookeeper@sha256:0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd'), ZooKeeperImage.officialFrom('zookeeper:3.10.0@sha256:0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd0123abcd'),
      ZooKeeperImage.officialFrom('registry.example.com:5000/zookeeper'),
    ]) {
      expect(build({ image }).zk.image).toBe(image);
    }
  });

  test('an image copied from the official one is configured like it', () => {
    const { chart } = build({ image: ZooKeeperImage.officialFrom('registry.example.com:5000/mirror/zookeeper:3.9.3') });
    const c = find(synth(chart), 'StatefulSet').spec.template.spec.containers[0];
    expect(c.image).toBe('registry.example.com:5000/mirror/zookeeper:3.9.3');
    expect(c.command[2]).toContain('exec zkServer.sh start-foreground /conf/zoo.cfg');
  });

  test('the tutorial image is configured by start-zookeeper flags, in the tutorial\'s order', () => {
    const { chart, zk } = build({
      image: ZooKeeperImage.kubernetesZookeeper(),
      replicas: 5,
      tickTime: Duration.millis(2500),
      heapSize: Size.gibibytes(1),
      resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(2) } },
      purgeInterval: Duration.hours(0),
      logLevel: ZooKeeperLogLevel.DEBUG,
    });
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).not.toContain('ConfigMap');
    expect(zk.zooCfg).toBeUndefined();
    expect(zk.myidScript).toBeUndefined();
    expect(zk.configMap).toBeUndefined();
    expect(zk.app.configMap).toBeUndefined();
    expect(zk.image.kind).toBe(ZooKeeperImageKind.KUBERNETES_ZOOKEEPER);
    const sts = find(objects, 'StatefulSet', 'zk');
    expect(sts.spec.template.metadata.annotations).toBeUndefined();
    const c = sts.spec.template.spec.containers[0];
    expect(c.name).toBe('kubernetes-zookeeper');
    expect(c.image).toBe('registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10');
    expect(c.command).toEqual(['sh', '-c', 'start-zookeeper --servers=5 --data_dir=/var/lib/zookeeper/data '
      + '--data_log_dir=/var/lib/zookeeper/data/log --conf_dir=/opt/zookeeper/conf --client_port=2181 '
      + '--election_port=3888 --server_port=2888 --tick_time=2500 --init_limit=10 --sync_limit=5 --heap=1024M '
      + '--max_client_cnxns=60 --snap_retain_count=3 --purge_interval=0 --max_session_timeout=50000 '
      + '--min_session_timeout=5000 --log_level=DEBUG']);
    expect(c.env).toBeUndefined();
    expect(c.resources).toEqual({ requests: { cpu: '0.5', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(c.readinessProbe.exec.command).toEqual(['sh', '-c', 'zookeeper-ready 2181']);
    expect(c.livenessProbe.exec.command).toEqual(['sh', '-c', 'zookeeper-ready 2181']);
    // the root filesystem stays read-only: the script's conf dir, log dir and /tmp are writable
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/lib/zookeeper', '/opt/zookeeper/conf', '/var/log/zookeeper', '/tmp']);
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
  });

  test('one server is a standalone ZooKeeper: no budget, no server list', () => {
    const { chart, zk } = build({ replicas: 1 });
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).not.toContain('PodDisruptionBudget');
    expect(zk.app.disruptionBudget).toBeUndefined();
    expect(zk.zooCfg!.split('\n').filter(l => l.startsWith('server.'))).toEqual([]);
    expect(zk.zooCfg).toContain('clientPort=2181\n');
    expect(find(objects, 'StatefulSet').spec.replicas).toBe(1);
    expect(zk.serverAddresses).toEqual(['zk-0.zk-hs.default.svc.cluster.local:2181']);
  });

  test('an even number of servers when allowed: four tolerate one failure, so the budget allows one', () => {
    const { chart } = build({ replicas: 4, allowEvenServers: true });
    const objects = synth(chart);
    expect(find(objects, 'StatefulSet').spec.replicas).toBe(4);
    expect(find(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('two servers only without a budget (DisruptionBudget.none()), which they could not honour', () => {
    const { chart, zk } = build({ replicas: 2, allowEvenServers: true, disruptionBudget: DisruptionBudget.none() });
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).not.toContain('PodDisruptionBudget');
    expect(find(objects, 'StatefulSet').spec.replicas).toBe(2);
    expect(zk.app.disruptionBudget).toBeUndefined();
  });

  test('a budget given as minAvailable must keep a quorum', () => {
    const { chart } = build({ replicas: 5, disruptionBudget: DisruptionBudget.minAvailable(3) });
    expect(find(synth(chart), 'PodDisruptionBudget').spec).toEqual({
      minAvailable: 3, selector: { matchLabels: { 'app.kubernetes.io/name': 'zk' } },
    });
  });

  test('five servers tolerate two failures: maxUnavailable 2 is accepted', () => {
    const { chart } = build({ replicas: 5, disruptionBudget: DisruptionBudget.maxUnavailable(2) });
    expect(find(synth(chart), 'PodDisruptionBudget', 'zk-pdb').spec).toEqual({
      maxUnavailable: 2, selector: { matchLabels: { 'app.kubernetes.io/name': 'zk' } },
    });
  });

  test('the budget can be switched off with DisruptionBudget.none()', () => {
    const { chart, zk } = build({ disruptionBudget: DisruptionBudget.none() });
    expect(synth(chart).map(o => o.kind)).not.toContain('PodDisruptionBudget');
    expect(zk.app.disruptionBudget).toBeUndefined();
  });

  test('a client Service option given as undefined keeps the ensemble\'s default name and client port', () => {
    const given: { name?: string; ports?: kplus.ServicePort[] } = {};
    const { chart, zk } = build({ clientService: { name: given.name, ports: given.ports, type: kplus.ServiceType.NODE_PORT } });
    const cs = find(synth(chart), 'Service', 'zk-cs');
    expect(cs.spec).toMatchObject({ type: 'NodePort', ports: [{ name: 'client', port: 2181 }] });
    expect(zk.clientServiceName).toBe('zk-cs');
    expect(zk.connectString).toBe('zk-cs.default.svc.cluster.local:2181');
  });

  test('the data claims take the StorageClass construct given as storageClass', () => {
    const chart = freshChart();
    const ssd = new StorageClass(chart, 'zk-ssd', { provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' } });
    const zk = new ZooKeeperEnsemble(chart, 'zk', { storageClass: ssd });
    const sts = find(synth(chart), 'StatefulSet', 'zk');
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('zk-ssd');
    expect(zk.app.claimStorageClassName('datadir')).toBe('zk-ssd');
  });

  test('the server list of zoo.cfg is the app\'s pod DNS names, whatever names, namespace and domain the app has', () => {
    const { chart, zk } = build({ name: 'coord', serviceName: 'coord-peers', clusterDomain: 'corp.internal', replicas: 5 }, { namespace: 'infra' });
    const expected = zk.app.podDnsNames.map((host, i) => `server.${i + 1}=${host}:2888:3888`);
    expect(zk.app.podDnsNames).toEqual([0, 1, 2, 3, 4].map(i => `coord-${i}.coord-peers.infra.svc.corp.internal`));
    const cm = find(synth(chart), 'ConfigMap', 'coord-config');
    expect(cm.data['zoo.cfg'].split('\n').filter((l: string) => l.startsWith('server.'))).toEqual(expected);
    expect(cm.data['zoo.cfg']).toBe(zk.zooCfg);
  });
});

describe('ZooKeeperEnsemble resources merge field by field with its defaults', () => {
  const resourcesOf = (props: ZooKeeperEnsembleProps) =>
    find(synth(build(props).chart), 'StatefulSet').spec.template.spec.containers[0].resources;

  test('a memory request alone keeps the default cpu request and both limits', () => {
    expect(resourcesOf({ resources: { memory: { request: Size.mebibytes(768) } } })).toEqual({
      requests: { cpu: '0.5', memory: '768Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
  });

  test('a cpu limit alone keeps the default cpu request and the memory request and limit', () => {
    expect(resourcesOf({ resources: { cpu: { limit: kplus.Cpu.units(2) } } })).toEqual({
      requests: { cpu: '0.5', memory: '1Gi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
  });

  test('a raised memory limit alone keeps the other defaults, and the heap is checked against it', () => {
    const { chart, zk } = build({ heapSize: Size.mebibytes(1536), resources: { memory: { limit: Size.gibibytes(2) } } });
    const c = find(synth(chart), 'StatefulSet').spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '0.5', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(c.env).toContainEqual({ name: 'ZK_SERVER_HEAP', value: '1536' });
    expect(zk.app.resources.memory!.limit!.asString()).toBe('2Gi');
  });

  test('fails on a memory request above the default limit it keeps', () => {
    expect(() => build({ resources: { memory: { request: Size.gibibytes(2) } } })).toThrow(
      /^test\/zk: invalid resources\.memory\.request "2Gi": is above the memory limit 1Gi; the API server refuses a request above its limit: lower the request or raise the limit$/);
  });

  test('fails on the default heap at a lowered memory limit: the heap is checked against the effective limit', () => {
    expect(() => build({ resources: { memory: { limit: Size.mebibytes(512) } } })).toThrow(
      /^test\/zk: invalid heapSize "512Mi": must be below the memory limit \(resources\.memory\.limit 512Mi\): the JVM needs memory beyond the heap/);
  });

  test('fails on a heap above the default limit when only a memory request is given', () => {
    expect(() => build({ heapSize: Size.gibibytes(4), resources: { memory: { request: Size.gibibytes(5) } } })).toThrow(
      /^test\/zk: invalid heapSize "4Gi": must be below the memory limit \(resources\.memory\.limit 1Gi\)/);
  });
});

describe('ZooKeeperEnsemble fails at synth time on bad input', () => {
  const fails = (props: ZooKeeperEnsembleProps, message: RegExp) => expect(() => build(props)).toThrow(message);

  test.each([0, -1, 2.5])('fails on %p replicas', (replicas) => {
    fails({ replicas }, new RegExp(`^test/zk: invalid replicas ${replicas}: must be a whole number of at least 1: 1 runs a standalone server`));
  });

  test('fails on an even number of servers, explaining why and how to allow it', () => {
    fails({ replicas: 4 }, /^test\/zk: invalid replicas 4: must be odd: an ensemble of 4 needs 3 servers for a quorum and tolerates 1 failure\(s\), no more than 3 servers do; use 3 or 5, or set allowEvenServers: true/);
  });

  test('fails on a budget that lets a drain break the quorum (maxUnavailable 2 of 3)', () => {
    fails({ disruptionBudget: DisruptionBudget.maxUnavailable(2) },
      /^test\/zk: invalid disruptionBudget\.maxUnavailable 2: would let a drain break the quorum: 3 members need 2 for a quorum, so at most 1 may be down at once; use 1$/);
  });

  test('fails on a budget that lets a drain break the quorum (maxUnavailable 2 of 4, even with allowEvenServers)', () => {
    fails({ replicas: 4, allowEvenServers: true, disruptionBudget: DisruptionBudget.maxUnavailable(2) },
      /^test\/zk: invalid disruptionBudget\.maxUnavailable 2: would let a drain break the quorum: 4 members need 3 for a quorum, so at most 1 may be down at once; use 1$/);
  });

  test('fails on a budget that lets a drain break the quorum (minAvailable 1 of 3)', () => {
    fails({ disruptionBudget: DisruptionBudget.minAvailable(1) },
      /^test\/zk: invalid disruptionBudget\.minAvailable 1: would let a drain break the quorum: 3 members need 2 for a quorum; use at least 2$/);
  });

  test('fails on a budget that lets a drain break the quorum (minAvailable 2 of 5)', () => {
    fails({ replicas: 5, disruptionBudget: DisruptionBudget.minAvailable(2) },
      /^test\/zk: invalid disruptionBudget\.minAvailable 2: would let a drain break the quorum: 5 members need 3 for a quorum; use at least 3$/);
  });

  test('fails on a budget for a standalone server', () => {
    fails({ replicas: 1, disruptionBudget: DisruptionBudget.maxUnavailable(1) },
      /^test\/zk: invalid disruptionBudget "maxUnavailable 1": a single member has no fault tolerance: any budget either lets a drain stop it or blocks every drain; give DisruptionBudget\.none\(\), or run 3 members$/);
  });

  test('fails on two servers with the default budget, which would either break the quorum or block drains', () => {
    fails({ replicas: 2, allowEvenServers: true },
      /^test\/zk: invalid disruptionBudget "\(default: maxUnavailable 1\)": 2 members tolerate no failure \(a quorum is 2\): any budget either lets a drain break the quorum or blocks every drain; run an odd number of members, or give DisruptionBudget\.none\(\) for this resize step$/);
  });

  test('fails on two servers with any budget given', () => {
    fails({ replicas: 2, allowEvenServers: true, disruptionBudget: DisruptionBudget.minAvailable(1) },
      /^test\/zk: invalid disruptionBudget "minAvailable 1": 2 members tolerate no failure \(a quorum is 2\).*DisruptionBudget\.none\(\)/);
  });

  test('fails on a budget that allows no disruption at all', () => {
    fails({ disruptionBudget: DisruptionBudget.maxUnavailable(0) },
      /^test\/zk: invalid disruptionBudget\.maxUnavailable 0: a budget that allows no disruption blocks every node drain/);
  });

  // The types allow only a DisruptionBudget; a caller without types (plain JavaScript) can pass
  // the old object shape, which the ensemble used to read as minAvailable 2 when it held both.
  test.each([
    [{ maxUnavailable: 1, minAvailable: 2 }, '{"maxUnavailable":1,"minAvailable":2}'],
    [{ maxUnavailable: 1 }, '{"maxUnavailable":1}'],
    [{ enabled: false }, '{"enabled":false}'],
  ])('fails on a budget given as the plain object %j (untyped caller)', (budget, shown) => {
    const message = `test/zk: invalid disruptionBudget ${shown}: must be DisruptionBudget.maxUnavailable(n), DisruptionBudget.minAvailable(n) or DisruptionBudget.none()`;
    expect(() => build({ disruptionBudget: budget as any })).toThrow(message);
    expect(() => build({ disruptionBudget: budget as any })).toThrow(/^test\/zk: /);
  });

  test('fails on port collisions', () => {
    fails({ electionPort: 2888 }, /test\/zk: invalid serverPort 2888: collides with electionPort \(2888\): clientPort, serverPort and electionPort must be three different ports/);
    fails({ clientPort: 3888 }, /invalid clientPort 3888: collides with electionPort \(3888\)/);
  });

  test('fails on a port out of range', () => {
    fails({ clientPort: 70000 }, /invalid clientPort 70000: must be an integer from 1 to 65535/);
  });

  test('fails on a heap larger than the memory limit', () => {
    fails({ heapSize: Size.gibibytes(2) },
      /^test\/zk: invalid heapSize "2Gi": must be below the memory limit \(resources.memory.limit 1Gi\): the JVM needs memory beyond the heap and is killed when it reaches the limit; lower the heap \(about 3\/4 of the limit\) or raise the limit$/);
  });

  test('fails on a heap equal to the memory limit', () => {
    fails({ heapSize: Size.mebibytes(1024) }, /^test\/zk: invalid heapSize "1024Mi": must be below the memory limit \(resources.memory.limit 1Gi\)/);
  });

  test('fails on a heap that is not whole mebibytes', () => {
    fails({ heapSize: Size.kibibytes(1000) }, /^test\/zk: invalid heapSize "1000Ki": must be a positive whole number of mebibytes, e.g. Size.mebibytes\(512\)$/);
  });

  test('fails on an official image older than ZooKeeper 3.8', () => {
    fails({ image: ZooKeeperImage.official('3.7.2') }, /invalid image "zookeeper:3.7.2": the official image is supported from ZooKeeper 3.8/);
  });

  test('fails on an official image older than ZooKeeper 3.8 pinned by digest', () => {
    fails({ image: ZooKeeperImage.officialFrom('zookeeper:3.4.14@sha256:0123abcd') }, /invalid image "zookeeper:3.4.14@sha256:0123abcd": the official image is supported from ZooKeeper 3.8/);
  });

  // storageClass is one prop whose type is a storage class, so "both storageClass and
  // storageClassName" cannot be written any more; a caller without types can still pass a name
  // where the class belongs.
  test('fails on a storage class given as a plain name (untyped caller), pointing to fromStorageClassName', () => {
    fails({ storageClass: 'standard' as any },
      /^test\/zk: invalid storageClass "standard": must be a StorageClass, StorageClass\.fromStorageClassName\(name\) or StorageClass\.none\(\)$/);
  });

  test('fails on a storage class name that is not a DNS subdomain', () => {
    expect(() => build({ storageClass: StorageClass.fromStorageClassName('Fast_SSD') }))
      .toThrow(/^StorageClass\.fromStorageClassName\(\): invalid storageClassName "Fast_SSD": must be a DNS subdomain/);
  });

  test('fails on a name that is not a DNS label', () => {
    fails({ name: 'ZK_Main' }, /^test\/zk: invalid name "ZK_Main": must be a DNS label of at most 52 characters/);
  });

  test('fails on an empty image', () => {
    fails({ image: ZooKeeperImage.officialFrom('') }, /^test\/zk: invalid image "": must be an image reference without spaces, e.g. ZooKeeperImage.official\("3.9.3"\)$/);
  });

  // Checks the ensemble's StatefulApp runs report the ensemble's path and the field the user wrote.
  test('fails on a zero storageSize, under the ensemble\'s path and field name', () => {
    fails({ storageSize: Size.gibibytes(0) }, /^test\/zk: invalid storageSize "0Gi": must be greater than zero, e\.g\. Size\.gibibytes\(1\)$/);
    expect(() => build({ storageSize: Size.gibibytes(0) })).not.toThrow(/zk\/App|volumeClaims/);
  });

  test('fails on a container name that is not a DNS label, under the ensemble\'s path', () => {
    fails({ containerName: 'ZK_Server' }, /^test\/zk: invalid containerName "ZK_Server": must be a DNS label of at most 63 characters/);
    expect(() => build({ containerName: 'ZK_Server' })).not.toThrow(/zk\/App|container\.name/);
  });

  test('fails on four-letter-word commands without ruok, which the probes need', () => {
    fails({ fourLetterWordCommands: ['srvr', 'mntr'] }, /invalid fourLetterWordCommands \["srvr","mntr"\]: must include 'ruok': the readiness and liveness probes use it/);
  });

  test('fails on a four-letter-word command that is not one', () => {
    fails({ fourLetterWordCommands: ['ruok', 'status'] }, /invalid fourLetterWordCommands "status": each must be a four-letter command/);
  });

  test('fails on settings the tutorial image cannot take', () => {
    const tutorial = ZooKeeperImage.kubernetesZookeeper();
    fails({ image: tutorial, fourLetterWordCommands: ['ruok'] }, /invalid fourLetterWordCommands \["ruok"\]: applies only to the official image/);
    fails({ image: tutorial, configMapName: 'zk-cfg' }, /invalid configMapName "zk-cfg": applies only to the official image/);
  });

  test('fails on a minimum session timeout above the maximum', () => {
    fails({ minSessionTimeout: Duration.minutes(1), maxSessionTimeout: Duration.seconds(30) },
      /invalid minSessionTimeout "60000ms": must not be larger than maxSessionTimeout \(30000ms\)/);
  });

  test('fails on times that ZooKeeper cannot express', () => {
    fails({ tickTime: Duration.millis(1.5) }, /invalid tickTime "1.5 millis": ZooKeeper counts it in whole milliseconds: give a whole number of milliseconds/);
    fails({ purgeInterval: Duration.minutes(90) }, /invalid purgeInterval "1 hour 30 minutes": ZooKeeper counts it in whole hours: give a whole number of hours/);
  });

  test('fails on limits of zero ticks', () => {
    fails({ initLimit: 0 }, /invalid initLimit 0: must be an integer >= 1/);
    fails({ syncLimit: 0 }, /invalid syncLimit 0: must be an integer >= 1/);
  });

  test('fails on fewer than 3 retained snapshots', () => {
    fails({ snapshotRetainCount: 2 }, /invalid snapshotRetainCount 2: must be a whole number of at least 3/);
  });

  test('fails on a negative number of client connections', () => {
    fails({ maxClientConnections: -1 }, /invalid maxClientConnections -1: must be an integer >= 0/);
  });

  test('fails on Service names that collide or are not DNS-1035 labels', () => {
    fails({ clientService: { name: 'zk-hs' } },
      /^test\/zk: invalid clientService\.name "zk-hs": must differ from the headless Service name \(serviceName "zk-hs"\)$/);
    fails({ serviceName: '1zk' }, /^test\/zk: invalid serviceName "1zk": must be a DNS-1035 label/);
  });

  test('fails on a ConfigMap name that is not a DNS subdomain', () => {
    fails({ configMapName: 'Zoo_Cfg' }, /^test\/zk: invalid configMapName "Zoo_Cfg": must be a DNS subdomain/);
  });
});
