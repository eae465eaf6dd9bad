import { Duration, Size } from 'cdk8s';
import {
  DisruptionBudget, NodeSelectorOperator, StatefulApp, StatefulAppProps, TaintEffect, TolerationOperator, TopologySpread,
  UnhealthyPodEvictionPolicy, WhenUnsatisfiable, ZooKeeperEnsemble,
} from '../src';
import { findObject, freshChart, synthValidated, toYaml } from './util/synth';

// Scheduling controls (tolerations, node selector, node affinity, priority class, topology spread),
// the created ServiceAccount and the budget's unhealthy pod eviction policy, on a StatefulApp. The
// same options reach the patterns through the shared options (test/shared-workload-options.test.ts).

function build(extra: Partial<StatefulAppProps> = {}) {
  const chart = freshChart();
  const app = new StatefulApp(chart, 'db', {
    replicas: 3,
    container: { image: 'postgres:16', ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data' }],
    ...extra,
  });
  return { chart, app };
}

describe('scheduling defaults', () => {
  test('no tolerations, node selection, priority, spread constraints or ServiceAccount; the budget leaves the eviction policy to Kubernetes', () => {
    const { chart } = build();
    const objects = synthValidated(chart);
    expect(objects.map(o => o.kind)).toEqual(['Service', 'StatefulSet', 'PodDisruptionBudget']);
    const pod = findObject(objects, 'StatefulSet').spec.template.spec;
    expect(pod.tolerations).toBeUndefined();
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.priorityClassName).toBeUndefined();
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    // only the default anti-affinity: no node affinity
    expect(Object.keys(pod.affinity)).toEqual(['podAntiAffinity']);
    const pdb = findObject(objects, 'PodDisruptionBudget');
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBeUndefined();
  });
});

