import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CassandraRing, NetworkAccess, NetworkPeer, PortRole, Scrape, StatefulApp, StatefulAppProps, ZooKeeperEnsemble,
} from '../src';
import { canConnect, PodEndpoint, podsOf, stranger } from './util/reachability';
import { findObject, freshChart, synthObjects, synthValidated, toYaml } from './util/synth';

// The NetworkPolicy of StatefulApp, ZooKeeperEnsemble and CassandraRing: its fields, what it lets
// reach which port (evaluated with test/util/reachability.ts, which follows the semantics of the
// Kubernetes documentation), and each refusal.

/** A StatefulApp with a client port, a peer port and a client Service. */
function store(chart: Chart, props: Partial<StatefulAppProps> = {}): StatefulApp {
  return new StatefulApp(chart, 'store', {
    replicas: 3,
    container: {
      image: 'registry.example.com/store:1.0',
      ports: [{ number: 6000, name: 'api' }, { number: 7000, name: 'replication' }],
    },
    portRoles: { replication: PortRole.PEER },
    clientService: {},
    ...props,
  });
}

/** A pod with labels in a namespace (whose name label the control plane sets). */
function pod(name: string, labels: Record<string, string>, namespace = 'default', namespaceLabels?: Record<string, string>): PodEndpoint {
  return {
    kind: 'pod',
    name,
    namespace,
    labels,
    namespaceLabels: namespaceLabels ? { 'kubernetes.io/metadata.name': namespace, ...namespaceLabels } : undefined,
  };
}

const ZK_SELECTOR = { 'app.kubernetes.io/name': 'zk' };

describe('StatefulApp NetworkPolicy defaults', () => {
  test('an app that marks no port gets no NetworkPolicy: every source reaches every port, as without the library', () => {
    const chart = freshChart();
    const app = new StatefulApp(chart, 'web', { replicas: 2, container: { image: 'nginx:1.27', ports: [{ number: 80, name: 'web' }] } });
    const objects = synthValidated(chart);
    expect(objects.filter(o => o.kind === 'NetworkPolicy')).toEqual([]);
    expect(app.networkPolicy).toBeUndefined();
    const [web0] = podsOf(findObject(objects, 'StatefulSet'));
    expect(canConnect(objects, stranger('elsewhere'), web0, 80)).toBe(true);
  });

  test('a port marked PEER gives the app a policy: its pods reach every port, strangers the client port only', () => {
    const chart = freshChart();
    const app = store(chart);
    const objects = synthValidated(chart);
    const policy = findObject(objects, 'NetworkPolicy', 'store');
    expect(app.networkPolicy).toBeDefined();
    expect(policy.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'store' });
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'store' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'store' } } }],
          ports: [{ port: 6000, protocol: 'TCP' }, { port: 7000, protocol: 'TCP' }],
        },
        { ports: [{ port: 6000, protocol: 'TCP' }] },
      ],
    });
    // the peer port stays off the client Service; the headless Service has both
    expect(findObject(objects, 'Service', 'store-client').spec.ports).toEqual([{ name: 'api', port: 6000 }]);
    expect(findObject(objects, 'Service', 'store').spec.ports).toEqual([{ name: 'api', port: 6000 }, { name: 'replication', port: 7000 }]);

    const [a, b] = podsOf(findObject(objects, 'StatefulSet'));
    expect(canConnect(objects, a, b, 7000)).toBe(true);
    expect(canConnect(objects, b, a, 7000)).toBe(true);
    expect(canConnect(objects, a, b, 6000)).toBe(true);
    expect(canConnect(objects, stranger('default'), a, 7000)).toBe(false);
    expect(canConnect(objects, stranger('other'), a, 7000)).toBe(false);
    expect(canConnect(objects, { kind: 'address', ip: '203.0.113.7' }, a, 7000)).toBe(false);
    // no client declared: the client port is open to any source
    expect(canConnect(objects, stranger('other'), a, 6000)).toBe(true);
    expect(canConnect(objects, { kind: 'address', ip: '203.0.113.7' }, a, 6000)).toBe(true);
    // a port no container declares is closed, even to the app's own pods' neighbours
    expect(canConnect(objects, stranger('default'), a, 8080)).toBe(false);
    // the kubelet's probes come from the node
    expect(canConnect(objects, { kind: 'node' }, a, 6000)).toBe(true);
  });

  test('the app is a peer of other policies: its selector labels, in its namespace', () => {
    const chart = freshChart({ namespace: 'shop' });
    const app = store(chart);
    expect(app.toNetworkPeer().podLabels).toEqual({ 'app.kubernetes.io/name': 'store' });
    expect(app.toNetworkPeer().namespaceName).toBe('shop');
  });
});

