import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { effectiveNamespace } from './private/identity';

/**
 * What a container port of an app is for, which decides who may reach it once the app has a
 * NetworkPolicy.
 *
 * @see docs/network-policy.md
 */
export enum PortRole {
  /**
   * A port for the app's clients: reachable from the clients the policy declares
   * (`networkPolicy`'s `clients`, `allowClientsFrom`), and from any source while none is declared
   * (unless `openUntilDeclared` is false). The role of every port not marked otherwise.
   */
  CLIENT = 'Client',
  /**
   * A port for the app's own pods only: replication, gossip, elections, and administration
   * (JMX, an admin API). Never reachable by other pods while the app has a NetworkPolicy.
   */
  PEER = 'Peer',
}

/**
 * What a `NetworkPeer` selects.
 */
export enum NetworkPeerKind {
  /** Pods with labels, in the app's namespace or in a namespace named by the peer. */
  PODS = 'Pods',
  /** Every pod of a namespace (by name) or of the namespaces with labels. */
  NAMESPACES = 'Namespaces',
  /** Pods with labels in the namespaces with labels (both must match). */
  PODS_IN_NAMESPACES = 'PodsInNamespaces',
  /** Addresses in a CIDR range, with exceptions. */
  CIDR = 'Cidr',
  /** Any source or destination: every pod of every namespace and every address. */
  ANYWHERE = 'Anywhere',
}

/**
 * Something a NetworkPolicy can name as a source (a client) or a destination: a `NetworkPeer`, or
 * a construct of this library (`StatefulApp`, `ZooKeeperEnsemble`, `CassandraRing`), which stands
 * for its own pods.
 */
export interface INetworkPeer {
  /** The peer: pods, namespaces or addresses. */
  toNetworkPeer(): NetworkPeer;
}

/** What a peer selects once its labels are known (a cdk8s-plus workload's are read at synthesis). */
interface PeerSelection {
  readonly podLabels?: { [key: string]: string };
  readonly podExpressions?: kplus.LabelSelectorRequirement[];
  readonly namespace?: string;
  readonly namespaceLabels?: { [key: string]: string };
}

/**
 * A source or destination of traffic in a NetworkPolicy rule: pods by their labels, namespaces,
 * both together, a CIDR range, or anywhere.
 *
 * Namespaces are selected by name through the label `kubernetes.io/metadata.name`, which the
 * Kubernetes control plane sets on every namespace (Kubernetes 1.21 and later).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
 */
export class NetworkPeer implements INetworkPeer {
  /**
   * Pods with these labels in the app's own namespace.
   *
   * @param labels labels the pods carry (all of them)
   */
  public static pods(labels: { [key: string]: string }): NetworkPeer {
    const copy = { ...labels };
    return new NetworkPeer(NetworkPeerKind.PODS, () => ({ podLabels: copy }));
  }

  /**
   * Pods with these labels in the named namespace.
   *
   * @param labels labels the pods carry (all of them)
   * @param namespace name of their namespace
   */
  public static podsInNamespace(labels: { [key: string]: string }, namespace: string): NetworkPeer {
    const copy = { ...labels };
    return new NetworkPeer(NetworkPeerKind.PODS, () => ({ podLabels: copy, namespace }));
  }

  /**
   * Pods with these labels in the namespaces with those labels: a pod must match `labels` AND its
   * namespace `namespaceLabels` (one NetworkPolicy peer with both selectors).
   *
   * @param labels labels the pods carry (all of them)
   * @param namespaceLabels labels their namespaces carry (all of them)
   */
  public static podsInNamespaces(labels: { [key: string]: string }, namespaceLabels: { [key: string]: string }): NetworkPeer {
    const pods = { ...labels };
    const namespaces = { ...namespaceLabels };
    return new NetworkPeer(NetworkPeerKind.PODS_IN_NAMESPACES, () => ({ podLabels: pods, namespaceLabels: namespaces }));
  }

  /**
   * Every pod of the named namespace, e.g. `NetworkPeer.namespace('monitoring')` for Prometheus.
   */
  public static namespace(name: string): NetworkPeer {
    return new NetworkPeer(NetworkPeerKind.NAMESPACES, () => ({ namespace: name }));
  }

