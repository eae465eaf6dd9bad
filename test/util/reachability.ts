/**
 * A small evaluator of Kubernetes NetworkPolicies, for the tests: can this source open a
 * connection to this pod on this port? It follows the semantics the Kubernetes documentation
 * defines, point by point, and nothing else
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 *
 * 1. "By default, pods are non-isolated; they accept traffic from any source." A pod is isolated
 *    for ingress (egress) once a NetworkPolicy of its namespace selects it by `podSelector` and has
 *    `Ingress` (`Egress`) in `policyTypes`. Without `policyTypes`, `Ingress` is always set and
 *    `Egress` when the policy has egress rules.
 * 2. "Network policies do not conflict; they are additive": an isolated pod accepts what any rule
 *    of any policy that selects it allows.
 * 3. "For a network flow between two pods to be allowed, both the egress policy on the source pod
 *    and the ingress policy on the destination pod need to allow the traffic."
 * 4. A rule allows traffic that matches both its `from` (`to`) and its `ports`; an empty or missing
 *    `from` (`to`) matches every source (destination), an empty or missing `ports` every port.
 * 5. `podSelector` alone selects pods of the policy's own namespace; `namespaceSelector` alone every
 *    pod of the selected namespaces; both in ONE entry select the pods that match both (AND);
 *    `ipBlock` selects addresses in `cidr` but not in `except`. An empty selector selects all.
 * 6. A port is matched by number or by name (a named port of the destination pod's containers),
 *    with `protocol` (TCP when not given), and `endPort` for a range.
 * 7. "a pod cannot block access to itself", and "traffic to and from the node where a Pod is
 *    running is always allowed" (the kubelet's probes come from there).
 */
/** A pod: its namespace, labels, the labels of its namespace, its named ports and, optionally, its address. */
export interface PodEndpoint {
  readonly kind: 'pod';
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Labels of its namespace. @default { 'kubernetes.io/metadata.name': namespace } (the label the control plane sets) */
  readonly namespaceLabels?: Record<string, string>;
  readonly ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  readonly ip?: string;
}

/** An address outside the cluster (a client behind a load balancer, a host). */
export interface AddressEndpoint {
  readonly kind: 'address';
  readonly ip: string;
}

/** The node the destination pod runs on (the kubelet's probes). */
export interface NodeEndpoint {
  readonly kind: 'node';
}

export type Endpoint = PodEndpoint | AddressEndpoint | NodeEndpoint;

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined;

function selects(selector: Selector, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function namespaceLabelsOf(pod: PodEndpoint): Record<string, string> {
  return pod.namespaceLabels ?? { 'kubernetes.io/metadata.name': pod.namespace };
}

/** An address as a number: IPv4 (dotted) or IPv6 (hexadecimal groups, with `::`). */
function ipToNumber(ip: string): { value: bigint; bits: number } {
  if (ip.includes(':')) {
    const [head, tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return { value: groups.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n), bits: 128 };
  }
  return { value: ip.split('.').reduce((acc, o) => acc * 256n + BigInt(Number(o)), 0n), bits: 32 };
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, prefix] = cidr.split('/');
  const a = ipToNumber(ip);
  const n = ipToNumber(net);
  if (a.bits !== n.bits) return false;
  const range = 2n ** BigInt(a.bits - Number(prefix));
  return a.value / range === n.value / range;
}

/** Point 5: whether one `from`/`to` entry of a policy in `policyNamespace` selects the endpoint. */
function peerSelects(peer: any, policyNamespace: string, who: Endpoint): boolean {
  if (peer.ipBlock) {
    const ip = who.kind === 'node' ? undefined : who.ip;
    return ip !== undefined && inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(ip, e));
  }
  if (who.kind !== 'pod') return false;
  if (peer.namespaceSelector && peer.podSelector) {
    return selects(peer.namespaceSelector, namespaceLabelsOf(who)) && selects(peer.podSelector, who.labels);
  }
  if (peer.namespaceSelector) return selects(peer.namespaceSelector, namespaceLabelsOf(who));
  if (peer.podSelector) return who.namespace === policyNamespace && selects(peer.podSelector, who.labels);
  return false;
}

