// The analysis on hand-made manifests: static volumes, budgets, Services and selectors.
import { FIXTURES, planOf, run, statefulSet } from './helpers';
import { LoadedObject, parseFile } from '../../src/plan/load';
import { buildPlan } from '../../src/plan/model';

describe('static volumes (static-volumes.yaml)', () => {
  const plan = planOf(['static-volumes.yaml'], FIXTURES, { clusterDomain: 'example.internal' });
  const kafka = statefulSet(plan, 'kafka');
  const claim = (ordinal: number) => kafka.pods.find((p) => p.ordinal === ordinal)!.claims[0];

  test('ordinals start at 1; DNS names use the namespace and the cluster domain', () => {
    expect(kafka.pods.map((p) => [p.ordinal, p.name, p.dnsName])).toEqual([
      [1, 'kafka-1', 'kafka-1.kafka.streams.svc.example.internal'],
      [2, 'kafka-2', 'kafka-2.kafka.streams.svc.example.internal'],
      [3, 'kafka-3', 'kafka-3.kafka.streams.svc.example.internal'],
    ]);
  });

  test('a volume pre-bound by claimRef satisfies its claim, with path and node', () => {
    const r = claim(1).resolution;
    expect(r.kind).toBe('static');
    expect(r.volume).toMatchObject({ name: 'pv-kafka-1', source: 'local /mnt/disks/kafka-1', node: 'node node-a', claimRef: 'streams/logs-kafka-1' });
    expect(r.summary).toBe('PersistentVolume pv-kafka-1 (local /mnt/disks/kafka-1, node node-a, 5Gi), reserved for this claim by its claimRef');
  });

  test('a pre-bound volume that is too small is not used; the claim falls back to the spare volume', () => {
    const r = claim(2).resolution;
    expect(r.kind).toBe('candidates');
    expect(r.candidates?.map((v) => v.name)).toEqual(['pv-spare']);
    expect(r.notes).toContain('PersistentVolume pv-kafka-2 is reserved for this claim but will not be used: its capacity 1Gi is smaller than the 5Gi requested');
  });

  test('the last claim finds no volume: the spare goes to the earlier pod (OrderedReady)', () => {
    const r = claim(3).resolution;
    expect(r.kind).toBe('unsatisfied');
    expect(r.summary).toBe('nothing can satisfy this claim, the pod will stay Pending: the 1 matching PersistentVolume (pv-spare) goes to the claims of earlier pods (logs-kafka-2)');
    expect(r.notes).toEqual(expect.arrayContaining([
      'PersistentVolume pv-kafka-3 names this claim in its claimRef without a namespace, so it does not match: set claimRef.namespace: streams',
      'PersistentVolume pv-shared cannot be used: it lacks access mode ReadWriteOnce (it has ReadWriteMany)',
      'PersistentVolume pv-slow cannot be used: its storageClassName "slow" differs from the claim\'s "" (no class)',
    ]));
    const shortage = kafka.problems.find((p) => p.message.includes('match only 1 unbound PersistentVolume'));
    expect(shortage?.severity).toBe('error');
    expect(shortage?.message).toContain('logs-kafka-3 finds no volume and the pod stays Pending');
  });

  test('minAvailable 50% of 3 pods allows 1 disruption', () => {
    expect(kafka.disruption.budgets).toEqual([{ name: 'kafka', rule: 'minAvailable: 50%', expectedPods: 3, allowedDisruptions: 1, alsoSelects: [] }]);
    expect(kafka.disruption.drain).toBe('proceeds');
    expect(kafka.disruption.quorum).toBeNull();
  });

  test('the partition counts from ordinals.start', () => {
    expect(kafka.update).toMatchObject({ partition: 1, rolls: ['kafka-3', 'kafka-2'], untouched: ['kafka-1'] });
    expect(kafka.update.message).toContain('(the partition counts from ordinals.start 1)');
    expect(kafka.scaleDown.order).toEqual(['kafka-3', 'kafka-2', 'kafka-1']);
  });
});