describe('StatefulApp NetworkPolicy customised', () => {
  test('declared clients of every kind, per port, monitoring, a name and egress lockdown', () => {
    const chart = freshChart({ namespace: 'shop' });
    const other = new Chart(chart.node.scope!, 'frontends', { namespace: 'web' });
    const frontend = new kplus.Deployment(other, 'frontend', { containers: [{ image: 'registry.example.com/frontend:1.0', portNumber: 8080 }] });
    const orders = new StatefulApp(chart, 'orders', { container: { image: 'registry.example.com/orders:1.0', ports: [{ number: 8080, name: 'http' }] } });
    const app = store(chart, {
      container: {
        image: 'registry.example.com/store:1.0',
        ports: [{ number: 6000, name: 'api' }, { number: 6001, name: 'admin-api' }, { number: 7000, name: 'replication' }, { number: 9100, name: 'metrics' }],
      },
      metrics: { scrape: Scrape.podMonitor() },
      networkPolicy: NetworkAccess.restricted({
        name: 'store-access',
        clients: [orders, NetworkPeer.workload(frontend)],
        monitoring: [NetworkPeer.namespace('monitoring')],
        egress: {
          destinations: [
            { peer: NetworkPeer.cidr('10.40.0.0/16', ['10.40.9.0/24']), ports: [443] },
            { peer: NetworkPeer.podsInNamespaces({ app: 'vault' }, { team: 'security' }) },
          ],
        },
      }),
    });
    app.allowClientsFrom(NetworkPeer.pods({ role: 'operator' }), { ports: [6001] });
    app.allowClientsFrom(NetworkPeer.namespaces({ env: 'ci' }), { ports: [6001] });
    app.allowClientsFrom(NetworkPeer.cidr('2001:db8::/64'), { ports: [6000] });
    const objects = synthValidated(chart);
    const policy = findObject(objects, 'NetworkPolicy', 'store-access');
    expect(policy.metadata.namespace).toBe('shop');
    const own = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'store' } } };
    const tcp = (...ports: number[]) => ports.map(port => ({ port, protocol: 'TCP' }));
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([
      { from: [own], ports: tcp(6000, 6001, 7000, 9100) },
      {
        from: [
          // another app of the same namespace: its pods
          { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } } },
          // a cdk8s-plus workload of another namespace: its selector in its namespace
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } },
            podSelector: { matchLabels: frontend.matchLabels },
          },
        ],
        ports: tcp(6000, 6001),
      },
      { from: [{ podSelector: { matchLabels: { role: 'operator' } } }, { namespaceSelector: { matchLabels: { env: 'ci' } } }], ports: tcp(6001) },
      { from: [{ ipBlock: { cidr: '2001:db8::/64' } }], ports: tcp(6000) },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: tcp(9100) },
    ]);
    expect(policy.spec.egress).toEqual([
      {
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      },
      { to: [own], ports: tcp(6000, 6001, 7000, 9100) },
      { to: [{ ipBlock: { cidr: '10.40.0.0/16', except: ['10.40.9.0/24'] } }], ports: tcp(443) },
      { to: [{ namespaceSelector: { matchLabels: { team: 'security' } }, podSelector: { matchLabels: { app: 'vault' } } }] },
    ]);

    // what reaches what
    const [s0, s1] = podsOf(findObject(objects, 'StatefulSet', 'store'));
    const ordersPod = pod('orders-0', { 'app.kubernetes.io/name': 'orders' }, 'shop');
    const frontendPod = pod('frontend-1', { ...frontend.matchLabels }, 'web');
    const frontendElsewhere = pod('frontend-2', { ...frontend.matchLabels }, 'shop');
    const operator = pod('operator', { role: 'operator' }, 'shop');
    const ci = pod('runner', { anything: 'x' }, 'ci-42', { env: 'ci' });
    const prometheus = pod('prometheus-0', { app: 'prometheus' }, 'monitoring');
    for (const port of [6000, 6001, 7000, 9100]) {
      expect([port, canConnect(objects, s0, s1, port)]).toEqual([port, true]);
      expect([port, canConnect(objects, s1, s0, port)]).toEqual([port, true]);
    }
    expect(canConnect(objects, ordersPod, s0, 6000)).toBe(true);
    expect(canConnect(objects, ordersPod, s0, 6001)).toBe(true);
    expect(canConnect(objects, ordersPod, s0, 7000)).toBe(false);
    expect(canConnect(objects, ordersPod, s0, 9100)).toBe(false);
    expect(canConnect(objects, frontendPod, s0, 6000)).toBe(true);
    expect(canConnect(objects, frontendElsewhere, s0, 6000)).toBe(false);
    expect(canConnect(objects, operator, s0, 6001)).toBe(true);
    expect(canConnect(objects, operator, s0, 6000)).toBe(false);
    expect(canConnect(objects, ci, s0, 6001)).toBe(true);
    expect(canConnect(objects, ci, s0, 6000)).toBe(false);
    expect(canConnect(objects, { kind: 'address', ip: '2001:db8::42' }, s0, 6000)).toBe(true);
    expect(canConnect(objects, { kind: 'address', ip: '2001:db8:1::42' }, s0, 6000)).toBe(false);
    expect(canConnect(objects, prometheus, s0, 9100)).toBe(true);
    expect(canConnect(objects, prometheus, s0, 6000)).toBe(false);
    // clients declared on every client port: strangers reach none
    expect(canConnect(objects, stranger('shop'), s0, 6000)).toBe(false);
    expect(canConnect(objects, stranger('shop'), s0, 6001)).toBe(false);
    expect(canConnect(objects, stranger('shop'), s0, 9100)).toBe(false);

    // egress: DNS, the peers and the declared destinations only
    const dns = pod('coredns-1', { 'k8s-app': 'kube-dns' }, 'kube-system');
    expect(canConnect(objects, s0, dns, 53, 'UDP')).toBe(true);
    expect(canConnect(objects, s0, dns, 53, 'TCP')).toBe(true);
    expect(canConnect(objects, s0, pod('vault-0', { app: 'vault' }, 'secrets', { team: 'security' }), 8200)).toBe(true);
    expect(canConnect(objects, s0, pod('vault-0', { app: 'vault' }, 'secrets'), 8200)).toBe(false);
    expect(canConnect(objects, s0, ordersPod, 8080)).toBe(false);
    expect(toYaml([policy])).toMatchSnapshot();
  });

  test('allowClientsFrom gives an app without a policy its policy, after construction', () => {
    const chart = freshChart();
    const app = new StatefulApp(chart, 'cache', { container: { image: 'redis:7.2', ports: [{ number: 6379, name: 'redis' }] } });
    const api = new StatefulApp(chart, 'api', { container: { image: 'registry.example.com/api:1.0', ports: [{ number: 8080, name: 'http' }] } });
    expect(app.networkPolicy).toBeUndefined();
    app.allowClientsFrom(api);
    expect(app.networkPolicy).toBeDefined();
    const objects = synthValidated(chart);
    const [cache0] = podsOf(findObject(objects, 'StatefulSet', 'cache'));
    const [api0] = podsOf(findObject(objects, 'StatefulSet', 'api'));
    expect(canConnect(objects, api0, cache0, 6379)).toBe(true);
    expect(canConnect(objects, stranger('default'), cache0, 6379)).toBe(false);
    // the api has no policy: anyone reaches it
    expect(canConnect(objects, stranger('default'), api0, 8080)).toBe(true);
  });

  test('openUntilDeclared: false leaves a port without declared clients to the app\'s own pods', () => {
    const chart = freshChart();
    store(chart, { clientService: undefined, networkPolicy: NetworkAccess.restricted({ openUntilDeclared: false }) });
    const objects = synthValidated(chart);
    expect(findObject(objects, 'NetworkPolicy').spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'store' } } }],
      ports: [{ port: 6000, protocol: 'TCP' }, { port: 7000, protocol: 'TCP' }],
    }]);
    const [a, b] = podsOf(findObject(objects, 'StatefulSet'));
    expect(canConnect(objects, a, b, 6000)).toBe(true);
    expect(canConnect(objects, stranger('default'), a, 6000)).toBe(false);
  });

  test('NetworkAccess.unrestricted() keeps an app with a peer port without policy', () => {
    const chart = freshChart();
    const app = store(chart, { networkPolicy: NetworkAccess.unrestricted() });
    const objects = synthValidated(chart);
    expect(objects.filter(o => o.kind === 'NetworkPolicy')).toEqual([]);
    expect(app.networkPolicy).toBeUndefined();
    // the peer port still stays off the client Service: it is not for clients
    expect(findObject(objects, 'Service', 'store-client').spec.ports).toEqual([{ name: 'api', port: 6000 }]);
  });

  test('a UDP port and a sidecar port are in the policy with their protocol', () => {
    const chart = freshChart();
    store(chart, {
      container: {
        image: 'registry.example.com/store:1.0',
        ports: [{ number: 6000, name: 'api' }, { number: 7000, name: 'replication' }, { number: 7001, name: 'gossip', protocol: kplus.Protocol.UDP }],
      },
      portRoles: { replication: PortRole.PEER, gossip: PortRole.PEER },
      sidecars: [{ name: 'proxy', image: 'registry.example.com/proxy:1.0', ports: [{ number: 8443, name: 'tls' }] }],
    });
    const objects = synthValidated(chart);
    expect(findObject(objects, 'NetworkPolicy').spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'store' } } }],
        ports: [
          { port: 6000, protocol: 'TCP' }, { port: 7000, protocol: 'TCP' }, { port: 7001, protocol: 'UDP' }, { port: 8443, protocol: 'TCP' },
        ],
      },
      { ports: [{ port: 6000, protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }] },
    ]);
    const [a, b] = podsOf(findObject(objects, 'StatefulSet'));
    expect(canConnect(objects, a, b, 7001, 'UDP')).toBe(true);
    expect(canConnect(objects, stranger('default'), a, 7001, 'UDP')).toBe(false);
    expect(canConnect(objects, stranger('default'), a, 8443)).toBe(true);
  });
});

