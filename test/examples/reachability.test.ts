import { Testing, YamlOutputType } from 'cdk8s';
import { addExamples, EXAMPLES } from '../../examples/examples';
import { canConnect, Endpoint, PodEndpoint, podsOf, portsOf, stranger } from '../util/reachability';

// Every example's NetworkPolicies, evaluated with the semantics of the Kubernetes documentation
// (test/util/reachability.ts): the pods of an app reach each other on every port; a declared (or
// documented) client reaches the client ports; a stranger never reaches a peer port of an app with
// a policy, and reaches a client port as the default says (any source while no client is declared).

interface AppExpectation {
  /** Whether the app has a NetworkPolicy. */
  readonly policy: boolean;
  readonly peerPorts: number[];
  readonly clientPorts: number[];
  readonly metricsPorts?: number[];
  /** Pods that must reach the client ports: the declared clients, or the documented users of the example. */
  readonly clients: (objects: any[]) => Endpoint[];
  /** Pods that must reach the metrics ports. */
  readonly monitoring?: Endpoint[];
  /** Whether a pod nobody declared reaches the client ports. */
  readonly strangersReachClientPorts: boolean;
  /** Whether a pod nobody declared reaches the metrics ports. */
  readonly strangersReachMetrics?: boolean;
}

const pod = (name: string, labels: Record<string, string>, namespace = 'default'): PodEndpoint => ({ kind: 'pod', name, namespace, labels });
const none = () => [];
const prometheus = pod('prometheus-0', { 'app.kubernetes.io/name': 'prometheus' }, 'monitoring');

/** A StatefulApp without peer ports: no policy, reached by anyone (e.g. the web tutorial's pods through their DNS names). */
const open = (port: number, clients: (objects: any[]) => Endpoint[] = none): AppExpectation => ({
  policy: false, peerPorts: [], clientPorts: [port], clients, strangersReachClientPorts: true,
});
const ZK_PORTS = { peerPorts: [2888, 3888], clientPorts: [2181] };
const CASSANDRA_PORTS = { peerPorts: [7000, 7001, 7199], clientPorts: [9042] };

/** What each example's StatefulSets must allow, by example and StatefulSet. */
const EXPECTED: Record<string, Record<string, AppExpectation>> = {
  'web': { web: open(80) },
  'web-parallel': { web: open(80) },
  'web-expanded': { web: open(80) },
  'redis-hostpath': { redis: open(6379) },
  'nginx-nfs': { 'nginx-statefulset': open(80) },
  'nginx-managed-nfs': { 'nginx-web-sts-vct': open(80) },
  'zookeeper': { zk: { policy: true, ...ZK_PORTS, clients: () => [pod('kafka-0', { app: 'kafka' })], strangersReachClientPorts: false } },
  'zookeeper-argocd': { zk: { policy: true, ...ZK_PORTS, clients: () => [pod('kafka-0', { app: 'kafka' })], strangersReachClientPorts: false } },
  // TLS: clients use the secure port; the plaintext port listens on 127.0.0.1 only, for the probes.
  'zookeeper-tls': {
    zk: { policy: true, peerPorts: [2888, 3888], clientPorts: [2281], clients: () => [pod('kafka-0', { app: 'kafka' })], strangersReachClientPorts: false },
  },
  'zookeeper-monitoring': {
    zookeeper: {
      policy: true,
      ...ZK_PORTS,
      metricsPorts: [7000],
      clients: none,
      monitoring: [prometheus],
      strangersReachClientPorts: true,
      strangersReachMetrics: false,
    },
  },
  'cassandra': {
    cassandra: { policy: true, ...CASSANDRA_PORTS, clients: () => [pod('client', { app: 'cassandra-client' })], strangersReachClientPorts: false },
  },
  'cassandra-racks': Object.fromEntries(['a', 'b', 'c'].map(r => [`orders-rack-${r}`, {
    policy: true, ...CASSANDRA_PORTS, clients: none, strangersReachClientPorts: true,
  }])),
  'cassandra-monitoring': {
    'cassandra-ring': {
      policy: true,
      ...CASSANDRA_PORTS,
      metricsPorts: [9404],
      clients: none,
      monitoring: [prometheus],
      strangersReachClientPorts: true,
      strangersReachMetrics: false,
    },
  },
  'wordpress': {},
  // WordPress reaches MySQL on 3306, as in the tutorial.
  'wordpress-statefulset': {
    'wordpress-mysql': open(3306, objects => [podOfDeployment(objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'wordpress'))]),
  },
};

