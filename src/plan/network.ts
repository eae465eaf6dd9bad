/**
 * Reachability: which sources the NetworkPolicies of the input let reach which ports of a
 * StatefulSet's pods, and which destinations the pods may reach when egress is restricted. A
 * Service port that no rule admits (or, for a client Service, only the pods themselves) is warned
 * of.
 *
 * It follows the semantics of https://kubernetes.io/docs/concepts/services-networking/network-policies/:
 * a pod is isolated for ingress (egress) once a policy of its namespace selects it with that type
 * in `policyTypes` (without `policyTypes`: Ingress always, Egress when the policy has egress rules);
 * policies add up; a rule admits what matches both its `from` (`to`) and its `ports`, an empty list
 * meaning all; `podSelector` alone means pods of the policy's namespace, `namespaceSelector` alone
 * every pod of the namespaces, both in one entry the pods matching both; ports match by number or
 * by the name of a container port, with their protocol (TCP by default) and `endPort`.
 */
import { AddProblem } from './disruption';
import { arr, formatSelector, int, isObj, LabelSelector, listing, Obj, obj, readSelector, selectorIsEmpty, selectorMatches, str } from './k8s';
import { listSome } from './limits';
import { LoadedObject } from './load';
import { serviceSelects } from './services';
import { Draft } from './statefulset';
import { NetworkPlan, PortReachability } from './types';
import { World } from './world';

/** The label the control plane sets on every namespace to its name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A container port of the pods. */
interface PodPort {
  readonly number: number;
  readonly name: string | null;
  readonly protocol: string;
}

/** One source (or destination) of a rule, described. */
interface Peer {
  readonly text: string;
  /** True when it selects the StatefulSet's own pods and nothing outside their namespace. */
  readonly own: boolean;
}

const ANY_SOURCE = 'any source';

function policyTypes(policy: LoadedObject): string[] {
  const spec = obj(policy.object, 'spec');
  const given = arr(spec, 'policyTypes').filter((t): t is string => typeof t === 'string');
  if (given.length > 0) return given;
  return ['Ingress', ...(Array.isArray(spec.egress) ? ['Egress'] : [])];
}

/** The policies of the namespace that select the pods for a direction. */
function selecting(world: World, namespace: string, labels: Record<string, string>, direction: string): LoadedObject[] {
  return (world.networkPolicies.get(namespace) ?? []).filter((p) => {
    const selector = readSelector(obj(p.object, 'spec'), 'podSelector') ?? { matchLabels: {}, matchExpressions: [] };
    return selectorMatches(selector, labels) && policyTypes(p).includes(direction);
  });
}

/** Whether one entry of a rule's `ports` matches the port. */
function portMatches(entry: Obj, port: PodPort): boolean {
  if ((str(entry, 'protocol') ?? 'TCP') !== port.protocol) return false;
  const value = entry.port;
  if (value === undefined || value === null) return true;
  if (typeof value === 'string' && !/^\d+$/.test(value)) return port.name === value;
  const from = int(entry, 'port');
  const to = int(entry, 'endPort') ?? from;
  return from !== undefined && to !== undefined && port.number >= from && port.number <= to;
}

function rulePortsMatch(rule: Obj, port: PodPort): boolean {
  const ports = arr(rule, 'ports').filter(isObj);
  return ports.length === 0 || ports.some((e) => portMatches(e, port));
}

/** The namespace a selector names by `kubernetes.io/metadata.name` alone, if it does. */
function namespaceByName(selector: LabelSelector): string | undefined {
  const keys = Object.keys(selector.matchLabels);
  return keys.length === 1 && keys[0] === NAMESPACE_NAME_LABEL && selector.matchExpressions.length === 0
    ? selector.matchLabels[NAMESPACE_NAME_LABEL] : undefined;
}