describe('ZooKeeperEnsemble NetworkPolicy', () => {
  test('defaults: servers reach each other on 2888 and 3888, strangers only the client port 2181', () => {
    const chart = freshChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk');
    const objects = synthValidated(chart);
    const policy = findObject(objects, 'NetworkPolicy', 'zk');
    expect(zk.networkPolicy).toBeDefined();
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: ZK_SELECTOR },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: ZK_SELECTOR } }],
          ports: [{ port: 2181, protocol: 'TCP' }, { port: 2888, protocol: 'TCP' }, { port: 3888, protocol: 'TCP' }],
        },
        { ports: [{ port: 2181, protocol: 'TCP' }] },
      ],
    });
    const servers = podsOf(findObject(objects, 'StatefulSet'));
    for (const a of servers) {
      for (const b of servers) {
        for (const port of [2181, 2888, 3888]) expect(canConnect(objects, a, b, port)).toBe(true);
      }
      expect(canConnect(objects, stranger('default'), a, 2888)).toBe(false);
      expect(canConnect(objects, stranger('default'), a, 3888)).toBe(false);
      expect(canConnect(objects, stranger('default'), a, 2181)).toBe(true);
    }
  });

  test('a declared client (another app, after construction) reaches 2181 and nothing else; strangers no longer do', () => {
    const chart = freshChart({ namespace: 'coord' });
    const zk = new ZooKeeperEnsemble(chart, 'zk', { metrics: { scrape: Scrape.podMonitor() } });
    const kafka = new StatefulApp(chart, 'kafka', { replicas: 3, container: { image: 'apache/kafka:3.9.0', ports: [{ number: 9092, name: 'kafka' }] } });
    zk.allowClientsFrom(kafka);
    const objects = synthValidated(chart);
    const policy = findObject(objects, 'NetworkPolicy', 'zk');
    expect(policy.spec.ingress.slice(1)).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kafka' } } }], ports: [{ port: 2181, protocol: 'TCP' }] },
      { ports: [{ port: 7000, protocol: 'TCP' }] },
    ]);
    const [zk0] = podsOf(findObject(objects, 'StatefulSet', 'zk'));
    const [kafka0] = podsOf(findObject(objects, 'StatefulSet', 'kafka'));
    expect(canConnect(objects, kafka0, zk0, 2181)).toBe(true);
    expect(canConnect(objects, kafka0, zk0, 2888)).toBe(false);
    expect(canConnect(objects, kafka0, zk0, 3888)).toBe(false);
    expect(canConnect(objects, stranger('coord'), zk0, 2181)).toBe(false);
    // the metrics port: no monitoring declared, so any source (Prometheus wherever it runs)
    expect(canConnect(objects, stranger('monitoring'), zk0, 7000)).toBe(true);
  });

  test('custom ports: the peer ports are the ensemble\'s own, by name', () => {
    const chart = freshChart();
    new ZooKeeperEnsemble(chart, 'zk', { clientPort: 12181, serverPort: 12888, electionPort: 13888 });
    const objects = synthValidated(chart);
    const [a, b] = podsOf(findObject(objects, 'StatefulSet'));
    expect(canConnect(objects, a, b, 12888)).toBe(true);
    expect(canConnect(objects, stranger('default'), a, 12888)).toBe(false);
    expect(canConnect(objects, stranger('default'), a, 13888)).toBe(false);
    expect(canConnect(objects, stranger('default'), a, 12181)).toBe(true);
  });

  test('NetworkAccess.unrestricted() gives the ensemble no policy', () => {
    const chart = freshChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk', { networkPolicy: NetworkAccess.unrestricted() });
    expect(synthValidated(chart).filter(o => o.kind === 'NetworkPolicy')).toEqual([]);
    expect(zk.networkPolicy).toBeUndefined();
  });
});