describe('mistakes (problems.yaml)', () => {
  const plan = planOf(['problems.yaml'], FIXTURES);
  const messages = (name: string) => statefulSet(plan, name).problems.map((p) => `${p.severity}${p.refused ? ' refused' : ''}: ${p.message}`);

  test('a selector that does not match the template labels is refused', () => {
    const broken = statefulSet(plan, 'broken');
    const refused = broken.problems.filter((p) => p.refused);
    expect(refused.map((p) => p.message)).toEqual([
      'spec.selector (app=broken) does not match the template labels (app=brokn): the API server refuses the StatefulSet ("selector does not match template labels")',
    ]);
  });

  test('a claim template without storage cannot be created', () => {
    const broken = statefulSet(plan, 'broken');
    expect(messages('broken')).toContain('error: volumeClaimTemplate "data" requests no storage (spec.resources.requests.storage): its claims cannot be created, so no pod starts');
    expect(broken.pods[0].claims[0].resolution.kind).toBe('unsatisfied');
    expect(broken.pods[0].claims[0].storage).toBeNull();
  });

  test('a governing Service that is not headless; a budget that can break ZooKeeper quorum', () => {
    const zoo = statefulSet(plan, 'zoo');
    expect(zoo.governingService).toEqual({ name: 'zoo-hs', found: true, headless: false, selectsPods: true });
    expect(messages('zoo')).toContain('error: Service zoo-hs (the serviceName) is not headless (spec.clusterIP is not None): the pods get no per-pod DNS records');
    expect(zoo.disruption.quorum).toEqual({
      servers: 3,
      quorum: 2,
      budgetKeepsQuorum: false,
      message: 'ZooKeeper quorum is 2 of 3 servers; the budget allows 2 down at a time, leaving 1: a drain can break quorum',
    });
  });

  test('claims without a class take the default StorageClass of the input; Delete retention with a Delete class loses data', () => {
    const zoo = statefulSet(plan, 'zoo');
    const r = zoo.pods[0].claims[0].resolution;
    expect(r.kind).toBe('storage-class');
    expect(r.storageClass?.name).toBe('fast');
    expect(r.notes).toContain('no storageClassName: the claim gets the default StorageClass "fast" when it is created');
    expect(messages('zoo')).toContain('warning: claims are deleted on scale down (persistentVolumeClaimRetentionPolicy) and StorageClass fast has reclaimPolicy Delete: the data is deleted with them');
  });

  test('one replica with minAvailable 1 blocks drains; a governing Service that selects other pods', () => {
    const single = statefulSet(plan, 'single');
    expect(single.disruption).toMatchObject({ drain: 'blocks', allowedDisruptions: 0 });
    expect(messages('single')).toEqual([
      'error: Service single (the serviceName) does not select these pods (selector app=zoo, pod labels app=single): it selects StatefulSet zoo instead, so the pods get no DNS records',
      'warning: PodDisruptionBudget single (minAvailable: 1) allows 0 voluntary disruptions when its one pod is healthy: node drains block (kubectl drain keeps retrying) until the budget or the replicas change',
    ]);
  });

  test('two budgets selecting the same pods block drains', () => {
    const double = statefulSet(plan, 'double');
    expect(double.disruption.budgets.map((b) => b.name)).toEqual(['double-a', 'double-b']);
    expect(double.disruption.drain).toBe('blocks');
    expect(messages('double')).toEqual([
      'error: 2 PodDisruptionBudgets (double-a, double-b) select these pods: the eviction API refuses to evict a pod with more than one budget, so node drains block',
    ]);
  });

  test('a Service and a budget that select nothing', () => {
    expect(plan.problems.map((p) => `${p.subject}: ${p.message}`)).toEqual([
      'Service default/orphan: its selector app=nobody selects no pods in the input: it gets no endpoints',
      'PodDisruptionBudget default/ghost: its selector app=nobody selects no pods in the input: it protects nothing',
    ]);
  });

  test('the command exits 1 because the API server refuses the StatefulSet broken', () => {
    const { code, stdout } = run(['plan', 'problems.yaml'], FIXTURES);
    expect(code).toBe(1);
    expect(stdout).toContain('error (refused by the API server): spec.selector (app=broken) does not match the template labels');
  });
});

describe('budget arithmetic', () => {
  function allowed(replicas: number, budget: string): number {
    const text = `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: app }
spec:
  serviceName: app
  replicas: ${replicas}
  selector: { matchLabels: { app: app } }
  template: { metadata: { labels: { app: app } }, spec: { containers: [{ name: c, image: busybox }] } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: app }
spec:
  selector: { matchLabels: { app: app } }
  ${budget}
`;
    const objects: LoadedObject[] = [];
    parseFile('budget.yaml', text, objects, []);
    const plan = buildPlan({ files: ['budget.yaml'], objects, notObjects: [] });
    return plan.statefulSets[0].disruption.allowedDisruptions ?? -1;
  }

  test.each([
    [5, 'maxUnavailable: 2', 2],
    [5, 'maxUnavailable: "30%"', 2], // ceil(1.5)
    [5, 'maxUnavailable: 9', 5],
    [5, 'minAvailable: 3', 2],
    [5, 'minAvailable: "50%"', 2], // 5 - ceil(2.5)
    [5, 'minAvailable: 7', 0],
    [3, 'minAvailable: "100%"', 0],
    [4, '{}', 4], // neither set: the budget does not limit
  ])('%i pods, %s allows %i', (replicas, budget, expected) => {
    const b = budget === '{}' ? '' : budget;
    expect(allowed(replicas, b)).toBe(expected);
  });
});
