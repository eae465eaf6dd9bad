import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ClientAccessOptions, EgressDestination, INetworkPeer, NetworkAccess, NetworkAccessKind, NetworkPeer, NetworkPeerKind,
  NetworkPolicyOptions, PortRole,
} from '../network-policy';
import { checkDnsLabel, checkDnsSubdomain, checkEnumValue, checkInteger, checkLabels, ErrorScope, invalid } from '../validation';

// The NetworkPolicy of a StatefulApp, derived from its ports and selector labels. Not part of the
// public API: StatefulApp creates it and tells it what it knows of itself.
//
// Semantics followed (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
// policies are additive; a pod selected by a policy for a direction accepts only what some rule
// allows; a `from`/`to` entry with podSelector alone selects pods of the policy's own namespace;
// namespaceSelector and podSelector in one entry select pods matching both; a rule without `from`
// (`to`) admits any source (destination); a rule without `ports` admits every port.

/** The label the control plane sets on every namespace to its name (Kubernetes 1.21 and later). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** What a port of the app is for, in the policy. */
export type PortUse = 'client' | 'peer' | 'metrics';

/** A container port of the app with what it is for. */
export interface AppPort {
  readonly number: number;
  readonly name?: string;
  /** TCP, UDP or SCTP. */
  readonly protocol: string;
  readonly use: PortUse;
}

/** A Service of the app, for the check that every port of it is reachable by someone. */
export interface AppService {
  /** The field that sets its ports, e.g. `clientService.ports`. */
  readonly field: string;
  readonly name: string;
  /** A client Service is for other pods: a port that only the app's own pods reach serves nobody. */
  readonly forClients: boolean;
  readonly ports: kplus.ServicePort[];
}

/** What the policy needs of its app; functions are read when needed, since an app grows after construction. */
export interface PolicyHost {
  readonly scope: Construct;
  readonly errors: ErrorScope;
  /** The app's name (the policy's default name). */
  readonly name: string;
  /** The namespace the app's pods run in (`default` when none is set). */
  readonly namespace: string;
  readonly selectorLabels: { [key: string]: string };
  /** The ports of the main container and the sidecars, with what each is for. */
  readonly ports: () => AppPort[];
  readonly services: () => AppService[];
  /** Whether `metrics.scrape` tells Prometheus to scrape the metrics port. */
  readonly scraped: boolean;
  readonly metadata: (name: string) => { [key: string]: unknown };
}

/** A client declared for some or all client ports. */
interface Declaration {
  readonly peer: NetworkPeer;
  /** Port numbers, or undefined for every client port. */
  readonly ports?: number[];
  readonly field: string;
}

/** `2181/TCP` */
function portKey(number: number, protocol: string): string {
  return `${number}/${protocol}`;
}

function describePort(p: AppPort): string {
  return `${p.number}${p.protocol !== 'TCP' ? `/${p.protocol}` : ''}${p.name ? ` (${p.name})` : ''}`;
}

/**
 * Checks the access choice: an object of `NetworkAccess`, with valid options. Returns the options
 * of a restricted access, undefined for an unrestricted one.
 */
export function checkNetworkAccess(errors: ErrorScope, access: NetworkAccess): NetworkPolicyOptions | undefined {
  if (!(access instanceof NetworkAccess)) {
    throw invalid(errors, 'networkPolicy', access, 'must be NetworkAccess.restricted({...}) or NetworkAccess.unrestricted()');
  }
  if (access.kind === NetworkAccessKind.UNRESTRICTED) return undefined;
  const options = access.options ?? {};
  if (options.name !== undefined) checkDnsSubdomain(errors, 'networkPolicy.name', options.name);
  checkPeerList(errors, 'networkPolicy.clients', options.clients);
  checkPeerList(errors, 'networkPolicy.monitoring', options.monitoring);
  const egress = options.egress;
  if (egress !== undefined) {
    if (egress.dns !== undefined) {
      checkPeerList(errors, 'networkPolicy.egress.dns', egress.dns);
      if (egress.dns.length === 0) {
        throw invalid(errors, 'networkPolicy.egress.dns', egress.dns,
          'locks egress down without DNS: the pods could resolve no name, not even their peers\' DNS names, and would fail to start '
          + 'or to find each other; leave dns out for the cluster DNS (NetworkPeer.kubeDns()), or name the DNS servers, e.g. '
          + '[NetworkPeer.cidr(\'169.254.20.10/32\')] for a node-local DNS cache');
      }
    }
    (egress.destinations ?? []).forEach((d, i) => checkDestination(errors, `networkPolicy.egress.destinations[${i}]`, d));
  }
  return options;
}

