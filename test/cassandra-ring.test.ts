import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CassandraRing, CassandraRingProps, ContainerProbe, DisruptionBudget, LinuxCapability, Spreading, StatefulApp, StorageClass,
  TopologySpread, VolumeBindingMode,
} from '../src';
import { findObject, freshChart, synthObjects, synthValidated, toYaml } from './util/synth';

const synth = synthValidated;
const find = findObject;

function build(props: CassandraRingProps = {}, chartProps = {}) {
  const chart = freshChart(chartProps);
  const ring = new CassandraRing(chart, 'cassandra', props);
  return { chart, ring };
}

/** The env of the Cassandra container as a name → value map (valueFrom kept as is). */
function envOf(sts: any): { [name: string]: any } {
  const env: any[] = sts.spec.template.spec.containers[0].env;
  return Object.fromEntries(env.map(e => [e.name, e.value ?? e.valueFrom]));
}

describe('CassandraRing defaults', () => {
  test('three nodes, two seeds, the tutorial resources and heap, official image run as its own user', () => {
    const { chart, ring } = build();
    const objects = synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/cassandra', 'StatefulSet/cassandra', 'PodDisruptionBudget/cassandra-pdb',
    ]);

    // one StatefulApp holds everything
    expect(ring.app).toBeInstanceOf(StatefulApp);
    expect(ring.app.statefulSet.name).toBe('cassandra');

    // headless Service: CQL only, publishes not-ready addresses
    const svc = find(objects, 'Service', 'cassandra');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports).toEqual([{ name: 'cql', port: 9042 }]);
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'cassandra' });

    const sts = find(objects, 'StatefulSet', 'cassandra');
    expect(sts.spec.serviceName).toBe('cassandra');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    const pod = sts.spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(1800);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);

    const [c] = pod.containers;
    expect(c.name).toBe('cassandra');
    expect(c.image).toBe('cassandra:4.1');
    expect(c.imagePullPolicy).toBeUndefined();
    expect(c.ports).toEqual([
      { containerPort: 7000, name: 'intra-node' },
      { containerPort: 7001, name: 'tls-intra-node' },
      { containerPort: 7199, name: 'jmx' },
      { containerPort: 9042, name: 'cql' },
    ]);
    expect(c.resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '500m', memory: '1Gi' },
    });
    expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['/bin/sh', '-c', 'nodetool drain'] } } });
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      privileged: false,
      readOnlyRootFilesystem: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['IPC_LOCK'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.readinessProbe).toEqual({
      exec: { command: ['cqlsh', '-e', 'describe cluster'] },
      failureThreshold: 3,
      periodSeconds: 10,
      timeoutSeconds: 10,
    });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 7000 }, failureThreshold: 6, periodSeconds: 10 });
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 7000 }, failureThreshold: 60, periodSeconds: 10 });
    expect(c.volumeMounts).toEqual([{ name: 'cassandra-data', mountPath: '/var/lib/cassandra' }]);

    // environment, in order; no CASSANDRA_NUM_TOKENS unless set
    expect(c.env.map((e: any) => e.name)).toEqual([
      'MAX_HEAP_SIZE', 'HEAP_NEWSIZE', 'CASSANDRA_SEEDS', 'CASSANDRA_CLUSTER_NAME', 'CASSANDRA_DC',
      'CASSANDRA_RACK', 'CASSANDRA_ENDPOINT_SNITCH', 'POD_IP',
    ]);
    expect(envOf(sts)).toEqual({
      MAX_HEAP_SIZE: '512M',
      HEAP_NEWSIZE: '100M',
      CASSANDRA_SEEDS: 'cassandra-0.cassandra.default.svc.cluster.local,cassandra-1.cassandra.default.svc.cluster.local',
      CASSANDRA_CLUSTER_NAME: 'cassandra',
      CASSANDRA_DC: 'dc1',
      CASSANDRA_RACK: 'rack1',
      CASSANDRA_ENDPOINT_SNITCH: 'GossipingPropertyFileSnitch',
      POD_IP: { fieldRef: { fieldPath: 'status.podIP' } },
    });

    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'cassandra-data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' },
    }]);

    const pdb = find(objects, 'PodDisruptionBudget', 'cassandra-pdb');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(svc.spec.selector);

    // getters
    expect(ring.seedCount).toBe(2);
    expect(ring.seeds).toEqual([
      'cassandra-0.cassandra.default.svc.cluster.local',
      'cassandra-1.cassandra.default.svc.cluster.local',
    ]);
    expect(ring.contactPoints).toEqual(ring.app.podDnsNames);
    expect(ring.contactPoints).toHaveLength(3);
    expect(ring.cqlPort).toBe(9042);
    expect(ring.clusterName).toBe('cassandra');
    expect(ring.dataCenter).toBe('dc1');
    expect(ring.rack).toBe('rack1');
    expect(ring.heapSize.toMebibytes()).toBe(512);
    expect(ring.heapNewSize.toMebibytes()).toBe(100);

    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('the seed list in the environment is the seeds getter, which are the first pods of the app', () => {
    const { chart, ring } = build({ replicas: 5, seedCount: 3, serviceName: 'cass', clusterDomain: 'k8s.example' }, { namespace: 'data' });
    const sts = find(synth(chart), 'StatefulSet', 'cassandra');
    expect(envOf(sts).CASSANDRA_SEEDS).toBe(ring.seeds.join(','));
    expect(ring.seeds).toEqual(ring.app.podDnsNames.slice(0, 3));
    expect(ring.seeds[2]).toBe('cassandra-2.cass.data.svc.k8s.example');
  });

  test.each<[string, CassandraRingProps, { namespace?: string }, string[]]>([
    ['defaults', {}, {}, ['cassandra-0.cassandra.default.svc.cluster.local', 'cassandra-1.cassandra.default.svc.cluster.local']],
    ['a chart namespace', { replicas: 4, seedCount: 3 }, { namespace: 'data' },
      [0, 1, 2].map(i => `cassandra-${i}.cassandra.data.svc.cluster.local`)],
    ['a chart namespace and a custom cluster domain', { clusterDomain: 'corp.internal' }, { namespace: 'data' },
      [0, 1].map(i => `cassandra-${i}.cassandra.data.svc.corp.internal`)],
    ['its own namespace, name and service name', { name: 'ring', namespace: 'db', serviceName: 'ring-nodes', seedCount: 1 }, { namespace: 'data' },
      ['ring-0.ring-nodes.db.svc.cluster.local']],
  ])('CASSANDRA_SEEDS is the first seedCount of the app\'s pod DNS names (%s)', (_, props, chartProps, expected) => {
    const { chart, ring } = build(props, chartProps);
    const sts = find(synth(chart), 'StatefulSet');
    expect(envOf(sts).CASSANDRA_SEEDS).toBe(expected.join(','));
    expect(ring.app.podDnsNames.slice(0, ring.seedCount)).toEqual(expected);
    expect(ring.seeds).toEqual(expected);
  });

  test('a single-node ring has one seed and still a disruption budget', () => {
    const { chart, ring } = build({ replicas: 1 });
    const objects = synth(chart);
    expect(ring.seedCount).toBe(1);
    expect(ring.seeds).toEqual(['cassandra-0.cassandra.default.svc.cluster.local']);
    expect(find(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('the heap follows the memory and cpu limits like cassandra-env.sh', () => {
    const { ring } = build({
      resources: { cpu: { limit: kplus.Cpu.units(4) }, memory: { limit: Size.gibibytes(8) } },
    });
    expect(ring.heapSize.toMebibytes()).toBe(4096);
    // min(4096 / 4, 100 per core × 4 cores)
    expect(ring.heapNewSize.toMebibytes()).toBe(400);

    const small = build({ resources: { memory: { request: Size.mebibytes(600), limit: Size.mebibytes(600) } } }).ring;
    expect(small.heapSize.toMebibytes()).toBe(300);
    // min(300 / 4, 100 × 1 core)
    expect(small.heapNewSize.toMebibytes()).toBe(75);
  });
});

describe('CassandraRing customised', () => {
  test('names, topology, tokens, heap, image, probes, security, storage and budget as given', () => {
    const { chart, ring } = build({
      name: 'ring',
      namespace: 'db',
      serviceName: 'ring-nodes',
      selectorLabels: { app: 'ring' },
      labels: { team: 'data' },
      replicas: 4,
      seedCount: 3,
      clusterName: 'Orders Cluster',
      dataCenter: 'eu-west.1',
      rack: 'rack_a',
      numTokens: 16,
      image: 'cassandra:5.0',
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      resources: {
        cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.units(2) },
        memory: { request: Size.gibibytes(4), limit: Size.gibibytes(4) },
      },
      heapSize: Size.gibibytes(2),
      heapNewSize: Size.mebibytes(200),
      env: [{ name: 'JVM_EXTRA_OPTS', value: kplus.EnvValue.fromValue('-Dcassandra.ring_delay_ms=30000') }],
      readiness: ContainerProbe.exec(['/bin/sh', '-c', 'nodetool status | grep -E "^UN +$POD_IP "'], {
        timeout: Duration.seconds(20),
      }),
      liveness: ContainerProbe.tcp(7000, { failureThreshold: 10 }),
      startup: ContainerProbe.tcp(7000, { failureThreshold: 180 }),
      ipcLock: false,
      containerSecurity: { readOnlyRootFilesystem: true, addCapabilities: [LinuxCapability.SYS_RESOURCE] },
      podSecurity: { user: 1000, group: 1000, fsGroup: 1000 },
      terminationGracePeriod: Duration.minutes(10),
      dataClaimName: 'data',
      storageSize: Size.gibibytes(100),
      storageClass: StorageClass.fromStorageClassName('ssd'),
      dataDirectory: '/data',
      disruptionBudget: DisruptionBudget.maxUnavailable(2, { name: 'ring-budget' }),
      spreadAcrossNodes: Spreading.REQUIRED,
      topologySpread: [TopologySpread.acrossZones()],
    });
    const objects = synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/ring-nodes', 'StatefulSet/ring', 'PodDisruptionBudget/ring-budget',
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('db');
      expect(o.metadata.labels).toEqual({ app: 'ring', team: 'data' });
    }

    const sts = find(objects, 'StatefulSet', 'ring');
    expect(sts.spec.serviceName).toBe('ring-nodes');
    expect(sts.spec.replicas).toBe(4);
    expect(sts.spec.selector.matchLabels).toEqual({ app: 'ring' });
    const pod = sts.spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(600);
    // podSecurity merges field by field: the ring's fsGroupChangePolicy stays
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(pod.topologySpreadConstraints[0].whenUnsatisfiable).toBe('ScheduleAnyway');

    const [c] = pod.containers;
    expect(c.image).toBe('cassandra:5.0');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['SYS_RESOURCE'] });
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.readinessProbe.exec.command[2]).toContain('nodetool status');
    expect(c.readinessProbe.timeoutSeconds).toBe(20);
    expect(c.readinessProbe).toEqual({
      exec: { command: ['/bin/sh', '-c', 'nodetool status | grep -E "^UN +$POD_IP "'] }, timeoutSeconds: 20, failureThreshold: 3,
    });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 7000 }, failureThreshold: 10 });
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 7000 }, failureThreshold: 180 });
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(c.env.map((e: any) => e.name)).toEqual([
      'MAX_HEAP_SIZE', 'HEAP_NEWSIZE', 'CASSANDRA_SEEDS', 'CASSANDRA_CLUSTER_NAME', 'CASSANDRA_DC',
      'CASSANDRA_RACK', 'CASSANDRA_ENDPOINT_SNITCH', 'CASSANDRA_NUM_TOKENS', 'POD_IP', 'JVM_EXTRA_OPTS',
    ]);
    expect(envOf(sts)).toMatchObject({
      MAX_HEAP_SIZE: '2048M',
      HEAP_NEWSIZE: '200M',
      CASSANDRA_SEEDS: [0, 1, 2].map(i => `ring-${i}.ring-nodes.db.svc.cluster.local`).join(','),
      CASSANDRA_CLUSTER_NAME: 'Orders Cluster',
      CASSANDRA_DC: 'eu-west.1',
      CASSANDRA_RACK: 'rack_a',
      CASSANDRA_NUM_TOKENS: '16',
      JVM_EXTRA_OPTS: '-Dcassandra.ring_delay_ms=30000',
    });
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'ssd', resources: { requests: { storage: '100Gi' } }, volumeMode: 'Filesystem' },
    }]);

    const svc = find(objects, 'Service', 'ring-nodes');
    expect(svc.spec.ports).toEqual([{ name: 'cql', port: 9042 }]);
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(find(objects, 'PodDisruptionBudget', 'ring-budget').spec.maxUnavailable).toBe(2);

    expect(ring.seeds).toEqual([0, 1, 2].map(i => `ring-${i}.ring-nodes.db.svc.cluster.local`));
    expect(ring.contactPoints).toHaveLength(4);
    expect(ring.app.claimNames('data')).toEqual(['data-ring-0', 'data-ring-1', 'data-ring-2', 'data-ring-3']);
    expect(ring.heapSize.toMebibytes()).toBe(2048);
    expect(ring.heapNewSize.toMebibytes()).toBe(200);

    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('the data claims take the StorageClass construct given as storageClass', () => {
    const chart = freshChart({ namespace: 'db' });
    const fast = new StorageClass(chart, 'fast', {
      provisioner: 'pd.csi.storage.gke.io',
      parameters: { type: 'pd-ssd' },
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
    });
    const ring = new CassandraRing(chart, 'cassandra', { storageClass: fast, storageSize: Size.gibibytes(50) });
    const objects = synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'StorageClass/fast', 'Service/cassandra', 'StatefulSet/cassandra', 'PodDisruptionBudget/cassandra-pdb',
    ]);
    expect(find(objects, 'StorageClass', 'fast').metadata.namespace).toBeUndefined();
    expect(find(objects, 'StatefulSet', 'cassandra').spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'cassandra-data' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '50Gi' } }, volumeMode: 'Filesystem' },
    }]);
    expect(ring.app.claimStorageClassName('cassandra-data')).toBe('fast');
  });

  test('a class the cluster already has, by StorageClass.fromStorageClassName, creates no object', () => {
    const chart = freshChart();
    const ring = new CassandraRing(chart, 'cassandra', { storageClass: StorageClass.fromStorageClassName('premium-rwo') });
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['Service', 'StatefulSet', 'PodDisruptionBudget']);
    expect(find(objects, 'StatefulSet').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('premium-rwo');
    expect(ring.app.claimStorageClassName('cassandra-data')).toBe('premium-rwo');
  });

  test('containerSecurity fields given as undefined keep the ring\'s defaults (writable root filesystem, IPC_LOCK)', () => {
    const given: { readOnlyRootFilesystem?: boolean } = {};
    const { chart } = build({ containerSecurity: { user: 999, readOnlyRootFilesystem: given.readOnlyRootFilesystem } });
    const c = find(synth(chart), 'StatefulSet').spec.template.spec.containers[0];
    expect(c.securityContext).toMatchObject({ runAsUser: 999, readOnlyRootFilesystem: false, capabilities: { drop: ['ALL'], add: ['IPC_LOCK'] } });
  });

  test('IPC_LOCK given explicitly is not added twice', () => {
    const { chart } = build({ containerSecurity: { addCapabilities: [LinuxCapability.IPC_LOCK] } });
    const c = find(synth(chart), 'StatefulSet').spec.template.spec.containers[0];
    expect(c.securityContext.capabilities.add).toEqual(['IPC_LOCK']);
  });

  test('the namespace of the chart is used in the seeds', () => {
    const { ring } = build({}, { namespace: 'prod' });
    expect(ring.seeds[0]).toBe('cassandra-0.cassandra.prod.svc.cluster.local');
  });

  test('synthesizing twice gives identical YAML', () => {
    const once = () => toYaml(synthObjects(build({ replicas: 5, numTokens: 8 }).chart));
    expect(once()).toEqual(once());
  });
});

