import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { NodeSelectorOperator, NodeSelectorTerm, TopologySpread, WhenUnsatisfiable } from '../scheduling';
import { ErrorScope, FieldScope, invalid } from '../validation';
import { Spreading, StatefulWorkloadOptions } from '../workload-options';
import { effectiveNamespace, labelsMatch, podName } from './identity';

// Checks across the constructs of one chart, run once per chart at synthesis (a node validation of
// the chart): objects of one kind, namespace and name made twice; apps whose selectors overlap;
// static volume sets that bind one claim twice or pin volumes where the pods can never run; two
// default StorageClasses. Each construct registers what these checks need when it is constructed.
// Not part of the public API.

/** What a StatefulApp tells the chart checks. */
export interface AppEntry {
  /** Where its errors are reported (its own path, or its pattern's). */
  readonly errors: ErrorScope;
  /** The props the app was given (a pattern's app: with the pattern's defaults). */
  readonly props: StatefulWorkloadOptions;
  readonly name: string;
  /** Effective namespace. */
  readonly namespace: string;
  readonly selectorLabels: { [key: string]: string };
  /** Labels of the pods (read at synthesis). */
  readonly podLabels: () => { [key: string]: string };
  /** The app's objects, each with the field that names it (read only to report a duplicate). */
  readonly objects: () => Array<[ApiObject, string]>;
}

/** What a static volume set tells the chart checks. */
export interface VolumeSetEntry {
  readonly errors: ErrorScope;
  /** The StatefulApp the volumes are for. */
  readonly app: IConstruct;
  /** Namespace of the claims. */
  readonly namespace: string;
  /** The claims the volumes are pre-bound to, in ordinal order. */
  readonly claimNames: string[];
  /** Node of each volume, in ordinal order, when the volumes are pinned. */
  readonly nodes?: string[];
  readonly objects: Array<[ApiObject, string]>;
}

/** What a StorageClass tells the chart checks. */
export interface StorageClassEntry {
  readonly errors: ErrorScope;
  readonly isDefault: boolean;
  readonly objects: Array<[ApiObject, string]>;
}

interface Registry {
  readonly apps: Array<{ construct: IConstruct; entry: AppEntry }>;
  readonly volumeSets: Array<{ construct: IConstruct; entry: VolumeSetEntry }>;
  readonly storageClasses: Array<{ construct: IConstruct; entry: StorageClassEntry }>;
}

const registries = new WeakMap<Chart, Registry>();
const appEntries = new WeakMap<IConstruct, AppEntry>();

/** Kinds that are not namespaced: their names are unique in the whole cluster. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass',
  'CustomResourceDefinition', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'IngressClass', 'RuntimeClass', 'APIService',
]);

function registry(construct: IConstruct, chart: Chart = Chart.of(construct)): Registry {
  let found = registries.get(chart);
  if (!found) {
    const created: Registry = { apps: [], volumeSets: [], storageClasses: [] };
    registries.set(chart, created);
    chart.node.addValidation({ validate: () => checkChart(chart, created) });
    found = created;
  }
  return found;
}

/** Registers a StatefulApp of the chart `chart` (its `Chart.of`). */
export function registerApp(construct: IConstruct, chart: Chart, entry: AppEntry): void {
  registry(construct, chart).apps.push({ construct, entry });
  appEntries.set(construct, entry);
}

/** Registers a static volume set. */
export function registerVolumeSet(construct: IConstruct, entry: VolumeSetEntry): void {
  registry(construct).volumeSets.push({ construct, entry });
}

/** Registers a StorageClass. */
export function registerStorageClass(construct: IConstruct, entry: StorageClassEntry): void {
  registry(construct).storageClasses.push({ construct, entry });
}

/** The path of the construct the user created (a pattern's, for its inner app). */
function pathOf(errors: ErrorScope): string {
  if (errors instanceof FieldScope) return errors.owner.node.path;
  return typeof errors === 'string' ? errors : errors.node.path;
}