function checkPeerList(errors: ErrorScope, field: string, peers: INetworkPeer[] | undefined): void {
  if (peers === undefined) return;
  if (!Array.isArray(peers)) {
    throw invalid(errors, field, peers, 'must be a list of peers, e.g. [NetworkPeer.namespace(\'monitoring\')]');
  }
  peers.forEach((p, i) => checkPeer(errors, `${field}[${i}]`, p));
}

function checkDestination(errors: ErrorScope, field: string, d: EgressDestination): void {
  if (d === null || typeof d !== 'object') {
    throw invalid(errors, field, d, 'must be { peer, ports? }');
  }
  checkPeer(errors, `${field}.peer`, d.peer);
  (d.ports ?? []).forEach((p, i) => checkInteger(errors, `${field}.ports[${i}]`, p, 1, 65535));
}

/**
 * Checks a peer and returns it as a `NetworkPeer`: a CIDR must be one (network address and
 * prefix, exceptions strictly inside it), labels must be labels, and a selector may not be empty
 * (it would select every pod, or every namespace).
 */
export function checkPeer(errors: ErrorScope, field: string, given: INetworkPeer): NetworkPeer {
  const peer = typeof (given as { toNetworkPeer?: unknown } | null)?.toNetworkPeer === 'function' ? given.toNetworkPeer() : undefined;
  if (!(peer instanceof NetworkPeer)) {
    throw invalid(errors, field, given,
      'must be a NetworkPeer (NetworkPeer.pods(), .namespace(), .cidr(), .workload(), ...) or a StatefulApp, ZooKeeperEnsemble or CassandraRing');
  }
  checkEnumValue(errors, `${field} kind`, peer.kind, NetworkPeerKind, 'NetworkPeerKind');
  if (peer.kind === NetworkPeerKind.CIDR) {
    checkCidr(errors, `${field} cidr`, peer.cidrRange);
    const range = parseCidr(peer.cidrRange!)!;
    (peer.cidrExcept ?? []).forEach((e, i) => {
      checkCidr(errors, `${field} except[${i}]`, e);
      if (!strictlyInside(parseCidr(e)!, range)) {
        throw invalid(errors, `${field} except[${i}]`, e,
          `must be a range strictly inside ${peer.cidrRange} (the API server refuses any other exception)`);
      }
    });
    return peer;
  }
  const podLabels = peer.podLabels;
  const namespaceLabels = peer.namespaceLabels;
  const namespace = peer.namespaceName;
  const what = peer.source !== undefined ? `${peer.source} has no selector, so it` : 'these pod labels';
  if (podLabels !== undefined) {
    checkLabels(errors, `${field} pod labels`, podLabels);
    if (Object.keys(podLabels).length === 0 && peer.podExpressions === undefined) {
      throw invalid(errors, `${field} pod labels`, podLabels,
        `${what} would select every pod of the namespace; name the pods' labels, or use NetworkPeer.namespace() if every pod is meant`);
    }
  }
  if (namespaceLabels !== undefined) {
    checkLabels(errors, `${field} namespace labels`, namespaceLabels);
    if (Object.keys(namespaceLabels).length === 0) {
      throw invalid(errors, `${field} namespace labels`, namespaceLabels,
        'select every namespace; name the namespaces\' labels, or use NetworkPeer.anywhere() if every source is meant');
    }
  }
  if (namespace !== undefined) checkDnsLabel(errors, `${field} namespace`, namespace);
  return peer;
}

