import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CassandraRack, CassandraRing, CassandraRingProps, DisruptionBudget, NodeSelectorOperator, Scrape, StorageClass, VolumeBindingMode,
} from '../src';
import { findObject, freshChart, synthValidated, toYaml } from './util/synth';

// A rack-aware CassandraRing: one StatefulSet per rack, pinned to its zone, behind one headless
// Service, one client Service and one PodDisruptionBudget.

const THREE_ZONES: CassandraRack[] = [
  { name: 'rack-a', zone: 'eu-west-1a' },
  { name: 'rack-b', zone: 'eu-west-1b' },
  { name: 'rack-c', zone: 'eu-west-1c' },
];

function build(props: CassandraRingProps = {}, chartProps = {}) {
  const chart = freshChart(chartProps);
  const ring = new CassandraRing(chart, 'cassandra', { racks: THREE_ZONES, ...props });
  return { chart, ring };
}

function envOf(sts: any): { [name: string]: any } {
  return Object.fromEntries(sts.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

/** Whether a matchLabels selector selects a pod with these labels. */
function selects(selector: { [key: string]: string }, labels: { [key: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('CassandraRing with racks: defaults', () => {
  const { chart, ring } = build();
  const objects = synthValidated(chart);
  const statefulSets = objects.filter(o => o.kind === 'StatefulSet');

  test('one StatefulSet per rack, one headless Service, one budget', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/cassandra',
      'StatefulSet/cassandra-rack-a',
      'StatefulSet/cassandra-rack-b',
      'StatefulSet/cassandra-rack-c',
      'PodDisruptionBudget/cassandra-pdb',
    ]);
    expect(ring.apps.map(a => a.name)).toEqual(['cassandra-rack-a', 'cassandra-rack-b', 'cassandra-rack-c']);
    expect(ring.app).toBe(ring.apps[0]);
    expect(ring.rackNames).toEqual(['rack-a', 'rack-b', 'rack-c']);
    // without replicas, one node per rack: three nodes, as a ring without racks
    expect(statefulSets.map(s => s.spec.replicas)).toEqual([1, 1, 1]);
  });

  test('each rack is pinned to its zone and tells Cassandra its rack', () => {
    statefulSets.forEach((sts, i) => {
      const pod = sts.spec.template.spec;
      expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [THREE_ZONES[i].zone] }] }],
      });
      const env = envOf(sts);
      expect(env.CASSANDRA_RACK).toBe(THREE_ZONES[i].name);
      expect(env.CASSANDRA_DC).toBe('dc1');
      expect(env.CASSANDRA_ENDPOINT_SNITCH).toBe('GossipingPropertyFileSnitch');
      expect(sts.spec.serviceName).toBe('cassandra');
      expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
      // anti-affinity keeps every node of the ring apart, across racks
      expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector)
        .toEqual({ matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['cassandra'] }] });
    });
  });

  test('seeds: one per rack, the same list on every rack', () => {
    const seeds = [
      'cassandra-rack-a-0.cassandra.default.svc.cluster.local',
      'cassandra-rack-b-0.cassandra.default.svc.cluster.local',
      'cassandra-rack-c-0.cassandra.default.svc.cluster.local',
    ];
    expect(ring.seedCount).toBe(3);
    expect(ring.seeds).toEqual(seeds);
    for (const sts of statefulSets) {
      expect(envOf(sts).CASSANDRA_SEEDS).toBe(seeds.join(','));
    }
  });

  test('each StatefulSet selects its own pods only; the Service and the budget select every pod', () => {
    const podLabels = statefulSets.map(s => s.spec.template.metadata.labels);
    statefulSets.forEach((sts, i) => {
      expect(sts.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'cassandra', 'cdk8s-stateful/cassandra-rack': THREE_ZONES[i].name });
      expect(podLabels.map(l => selects(sts.spec.selector.matchLabels, l))).toEqual(podLabels.map((_, j) => j === i));
    });
    const svc = findObject(objects, 'Service', 'cassandra');
    const pdb = findObject(objects, 'PodDisruptionBudget');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    for (const labels of podLabels) {
      expect(selects(svc.spec.selector, labels)).toBe(true);
      expect(selects(pdb.spec.selector.matchLabels, labels)).toBe(true);
    }
    // the ring-wide objects carry no rack label
    expect(svc.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'cassandra' });
    expect(pdb.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'cassandra' });
  });

  test('one budget: one rack\'s worth of nodes', () => {
    const pdb = findObject(objects, 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(ring.disruptionBudget).toBeDefined();
    expect(ring.apps.map(a => a.disruptionBudget)).toEqual([undefined, undefined, undefined]);
  });

  test('the typed getters cover every rack', () => {
    expect(ring.podNames).toEqual(['cassandra-rack-a-0', 'cassandra-rack-b-0', 'cassandra-rack-c-0']);
    expect(ring.contactPoints).toEqual(ring.podDnsNames);
    expect(ring.podDnsNames).toEqual(ring.podNames.map(p => `${p}.cassandra.default.svc.cluster.local`));
    expect(ring.dataClaimNames).toEqual(['cassandra-data-cassandra-rack-a-0', 'cassandra-data-cassandra-rack-b-0', 'cassandra-data-cassandra-rack-c-0']);
    expect(ring.rack).toBe('rack-a');
  });
});

