import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { CassandraRacksChart, ZONES } from '../../examples/cassandra-racks/chart';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// The rack-aware ring example: three racks of two nodes, one rack per zone. It has no reference
// manifest; these tests check the placement the README shows.

function synth(namespace?: string): any[] {
  return Testing.synth(new CassandraRacksChart(Testing.app(), 'cassandra-racks', { namespace }));
}

function selects(selector: { [key: string]: string }, labels: { [key: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('example cassandra-racks', () => {
  const objects = synth();
  const statefulSets = objects.filter(o => o.kind === 'StatefulSet');

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
    validateManifests(synth('data'));
  });

  test('synthesizing twice gives identical YAML', () => {
    expect(toYaml(synth())).toEqual(toYaml(objects));
  });

  test('three racks of two nodes, one headless and one client Service, one budget', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'StorageClass/cassandra-ssd',
      'Service/orders',
      'Service/orders-client',
      'ServiceAccount/orders',
      'StatefulSet/orders-rack-a',
      'StatefulSet/orders-rack-b',
      'StatefulSet/orders-rack-c',
      'PodDisruptionBudget/orders-pdb',
    ]);
    expect(statefulSets.map(s => s.spec.replicas)).toEqual([2, 2, 2]);
  });

  test('each rack\'s StatefulSet is pinned to its zone and names its rack to Cassandra', () => {
    statefulSets.forEach((sts, i) => {
      const pod = sts.spec.template.spec;
      expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [ZONES[i]] }] },
      ]);
      const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
      expect(env.CASSANDRA_RACK).toBe(`rack-${'abc'[i]}`);
      expect(env.CASSANDRA_DC).toBe('eu-west-1');
      expect(env.CASSANDRA_ENDPOINT_SNITCH).toBe('GossipingPropertyFileSnitch');
      expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'cassandra', effect: 'NoSchedule' }]);
      expect(pod.nodeSelector).toEqual({ 'node.example.com/pool': 'cassandra' });
      expect(pod.serviceAccountName).toBe('orders');
      expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    });
  });

  test('the seeds span every rack', () => {
    const seeds = ['a', 'b', 'c'].map(r => `orders-rack-${r}-0.orders.default.svc.cluster.local`).join(',');
    for (const sts of statefulSets) {
      expect(sts.spec.template.spec.containers[0].env.find((e: any) => e.name === 'CASSANDRA_SEEDS').value).toBe(seeds);
    }
  });

  test('one budget selects every pod of the ring; each StatefulSet only its own', () => {
    const pdb = objects.find(o => o.kind === 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(2);
    const pods = statefulSets.map(s => s.spec.template.metadata.labels);
    for (const labels of pods) {
      expect(selects(pdb.spec.selector.matchLabels, labels)).toBe(true);
      for (const svc of objects.filter(o => o.kind === 'Service')) {
        expect(selects(svc.spec.selector, labels)).toBe(true);
      }
    }
    statefulSets.forEach((sts, i) => {
      expect(pods.map(l => selects(sts.spec.selector.matchLabels, l))).toEqual([0, 1, 2].map(j => j === i));
    });
  });

  test('the volumes bind in their pod\'s zone and keep their data', () => {
    const sc = objects.find(o => o.kind === 'StorageClass');
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(sc.reclaimPolicy).toBe('Retain');
    for (const sts of statefulSets) {
      expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('cassandra-ssd');
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
    }
  });

  test('the README shows the synthesized placement', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'cassandra-racks', 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npm run synth');
    for (const sts of statefulSets) {
      const terms = sts.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
      const zone = terms[0].matchExpressions[0].values[0];
      const rack = sts.spec.template.metadata.labels['cdk8s-stateful/cassandra-rack'];
      expect(readme).toMatch(new RegExp(`\\| \`${sts.metadata.name}\` \\| \`${rack}\` \\| \`${zone}\` \\| ${sts.spec.replicas} \\|`));
    }
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