/** Checks a CIDR: an IPv4 or IPv6 network address with a prefix length, no host bits set. */
export function checkCidr(errors: ErrorScope, field: string, value: string | undefined): void {
  const parsed = typeof value === 'string' ? parseCidr(value) : undefined;
  if (parsed === undefined) {
    throw invalid(errors, field, value, 'is not a CIDR: give a network address and a prefix length, e.g. "10.20.0.0/16" or "2001:db8::/64"');
  }
  const network = networkOf(parsed);
  if (network.address !== parsed.address) {
    throw invalid(errors, field, value,
      `has bits set after its /${parsed.prefix} prefix, so it is an address, not a network; did you mean "${formatCidr(network)}"?`);
  }
}

/** A parsed CIDR: the address as a number of `bits` bits, and the prefix length. */
export interface Cidr {
  readonly address: bigint;
  readonly bits: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n` or an IPv6 address with `/n`; undefined when it is neither. */
export function parseCidr(value: string): Cidr | undefined {
  const m = /^([^/\s]+)\/(0|[1-9]\d{0,2})$/.exec(value);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v4 = parseIPv4(m[1]);
  if (v4 !== undefined) return prefix <= 32 ? { address: v4, bits: 32, prefix } : undefined;
  const v6 = parseIPv6(m[1]);
  if (v6 !== undefined) return prefix <= 128 ? { address: v6, bits: 128, prefix } : undefined;
  return undefined;
}

/** Digits of a number in a base, most significant first (`count` of them). */
function digits(value: bigint, base: bigint, count: number): bigint[] {
  const out: bigint[] = [];
  let rest = value;
  for (let i = 0; i < count; i++) {
    out.unshift(rest % base);
    rest = rest / base;
  }
  return out;
}

function fromDigits(values: number[], base: bigint): bigint {
  return values.reduce((acc, v) => acc * base + BigInt(v), 0n);
}

/** A dotted IPv4 address (no leading zeros, which some parsers read as octal) as a number. */
function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every(p => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return fromDigits(parts.map(Number), 256n);
}

/** An IPv6 address (with `::` and an IPv4 tail allowed) as a number. */
function parseIPv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2) return undefined;
  let body = text;
  let tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[2]);
    if (v4 === undefined) return undefined;
    tail = digits(v4, 65536n, 2).map(Number);
    body = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
  }
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const [head, rest] = body.split('::');
  const a = groups(head);
  const b = rest === undefined ? [] : groups(rest);
  if (a === undefined || b === undefined) return undefined;
  const known = a.length + b.length + tail.length;
  if (rest === undefined ? known !== 8 : known > 7) return undefined;
  const all = rest === undefined ? [...a, ...tail] : [...a, ...new Array<number>(8 - known).fill(0), ...b, ...tail];
  return fromDigits(all, 65536n);
}

/** The size of the range a prefix leaves: 2^(bits - prefix). */
function hostRange(c: Cidr, prefix = c.prefix): bigint {
  return 2n ** BigInt(c.bits - prefix);
}

/** The network of a CIDR: its address without the host bits. */
function networkOf(c: Cidr): Cidr {
  return { ...c, address: c.address - (c.address % hostRange(c)) };
}

/** Whether `inner` lies strictly inside `outer` (same family, longer prefix, same network bits). */
function strictlyInside(inner: Cidr, outer: Cidr): boolean {
  return inner.bits === outer.bits && inner.prefix > outer.prefix && inner.address / hostRange(outer) === outer.address / hostRange(outer);
}

function formatCidr(c: Cidr): string {
  if (c.bits === 32) return `${digits(c.address, 256n, 4).join('.')}/${c.prefix}`;
  const groups = digits(c.address, 65536n, 8).map(g => g.toString(16));
  // The longest run of zero groups (two or more) becomes '::'.
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
  }
  const text = best.start < 0 ? groups.join(':')
    : `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
  return `${text}/${c.prefix}`;
}

/** The NetworkPolicy of an app: created by the app, rendered at synthesis from what was declared until then. */
export class AppNetworkPolicy {
  public readonly object: ApiObject;
  private readonly declarations: Declaration[] = [];
  private readonly monitoring: NetworkPeer[];
  private readonly openUntilDeclared: boolean;