function podOfDeployment(deployment: any): PodEndpoint {
  return pod(`${deployment.metadata.name}-0`, deployment.spec.template.metadata.labels, deployment.metadata.namespace ?? 'default');
}

const app = Testing.app({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
const charts = new Map(addExamples(app).map(c => [c.node.id, Testing.synth(c)]));

test('every example has its expectations, for each of its StatefulSets', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(EXAMPLES.map(e => e.name).sort());
  for (const [name, objects] of charts) {
    const statefulSets = objects.filter(o => o.kind === 'StatefulSet').map(o => o.metadata.name).sort();
    expect({ name, statefulSets }).toEqual({ name, statefulSets: Object.keys(EXPECTED[name]).sort() });
  }
});

const cases = [...charts].flatMap(([name, objects]) => objects.filter(o => o.kind === 'StatefulSet')
  .map(sts => [`${name}: StatefulSet ${sts.metadata.name}`, name, objects, sts] as [string, string, any[], any]));

describe.each(cases)('%s', (_title, example, objects, sts) => {
  const expected = EXPECTED[example][sts.metadata.name];
  const [a, b] = podsOf(sts, 2);
  const namespace = a.namespace;
  const strangers: Endpoint[] = [stranger(namespace), stranger('elsewhere'), { kind: 'address', ip: '203.0.113.7' }];
  const ports = [...expected.peerPorts, ...expected.clientPorts, ...expected.metricsPorts ?? []];
  const selected = objects.filter(o => o.kind === 'NetworkPolicy'
    && Object.entries(o.spec.podSelector.matchLabels ?? {}).every(([k, v]) => a.labels[k] === v));

  test('the expectation names every port of the pods, and the policy is there or not', () => {
    expect(portsOf(sts).map(p => p.containerPort).sort()).toEqual([...ports].sort());
    expect(selected.length > 0).toBe(expected.policy);
  });

  test('peer <-> peer: the pods reach each other on every port', () => {
    for (const port of ports) {
      expect({ port, ab: canConnect(objects, a, b, port), ba: canConnect(objects, b, a, port) }).toEqual({ port, ab: true, ba: true });
    }
  });

  test('a stranger -> a peer port: no while the app has a policy', () => {
    for (const s of strangers) {
      for (const port of expected.peerPorts) {
        expect({ s, port, reached: canConnect(objects, s, a, port) }).toEqual({ s, port, reached: !expected.policy });
      }
    }
  });

  test('a stranger -> a client port: as the default says', () => {
    for (const s of strangers) {
      for (const port of expected.clientPorts) {
        expect({ s, port, reached: canConnect(objects, s, a, port) }).toEqual({ s, port, reached: expected.strangersReachClientPorts });
      }
    }
  });

  test('a declared client -> a client port: yes; -> a peer port: no', () => {
    for (const c of expected.clients(objects)) {
      for (const port of expected.clientPorts) expect({ c, port, reached: canConnect(objects, c, a, port) }).toEqual({ c, port, reached: true });
      for (const port of expected.peerPorts) expect({ c, port, reached: canConnect(objects, c, a, port) }).toEqual({ c, port, reached: false });
    }
  });

  test('monitoring -> the metrics port: yes; a stranger: as declared', () => {
    for (const port of expected.metricsPorts ?? []) {
      for (const m of expected.monitoring ?? []) expect({ port, reached: canConnect(objects, m, a, port) }).toEqual({ port, reached: true });
      for (const s of strangers) {
        expect({ s, port, reached: canConnect(objects, s, a, port) }).toEqual({ s, port, reached: expected.strangersReachMetrics });
      }
    }
  });
});