describe('scheduling customised', () => {
  test('every control is rendered into the pod spec, and the objects validate', () => {
    const { chart, app } = build({
      tolerations: [
        { key: 'dedicated', operator: TolerationOperator.EQUAL, value: 'db', effect: TaintEffect.NO_SCHEDULE },
        { key: 'node.kubernetes.io/unreachable', operator: TolerationOperator.EXISTS, effect: TaintEffect.NO_EXECUTE, tolerationSeconds: Duration.minutes(5) },
        { operator: TolerationOperator.EXISTS, effect: TaintEffect.PREFER_NO_SCHEDULE },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux', 'node.example.com/pool': 'storage' },
      requiredNodeAffinity: [
        { matchExpressions: [{ key: 'node.example.com/cpus', operator: NodeSelectorOperator.GT, values: ['8'] }] },
        {
          matchExpressions: [
            { key: 'node.example.com/disk', operator: NodeSelectorOperator.IN, values: ['ssd', 'nvme'] },
            { key: 'node.example.com/retiring', operator: NodeSelectorOperator.DOES_NOT_EXIST },
          ],
        },
      ],
      preferredNodeAffinity: [
        { weight: 100, matchExpressions: [{ key: 'node.example.com/gen', operator: NodeSelectorOperator.NOT_IN, values: ['1'] }] },
        { weight: 1, matchExpressions: [{ key: 'node.example.com/age', operator: NodeSelectorOperator.LT, values: ['-3'] }] },
      ],
      priorityClassName: 'db-critical',
      topologySpread: [
        TopologySpread.acrossZones({ whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE, minDomains: 3 }),
        TopologySpread.acrossNodes({ maxSkew: 2 }),
        TopologySpread.acrossDomainsOf('example.com/rack'),
      ],
      createServiceAccount: true,
      disruptionBudget: DisruptionBudget.maxUnavailable(1, { unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW }),
    });
    const objects = synthValidated(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/db', 'ServiceAccount/db', 'StatefulSet/db', 'PodDisruptionBudget/db-pdb',
    ]);
    expect(app.serviceAccount).toBeDefined();

    const sa = findObject(objects, 'ServiceAccount', 'db');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'db' });

    const pod = findObject(objects, 'StatefulSet').spec.template.spec;
    expect(pod.serviceAccountName).toBe('db');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.priorityClassName).toBe('db-critical');
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'node.example.com/pool': 'storage' });
    expect(pod.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { operator: 'Exists', effect: 'PreferNoSchedule' },
    ]);
    expect(pod.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'node.example.com/cpus', operator: 'Gt', values: ['8'] }] },
          {
            matchExpressions: [
              { key: 'node.example.com/disk', operator: 'In', values: ['ssd', 'nvme'] },
              { key: 'node.example.com/retiring', operator: 'DoesNotExist' },
            ],
          },
        ],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, preference: { matchExpressions: [{ key: 'node.example.com/gen', operator: 'NotIn', values: ['1'] }] } },
        { weight: 1, preference: { matchExpressions: [{ key: 'node.example.com/age', operator: 'Lt', values: ['-3'] }] } },
      ],
    });
    // the default anti-affinity stays beside the node affinity
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    const selector = { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'db' } } };
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', minDomains: 3, ...selector },
      { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', ...selector },
      { maxSkew: 1, topologyKey: 'example.com/rack', whenUnsatisfiable: 'ScheduleAnyway', ...selector },
    ]);

    const pdb = findObject(objects, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('a created ServiceAccount takes serviceAccountName', () => {
    const { chart } = build({ createServiceAccount: true, serviceAccountName: 'db-runner' });
    const objects = synthValidated(chart);
    expect(findObject(objects, 'ServiceAccount').metadata.name).toBe('db-runner');
    expect(findObject(objects, 'StatefulSet').spec.template.spec.serviceAccountName).toBe('db-runner');
  });

  test('a quorum budget takes an eviction policy too, from minAvailable', () => {
    const chart = freshChart();
    new ZooKeeperEnsemble(chart, 'zk', {
      disruptionBudget: DisruptionBudget.minAvailable(2, { unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET }),
    });
    const pdb = findObject(synthValidated(chart), 'PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(2);
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('IfHealthyBudget');
  });

  test('required node affinity alone renders no anti-affinity when spreading is off', () => {
    const { chart } = build({
      replicas: 1,
      requiredNodeAffinity: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: NodeSelectorOperator.IN, values: ['a'] }] }],
    });
    const pod = findObject(synthValidated(chart), 'StatefulSet').spec.template.spec;
    expect(Object.keys(pod.affinity)).toEqual(['nodeAffinity']);
    expect(pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
  });
});