/** `pods app=kafka (StatefulSet kafka)`: the selector and the workloads of the input it selects. */
function podsText(selector: LabelSelector, namespace: string | undefined, world: World, self: Draft): string {
  const head = selectorIsEmpty(selector) ? 'every pod' : `pods ${formatSelector(selector)}`;
  if (namespace === undefined) return head;
  const selected = world.podLabels.select(namespace, selector)
    .filter((w) => !(w.kind === 'StatefulSet' && w.name === self.name && w.namespace === self.namespace))
    .map((w) => `${w.kind} ${w.name}`);
  return selected.length > 0 ? `${head} (${listSome(selected)})` : head;
}

/** Describes one `from`/`to` entry of a policy in `namespace`. */
function describePeer(entry: Obj, namespace: string, world: World, self: Draft): Peer {
  const ipBlock = isObj(entry.ipBlock) ? entry.ipBlock : undefined;
  if (ipBlock) {
    const except = arr(ipBlock, 'except').map(String);
    return { text: `${str(ipBlock, 'cidr') ?? '(no cidr)'}${except.length > 0 ? ` except ${listing(except)}` : ''}`, own: false };
  }
  const pods = readSelector(entry, 'podSelector');
  const namespaces = readSelector(entry, 'namespaceSelector');
  if (pods && !namespaces) {
    const own = selectorMatches(pods, self.podLabels) && namespace === self.namespace;
    const text = podsText(pods, namespace, world, self);
    return { text: own ? `its own pods (${formatSelector(pods)})` : text, own };
  }
  if (namespaces) {
    const named = namespaceByName(namespaces);
    const where = named !== undefined ? `namespace ${named}`
      : selectorIsEmpty(namespaces) ? 'every namespace' : `namespaces ${formatSelector(namespaces)}`;
    if (!pods) return { text: `every pod of ${where}`, own: false };
    const own = named === self.namespace && selectorMatches(pods, self.podLabels);
    return { text: own ? `its own pods (${formatSelector(pods)})` : `${podsText(pods, named, world, self)} in ${where}`, own };
  }
  return { text: 'nothing (an empty peer)', own: false };
}

/** The container ports of the StatefulSet's pods. */
function podPorts(d: Draft): PodPort[] {
  const containers = arr(obj(obj(d.spec, 'template'), 'spec'), 'containers').filter(isObj);
  const ports: PodPort[] = [];
  for (const c of containers) {
    for (const p of arr(c, 'ports').filter(isObj)) {
      const number = int(p, 'containerPort');
      if (number === undefined) continue;
      ports.push({ number, name: str(p, 'name') ?? null, protocol: str(p, 'protocol') ?? 'TCP' });
    }
  }
  return ports;
}

/** `2181/TCP` */
function portText(p: { number: number; protocol: string }): string {
  return `${p.number}/${p.protocol}`;
}

/** The sources that reach a port: `null` when the pods are not isolated for ingress. */
function sourcesOf(port: PodPort, policies: LoadedObject[], world: World, d: Draft): Peer[] | null {
  if (policies.length === 0) return null;
  const found = new Map<string, Peer>();
  for (const p of policies) {
    for (const rule of arr(obj(p.object, 'spec'), 'ingress').filter(isObj)) {
      if (!rulePortsMatch(rule, port)) continue;
      const from = arr(rule, 'from').filter(isObj);
      if (from.length === 0) found.set(ANY_SOURCE, { text: ANY_SOURCE, own: false });
      for (const entry of from) {
        const peer = describePeer(entry, d.namespace, world, d);
        if (!found.has(peer.text)) found.set(peer.text, peer);
      }
    }
  }
  // Any source says it all.
  return found.has(ANY_SOURCE) ? [found.get(ANY_SOURCE)!] : [...found.values()];
}