/** The registered construct (by error scope) and field that named an object; looked up only to report a duplicate. */
function ownerOf(reg: Registry, object: ApiObject): { errors: ErrorScope; field: string } {
  const entries = [
    ...reg.apps.map(a => ({ errors: a.entry.errors, objects: a.entry.objects() })),
    ...reg.volumeSets.map(v => v.entry),
    ...reg.storageClasses.map(c => c.entry),
  ];
  for (const entry of entries) {
    const found = entry.objects.find(([o]) => o === object);
    if (found !== undefined) return { errors: entry.errors, field: found[1] };
  }
  return { errors: object, field: 'metadata.name' };
}

/** The ApiObjects of a chart, without those of the charts nested in it (which are checked on their own). */
function objectsOf(chart: Chart): ApiObject[] {
  const objects: ApiObject[] = [];
  const visit = (scope: IConstruct) => {
    for (const child of scope.node.children) {
      if (ApiObject.isApiObject(child)) objects.push(child);
      else if (Chart.isChart(child)) continue;
      visit(child);
    }
  };
  visit(chart);
  return objects;
}

function checkChart(chart: Chart, reg: Registry): string[] {
  checkDuplicateObjects(chart, reg);
  checkOverlappingSelectors(reg);
  checkVolumeSets(reg);
  const defaults = reg.storageClasses.filter(s => s.entry.isDefault);
  if (defaults.length > 1) {
    throw invalid(defaults[1].entry.errors, 'isDefault', true,
      `StorageClass ${pathOf(defaults[0].entry.errors)} is the cluster's default class too; with two default classes a claim that names `
      + 'no class gets either one (clusters before 1.26 refuse such claims): mark only one class as default');
  }
  return [];
}

/** Two objects of one kind, namespace and name: applying the manifest keeps only the last. */
function checkDuplicateObjects(chart: Chart, reg: Registry): void {
  const seen = new Map<string, ApiObject>();
  const objects = objectsOf(chart);
  const keyOf = (object: ApiObject): string | undefined => {
    const name = object.metadata.name;
    if (typeof name !== 'string') return undefined;
    const namespace = CLUSTER_SCOPED.has(object.kind) ? '' : effectiveNamespace(object.metadata.namespace);
    return `${object.apiGroup}/${object.kind}/${namespace}/${name}`;
  };
  // First only whether there is a duplicate, by name and then by identity (no key strings for the
  // usual chart, whose objects of one name are of different kinds).
  const sameIdentity = (a: ApiObject, b: ApiObject) => a.kind === b.kind && a.apiGroup === b.apiGroup
    && (CLUSTER_SCOPED.has(a.kind) || effectiveNamespace(a.metadata.namespace) === effectiveNamespace(b.metadata.namespace));
  const byName = new Map<string, ApiObject | ApiObject[]>();
  let duplicates = false;
  for (const object of objects) {
    const name = object.metadata.name;
    if (typeof name !== 'string') continue;
    const named = byName.get(name);
    if (named === undefined) {
      byName.set(name, object);
    } else if (Array.isArray(named) ? named.some(other => sameIdentity(other, object)) : sameIdentity(named, object)) {
      duplicates = true;
      break;
    } else if (Array.isArray(named)) {
      named.push(object);
    } else {
      byName.set(name, [named, object]);
    }
  }
  if (!duplicates) return;
  // StatefulSets first: two apps of one name are reported by their name, not by a Service named after it.
  objects.sort((a, b) => Number(b.kind === 'StatefulSet') - Number(a.kind === 'StatefulSet'));
  for (const object of objects) {
    const key = keyOf(object);
    if (key === undefined) continue;
    const name = object.metadata.name!;
    const namespace = CLUSTER_SCOPED.has(object.kind) ? '' : effectiveNamespace(object.metadata.namespace);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, object);
      continue;
    }
    const a = ownerOf(reg, first);
    const b = ownerOf(reg, object);
    const what = namespace === '' ? `${object.kind} "${name}"` : `${object.kind} "${name}" in namespace ${namespace}`;
    throw invalid(b.errors, b.field, name,
      `${what} is also made by ${pathOf(a.errors)} (its ${a.field}); two objects of one kind, namespace and name overwrite each other `
      + 'when applied, so only the last one would exist: give one of them another name');
  }
}