/** Point 6: whether a rule's ports match the destination pod's port. */
function portsMatch(ports: any[] | undefined, destination: Endpoint, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some(p => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') {
      const named = destination.kind === 'pod' ? destination.ports?.find(c => c.name === p.port) : undefined;
      return named !== undefined && named.containerPort === port && (named.protocol ?? 'TCP') === protocol;
    }
    return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
  });
}

/** Point 1: the policy types of a policy. */
function policyTypes(policy: any): string[] {
  return policy.spec?.policyTypes ?? ['Ingress', ...(policy.spec?.egress ? ['Egress'] : [])];
}

function namespaceOfPolicy(policy: any): string {
  return policy.metadata?.namespace ?? 'default';
}

/** The policies that select the pod for a direction (point 1). */
function selecting(policies: any[], pod: PodEndpoint, direction: 'Ingress' | 'Egress'): any[] {
  return policies.filter(p => p.kind === 'NetworkPolicy' && namespaceOfPolicy(p) === pod.namespace
    && selects(p.spec?.podSelector ?? {}, pod.labels) && policyTypes(p).includes(direction));
}

/**
 * Whether `source` can open a connection to `destination` on `port` (points 1 to 7). `objects`
 * may hold any objects; only the NetworkPolicies count.
 */
export function canConnect(objects: any[], source: Endpoint, destination: PodEndpoint, port: number, protocol = 'TCP'): boolean {
  // Point 7.
  if (source.kind === 'node') return true;
  if (source.kind === 'pod' && source.name === destination.name && source.namespace === destination.namespace) return true;
  // Points 1, 2 and 4, at the destination.
  const ingress = selecting(objects, destination, 'Ingress');
  const admitted = ingress.length === 0 || ingress.some(p => (p.spec.ingress ?? []).some((rule: any) =>
    (!rule.from || rule.from.length === 0 || rule.from.some((peer: any) => peerSelects(peer, namespaceOfPolicy(p), source)))
    && portsMatch(rule.ports, destination, port, protocol)));
  if (!admitted) return false;
  // Point 3: the source's egress too.
  if (source.kind !== 'pod') return true;
  const egress = selecting(objects, source, 'Egress');
  return egress.length === 0 || egress.some(p => (p.spec.egress ?? []).some((rule: any) =>
    (!rule.to || rule.to.length === 0 || rule.to.some((peer: any) => peerSelects(peer, namespaceOfPolicy(p), destination)))
    && portsMatch(rule.ports, destination, port, protocol)));
}

/** The pods of a StatefulSet (`replicas` of them, or two), as endpoints. */
export function podsOf(statefulSet: any, count?: number): PodEndpoint[] {
  const template = statefulSet.spec.template;
  const ports = (template.spec.containers ?? []).flatMap((c: any) => c.ports ?? []);
  const n = count ?? statefulSet.spec.replicas ?? 1;
  return Array.from({ length: n }, (_, i) => ({
    kind: 'pod' as const,
    name: `${statefulSet.metadata.name}-${i}`,
    namespace: statefulSet.metadata.namespace ?? 'default',
    labels: { ...template.metadata.labels },
    ports,
  }));
}

/** The container ports of a StatefulSet's pods. */
export function portsOf(statefulSet: any): Array<{ name?: string; containerPort: number; protocol?: string }> {
  return (statefulSet.spec.template.spec.containers ?? []).flatMap((c: any) => c.ports ?? []);
}

/** A pod that no policy names: in the given namespace, with labels nobody selects. */
export function stranger(namespace: string, name = 'stranger'): PodEndpoint {
  return { kind: 'pod', name, namespace, labels: { 'app.kubernetes.io/name': name } };
}