  constructor(private readonly host: PolicyHost, private readonly options: NetworkPolicyOptions) {
    const errors = host.errors;
    const name = options.name ?? host.name;
    (options.clients ?? []).forEach((c, i) => {
      this.declarations.push({ peer: checkPeer(errors, `networkPolicy.clients[${i}]`, c), field: `networkPolicy.clients[${i}]` });
    });
    this.monitoring = (options.monitoring ?? []).map((m, i) => checkPeer(errors, `networkPolicy.monitoring[${i}]`, m));
    this.openUntilDeclared = options.openUntilDeclared ?? true;
    this.object = new k8s.KubeNetworkPolicy(host.scope, 'NetworkPolicy', {
      metadata: host.metadata(name),
      spec: Lazy.any({ produce: () => this.render() }),
    });
  }

  /** Declares a client of some or all client ports; refused for ports the app does not have or that are not client ports. */
  public addClient(given: INetworkPeer, options: ClientAccessOptions, field: string): void {
    const errors = this.host.errors;
    const peer = checkPeer(errors, `${field} peer`, given);
    const ports = this.host.ports();
    const clientPorts = ports.filter(p => p.use === 'client');
    if (options.ports === undefined) {
      if (clientPorts.length === 0) {
        throw invalid(errors, `${field} ports`, options.ports,
          `the app has no client port (ports: ${ports.map(describePort).join(', ') || 'none'}); declare the port on the container, `
          + 'or do not mark it PortRole.PEER');
      }
    } else {
      if (!Array.isArray(options.ports) || options.ports.length === 0) {
        throw invalid(errors, `${field} ports`, options.ports, 'give at least one port number, or leave ports out for every client port');
      }
      options.ports.forEach((n, i) => {
        checkInteger(errors, `${field} ports[${i}]`, n, 1, 65535);
        const found = ports.filter(p => p.number === n);
        if (found.length === 0) {
          throw invalid(errors, `${field} ports[${i}]`, n,
            `is not a port of the app (ports: ${ports.map(describePort).join(', ') || 'none'}); a client can only be declared on a port a container declares`);
        }
        if (found.every(p => p.use === 'peer')) {
          throw invalid(errors, `${field} ports[${i}]`, n,
            `is a peer port (${describePort(found[0])}): only the app's own pods reach it; declare clients on its client ports`
            + (clientPorts.length > 0 ? ` (${clientPorts.map(describePort).join(', ')})` : ''));
        }
        if (found.every(p => p.use === 'metrics')) {
          throw invalid(errors, `${field} ports[${i}]`, n,
            'is the metrics port: declare who scrapes it with networkPolicy.monitoring (e.g. [NetworkPeer.namespace(\'monitoring\')])');
        }
      });
    }
    this.declarations.push({ peer, ports: options.ports ? [...options.ports] : undefined, field });
  }