/** The construct a user created for an app: its pattern for the app of a pattern, else the app. */
function workloadOf(entry: AppEntry, construct: IConstruct): IConstruct {
  return entry.errors instanceof FieldScope ? entry.errors.owner : construct;
}

/**
 * Two apps of one namespace whose selectors match each other's pods: their Services send traffic to
 * both apps' pods, and their PodDisruptionBudgets count both, so a drain can take down more pods
 * of one app than its budget allows (or none at all). The StatefulSets of one workload (the racks
 * of a CassandraRing) share their selector on purpose and are not compared.
 */
function checkOverlappingSelectors(reg: Registry): void {
  // Indexed, so that a chart of many apps is checked in linear time: the apps whose pods carry a
  // label, and the apps whose selector starts with a label (a selector matches only pods that carry
  // its first label).
  const withLabel = new Map<string, number[]>();
  const selectorStartingWith = new Map<string, number[]>();
  const key = (namespace: string, [k, v]: [string, string]) => `${namespace}\0${k}\0${v}`;
  const add = (index: Map<string, number[]>, k: string, i: number) => {
    const list = index.get(k);
    if (list) list.push(i); else index.set(k, [i]);
  };
  const podLabels = reg.apps.map(a => a.entry.podLabels());
  reg.apps.forEach((b, j) => {
    const namespace = b.entry.namespace;
    const selector = Object.entries(b.entry.selectorLabels);
    const selectorKey = selector.length > 0 ? key(namespace, selector[0]) : undefined;
    const podKeys = Object.entries(podLabels[j]).map(pair => key(namespace, pair));
    const found: number[] = [];
    for (const i of selectorKey !== undefined ? withLabel.get(selectorKey) ?? [] : []) found.push(i);
    for (const k of podKeys) for (const i of selectorStartingWith.get(k) ?? []) found.push(i);
    const candidates = found.length > 1 ? [...new Set(found)].sort((x, y) => x - y) : found;
    for (const i of candidates) {
      const a = reg.apps[i];
      if (workloadOf(a.entry, a.construct) === workloadOf(b.entry, b.construct)) continue;
      const aSelectsB = labelsMatch(a.entry.selectorLabels, podLabels[j]);
      const bSelectsA = labelsMatch(b.entry.selectorLabels, podLabels[i]);
      if (!aSelectsB && !bSelectsA) continue;
      const how = bSelectsA
        ? `match the pods of ${pathOf(a.entry.errors)} too (its pods carry ${JSON.stringify(pick(podLabels[i], b.entry.selectorLabels))})`
        : `are matched by the selector of ${pathOf(a.entry.errors)} (${JSON.stringify(a.entry.selectorLabels)}), which these pods carry`;
      throw invalid(b.entry.errors, 'selectorLabels', b.entry.selectorLabels,
        `these selector labels ${how}, in namespace ${b.entry.namespace}: the apps' Services would send traffic to each other's pods and `
        + 'their PodDisruptionBudgets would count each other\'s pods; give each app selector labels of its own (e.g. its own '
        + 'app.kubernetes.io/name or app.kubernetes.io/instance)');
    }
    for (const k of podKeys) add(withLabel, k, j);
    if (selectorKey !== undefined) add(selectorStartingWith, selectorKey, j);
  });
}

function pick(labels: { [key: string]: string }, keys: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.keys(keys).map(k => [k, labels[k]]));
}

/** Whether a pod with these required node terms can run on the node with this host name. */
function termsAllowNode(terms: NodeSelectorTerm[] | undefined, node: string): boolean {
  if (terms === undefined || terms.length === 0) return true;
  return terms.some(term => (term.matchExpressions ?? []).every(r => {
    if (r.key !== TopologySpread.HOSTNAME_KEY) return true;
    const values = r.values ?? [];
    switch (r.operator) {
      case NodeSelectorOperator.IN: return values.includes(node);
      case NodeSelectorOperator.NOT_IN: return !values.includes(node);
      case NodeSelectorOperator.DOES_NOT_EXIST: return false;
      default: return true;
    }
  }));
}