describe('CassandraRing resources merge field by field with its defaults', () => {
  const containerOf = (props: CassandraRingProps) =>
    find(synth(build(props).chart), 'StatefulSet').spec.template.spec.containers[0];

  test('a memory request alone keeps the default cpu request and both limits, and the default heap', () => {
    const c = containerOf({ resources: { memory: { request: Size.mebibytes(768) } } });
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
    expect(envOf({ spec: { template: { spec: { containers: [c] } } } }).MAX_HEAP_SIZE).toBe('512M');
  });

  test('a cpu limit alone keeps the memory limit (which used to be lost and refused)', () => {
    const { chart, ring } = build({ resources: { cpu: { limit: kplus.Cpu.units(1) } } });
    const c = find(synth(chart), 'StatefulSet').spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(ring.heapSize.toMebibytes()).toBe(512);
  });

  test('the default heap is half the effective memory limit: a raised limit alone doubles it', () => {
    const { chart, ring } = build({ resources: { memory: { limit: Size.gibibytes(2) } } });
    const sts = find(synth(chart), 'StatefulSet');
    expect(sts.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '2Gi' },
    });
    expect(ring.heapSize.toMebibytes()).toBe(1024);
    expect(envOf(sts)).toMatchObject({ MAX_HEAP_SIZE: '1024M', HEAP_NEWSIZE: '100M' });
    expect(ring.app.resources.memory!.limit!.asString()).toBe('2Gi');
  });

  test('fails on a memory request above the default limit it keeps', () => {
    expect(() => build({ resources: { memory: { request: Size.gibibytes(2) } } })).toThrow(
      /^test\/cassandra: invalid resources\.memory\.request "2Gi": is above the memory limit 1Gi; the API server refuses a request above its limit: lower the request or raise the limit$/);
  });

  test('fails on a lowered memory limit below the default request it keeps', () => {
    expect(() => build({ resources: { memory: { limit: Size.mebibytes(600) } } })).toThrow(
      /^test\/cassandra: invalid resources\.memory\.request "1Gi": is above the memory limit 600Mi/);
  });

  test('fails on a heap at the effective limit when only a memory request is given', () => {
    expect(() => build({ heapSize: Size.gibibytes(1), resources: { memory: { request: Size.mebibytes(512) } } })).toThrow(
      /^test\/cassandra: invalid heapSize "1024M": must be below the memory limit \(resources\.memory\.limit 1Gi\)/);
  });
});