describe('CassandraRing with racks: customised', () => {
  test('racks of their own sizes, node affinity beside zones, a client Service, a ServiceAccount and a budget of two', () => {
    const ssd = (chart: any) => new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com' });
    const chart = freshChart({ namespace: 'data' });
    const ring = new CassandraRing(chart, 'cassandra', {
      name: 'events',
      selectorLabels: { app: 'events' },
      labels: { team: 'data' },
      dataCenter: 'eu-west',
      racks: [
        { name: 'a', zone: 'eu-west-1a', replicas: 3 },
        { name: 'b', zone: 'eu-west-1b', nodeAffinity: [{ key: 'node.example.com/disk', operator: NodeSelectorOperator.IN, values: ['nvme'] }] },
        { name: 'c', nodeAffinity: [{ key: 'example.com/rack', operator: NodeSelectorOperator.IN, values: ['r7'] }] },
      ],
      replicas: 7,
      requiredNodeAffinity: [
        { matchExpressions: [{ key: 'kubernetes.io/arch', operator: NodeSelectorOperator.IN, values: ['amd64'] }] },
        { matchExpressions: [{ key: 'kubernetes.io/arch', operator: NodeSelectorOperator.IN, values: ['arm64'] }] },
      ],
      storageClass: ssd(chart),
      storageSize: Size.gibibytes(50),
      clientService: { type: kplus.ServiceType.CLUSTER_IP },
      createServiceAccount: true,
      disruptionBudget: DisruptionBudget.maxUnavailable(2),
    });
    const objects = synthValidated(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'StorageClass/ssd',
      'Service/events',
      'Service/events-client',
      'ServiceAccount/events',
      'StatefulSet/events-a',
      'StatefulSet/events-b',
      'StatefulSet/events-c',
      'PodDisruptionBudget/events-pdb',
    ]);
    // 7 nodes: rack a has 3, b and c share the other 4
    const sts = ['a', 'b', 'c'].map(r => findObject(objects, 'StatefulSet', `events-${r}`));
    expect(sts.map(s => s.spec.replicas)).toEqual([3, 2, 2]);
    expect(sts.map(s => s.metadata.namespace)).toEqual(['data', 'data', 'data']);
    expect(sts.map(s => s.spec.template.spec.serviceAccountName)).toEqual(['events', 'events', 'events']);
    expect(sts.map(s => s.spec.volumeClaimTemplates[0].spec.storageClassName)).toEqual(['ssd', 'ssd', 'ssd']);

    // the rack's requirements are added to every term of the ring's node affinity
    expect(sts[1].spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual(
      ['amd64', 'arm64'].map(arch => ({
        matchExpressions: [
          { key: 'kubernetes.io/arch', operator: 'In', values: [arch] },
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1b'] },
          { key: 'node.example.com/disk', operator: 'In', values: ['nvme'] },
        ],
      })));
    expect(sts[2].spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
      .toEqual([
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
        { key: 'example.com/rack', operator: 'In', values: ['r7'] },
      ]);

    // seeds: one per rack (3 is also the most per data centre), drawn rack by rack
    expect(ring.seeds).toEqual(['events-a-0', 'events-b-0', 'events-c-0'].map(p => `${p}.events.data.svc.cluster.local`));
    expect(sts.map(s => envOf(s).CASSANDRA_RACK)).toEqual(['a', 'b', 'c']);
    expect(sts.map(s => envOf(s).CASSANDRA_DC)).toEqual(['eu-west', 'eu-west', 'eu-west']);

    const client = findObject(objects, 'Service', 'events-client');
    expect(client.spec.selector).toEqual({ app: 'events' });
    expect(client.spec.ports).toEqual([{ name: 'cql', port: 9042 }]);
    const pdb = findObject(objects, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: 2, selector: { matchLabels: { app: 'events' } } });
    expect(pdb.metadata).toEqual({ name: 'events-pdb', namespace: 'data', labels: { team: 'data', app: 'events' } });
    expect(findObject(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(ring.podNames).toEqual(['events-a-0', 'events-a-1', 'events-a-2', 'events-b-0', 'events-b-1', 'events-c-0', 'events-c-1']);
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('more seeds than racks are drawn round the racks; the default budget is the smallest rack', () => {
    const { chart, ring } = build({
      racks: [{ name: 'a', zone: 'z1', replicas: 3 }, { name: 'b', zone: 'z2', replicas: 2 }],
      seedCount: 4,
    });
    expect(ring.seeds.map(s => s.split('.')[0])).toEqual(['cassandra-a-0', 'cassandra-b-0', 'cassandra-a-1', 'cassandra-b-1']);
    expect(findObject(synthValidated(chart), 'PodDisruptionBudget').spec.maxUnavailable).toBe(2);
  });

  test('default seeds: up to three per data centre, but one per rack when there are more racks', () => {
    const two = build({ racks: [{ name: 'a', zone: 'z1', replicas: 2 }, { name: 'b', zone: 'z2', replicas: 2 }] }).ring;
    expect(two.seedCount).toBe(3);
    expect(two.seeds.map(s => s.split('.')[0])).toEqual(['cassandra-a-0', 'cassandra-b-0', 'cassandra-a-1']);
    const four = build({ racks: ['a', 'b', 'c', 'd'].map((r, i) => ({ name: r, zone: `z${i}` })) }).ring;
    expect(four.seedCount).toBe(4);
  });

  test('errors of a rack\'s app are reported under the ring and its fields', () => {
    expect(() => build({ image: '' })).toThrow(/^test\/cassandra: invalid image ""/);
  });
});

describe('CassandraRing with racks: refusals', () => {
  const fails = (props: CassandraRingProps, message: RegExp) => expect(() => build(props)).toThrow(message);

  test('fails on a zone-pinned rack whose StorageClass binds Immediately', () => {
    const chart = freshChart();
    const sc = new StorageClass(chart, 'standard', { provisioner: 'pd.csi.storage.gke.io', volumeBindingMode: VolumeBindingMode.IMMEDIATE });
    expect(() => new CassandraRing(chart, 'cassandra', { racks: THREE_ZONES, storageClass: sc })).toThrow(
      /^test\/cassandra: invalid storageClass "standard": binds claims Immediately: .* a pod of rack "rack-a" \(zone eu-west-1a\) could never reach it; .*WAIT_FOR_FIRST_CONSUMER/);
  });

  test('fails on a rack with zero replicas', () => {
    fails({ racks: [THREE_ZONES[0], { ...THREE_ZONES[1], replicas: 0 }] },
      /^test\/cassandra: invalid racks\[1\]\.replicas 0: a rack needs at least one node/);
  });

  test('fails on duplicate rack names', () => {
    fails({ racks: [THREE_ZONES[0], { name: 'rack-a', zone: 'eu-west-1b' }] },
      /^test\/cassandra: invalid racks "rack-a": rack names must be unique/);
  });

  test('fails on duplicate zones', () => {
    fails({ racks: [THREE_ZONES[0], { name: 'rack-b', zone: 'eu-west-1a' }] },
      /^test\/cassandra: invalid racks "eu-west-1a": two racks are pinned to the same zone/);
  });

  test('fails on seeds that cannot all exist', () => {
    fails({ seedCount: 4 },
      /^test\/cassandra: invalid seedCount 4: must be at most the ring's 3 nodes \(the racks' replicas together\): .* 4 seeds cannot all exist/);
  });

  test('fails on fewer seeds than racks', () => {
    fails({ seedCount: 2 }, /^test\/cassandra: invalid seedCount 2: must be at least the number of racks \(3\)/);
  });

  test('fails on racks beside rack', () => {
    fails({ rack: 'r1' }, /^test\/cassandra: invalid rack "r1": a ring with racks names each rack in racks\[\]\.name; remove rack/);
  });

  test('fails on no racks', () => {
    fails({ racks: [] }, /^test\/cassandra: invalid racks \[\]: give at least one rack/);
  });

  test('fails on a rack pinned nowhere', () => {
    fails({ racks: [{ name: 'a', zone: 'z1' }, { name: 'b' }] },
      /^test\/cassandra: invalid racks\[1\] "b": a rack must be pinned to its own failure domain/);
  });

  test('fails on a rack name that is not a DNS label', () => {
    fails({ racks: [{ name: 'Rack1', zone: 'z1' }] }, /^test\/cassandra: invalid racks\[0\]\.name "Rack1": must be a DNS label/);
  });

  test('fails on a rack whose StatefulSet name would be too long', () => {
    fails({ name: 'c'.repeat(40), racks: [{ name: 'r'.repeat(12), zone: 'z1' }] },
      /invalid racks\[0\]\.name "r{12}": makes the rack's StatefulSet name "c{40}-r{12}" longer than 52 characters/);
  });

  test('fails on a zone that is not a label value', () => {
    fails({ racks: [{ name: 'a', zone: 'eu west' }] }, /invalid racks\[0\]\.zone "eu west": must be a label value/);
  });

  test('fails on a bad node affinity requirement of a rack', () => {
    fails({ racks: [{ name: 'a', nodeAffinity: [{ key: 'example.com/rack', operator: NodeSelectorOperator.IN }] }] },
      /invalid racks\[0\]\.nodeAffinity\[0\]\.values \(not set\): operator In needs at least one value/);
    fails({ racks: [{ name: 'a', nodeAffinity: [] }] }, /invalid racks\[0\]\.nodeAffinity \[\]: give at least one requirement/);
  });

  test('fails on replicas that the racks cannot share evenly', () => {
    fails({ replicas: 7 }, /^test\/cassandra: invalid replicas 7: leaves 7 node\(s\) for the 3 rack\(s\) without replicas of their own, which cannot be shared evenly/);
    fails({ replicas: 2 }, /invalid replicas 2: leaves 2 node\(s\) for the 3 rack\(s\)/);
  });

  test('fails on replicas that differ from the racks\' own', () => {
    fails({ replicas: 5, racks: THREE_ZONES.map(r => ({ ...r, replicas: 2 })) },
      /^test\/cassandra: invalid replicas 5: the racks have 6 nodes together \(racks\[\]\.replicas\); give replicas 6, or leave it unset/);
  });

  test('fails on a ring budget that allows no disruption', () => {
    fails({ disruptionBudget: DisruptionBudget.minAvailable(3) },
      /^test\/cassandra: invalid disruptionBudget\.minAvailable 3: with 3 replica\(s\) this allows no disruption/);
  });

  test('fails on a bad scheduling option of the ring', () => {
    fails({ requiredNodeAffinity: [{ matchExpressions: [] }] },
      /^test\/cassandra: invalid requiredNodeAffinity\[0\]\.matchExpressions \[\]: give at least one requirement/);
  });
});

describe('CassandraRing with racks and metrics', () => {
  const { chart, ring } = build({
    racks: THREE_ZONES.map(r => ({ ...r, replicas: 2 })),
    metrics: { scrape: Scrape.podMonitor(), alerts: {} },
  });
  const objects = synthValidated(chart);
  const statefulSets = objects.filter(o => o.kind === 'StatefulSet');

  test('every rack runs the exporter agent on the metrics port', () => {
    expect(statefulSets).toHaveLength(3);
    for (const sts of statefulSets) {
      const pod = sts.spec.template.spec;
      expect(pod.initContainers.map((c: any) => c.name)).toEqual(['jmx-exporter']);
      expect(envOf(sts).JVM_EXTRA_OPTS).toMatch(/^-javaagent:.*=9404:/);
      expect(pod.containers[0].ports).toContainEqual({ containerPort: 9404, name: 'metrics' });
    }
  });

  test('one monitor, which selects every pod of the ring', () => {
    const monitors = objects.filter(o => o.kind === 'PodMonitor');
    expect(monitors).toHaveLength(1);
    const podLabels = statefulSets.map(s => s.spec.template.metadata.labels);
    for (const labels of podLabels) {
      expect(selects(monitors[0].spec.selector.matchLabels, labels)).toBe(true);
    }
  });

  test('the ring\'s alerts count all six nodes against the ring\'s budget (two nodes, the smallest rack)', () => {
    expect(ring.disruptionTolerance).toBe(2);
    const rules = objects.filter(o => o.kind === 'PrometheusRule').flatMap(r => r.spec.groups.flatMap((g: any) => g.rules));
    const nodeDown = rules.find((r: any) => r.alert === 'CassandraNodeDown');
    expect(nodeDown.expr).toMatch(/< 6$/);
    for (const pod of ring.podNames) {
      expect(nodeDown.annotations.runbook).toContain(pod);
    }
    const beyond = rules.find((r: any) => r.alert === 'CassandraNodesDownBeyondBudget');
    expect(beyond.expr).toMatch(/< 4$/);
    expect(rules.filter((r: any) => r.alert === 'CassandraNodeDown')).toHaveLength(1);
  });
});
