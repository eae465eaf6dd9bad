import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ErrorScope, invalid } from '../validation';
import { StatefulWorkloadOptions } from '../workload-options';

// How a pattern hands its StatefulApp the shared options. Not part of the public API.

/**
 * The options of `StatefulWorkloadOptions`, by name: what a pattern hands its StatefulApp as one
 * set. Typed as a record of every key, so the compiler refuses a list that misses an option.
 */
const SHARED_OPTIONS: Record<keyof StatefulWorkloadOptions, true> = {
  name: true,
  namespace: true,
  selectorLabels: true,
  labels: true,
  podAnnotations: true,
  annotations: true,
  objectMetadata: true,
  gitOps: true,
  clusterDomain: true,
  replicas: true,
  serviceName: true,
  clientService: true,
  containerName: true,
  resources: true,
  containerSecurity: true,
  podSecurity: true,
  storageClass: true,
  disruptionBudget: true,
  spreadAcrossNodes: true,
  topologySpread: true,
  tolerations: true,
  nodeSelector: true,
  requiredNodeAffinity: true,
  preferredNodeAffinity: true,
  priorityClassName: true,
  updateStrategy: true,
  terminationGracePeriod: true,
  serviceAccountName: true,
  createServiceAccount: true,
  automountServiceAccountToken: true,
  allowUndeclaredPorts: true,
  metrics: true,
  networkPolicy: true,
};

/** Names of the shared options. */
export const SHARED_OPTION_KEYS = Object.keys(SHARED_OPTIONS) as Array<keyof StatefulWorkloadOptions>;

/**
 * Options that were replaced, with what replaces each. Code without types (JavaScript, or a cast)
 * can still pass them: they are refused with the replacement rather than silently ignored.
 */
const REMOVED_OPTIONS: { [name: string]: string } = {
  spreadAcrossZones: 'it was replaced by topologySpread: use [TopologySpread.acrossZones()] for Spreading.PREFERRED, '
    + 'or [TopologySpread.acrossZones({ whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE })] for Spreading.REQUIRED',
};
const REMOVED_OPTION_ENTRIES = Object.entries(REMOVED_OPTIONS);

/** Refuses an option that was replaced, naming its replacement. */
export function checkRemovedOptions(errors: ErrorScope, props: object): void {
  for (const [name, replacement] of REMOVED_OPTION_ENTRIES) {
    const value: unknown = (props as { [key: string]: unknown })[name];
    if (value !== undefined) {
      throw invalid(errors, name, value, replacement);
    }
  }
}

/**
 * The shared options of a pattern's props, and nothing else, with the pattern's defaults under
 * them: a value the user gave wins; `resources`, `containerSecurity` and `podSecurity` merge field
 * by field.
 */
export function sharedOptions(props: StatefulWorkloadOptions, defaults: StatefulWorkloadOptions = {}): StatefulWorkloadOptions {
  const picked: { [key: string]: unknown } = {};
  // A replaced option goes on to the app, which refuses it under the pattern's path.
  for (const key of Object.keys(REMOVED_OPTIONS)) {
    const value: unknown = (props as { [key: string]: unknown })[key];
    if (value !== undefined) picked[key] = value;
  }
  for (const key of SHARED_OPTION_KEYS) {
    const value: unknown = props[key] ?? defaults[key];
    if (value !== undefined) {
      picked[key] = value;
    }
  }
  return {
    ...picked,
    resources: mergeResources(props.resources, defaults.resources),
    containerSecurity: defaults.containerSecurity || props.containerSecurity
      ? { ...defaults.containerSecurity, ...definedFields(props.containerSecurity) } : undefined,
    podSecurity: defaults.podSecurity || props.podSecurity
      ? { ...defaults.podSecurity, ...definedFields(props.podSecurity) } : undefined,
  };
}

/**
 * Resources field by field: each of cpu, memory and ephemeral storage, request and limit, from
 * `given` when it has it, else from `defaults`.
 */
export function mergeResources(
  given: kplus.ContainerResources | undefined,
  defaults: kplus.ContainerResources | undefined,
): kplus.ContainerResources | undefined {
  if (!given) return defaults;
  if (!defaults) return given;
  const pair = <T>(g?: { request?: T; limit?: T }, d?: { request?: T; limit?: T }) => {
    const request = g?.request ?? d?.request;
    const limit = g?.limit ?? d?.limit;
    return request === undefined && limit === undefined ? undefined : { request, limit };
  };
  return {
    cpu: pair(given.cpu, defaults.cpu),
    memory: pair<Size>(given.memory, defaults.memory),
    ephemeralStorage: pair<Size>(given.ephemeralStorage, defaults.ephemeralStorage),
  };
}

function definedFields<T extends object>(value: T | undefined): Partial<T> {
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(value ?? {})) {
    if (v !== undefined) out[k] = v;
  }
  return out as Partial<T>;
}
