import { Testing } from 'cdk8s';
import { CassandraChart } from '../../examples/cassandra/chart';
import { AllowedDeviation, expectParity } from '../util/parity';
import { canConnect, podsOf, stranger } from '../util/reachability';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

const STS_CONTAINER = 'spec.template.spec.containers[name=cassandra]';

// Each value of the tutorial's manifests that the example changes, and why (see
// examples/cassandra/README.md). Everything else of the reference is reproduced.
const STATEFULSET_DEVIATIONS: AllowedDeviation[] = [
  {
    kind: 'StatefulSet',
    name: 'cassandra',
    path: `${STS_CONTAINER}.env[name=CASSANDRA_SEEDS].value`,
    reason: 'two seeds (pods 0 and 1) instead of pod 0 alone, so nodes can join while pod 0 is lost',
  },
  {
    kind: 'StatefulSet',
    name: 'cassandra',
    path: `${STS_CONTAINER}.securityContext.capabilities.add`,
    reason: 'all capabilities are dropped; the image\'s run.sh needs CHOWN, DAC_OVERRIDE, FOWNER, SETGID and SETUID besides IPC_LOCK',
  },
];

function synth(namespace?: string): any[] {
  return Testing.synth(new CassandraChart(Testing.app(), 'cassandra', { namespace }));
}

describe('example cassandra', () => {
  const objects = synth();

  test('reproduces every value of cassandra-service.yaml', () => {
    expectParity('cassandra-service.yaml', objects, []);
  });

  test('reproduces every value of cassandra-statefulset.yaml except the named deviations', () => {
    expectParity('cassandra-statefulset.yaml', objects, STATEFULSET_DEVIATIONS);
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
    validateManifests(synth('prod'));
  });

  test('yields the reference objects plus a disruption budget and the ring\'s NetworkPolicy', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'NetworkPolicy/cassandra', 'PodDisruptionBudget/cassandra-pdb', 'Service/cassandra', 'StatefulSet/cassandra', 'StorageClass/fast',
    ]);
  });

  test('the NetworkPolicy: nodes reach each other, the declared clients CQL, nobody else anything', () => {
    const policy = objects.find(o => o.kind === 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { app: 'cassandra' } } }], ports: [7000, 7001, 7199, 9042].map(port => ({ port, protocol: 'TCP' })) },
      { from: [{ podSelector: { matchLabels: { app: 'cassandra-client' } } }], ports: [{ port: 9042, protocol: 'TCP' }] },
    ]);
    const [c0, c1] = podsOf(objects.find(o => o.kind === 'StatefulSet'));
    const client = { kind: 'pod' as const, name: 'client', namespace: 'default', labels: { app: 'cassandra-client' } };
    for (const port of [7000, 7001, 7199, 9042]) expect(canConnect(objects, c0, c1, port)).toBe(true);
    expect(canConnect(objects, client, c0, 9042)).toBe(true);
    expect(canConnect(objects, client, c0, 7199)).toBe(false);
    for (const port of [7000, 7001, 7199, 9042]) expect(canConnect(objects, stranger('default'), c0, port)).toBe(false);
  });

  test('seeds two pods, keeps data, and relaxes only what the tutorial image needs', () => {
    const svc = objects.find(o => o.kind === 'Service');
    const sts = objects.find(o => o.kind === 'StatefulSet');
    const sc = objects.find(o => o.kind === 'StorageClass');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe(sc.metadata.name);
    expect(sc.reclaimPolicy).toBe('Retain');

    const c = sts.spec.template.spec.containers[0];
    const seeds = c.env.find((e: any) => e.name === 'CASSANDRA_SEEDS').value;
    expect(seeds).toBe('cassandra-0.cassandra.default.svc.cluster.local,cassandra-1.cassandra.default.svc.cluster.local');
    expect(c.securityContext).toEqual({
      runAsNonRoot: false,
      privileged: false,
      readOnlyRootFilesystem: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['IPC_LOCK', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    // The image starts as root (run.sh switches to cassandra itself): user and group 0 are given
    // explicitly, because podSecurity merges field by field with the ring's defaults (999). The
    // ring's fsGroup 999 with OnRootMismatch stays: the kubelet hands a new data volume to gid 999
    // once, and run.sh chowns it to cassandra.
    expect(sts.spec.template.spec.securityContext).toEqual({
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      fsGroup: 999,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(sts.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('the StorageClass carries no namespace, even in a namespaced chart', () => {
    expect(objects.find(o => o.kind === 'StorageClass').metadata.namespace).toBeUndefined();
    const namespaced = synth('prod');
    expect(namespaced.find(o => o.kind === 'StorageClass').metadata).toEqual({ name: 'fast' });
    for (const o of namespaced.filter(x => x.kind !== 'StorageClass')) {
      expect(o.metadata.namespace).toBe('prod');
    }
    const sts = namespaced.find(o => o.kind === 'StatefulSet');
    const seeds = sts.spec.template.spec.containers[0].env.find((e: any) => e.name === 'CASSANDRA_SEEDS').value;
    expect(seeds).toBe('cassandra-0.cassandra.prod.svc.cluster.local,cassandra-1.cassandra.prod.svc.cluster.local');
  });

  test('synthesizing twice gives identical YAML', () => {
    expect(toYaml(synth())).toEqual(toYaml(objects));
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