/** What a StatefulSet's pods may reach when a policy restricts their egress. */
function egressOf(policies: LoadedObject[], world: World, d: Draft): string[] {
  const out: string[] = [];
  for (const p of policies) {
    for (const rule of arr(obj(p.object, 'spec'), 'egress').filter(isObj)) {
      const to = arr(rule, 'to').filter(isObj);
      const ports = arr(rule, 'ports').filter(isObj).map((e) => {
        const port = e.port === undefined || e.port === null ? 'every port' : String(e.port);
        const end = int(e, 'endPort');
        return `${port}${end !== undefined ? `-${end}` : ''}/${str(e, 'protocol') ?? 'TCP'}`;
      });
      const where = to.length === 0 ? ['any destination'] : to.map((e) => describePeer(e, d.namespace, world, d).text);
      out.push(`${where.join('; ')} on ${ports.length === 0 ? 'every port' : ports.join(', ')}`);
    }
  }
  return out;
}

/**
 * The reachability of a StatefulSet's pods; `null` when the input has no NetworkPolicy at all (the
 * plan then cannot tell what the cluster's own policies allow, and says nothing).
 */
export function planNetwork(d: Draft, world: World, problem: AddProblem): NetworkPlan | null {
  if (world.networkPolicies.size === 0) return null;
  const ingress = selecting(world, d.namespace, d.podLabels, 'Ingress');
  const egress = selecting(world, d.namespace, d.podLabels, 'Egress');
  const ports = podPorts(d);
  const reach: PortReachability[] = ports.map((p) => {
    const sources = sourcesOf(p, ingress, world, d);
    return { port: p.number, name: p.name, protocol: p.protocol, sources: sources === null ? [ANY_SOURCE] : sources.map((s) => s.text) };
  });

  // Services whose ports reach nobody (or, for a client Service, only the pods themselves).
  if (ingress.length > 0) {
    for (const svc of world.serviceSelectors.candidates(d.namespace, d.podLabels)) {
      if (!serviceSelects(svc, d.podLabels)) continue;
      const spec = obj(svc.object, 'spec');
      const headless = str(spec, 'clusterIP') === 'None';
      for (const sp of arr(spec, 'ports').filter(isObj)) {
        const protocol = str(sp, 'protocol') ?? 'TCP';
        const target = sp.targetPort;
        const named = typeof target === 'string' && !/^\d+$/.test(target) ? target : undefined;
        const number = named !== undefined ? ports.find((p) => p.name === named && p.protocol === protocol)?.number : int(sp, 'targetPort') ?? int(sp, 'port');
        if (number === undefined) continue;
        const port: PodPort = ports.find((p) => p.number === number && p.protocol === protocol) ?? { number, name: null, protocol };
        const sources = sourcesOf(port, ingress, world, d) ?? [];
        const what = `Service ${svc.name} port ${str(sp, 'name') ?? str(sp, 'port') ?? ''} (to ${portText(port)} of the pods)`;
        if (sources.length === 0) {
          problem('warning', `${what} is reachable by nobody: no rule of the NetworkPolicies that select these pods (${listSome(ingress.map((p) => p.name))}) admits ${portText(port)}`,
            `admit the port in a NetworkPolicy that selects the pods (with cdk8s-stateful: declare its clients, allowClientsFrom), or remove it from Service ${svc.name}`);
        } else if (!headless && sources.every((s) => s.own)) {
          problem('warning', `${what} is reachable only by the pods themselves (${sources.map((s) => s.text).join('; ')}): no client of the Service can use it`,
            `admit the Service's clients to ${portText(port)} in a NetworkPolicy that selects the pods, or remove the port from Service ${svc.name}`);
        }
      }
    }
  }

  const egressRules = egress.length > 0 ? egressOf(egress, world, d) : null;
  const message = ingress.length === 0
    ? 'no NetworkPolicy of the input selects these pods: any source reaches every port (unless the cluster has policies of its own)'
    : `NetworkPolicy ${listing(ingress.map((p) => p.name))} ${ingress.length === 1 ? 'selects' : 'select'} these pods: only what ${ingress.length === 1 ? 'its rules admit' : 'their rules admit'} reaches them`;
  return {
    policies: ingress.map((p) => p.name),
    isolated: ingress.length > 0,
    ports: reach,
    egress: egressRules,
    message,
  };
}