  /** The checks that depend on what was added after construction: every Service port serves someone. */
  public validate(): void {
    const errors = this.host.errors;
    const ports = this.host.ports();
    const declared = this.declaredPorts(ports);
    for (const svc of this.host.services()) {
      svc.ports.forEach((sp, i) => {
        const target = sp.targetPort ?? sp.port;
        const protocol = sp.protocol ?? kplus.Protocol.TCP;
        const port = ports.find(p => p.number === target && p.protocol === protocol);
        const field = `${svc.field}[${i}]`;
        const shown = `${sp.name ?? sp.port}`;
        if (port === undefined) {
          throw invalid(errors, field, shown,
            `targets port ${target}/${protocol}, which no container of the app declares: the NetworkPolicy admits only the containers' ports, `
            + `so Service ${svc.name} leaves it reachable by nobody; declare the port on the container that serves it`);
        }
        if (!svc.forClients) return;
        if (port.use === 'peer') {
          throw invalid(errors, field, shown,
            `targets the peer port ${describePort(port)}, which the NetworkPolicy lets only the app's own pods reach, so no client of `
            + `Service ${svc.name} can use it; leave it off the client Service`);
        }
        const forNobody = port.use === 'client' ? !this.openUntilDeclared && !declared.has(portKey(port.number, port.protocol))
          : !this.openUntilDeclared && this.monitoring.length === 0;
        if (forNobody) {
          throw invalid(errors, field, shown,
            `no client is declared for port ${describePort(port)} and networkPolicy.openUntilDeclared is false, so the NetworkPolicy leaves `
            + `Service ${svc.name}'s port reachable by nobody but the app's own pods; declare its clients (networkPolicy.clients, or `
            + 'allowClientsFrom after construction), or remove the port from the client Service');
        }
      });
    }
    if (this.host.scraped && !this.openUntilDeclared && this.monitoring.length === 0) {
      const metrics = ports.find(p => p.use === 'metrics');
      throw invalid(errors, 'networkPolicy.monitoring', undefined,
        `metrics.scrape tells Prometheus to scrape port ${metrics ? describePort(metrics) : ''}, but with openUntilDeclared false the `
        + 'NetworkPolicy lets only the app\'s own pods reach it; name where Prometheus runs, e.g. [NetworkPeer.namespace(\'monitoring\')]');
    }
    this.declarations.forEach(d => checkPeer(errors, `${d.field} peer`, d.peer));
  }

  /** The client ports (`number/protocol`) some client was declared for. */
  private declaredPorts(ports: AppPort[]): Set<string> {
    const clientPorts = ports.filter(p => p.use === 'client');
    const keys = new Set<string>();
    for (const d of this.declarations) {
      for (const p of clientPorts) {
        if (d.ports === undefined || d.ports.includes(p.number)) keys.add(portKey(p.number, p.protocol));
      }
    }
    return keys;
  }

  private render(): k8s.NetworkPolicySpec {
    const host = this.host;
    const ports = uniquePorts(host.ports());
    const own: k8s.NetworkPolicyPeer = { podSelector: { matchLabels: { ...host.selectorLabels } } };
    const clientPorts = ports.filter(p => p.use === 'client');
    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    // 1. The app's own pods reach every port of each other: peer traffic, and the app's own tools.
    if (ports.length > 0) ingress.push({ from: [own], ports: ports.map(renderPort) });
    // 2. Declared clients, one rule per set of ports (in the order they were first declared).
    const groups = new Map<string, { ports: AppPort[]; peers: NetworkPeer[] }>();
    for (const d of this.declarations) {
      const reached = d.ports === undefined ? clientPorts : clientPorts.filter(p => d.ports!.includes(p.number));
      const key = reached.map(p => portKey(p.number, p.protocol)).join(',');
      const group = groups.get(key) ?? { ports: reached, peers: [] };
      group.peers.push(d.peer);
      groups.set(key, group);
    }
    for (const g of groups.values()) ingress.push(this.rule(g.peers, g.ports));
    // 3. Client ports nobody was declared for: open to any source, or left to the app's own pods.
    const declared = this.declaredPorts(ports);
    const undeclared = clientPorts.filter(p => !declared.has(portKey(p.number, p.protocol)));
    if (undeclared.length > 0 && this.openUntilDeclared) ingress.push({ ports: undeclared.map(renderPort) });
    // 4. The metrics port: the declared monitoring sources, or any source.
    const metrics = ports.filter(p => p.use === 'metrics');
    if (metrics.length > 0) {
      if (this.monitoring.length > 0) ingress.push(this.rule(this.monitoring, metrics));
      else if (this.openUntilDeclared) ingress.push({ ports: metrics.map(renderPort) });
    }
    const egress = this.options.egress;
    return {
      podSelector: { matchLabels: { ...host.selectorLabels } },
      policyTypes: egress ? ['Ingress', 'Egress'] : ['Ingress'],
      ingress,
      egress: egress ? this.renderEgress(own, ports) : undefined,
    };
  }