describe('scheduling refusals', () => {
  const zone = (operator: NodeSelectorOperator, values?: string[]) =>
    [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator, values }] }];

  const cases: Array<[string, Partial<StatefulAppProps>, RegExp]> = [
    ['a toleration key that is not a label key', { tolerations: [{ key: 'bad key', value: 'x' }] },
      /test\/db: invalid tolerations\[0\]\.key "bad key": must be a label key/],
    ['a toleration without a key that is not Exists', { tolerations: [{ value: 'x' }] },
      /invalid tolerations\[0\]\.key \(not set\): a toleration without a key tolerates every taint and needs operator TolerationOperator\.EXISTS/],
    ['a value with operator Exists', { tolerations: [{ key: 'k', operator: TolerationOperator.EXISTS, value: 'v' }] },
      /invalid tolerations\[0\]\.value "v": TolerationOperator\.EXISTS matches any value and takes none/],
    ['a toleration value that is not a label value', { tolerations: [{ key: 'k', value: 'a b' }] },
      /invalid tolerations\[0\]\.value "a b": must be a label value/],
    ['an unknown toleration operator', { tolerations: [{ key: 'k', operator: 'Is' as any }] },
      /invalid tolerations\[0\]\.operator "Is": must be one of TolerationOperator\.EXISTS \("Exists"\), TolerationOperator\.EQUAL \("Equal"\)/],
    ['an unknown taint effect', { tolerations: [{ key: 'k', value: 'v', effect: 'NoStart' as any }] },
      /invalid tolerations\[0\]\.effect "NoStart": must be one of TaintEffect\.NO_SCHEDULE/],
    ['tolerationSeconds without NoExecute', { tolerations: [{ key: 'k', value: 'v', effect: TaintEffect.NO_SCHEDULE, tolerationSeconds: Duration.seconds(30) }] },
      /invalid tolerations\[0\]\.tolerationSeconds "30s": only a toleration of effect TaintEffect\.NO_EXECUTE/],
    ['tolerationSeconds of part of a second', { tolerations: [{ key: 'k', value: 'v', effect: TaintEffect.NO_EXECUTE, tolerationSeconds: Duration.millis(1500) }] },
      /invalid tolerations\[0\]\.tolerationSeconds "1 second 500 millis": Kubernetes counts it in whole seconds: give a whole number of seconds/],
    ['a node selector key that is not a label key', { nodeSelector: { '-disk': 'ssd' } },
      /invalid nodeSelector key "-disk": must be a label key/],
    ['a node selector value that is not a label value', { nodeSelector: { disk: 'ssd/nvme' } },
      /invalid nodeSelector\["disk"\] "ssd\/nvme": must be a label value/],
    ['no required node affinity terms', { requiredNodeAffinity: [] },
      /invalid requiredNodeAffinity \[\]: give at least one term/],
    ['a required term without requirements', { requiredNodeAffinity: [{ matchExpressions: [] }] },
      /invalid requiredNodeAffinity\[0\]\.matchExpressions \[\]: give at least one requirement: an empty term matches no node/],
    ['In without values', { requiredNodeAffinity: zone(NodeSelectorOperator.IN) },
      /invalid requiredNodeAffinity\[0\]\.matchExpressions\[0\]\.values \(not set\): operator In needs at least one value/],
    ['NotIn with a value that is not a label value', { requiredNodeAffinity: zone(NodeSelectorOperator.NOT_IN, ['a b']) },
      /invalid requiredNodeAffinity\[0\]\.matchExpressions\[0\]\.values\[0\] "a b": must be a label value/],
    ['Exists with values', { requiredNodeAffinity: zone(NodeSelectorOperator.EXISTS, ['a']) },
      /invalid requiredNodeAffinity\[0\]\.matchExpressions\[0\]\.values \["a"\]: operator Exists takes no values/],
    ['DoesNotExist with values', { requiredNodeAffinity: zone(NodeSelectorOperator.DOES_NOT_EXIST, ['a']) },
      /values \["a"\]: operator DoesNotExist takes no values/],
    ['Gt with two values', { requiredNodeAffinity: zone(NodeSelectorOperator.GT, ['1', '2']) },
      /values \["1","2"\]: operator Gt takes exactly one integer value/],
    ['Lt with a value that is not an integer', { requiredNodeAffinity: zone(NodeSelectorOperator.LT, ['1.5']) },
      /values \["1.5"\]: operator Lt takes exactly one integer value/],
    ['an unknown node selector operator', { requiredNodeAffinity: zone('Near' as any, ['a']) },
      /invalid requiredNodeAffinity\[0\]\.matchExpressions\[0\]\.operator "Near": must be one of NodeSelectorOperator\.IN/],
    ['a requirement key that is not a label key', { requiredNodeAffinity: [{ matchExpressions: [{ key: 'a/b/c', operator: NodeSelectorOperator.EXISTS }] }] },
      /invalid requiredNodeAffinity\[0\]\.matchExpressions\[0\]\.key "a\/b\/c": must be a label key/],
    ['a preferred weight of 0', { preferredNodeAffinity: [{ weight: 0, matchExpressions: zone(NodeSelectorOperator.IN, ['a'])[0].matchExpressions }] },
      /invalid preferredNodeAffinity\[0\]\.weight 0: must be an integer from 1 to 100/],
    ['a preferred weight above 100', { preferredNodeAffinity: [{ weight: 101, matchExpressions: zone(NodeSelectorOperator.IN, ['a'])[0].matchExpressions }] },
      /invalid preferredNodeAffinity\[0\]\.weight 101: must be an integer from 1 to 100/],
    ['a preferred term without requirements', { preferredNodeAffinity: [{ weight: 10, matchExpressions: [] }] },
      /invalid preferredNodeAffinity\[0\]\.matchExpressions \[\]: give at least one requirement/],
    ['a priority class name that is not a DNS subdomain', { priorityClassName: 'High_Priority' },
      /invalid priorityClassName "High_Priority": must be a DNS subdomain/],
    ['maxSkew 0', { topologySpread: [TopologySpread.acrossZones({ maxSkew: 0 })] },
      /invalid topologySpread\[0\]\.maxSkew 0: must be an integer >= 1/],
    ['minDomains with ScheduleAnyway', { topologySpread: [TopologySpread.acrossZones({ minDomains: 3 })] },
      /invalid topologySpread\[0\]\.minDomains 3: only applies with whenUnsatisfiable: WhenUnsatisfiable\.DO_NOT_SCHEDULE/],
    ['minDomains 0', { topologySpread: [TopologySpread.acrossZones({ minDomains: 0, whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE })] },
      /invalid topologySpread\[0\]\.minDomains 0: must be an integer >= 1/],
    ['a topology key that is not a label key', { topologySpread: [TopologySpread.acrossDomainsOf('rack!')] },
      /invalid topologySpread\[0\]\.topologyKey "rack!": must be a label key/],
    ['an unknown whenUnsatisfiable', { topologySpread: [TopologySpread.acrossZones({ whenUnsatisfiable: 'Never' as any })] },
      /invalid topologySpread\[0\]\.whenUnsatisfiable "Never": must be one of WhenUnsatisfiable\.DO_NOT_SCHEDULE/],
    ['a plain object as a spread constraint', { topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1 } as any] },
      /invalid topologySpread\[0\] .*: must be TopologySpread\.acrossZones\(\), TopologySpread\.acrossNodes\(\) or TopologySpread\.acrossDomainsOf\(key\)/],
    ['two constraints of one key and whenUnsatisfiable', { topologySpread: [TopologySpread.acrossZones(), TopologySpread.acrossZones({ maxSkew: 2 })] },
      /invalid topologySpread "topology\.kubernetes\.io\/zone\/ScheduleAnyway": two constraints have the same topology key and whenUnsatisfiable/],
    ['an unknown unhealthy pod eviction policy',
      { disruptionBudget: DisruptionBudget.maxUnavailable(1, { unhealthyPodEvictionPolicy: 'Never' as any }) },
      /invalid disruptionBudget\.unhealthyPodEvictionPolicy "Never": must be one of UnhealthyPodEvictionPolicy\.IF_HEALTHY_BUDGET/],
    ['a service account name that is not a DNS subdomain', { createServiceAccount: true, serviceAccountName: 'DB' },
      /invalid serviceAccountName "DB": must be a DNS subdomain/],
    ['the replaced spreadAcrossZones', { spreadAcrossZones: 'Required' } as any,
      /invalid spreadAcrossZones "Required": it was replaced by topologySpread: use \[TopologySpread\.acrossZones\(\)\]/],
  ];

  test.each(cases)('fails on %s', (_name, extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });

  test('fails on a bad option of a pattern, reported under the pattern', () => {
    expect(() => new ZooKeeperEnsemble(freshChart(), 'zk', { tolerations: [{ key: 'k', operator: TolerationOperator.EXISTS, value: 'v' }] }))
      .toThrow(/^test\/zk: invalid tolerations\[0\]\.value "v"/);
    expect(() => new ZooKeeperEnsemble(freshChart(), 'zk', { spreadAcrossZones: 'Preferred' } as any))
      .toThrow(/^test\/zk: invalid spreadAcrossZones "Preferred": it was replaced by topologySpread/);
  });
});