/**
 * Volume sets: one claim bound by two sets; volumes pinned to nodes where their pods may not run
 * (the app's node selector or required node affinity), or pinned together although the app keeps
 * its pods on different nodes.
 */
function checkVolumeSets(reg: Registry): void {
  const claims = new Map<string, IConstruct>();
  for (const { construct, entry } of reg.volumeSets) {
    entry.claimNames.forEach((claim, i) => {
      const key = `${entry.namespace}/${claim}`;
      const other = claims.get(key);
      if (other !== undefined && other !== construct) {
        throw invalid(entry.errors, 'claim', claim,
          `volume set ${other.node.path} already makes a volume for claim ${claim} (namespace ${entry.namespace}); two volumes pre-bound to `
          + `one claim leave one of them unused and make which one binds a race (this set's volume of ordinal index ${i}): `
          + 'give each claim one volume set');
      }
      claims.set(key, construct);
    });
    if (entry.nodes === undefined) continue;
    const app = appEntries.get(entry.app);
    if (app === undefined) continue;
    const props = app.props;
    const replicas = props.replicas ?? 1;
    const startOrdinal = (props as { startOrdinal?: number }).startOrdinal ?? 0;
    const nodes = entry.nodes.slice(0, replicas);
    const appPath = pathOf(app.errors);
    nodes.forEach((node, i) => {
      const pod = podName(app.name, startOrdinal + i);
      const selected = props.nodeSelector?.[TopologySpread.HOSTNAME_KEY];
      if ((selected !== undefined && selected !== node) || !termsAllowNode(props.requiredNodeAffinity, node)) {
        throw invalid(entry.errors, `nodes[${i}]`, node,
          `pins the volume of pod ${pod} to node ${node}, but app ${appPath} may not run there (its nodeSelector or requiredNodeAffinity on `
          + `${TopologySpread.HOSTNAME_KEY} excludes it): pod ${pod} would stay Pending forever; pin the volume to a node the app may use`);
      }
    });
    const spreading = props.spreadAcrossNodes ?? (replicas > 1 ? Spreading.PREFERRED : Spreading.NONE);
    const firstOn = new Map<string, number>();
    const countOn = new Map<string, number>();
    nodes.forEach((node, i) => {
      countOn.set(node, (countOn.get(node) ?? 0) + 1);
      const before = firstOn.get(node);
      if (before === undefined) {
        firstOn.set(node, i);
      } else if (spreading === Spreading.REQUIRED) {
        throw invalid(entry.errors, `nodes[${i}]`, node,
          `pins the volume of pod ${podName(app.name, startOrdinal + i)} to node ${node}, where the volume of pod `
          + `${podName(app.name, startOrdinal + before)} is too, but app ${appPath} keeps its pods on different nodes (spreadAcrossNodes: `
          + `Spreading.REQUIRED): pod ${podName(app.name, startOrdinal + i)} would stay Pending forever. Pin each volume to its own node, `
          + 'or give the app Spreading.PREFERRED');
      }
    });
    // The skew over the pinned nodes alone is a lower bound of the skew the scheduler sees.
    const most = Math.max(0, ...countOn.values());
    const least = Math.min(...countOn.values());
    for (const spread of props.topologySpread ?? []) {
      if (spread.topologyKey === TopologySpread.HOSTNAME_KEY && spread.whenUnsatisfiable === WhenUnsatisfiable.DO_NOT_SCHEDULE
        && most - least > spread.maxSkew) {
        const node = [...countOn.entries()].find(([, n]) => n === most)![0];
        throw invalid(entry.errors, 'nodes', entry.nodes,
          `pins ${most} volumes of app ${appPath} to node ${node} and ${least} to another, but its topologySpread across nodes `
          + `(DO_NOT_SCHEDULE) allows at most ${spread.maxSkew} more pods on one node than on another: some of those pods would stay `
          + 'Pending forever. Spread the volumes evenly over the nodes, raise maxSkew, or use WhenUnsatisfiable.SCHEDULE_ANYWAY');
      }
    }
  }
}