describe('CassandraRing NetworkPolicy', () => {
  test('defaults: nodes reach each other on gossip, TLS gossip and JMX; strangers only CQL', () => {
    const chart = freshChart();
    const ring = new CassandraRing(chart, 'cassandra');
    const objects = synthValidated(chart);
    const policy = findObject(objects, 'NetworkPolicy', 'cassandra');
    expect(ring.networkPolicy).toBeDefined();
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cassandra' } } }],
        ports: [7000, 7001, 7199, 9042].map(port => ({ port, protocol: 'TCP' })),
      },
      { ports: [{ port: 9042, protocol: 'TCP' }] },
    ]);
    const [a, b] = podsOf(findObject(objects, 'StatefulSet'));
    for (const port of [7000, 7001, 7199, 9042]) expect(canConnect(objects, a, b, port)).toBe(true);
    for (const port of [7000, 7001, 7199]) expect(canConnect(objects, stranger('default'), a, port)).toBe(false);
    expect(canConnect(objects, stranger('default'), a, 9042)).toBe(true);
  });

  test('with racks: one policy over every rack, whose nodes are peers across racks; a client declared on the ring', () => {
    const chart = freshChart();
    const ring = new CassandraRing(chart, 'ring', {
      racks: [{ name: 'a', zone: 'z-a' }, { name: 'b', zone: 'z-b' }],
      replicas: 4,
      clientService: {},
    });
    ring.allowClientsFrom(NetworkPeer.podsInNamespace({ app: 'orders' }, 'shop'));
    const objects = synthValidated(chart);
    expect(objects.filter(o => o.kind === 'NetworkPolicy').map(o => o.metadata.name)).toEqual(['ring']);
    const [a0] = podsOf(findObject(objects, 'StatefulSet', 'ring-a'));
    const [b0] = podsOf(findObject(objects, 'StatefulSet', 'ring-b'));
    expect(canConnect(objects, a0, b0, 7000)).toBe(true);
    expect(canConnect(objects, b0, a0, 7199)).toBe(true);
    const orders = pod('orders-0', { app: 'orders' }, 'shop');
    expect(canConnect(objects, orders, b0, 9042)).toBe(true);
    expect(canConnect(objects, orders, b0, 7000)).toBe(false);
    expect(canConnect(objects, stranger('default'), b0, 9042)).toBe(false);
    expect(ring.toNetworkPeer().podLabels).toEqual({ 'app.kubernetes.io/name': 'ring' });
  });
});