describe('CassandraRing fails at synth time on bad input', () => {
  const fails = (props: CassandraRingProps, message: RegExp) => expect(() => build(props)).toThrow(message);

  test('fails on zero replicas', () => {
    fails({ replicas: 0 }, /test\/cassandra: invalid replicas 0: must be an integer >= 1: a ring needs at least one node/);
  });

  test('fails on a seed count of zero', () => {
    fails({ seedCount: 0 }, /test\/cassandra: invalid seedCount 0: must be an integer from 1 to the replicas \(3\)/);
  });

  test('fails on a seed count above the replicas', () => {
    fails({ replicas: 3, seedCount: 4 }, /invalid seedCount 4: must be an integer from 1 to the replicas \(3\): the seeds are the first pods/);
  });

  test('fails on a heap equal to the memory limit', () => {
    fails({ heapSize: Size.gibibytes(1) },
      /^test\/cassandra: invalid heapSize "1024M": must be below the memory limit \(resources\.memory\.limit 1Gi\): Cassandra also uses memory outside the heap; about half the limit is usual$/);
  });

  test('fails on a heap above the memory limit', () => {
    fails({ heapSize: Size.gibibytes(4), resources: { memory: { limit: Size.gibibytes(2) } } },
      /^test\/cassandra: invalid heapSize "4096M": must be below the memory limit \(resources\.memory\.limit 2Gi\)/);
  });

  test('fails on a heap that is not a whole number of mebibytes', () => {
    fails({ heapSize: Size.kibibytes(1500) },
      /^test\/cassandra: invalid heapSize "1500Ki": must be a whole number of mebibytes greater than zero, e\.g\. Size\.mebibytes\(512\)$/);
  });

  test('fails on a young generation not below the heap', () => {
    fails({ heapSize: Size.mebibytes(256), heapNewSize: Size.mebibytes(256) },
      /^test\/cassandra: invalid heapNewSize "256M": must be below heapSize \(256M\): it is the young generation inside the heap/);
  });

  test('fails on an empty cluster name', () => {
    fails({ clusterName: '' }, /test\/cassandra: invalid clusterName "": must be a non-empty name of letters, digits, spaces/);
  });

  test('fails on a cluster name with characters that break cassandra.yaml', () => {
    fails({ clusterName: 'prod: main' }, /invalid clusterName "prod: main": must be a non-empty name/);
  });

  test('fails on a data centre name with whitespace', () => {
    fails({ dataCenter: 'DC 1' }, /test\/cassandra: invalid dataCenter "DC 1": must be letters, digits, '_', '.' and '-', starting with a letter or digit/);
  });

  test('fails on a data centre name with a comma', () => {
    fails({ dataCenter: 'dc1,dc2' }, /invalid dataCenter "dc1,dc2": must be letters, digits/);
  });

  test('fails on an empty rack name', () => {
    fails({ rack: '' }, /invalid rack "": must be letters, digits/);
  });

  test('fails on a rack name starting with a dash', () => {
    fails({ rack: '-r1' }, /invalid rack "-r1": must be letters, digits/);
  });

  test('fails on a token count of zero', () => {
    fails({ numTokens: 0 }, /invalid numTokens 0: must be an integer from 1 to 1536/);
  });

  test('fails on an env variable the ring sets itself', () => {
    fails({ env: [{ name: 'CASSANDRA_SEEDS', value: kplus.EnvValue.fromValue('x') }] },
      /invalid env\[0\].name "CASSANDRA_SEEDS": is set by the ring; use the prop seedCount instead/);
  });

  test('fails on a relative data directory', () => {
    fails({ dataDirectory: 'data' }, /^test\/cassandra: invalid dataDirectory "data": must be an absolute path \(starting with '\/', without '\.\.'\)$/);
  });

  // storageClass is one prop whose type is a storage class, so "both storageClass and
  // storageClassName" cannot be written any more; a caller without types can still pass a name
  // where the class belongs.
  test('fails on a storage class given as a plain name (untyped caller)', () => {
    fails({ storageClass: 'ssd' as any },
      /^test\/cassandra: invalid storageClass "ssd": must be a StorageClass, StorageClass\.fromStorageClassName\(name\) or StorageClass\.none\(\)$/);
  });

  test('fails on a storage class name that is not a DNS subdomain', () => {
    expect(() => build({ storageClass: StorageClass.fromStorageClassName('Fast SSD') }))
      .toThrow(/^StorageClass\.fromStorageClassName\(\): invalid storageClassName "Fast SSD": must be a DNS subdomain/);
  });

  test('fails on a budget given as a plain object (untyped caller)', () => {
    fails({ disruptionBudget: { maxUnavailable: 1, minAvailable: 2 } as any },
      /^test\/cassandra: invalid disruptionBudget \{"maxUnavailable":1,"minAvailable":2\}: must be DisruptionBudget\.maxUnavailable\(n\), DisruptionBudget\.minAvailable\(n\) or DisruptionBudget\.none\(\)$/);
  });

  test('fails on a name that is not a DNS label', () => {
    fails({ name: 'Cassandra' }, /^test\/cassandra: invalid name "Cassandra": must be a DNS label/);
  });

  // Checks the ring's StatefulApp runs report the ring's path and the field the user wrote.
  describe('errors of the app are reported under the ring\'s path and field names', () => {
    const inner = /cassandra\/App|volumeClaims|container\./;
    test.each<[string, CassandraRingProps, RegExp]>([
      ['storageSize', { storageSize: Size.gibibytes(0) },
        /^test\/cassandra: invalid storageSize "0Gi": must be greater than zero, e\.g\. Size\.gibibytes\(1\)$/],
      ['dataClaimName', { dataClaimName: 'Data_Claim' },
        /^test\/cassandra: invalid dataClaimName "Data_Claim": must be a DNS label of at most 63 characters/],
      ['readiness', { readiness: ContainerProbe.exec([]) },
        /^test\/cassandra: invalid readiness\.command \[\]: give the command to run, e\.g\. \["sh", "-c", "pg_isready"\]$/],
      ['liveness', { liveness: ContainerProbe.tcp(70000) },
        /^test\/cassandra: invalid liveness\.port 70000: must be an integer from 1 to 65535$/],
      ['image', { image: '' },
        /^test\/cassandra: invalid image "": must be a non-empty image reference, e\.g\. "nginx:1\.25"$/],
      ['containerName', { containerName: 'Cassandra_Node' },
        /^test\/cassandra: invalid containerName "Cassandra_Node": must be a DNS label/],
    ])('%s', (_, props, message) => {
      expect(() => build(props)).toThrow(message);
      expect(() => build(props)).not.toThrow(inner);
    });
  });
});