  private renderEgress(own: k8s.NetworkPolicyPeer, ports: AppPort[]): k8s.NetworkPolicyEgressRule[] {
    const egress = this.options.egress!;
    const errors = this.host.errors;
    const dns = (egress.dns ?? [NetworkPeer.kubeDns()]).map((p, i) => checkPeer(errors, `networkPolicy.egress.dns[${i}]`, p));
    const dnsPorts = [
      { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
      { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
    ];
    const rules: k8s.NetworkPolicyEgressRule[] = [
      { to: this.peers(dns), ports: dnsPorts },
    ];
    if (ports.length > 0) rules.push({ to: [own], ports: ports.map(renderPort) });
    (egress.destinations ?? []).forEach((d, i) => {
      const peer = checkPeer(errors, `networkPolicy.egress.destinations[${i}].peer`, d.peer);
      const destPorts = d.ports?.map(n => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(n) }));
      rules.push({ to: this.peers([peer]), ports: destPorts });
    });
    return rules;
  }

  /** An ingress rule from the peers to the ports; a peer that is anywhere makes it a rule for any source. */
  private rule(peers: NetworkPeer[], ports: AppPort[]): k8s.NetworkPolicyIngressRule {
    return { from: this.peers(peers), ports: ports.map(renderPort) };
  }

  /** The rendered peers, each once; undefined (any source) when one of them is anywhere. */
  private peers(peers: NetworkPeer[]): k8s.NetworkPolicyPeer[] | undefined {
    if (peers.some(p => p.kind === NetworkPeerKind.ANYWHERE)) return undefined;
    const seen = new Set<string>();
    const out: k8s.NetworkPolicyPeer[] = [];
    for (const p of peers) {
      const rendered = renderPeer(p, this.host.namespace);
      const key = JSON.stringify(rendered);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(rendered);
    }
    return out;
  }
}

/** The ports once each (a number and protocol is one port of the pod, whichever container declares it). */
function uniquePorts(ports: AppPort[]): AppPort[] {
  const seen = new Set<string>();
  return ports.filter(p => {
    const key = portKey(p.number, p.protocol);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function renderPort(p: AppPort): k8s.NetworkPolicyPort {
  return { protocol: p.protocol, port: k8s.IntOrString.fromNumber(p.number) };
}

/** One `from`/`to` entry. A peer in another namespace than the app's is selected with its namespace. */
function renderPeer(peer: NetworkPeer, appNamespace: string): k8s.NetworkPolicyPeer {
  const byName = (name: string) => ({ matchLabels: { [NAMESPACE_NAME_LABEL]: name } });
  switch (peer.kind) {
    case NetworkPeerKind.CIDR:
      return { ipBlock: { cidr: peer.cidrRange!, except: peer.cidrExcept && peer.cidrExcept.length > 0 ? [...peer.cidrExcept] : undefined } };
    case NetworkPeerKind.NAMESPACES:
      return { namespaceSelector: peer.namespaceName !== undefined ? byName(peer.namespaceName) : { matchLabels: peer.namespaceLabels } };
    case NetworkPeerKind.PODS_IN_NAMESPACES:
      return { namespaceSelector: { matchLabels: peer.namespaceLabels }, podSelector: { matchLabels: peer.podLabels } };
    default: {
      const expressions = peer.podExpressions;
      const podSelector: k8s.LabelSelector = {
        matchLabels: peer.podLabels,
        matchExpressions: expressions?.map(e => ({ key: e.key, operator: e.operator, values: e.values })),
      };
      const namespace = peer.namespaceName;
      return namespace !== undefined && namespace !== appNamespace
        ? { namespaceSelector: byName(namespace), podSelector }
        : { podSelector };
    }
  }
}

/** The role marks of a StatefulApp checked: each a PortRole. */
export function checkPortRoles(errors: ErrorScope, roles: { [name: string]: PortRole } | undefined): void {
  if (roles === undefined) return;
  if (roles === null || typeof roles !== 'object' || Array.isArray(roles)) {
    throw invalid(errors, 'portRoles', roles, 'must be a map of port names to roles, e.g. { gossip: PortRole.PEER }');
  }
  for (const [name, role] of Object.entries(roles)) {
    checkEnumValue(errors, `portRoles[${JSON.stringify(name)}]`, role, PortRole, 'PortRole');
  }
}