describe('fails', () => {
  const zk = () => new ZooKeeperEnsemble(freshChart(), 'zk');

  test('fails for a client declared on a port the app does not have', () => {
    expect(() => zk().allowClientsFrom(NetworkPeer.pods({ app: 'kafka' }), { ports: [9092] })).toThrow(
      'test/zk: invalid allowClientsFrom ports[0] 9092: is not a port of the app (ports: 2181 (client), 2888 (server), 3888 (leader-election)); '
      + 'a client can only be declared on a port a container declares');
  });

  test('fails for a client declared on a peer port', () => {
    expect(() => zk().allowClientsFrom(NetworkPeer.pods({ app: 'kafka' }), { ports: [2888] })).toThrow(
      'test/zk: invalid allowClientsFrom ports[0] 2888: is a peer port (2888 (server)): only the app\'s own pods reach it; '
      + 'declare clients on its client ports (2181 (client))');
  });

  test('fails for a client declared on the metrics port', () => {
    const ensemble = new ZooKeeperEnsemble(freshChart(), 'zk', { metrics: {} });
    expect(() => ensemble.allowClientsFrom(NetworkPeer.namespace('monitoring'), { ports: [7000] })).toThrow(
      'test/zk: invalid allowClientsFrom ports[0] 7000: is the metrics port: declare who scrapes it with networkPolicy.monitoring');
  });

  test.each([
    ['10.0.0.0/33', 'is not a CIDR: give a network address and a prefix length, e.g. "10.20.0.0/16" or "2001:db8::/64"'],
    ['10.0.0.0', 'is not a CIDR'],
    ['10.0.0.256/24', 'is not a CIDR'],
    ['db.example.com/32', 'is not a CIDR'],
    ['2001:db8:::/64', 'is not a CIDR'],
    ['10.1.2.3/16', 'has bits set after its /16 prefix, so it is an address, not a network; did you mean "10.1.0.0/16"?'],
    ['2001:db8::1/64', 'has bits set after its /64 prefix, so it is an address, not a network; did you mean "2001:db8::/64"?'],
  ])('fails for a CIDR that is not one: %s', (cidr, message) => {
    expect(() => zk().allowClientsFrom(NetworkPeer.cidr(cidr))).toThrow(`test/zk: invalid allowClientsFrom peer cidr ${JSON.stringify(cidr)}: ${message}`);
  });

  test('fails for a CIDR exception outside its range', () => {
    expect(() => new ZooKeeperEnsemble(freshChart(), 'zk', {
      networkPolicy: NetworkAccess.restricted({ clients: [NetworkPeer.cidr('10.0.0.0/16', ['10.1.0.0/24'])] }),
    })).toThrow('test/zk: invalid networkPolicy.clients[0] except[0] "10.1.0.0/24": must be a range strictly inside 10.0.0.0/16');
  });

  test('fails for a client Service port the policy leaves reachable by nobody: a peer port', () => {
    const chart = freshChart();
    store(chart, { clientService: { ports: [{ name: 'api', port: 6000 }, { name: 'replication', port: 7000 }] } });
    expect(() => synthObjects(chart)).toThrow(
      'test/store: invalid clientService.ports[1] "replication": targets the peer port 7000 (replication), which the NetworkPolicy lets only '
      + 'the app\'s own pods reach, so no client of Service store-client can use it; leave it off the client Service');
  });

  test('fails for a client Service port the policy leaves reachable by nobody: no client declared, and undeclared ports closed', () => {
    const chart = freshChart();
    new ZooKeeperEnsemble(chart, 'zk', { networkPolicy: NetworkAccess.restricted({ openUntilDeclared: false }) });
    expect(() => synthObjects(chart)).toThrow(
      'test/zk: invalid clientService.ports[0] "client": no client is declared for port 2181 (client) and networkPolicy.openUntilDeclared is false, '
      + 'so the NetworkPolicy leaves Service zk-cs\'s port reachable by nobody but the app\'s own pods');
  });

  test('a client Service with its clients declared after construction is accepted with undeclared ports closed', () => {
    const chart = freshChart();
    const ensemble = new ZooKeeperEnsemble(chart, 'zk', { networkPolicy: NetworkAccess.restricted({ openUntilDeclared: false }) });
    ensemble.allowClientsFrom(NetworkPeer.pods({ app: 'kafka' }));
    const objects = synthValidated(chart);
    const [zk0] = podsOf(findObject(objects, 'StatefulSet'));
    expect(canConnect(objects, pod('kafka-0', { app: 'kafka' }), zk0, 2181)).toBe(true);
    expect(canConnect(objects, stranger('default'), zk0, 2181)).toBe(false);
  });

  test('fails for a client Service port that targets no container port, even with allowUndeclaredPorts: the policy admits declared ports only', () => {
    const chart = freshChart();
    store(chart, { allowUndeclaredPorts: true, clientService: { ports: [{ name: 'api', port: 80, targetPort: 6080 }] } });
    expect(() => synthObjects(chart)).toThrow(
      'test/store: invalid clientService.ports[0] "api": targets port 6080/TCP, which no container of the app declares: the NetworkPolicy '
      + 'admits only the containers\' ports, so Service store-client leaves it reachable by nobody; declare the port on the container that serves it');
    // without a policy, allowUndeclaredPorts accepts it
    const open = freshChart();
    store(open, { allowUndeclaredPorts: true, networkPolicy: NetworkAccess.unrestricted(), clientService: { ports: [{ name: 'api', port: 80, targetPort: 6080 }] } });
    expect(findObject(synthValidated(open), 'Service', 'store-client').spec.ports).toEqual([{ name: 'api', port: 80, targetPort: 6080 }]);
  });

  test('fails for egress lockdown without DNS', () => {
    expect(() => new ZooKeeperEnsemble(freshChart(), 'zk', { networkPolicy: NetworkAccess.restricted({ egress: { dns: [] } }) })).toThrow(
      'test/zk: invalid networkPolicy.egress.dns []: locks egress down without DNS: the pods could resolve no name, not even their peers\' DNS names');
  });

  test('fails for allowClientsFrom on an app whose policy is unrestricted', () => {
    const ensemble = new ZooKeeperEnsemble(freshChart(), 'zk', { networkPolicy: NetworkAccess.unrestricted() });
    expect(() => ensemble.allowClientsFrom(NetworkPeer.pods({ app: 'kafka' }))).toThrow(
      'test/zk: invalid networkPolicy "NetworkAccess.unrestricted()": allowClientsFrom declares a client of the app\'s NetworkPolicy, '
      + 'but the app has none, so every source reaches it already');
  });

  test('fails for monitoring sources of an app without metrics', () => {
    expect(() => new ZooKeeperEnsemble(freshChart(), 'zk', {
      networkPolicy: NetworkAccess.restricted({ monitoring: [NetworkPeer.namespace('monitoring')] }),
    })).toThrow('test/zk: invalid networkPolicy.monitoring "1 source": the app has no metrics port; give metrics, or leave networkPolicy.monitoring out');
  });

  test('fails for a scraped metrics port that only the app\'s own pods reach', () => {
    const chart = freshChart();
    store(chart, {
      container: {
        image: 'registry.example.com/store:1.0',
        ports: [{ number: 6000, name: 'api' }, { number: 7000, name: 'replication' }, { number: 9100, name: 'metrics' }],
      },
      metrics: { scrape: Scrape.podMonitor() },
      networkPolicy: NetworkAccess.restricted({ openUntilDeclared: false, clients: [NetworkPeer.pods({ app: 'orders' })] }),
    });
    expect(() => synthObjects(chart)).toThrow(
      'test/store: invalid networkPolicy.monitoring (not set): metrics.scrape tells Prometheus to scrape port 9100 (metrics), but with '
      + 'openUntilDeclared false the NetworkPolicy lets only the app\'s own pods reach it; name where Prometheus runs');
  });

  test('fails for a peer whose selector selects every pod or every namespace', () => {
    expect(() => zk().allowClientsFrom(NetworkPeer.pods({}))).toThrow(
      'test/zk: invalid allowClientsFrom peer pod labels {}: these pod labels would select every pod of the namespace');
    expect(() => zk().allowClientsFrom(NetworkPeer.namespaces({}))).toThrow(
      'test/zk: invalid allowClientsFrom peer namespace labels {}: select every namespace; name the namespaces\' labels, or use NetworkPeer.anywhere()');
    const chart = freshChart();
    const job = new kplus.Deployment(chart, 'job', { select: false, containers: [{ image: 'busybox:1.36' }] });
    expect(() => new ZooKeeperEnsemble(chart, 'zk').allowClientsFrom(NetworkPeer.workload(job))).toThrow(
      'test/zk: invalid allowClientsFrom peer pod labels {}: the cdk8s-plus workload test/job has no selector, so it would select every pod of the namespace');
  });

  test('fails for a bad namespace or label of a peer', () => {
    expect(() => zk().allowClientsFrom(NetworkPeer.namespace('Monitoring'))).toThrow(
      'test/zk: invalid allowClientsFrom peer namespace "Monitoring": must be a DNS label');
    expect(() => zk().allowClientsFrom(NetworkPeer.pods({ app: 'a b' }))).toThrow(
      'test/zk: invalid allowClientsFrom peer pod labels["app"] "a b": must be a label value');
  });

  test('fails for a port role of a port the app does not have, for the metrics port, and for an unknown role', () => {
    const chart = freshChart();
    store(chart, { portRoles: { replicaton: PortRole.PEER } });
    expect(() => synthObjects(chart)).toThrow(
      'test/store: invalid portRoles "replicaton": is not the name of a port of the main container or a sidecar (ports: api, replication)');
    expect(() => store(freshChart(), {
      container: { image: 'registry.example.com/store:1.0', ports: [{ number: 6000, name: 'api' }, { number: 9100, name: 'metrics' }] },
      metrics: {},
      portRoles: { metrics: PortRole.PEER },
    })).toThrow('test/store: invalid portRoles["metrics"] "Peer": is the metrics port: who may reach it is networkPolicy.monitoring');
    expect(() => store(freshChart(), { portRoles: { replication: 'admin' as any } })).toThrow(
      'test/store: invalid portRoles["replication"] "admin": must be one of PortRole.CLIENT ("Client"), PortRole.PEER ("Peer")');
  });

  test('fails for a networkPolicy that is not a NetworkAccess', () => {
    expect(() => new ZooKeeperEnsemble(freshChart(), 'zk', { networkPolicy: { clients: [] } as any })).toThrow(
      'test/zk: invalid networkPolicy {"clients":[]}: must be NetworkAccess.restricted({...}) or NetworkAccess.unrestricted()');
  });

  test('fails for a client that is not a peer', () => {
    expect(() => zk().allowClientsFrom({ app: 'kafka' } as any)).toThrow(
      'test/zk: invalid allowClientsFrom peer {"app":"kafka"}: must be a NetworkPeer (NetworkPeer.pods(), .namespace(), .cidr(), .workload(), ...) '
      + 'or a StatefulApp, ZooKeeperEnsemble or CassandraRing');
  });
});

test('the policy is rendered at synthesis: a client declared after another object uses the app is still in it', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  const zk = new ZooKeeperEnsemble(chart, 'zk', { storageSize: Size.gibibytes(1) });
  const before = toYaml(Testing.synth(chart));
  zk.allowClientsFrom(NetworkPeer.pods({ app: 'kafka' }));
  const after = toYaml(Testing.synth(chart));
  expect(before).not.toEqual(after);
  expect(after).toContain('app: kafka');
});