  /**
   * Every pod of the namespaces with these labels.
   */
  public static namespaces(labels: { [key: string]: string }): NetworkPeer {
    const copy = { ...labels };
    return new NetworkPeer(NetworkPeerKind.NAMESPACES, () => ({ namespaceLabels: copy }));
  }

  /**
   * Addresses in a CIDR range (IPv4 or IPv6, e.g. `10.20.0.0/16` or `2001:db8::/64`), except the
   * ranges in `except`, which must lie inside it. Meant for addresses outside the cluster: pod
   * addresses change, and whether a NetworkPolicy sees a client's own address or one rewritten by a
   * load balancer or the node depends on the network plugin.
   *
   * @param cidr the range, as network address and prefix length
   * @param except ranges inside `cidr` that are not part of the peer
   */
  public static cidr(cidr: string, except?: string[]): NetworkPeer {
    return new NetworkPeer(NetworkPeerKind.CIDR, () => ({}), cidr, except ? [...except] : undefined);
  }

  /**
   * Any source or destination: every pod of every namespace and every address. As a client, it
   * opens the port to all.
   */
  public static anywhere(): NetworkPeer {
    return new NetworkPeer(NetworkPeerKind.ANYWHERE, () => ({}));
  }

  /**
   * The pods of a cdk8s-plus workload (a `Deployment`, `StatefulSet`, `DaemonSet` or `Job`), by
   * its selector (`matchLabels` and `matchExpressions`, read at synthesis, so selectors added to it
   * later count) in its namespace.
   */
  public static workload(workload: kplus.Workload): NetworkPeer {
    return new NetworkPeer(NetworkPeerKind.PODS, () => ({
      podLabels: workload.matchLabels,
      podExpressions: workload.matchExpressions,
      namespace: effectiveNamespace(workload.metadata.namespace ?? Chart.of(workload).namespace),
    }), undefined, undefined, `the cdk8s-plus workload ${workload.node.path}`);
  }

  /**
   * The cluster DNS: pods labelled `k8s-app: kube-dns` in the namespace `kube-system` (the label
   * both kube-dns and CoreDNS carry in kubeadm, EKS, GKE and AKS clusters).
   */
  public static kubeDns(): NetworkPeer {
    return NetworkPeer.podsInNamespace({ 'k8s-app': 'kube-dns' }, 'kube-system');
  }

  private constructor(
    /** What the peer selects. */
    public readonly kind: NetworkPeerKind,
    private readonly select: () => PeerSelection,
    /** The CIDR range of a `cidr()` peer. */
    public readonly cidrRange?: string,
    /** The ranges inside `cidrRange` that are not part of a `cidr()` peer. */
    public readonly cidrExcept?: string[],
    private readonly origin?: string) {}

  /** Labels the selected pods carry; none for a peer of whole namespaces, a CIDR or anywhere. */
  public get podLabels(): { [key: string]: string } | undefined {
    const labels = this.select().podLabels;
    return labels === undefined ? undefined : { ...labels };
  }

  /** Label expressions the selected pods match (a cdk8s-plus workload's `matchExpressions`), if any. */
  public get podExpressions(): kplus.LabelSelectorRequirement[] | undefined {
    const expressions = this.select().podExpressions;
    return expressions === undefined || expressions.length === 0 ? undefined : expressions.map(e => ({ ...e }));
  }

  /** The namespace, by name, of the selected pods; none when the peer is in the app's own namespace or selects namespaces by label. */
  public get namespaceName(): string | undefined {
    return this.select().namespace;
  }

  /** Labels of the namespaces of the selected pods, if the peer selects namespaces by label. */
  public get namespaceLabels(): { [key: string]: string } | undefined {
    const labels = this.select().namespaceLabels;
    return labels === undefined ? undefined : { ...labels };
  }

  /** Where the peer comes from, for messages (the cdk8s-plus workload's path), if it is not plain data. */
  public get source(): string | undefined {
    return this.origin;
  }

  /** The peer itself. */
  public toNetworkPeer(): NetworkPeer {
    return this;
  }
}

/**
 * A destination the app's pods may open connections to when the policy restricts egress.
 */
export interface EgressDestination {
  /**
   * The destination: pods, namespaces, a CIDR range, or a construct of this library.
   */
  readonly peer: INetworkPeer;

  /**
   * TCP ports of the destination.
   *
   * @default - every port
   */
  readonly ports?: number[];
}

