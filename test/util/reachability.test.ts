import { canConnect, PodEndpoint } from './reachability';

// The evaluator against the examples of the Kubernetes documentation
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/), whose outcome the
// documentation states, and against each point of the semantics it follows.

function pod(name: string, namespace: string, labels: Record<string, string>, namespaceLabels?: Record<string, string>, ip?: string): PodEndpoint {
  return { kind: 'pod', name, namespace, labels, namespaceLabels: namespaceLabels && { 'kubernetes.io/metadata.name': namespace, ...namespaceLabels }, ip };
}

/** The example NetworkPolicy of the documentation, as written there. */
const TEST_NETWORK_POLICY = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'test-network-policy', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    }],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
  },
};

describe('the documentation\'s example policy', () => {
  const db = pod('db-0', 'default', { role: 'db' });

  test('allows connections to role=db on TCP 6379 from role=frontend pods of "default"', () => {
    expect(canConnect([TEST_NETWORK_POLICY], pod('fe', 'default', { role: 'frontend' }), db, 6379)).toBe(true);
    expect(canConnect([TEST_NETWORK_POLICY], pod('fe', 'other', { role: 'frontend' }), db, 6379)).toBe(false);
    expect(canConnect([TEST_NETWORK_POLICY], pod('fe', 'default', { role: 'frontend' }), db, 6380)).toBe(false);
    expect(canConnect([TEST_NETWORK_POLICY], pod('fe', 'default', { role: 'frontend' }), db, 6379, 'UDP')).toBe(false);
  });

  test('from any pod in a namespace labelled project=myproject', () => {
    expect(canConnect([TEST_NETWORK_POLICY], pod('x', 'mine', { any: 'thing' }, { project: 'myproject' }), db, 6379)).toBe(true);
    expect(canConnect([TEST_NETWORK_POLICY], pod('x', 'mine', { any: 'thing' }), db, 6379)).toBe(false);
  });

  test('from 172.17.0.0–172.17.0.255 and 172.17.2.0–172.17.255.255, not 172.17.1.0/24', () => {
    expect(canConnect([TEST_NETWORK_POLICY], { kind: 'address', ip: '172.17.0.9' }, db, 6379)).toBe(true);
    expect(canConnect([TEST_NETWORK_POLICY], { kind: 'address', ip: '172.17.200.1' }, db, 6379)).toBe(true);
    expect(canConnect([TEST_NETWORK_POLICY], { kind: 'address', ip: '172.17.1.9' }, db, 6379)).toBe(false);
    expect(canConnect([TEST_NETWORK_POLICY], { kind: 'address', ip: '172.18.0.1' }, db, 6379)).toBe(false);
  });

  test('egress from role=db only to 10.0.0.0/24 on TCP 5978', () => {
    const inRange = pod('svc', 'default', { app: 'svc' }, undefined, '10.0.0.7');
    const outOfRange = pod('svc', 'default', { app: 'svc' }, undefined, '10.0.1.7');
    expect(canConnect([TEST_NETWORK_POLICY], db, inRange, 5978)).toBe(true);
    expect(canConnect([TEST_NETWORK_POLICY], db, inRange, 5979)).toBe(false);
    expect(canConnect([TEST_NETWORK_POLICY], db, outOfRange, 5978)).toBe(false);
  });

  test('other pods of the namespace, selected by no policy, accept all traffic', () => {
    expect(canConnect([TEST_NETWORK_POLICY], pod('x', 'other', {}), pod('web', 'default', { role: 'web' }), 80)).toBe(true);
  });
});

describe('namespaceSelector and podSelector: one entry is AND, two entries are OR', () => {
  const and = {
    kind: 'NetworkPolicy',
    metadata: { name: 'and' },
    spec: {
      podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }],
    },
  };
  const or = {
    kind: 'NetworkPolicy',
    metadata: { name: 'or' },
    spec: {
      podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }],
    },
  };
  const target = pod('t', 'default', { app: 't' });
  const aliceClient = pod('c', 'alice-ns', { role: 'client' }, { user: 'alice' });
  const aliceOther = pod('o', 'alice-ns', { role: 'other' }, { user: 'alice' });
  const localClient = pod('l', 'default', { role: 'client' });

  test('one entry: pods with role=client in namespaces with user=alice', () => {
    expect(canConnect([and], aliceClient, target, 80)).toBe(true);
    expect(canConnect([and], aliceOther, target, 80)).toBe(false);
    expect(canConnect([and], localClient, target, 80)).toBe(false);
  });

  test('two entries: role=client pods of the local namespace, or any pod of a user=alice namespace', () => {
    expect(canConnect([or], aliceClient, target, 80)).toBe(true);
    expect(canConnect([or], aliceOther, target, 80)).toBe(true);
    expect(canConnect([or], localClient, target, 80)).toBe(true);
    expect(canConnect([or], pod('x', 'default', { role: 'other' }), target, 80)).toBe(false);
  });
});

