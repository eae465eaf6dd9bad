// The one place for every naming rule of a stateful app: pod names, pod DNS names, claim names,
// default volume names, namespace and cluster-domain defaults, label merging, and quorum
// arithmetic. StatefulApp, the patterns, the static volume sets and the plan command all call it.
// Not part of the public API.

/** Namespace Kubernetes uses for a namespaced object that names none. */
export const DEFAULT_NAMESPACE = 'default';

/** Cluster DNS domain of a cluster that was not given another one. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** The label a StatefulApp selects its pods by when it is given no selector labels. */
export const NAME_LABEL = 'app.kubernetes.io/name';

/**
 * The label that tells the pods of one rack of a rack-aware CassandraRing from the others: added to
 * each rack's StatefulSet selector, so that the StatefulSets of a ring never select each other's
 * pods. The plan command reads it to show the racks.
 */
export const RACK_LABEL = 'cdk8s-stateful/cassandra-rack';

/** Name of the StatefulSet of a rack of a CassandraRing: `<ring>-<rack>`. */
export function rackStatefulSetName(ring: string, rack: string): string {
  return `${ring}-${rack}`;
}

/** Selector labels of an app that was given none. */
export function defaultSelectorLabels(name: string): { [key: string]: string } {
  return { [NAME_LABEL]: name };
}

/**
 * Merges label (or annotation) maps: later maps win. Selector labels are passed last, so no other
 * label can change what the app's selectors match.
 */
export function mergeLabels(...maps: Array<{ [key: string]: string } | undefined>): { [key: string]: string } {
  const merged: { [key: string]: string } = {};
  for (const m of maps) {
    if (m) Object.assign(merged, m);
  }
  return merged;
}

/**
 * Whether a map selector (`matchLabels`, a Service's `selector`) selects pods with these labels:
 * every selector label is among them, with the same value.
 */
export function labelsMatch(selector: { [key: string]: string }, labels: { [key: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The namespace an object lands in: its own, else Kubernetes' default. */
export function effectiveNamespace(namespace: string | undefined | null): string {
  return namespace !== undefined && namespace !== null && namespace !== '' ? namespace : DEFAULT_NAMESPACE;
}

/** Ordinals of a StatefulSet's pods in start order. */
export function ordinalsOf(startOrdinal: number, replicas: number): number[] {
  return Array.from({ length: replicas }, (_, i) => startOrdinal + i);
}

/** Name of a StatefulSet's pod: `<statefulset>-<ordinal>`. */
export function podName(statefulSet: string, ordinal: number): string {
  return `${statefulSet}-${ordinal}`;
}

/** DNS name of a Service: `<service>.<namespace>.svc.<cluster domain>`. */
export function serviceDnsName(service: string, namespace: string, clusterDomain: string): string {
  return `${service}.${namespace}.svc.${clusterDomain}`;
}

/**
 * The names a Service answers to from inside the cluster, shortest first: `<service>` (same
 * namespace, through the pods' DNS search list), `<service>.<namespace>`, `<service>.<namespace>.svc`
 * and `<service>.<namespace>.svc.<cluster domain>`. A certificate for the Service lists them all,
 * so that a client can verify the host name it connected with, whichever form it used.
 */
export function serviceDnsNameForms(service: string, namespace: string, clusterDomain: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, serviceDnsName(service, namespace, clusterDomain)];
}

/** Stable DNS name of a StatefulSet's pod: `<pod>.<governing service>.<namespace>.svc.<cluster domain>`. */
export function podDnsName(statefulSet: string, ordinal: number, service: string, namespace: string, clusterDomain: string): string {
  return `${podName(statefulSet, ordinal)}.${serviceDnsName(service, namespace, clusterDomain)}`;
}

/**
 * The wildcard DNS name that matches the stable DNS name of every pod a governing Service names:
 * `*.<service>.<namespace>.svc.<cluster domain>` (one label, as wildcards in certificates match).
 */
export function podDnsNameWildcard(service: string, namespace: string, clusterDomain: string): string {
  return `*.${serviceDnsName(service, namespace, clusterDomain)}`;
}

/** Name of the claim a StatefulSet makes from a claim template for a pod: `<template>-<statefulset>-<ordinal>`. */
export function claimName(template: string, statefulSet: string, ordinal: number): string {
  return `${template}-${podName(statefulSet, ordinal)}`;
}

/**
 * Default name of a static PersistentVolume made for one claim. PersistentVolumes are
 * cluster-scoped, so the name carries the claim's namespace: `<namespace>-<claim name>`.
 */
export function staticVolumeName(namespace: string, template: string, statefulSet: string, ordinal: number): string {
  return `${namespace}-${claimName(template, statefulSet, ordinal)}`;
}

/** Servers a majority quorum of `members` needs. */
export function quorumOf(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** Members that may be down while a majority quorum remains. */
export function toleratedFailures(members: number): number {
  return Math.max(Math.floor((members - 1) / 2), 0);
}

/** What names a StatefulSet's pods and claims. */
export interface IdentityValues {
  readonly name: string;
  readonly serviceName: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly startOrdinal: number;
  readonly replicas: number;
}

/** The names of one StatefulSet's pods, DNS records and claims. */
export class Identity {
  constructor(public readonly values: IdentityValues) {}

  public get ordinals(): number[] {
    return ordinalsOf(this.values.startOrdinal, this.values.replicas);
  }

  public get podNames(): string[] {
    return this.ordinals.map(o => podName(this.values.name, o));
  }

  public get podDnsNames(): string[] {
    return this.ordinals.map(o => this.podDnsName(o));
  }

  public get serviceDnsName(): string {
    return serviceDnsName(this.values.serviceName, this.values.namespace, this.values.clusterDomain);
  }

  public podDnsName(ordinal: number): string {
    const v = this.values;
    return podDnsName(v.name, ordinal, v.serviceName, v.namespace, v.clusterDomain);
  }

  public claimNames(template: string): string[] {
    return this.ordinals.map(o => claimName(template, this.values.name, o));
  }
}