/**
 * Egress lockdown: the app's pods may open connections only to the cluster DNS, to each other, and
 * to the destinations declared here. Replies to connections others opened are always allowed.
 */
export interface EgressOptions {
  /**
   * Where the pods resolve names (UDP and TCP port 53). Without DNS no pod could resolve even
   * its peers' names, so an empty list is refused. Give the address of a node-local DNS cache
   * (`NetworkPeer.cidr('169.254.20.10/32')`) if the cluster runs one.
   *
   * @default [NetworkPeer.kubeDns()]
   */
  readonly dns?: INetworkPeer[];

  /**
   * More destinations: databases, other apps, external addresses. The Kubernetes API is not one
   * by default: add it for an app that calls the API (with `automountServiceAccountToken`).
   *
   * @default - none: only DNS and the app's own pods
   */
  readonly destinations?: EgressDestination[];
}

/**
 * Options of an app's NetworkPolicy.
 */
export interface NetworkPolicyOptions {
  /**
   * Name of the NetworkPolicy.
   *
   * @default - the app's name
   */
  readonly name?: string;

  /**
   * Clients of every client port (a port not marked `PortRole.PEER` and not the metrics port).
   * More can be declared after construction with `allowClientsFrom`, also for single ports.
   *
   * @default - none: each client port is open to any source until a client is declared for it
   * (see `openUntilDeclared`)
   */
  readonly clients?: INetworkPeer[];

  /**
   * Who may scrape the metrics port (`metrics`), e.g. `[NetworkPeer.namespace('monitoring')]`.
   * Only for an app with `metrics`.
   *
   * @default - none: the metrics port is open to any source (see `openUntilDeclared`)
   */
  readonly monitoring?: INetworkPeer[];

  /**
   * Whether a port nobody was declared for (a client port without clients, the metrics port
   * without `monitoring`) is open to any source. With `false`, such a port is reachable by the
   * app's own pods only, and a client Service must have its clients declared (one it cannot serve
   * is refused).
   *
   * @default true
   */
  readonly openUntilDeclared?: boolean;

  /**
   * Restrict the pods' outgoing connections to DNS, the app's own pods and the declared
   * destinations.
   *
   * @default - outgoing connections are not restricted
   */
  readonly egress?: EgressOptions;
}

/**
 * Whether an app has a NetworkPolicy.
 */
export enum NetworkAccessKind {
  /** No NetworkPolicy: every pod and address can reach every port of the app. */
  UNRESTRICTED = 'Unrestricted',
  /** A NetworkPolicy derived from the app's ports and labels. */
  RESTRICTED = 'Restricted',
}

/**
 * Who can reach an app's pods: a NetworkPolicy derived from its ports and selector labels, or none.
 *
 * With `restricted()`, the app's own pods reach every port of each other; a peer port
 * (`PortRole.PEER`: ZooKeeper's 2888 and 3888, Cassandra's 7000, 7001 and 7199) is reachable by
 * them alone; a client port by the declared clients (or by anyone while none is declared); the
 * metrics port by the declared `monitoring` sources (or by anyone). Probes keep working: the
 * kubelet probes from the pod's own node, whose traffic a NetworkPolicy does not block.
 *
 * @see docs/network-policy.md
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class NetworkAccess {
  /**
   * A NetworkPolicy derived from the app's ports and selector labels.
   */
  public static restricted(options: NetworkPolicyOptions = {}): NetworkAccess {
    return new NetworkAccess(NetworkAccessKind.RESTRICTED, options);
  }

  /**
   * No NetworkPolicy: every pod and address can reach every port of the app (Kubernetes' default
   * for pods no policy selects).
   */
  public static unrestricted(): NetworkAccess {
    return new NetworkAccess(NetworkAccessKind.UNRESTRICTED);
  }

  private constructor(
    /** Whether the app has a NetworkPolicy. */
    public readonly kind: NetworkAccessKind,
    /** Options of the NetworkPolicy (`restricted()` only). */
    public readonly options?: NetworkPolicyOptions) {}
}

/**
 * Options of declaring a client.
 */
export interface ClientAccessOptions {
  /**
   * The client ports (container port numbers, e.g. ZooKeeper's 2181) the client may reach.
   *
   * @default - every client port of the app
   */
  readonly ports?: number[];
}