describe('the points of the semantics', () => {
  const target = { ...pod('t-0', 'default', { app: 't' }), ports: [{ name: 'http', containerPort: 8080 }] };
  const deny = { kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
  const allowHttp = {
    kind: 'NetworkPolicy',
    metadata: { name: 'http' },
    spec: {
      podSelector: { matchLabels: { app: 't' } }, ingress: [{ ports: [{ port: 'http' }] }],
    },
  };

  test('a pod selected for ingress accepts only what a rule allows; policies add up', () => {
    const source = pod('s', 'default', { app: 's' });
    expect(canConnect([], source, target, 8080)).toBe(true);
    expect(canConnect([deny], source, target, 8080)).toBe(false);
    expect(canConnect([deny, allowHttp], source, target, 8080)).toBe(true);
    expect(canConnect([deny, allowHttp], source, target, 9090)).toBe(false);
  });

  test('a port is matched by name, with its number and protocol', () => {
    const source = pod('s', 'default', { app: 's' });
    const otherPorts = { ...target, ports: [{ name: 'http', containerPort: 9090 }] };
    expect(canConnect([allowHttp], source, target, 8080)).toBe(true);
    expect(canConnect([allowHttp], source, otherPorts, 8080)).toBe(false);
    expect(canConnect([allowHttp], source, otherPorts, 9090)).toBe(true);
  });

  test('a range of ports with endPort', () => {
    const range = {
      kind: 'NetworkPolicy',
      metadata: { name: 'range' },
      spec: {
        podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
      },
    };
    const source = pod('s', 'default', { app: 's' });
    expect(canConnect([range], source, target, 32000)).toBe(true);
    expect(canConnect([range], source, target, 32768)).toBe(true);
    expect(canConnect([range], source, target, 32769)).toBe(false);
  });

  test('without policyTypes, a policy with egress rules is also an egress policy; without, it is not', () => {
    const egressOnly = {
      kind: 'NetworkPolicy',
      metadata: { name: 'e' },
      spec: {
        podSelector: { matchLabels: { app: 's' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'u' } } }] }],
      },
    };
    const source = pod('s', 'default', { app: 's' });
    expect(canConnect([egressOnly], source, target, 8080)).toBe(false);
    expect(canConnect([egressOnly], source, pod('u', 'default', { app: 'u' }), 8080)).toBe(true);
    // it is an ingress policy too (Ingress is always set), with no ingress rule: s accepts nothing
    expect(canConnect([egressOnly], target, source, 8080)).toBe(false);
  });

  test('a policy of another namespace does not select the pod', () => {
    const elsewhere = { ...deny, metadata: { name: 'deny', namespace: 'other' } };
    expect(canConnect([elsewhere], pod('s', 'default', { app: 's' }), target, 8080)).toBe(true);
  });

  test('a pod cannot block access to itself, nor traffic from its node', () => {
    expect(canConnect([deny], target, target, 8080)).toBe(true);
    expect(canConnect([deny], { kind: 'node' }, target, 8080)).toBe(true);
  });

  test('matchExpressions', () => {
    const policy = {
      kind: 'NetworkPolicy',
      metadata: { name: 'x' },
      spec: {
        podSelector: {},
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'legacy', operator: 'DoesNotExist' }] } }] }],
      },
    };
    expect(canConnect([policy], pod('a', 'default', { tier: 'a' }), target, 1)).toBe(true);
    expect(canConnect([policy], pod('c', 'default', { tier: 'c' }), target, 1)).toBe(false);
    expect(canConnect([policy], pod('l', 'default', { tier: 'a', legacy: 'yes' }), target, 1)).toBe(false);
  });
});
