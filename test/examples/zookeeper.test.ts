import { Testing } from 'cdk8s';
import { ZooKeeperChart } from '../../examples/zookeeper/chart';
import { HARDENED_CONTAINER_SECURITY_CONTEXT } from '../util/hardening';
import { expectParity, loadReference } from '../util/parity';
import { canConnect, podsOf, stranger } from '../util/reachability';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// No value of the tutorial's manifest is changed: the list of allowed deviations is empty.
// What the example adds (limits, hardening, publishNotReadyAddresses, claim retention, the
// NetworkPolicy) is listed in examples/zookeeper/README.md.

function synth() {
  const chart = new ZooKeeperChart(Testing.app(), 'zookeeper');
  return { chart, objects: Testing.synth(chart) };
}

describe('example zookeeper', () => {
  const { chart, objects } = synth();

  test('reproduces every value of the reference', () => {
    expectParity('zookeeper.yaml', objects, []);
  });

  test('has the same objects as the reference, and the ensemble\'s NetworkPolicy', () => {
    const names = (list: any[]) => list.map(o => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(objects)).toEqual(names([...loadReference('zookeeper.yaml'), { kind: 'NetworkPolicy', metadata: { name: 'zk' } }]));
  });

  test('the NetworkPolicy: the servers reach each other, the declared Kafka brokers the client port, nobody else anything', () => {
    const policy = objects.find(o => o.kind === 'NetworkPolicy');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { app: 'zk' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'zk' } } }], ports: [2181, 2888, 3888].map(port => ({ port, protocol: 'TCP' })) },
        { from: [{ podSelector: { matchLabels: { app: 'kafka' } } }], ports: [{ port: 2181, protocol: 'TCP' }] },
      ],
    });
    const [zk0, zk1] = podsOf(objects.find(o => o.kind === 'StatefulSet'));
    const kafka = { kind: 'pod' as const, name: 'kafka-0', namespace: 'default', labels: { app: 'kafka' } };
    for (const port of [2181, 2888, 3888]) expect(canConnect(objects, zk0, zk1, port)).toBe(true);
    expect(canConnect(objects, kafka, zk0, 2181)).toBe(true);
    expect(canConnect(objects, kafka, zk0, 2888)).toBe(false);
    for (const port of [2181, 2888, 3888]) expect(canConnect(objects, stranger('default'), zk0, port)).toBe(false);
    // the tutorial's zkCli.sh and zookeeper-ready run inside the pods and reach their own server
    expect(canConnect(objects, zk0, zk0, 2181)).toBe(true);
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
  });

  test('synthesizing twice gives identical YAML', () => {
    expect(toYaml(synth().objects)).toEqual(toYaml(objects));
  });

  test('the tutorial\'s command, probes and security context, with the pod hardened around them', () => {
    const sts = objects.find(o => o.kind === 'StatefulSet');
    const pod = sts.spec.template.spec;
    const [c] = pod.containers;
    expect(c.command).toEqual(['sh', '-c', 'start-zookeeper --servers=3 --data_dir=/var/lib/zookeeper/data '
      + '--data_log_dir=/var/lib/zookeeper/data/log --conf_dir=/opt/zookeeper/conf --client_port=2181 '
      + '--election_port=3888 --server_port=2888 --tick_time=2000 --init_limit=10 --sync_limit=5 --heap=512M '
      + '--max_client_cnxns=60 --snap_retain_count=3 --purge_interval=12 --max_session_timeout=40000 '
      + '--min_session_timeout=4000 --log_level=INFO']);
    for (const probe of [c.readinessProbe, c.livenessProbe]) {
      expect(probe.exec.command).toEqual(['sh', '-c', 'zookeeper-ready 2181']);
      expect(probe.initialDelaySeconds).toBe(10);
      expect(probe.timeoutSeconds).toBe(5);
    }
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.resources.requests).toEqual({ cpu: '0.5', memory: '1Gi' });
    // nothing relaxed: read-only root filesystem with writable dirs for what start-zookeeper writes
    expect(c.securityContext).toEqual(HARDENED_CONTAINER_SECURITY_CONTEXT);
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/lib/zookeeper', '/opt/zookeeper/conf', '/var/log/zookeeper', '/tmp']);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('every selector is the tutorial\'s app: zk', () => {
    const svcs = objects.filter(o => o.kind === 'Service');
    const sts = objects.find(o => o.kind === 'StatefulSet');
    const pdb = objects.find(o => o.kind === 'PodDisruptionBudget');
    const selectors = [
      ...svcs.map(s => s.spec.selector), sts.spec.selector.matchLabels, pdb.spec.selector.matchLabels, sts.spec.template.metadata.labels,
    ];
    for (const selector of selectors) {
      expect(selector).toEqual({ app: 'zk' });
    }
    expect(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector)
      .toEqual({ matchExpressions: [{ key: 'app', operator: 'In', values: ['zk'] }] });
  });

  test('getters give the connect string and the servers of the tutorial', () => {
    const zk = chart.ensemble;
    expect(zk.connectString).toBe('zk-cs.default.svc.cluster.local:2181');
    expect(zk.serverAddresses).toEqual([
      'zk-0.zk-hs.default.svc.cluster.local:2181',
      'zk-1.zk-hs.default.svc.cluster.local:2181',
      'zk-2.zk-hs.default.svc.cluster.local:2181',
    ]);
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
