/**
 * Comparing objects the way the API server does: after its defaulting, with `null` and empty maps
 * and lists the same as absent (`apiequality.Semantic.DeepEqual` in
 * k8s.io/apimachinery/pkg/api/equality treats nil and empty maps and slices as equal, and a JSON
 * `null` decodes to the zero value), and quantities by amount (`1Gi` is `1024Mi`).
 *
 * The defaults are those of pkg/apis/apps/v1/defaults.go (`SetDefaults_StatefulSet`) and
 * pkg/apis/core/v1/defaults.go (`SetDefaults_PodSpec`, `SetDefaults_Container`, `SetDefaults_Probe`,
 * `SetDefaults_PersistentVolume`, `SetDefaults_PersistentVolumeClaimSpec`, `SetDefaults_Service`,
 * ...), and pkg/apis/storage/v1/defaults.go (`SetDefaults_StorageClass`), Kubernetes 1.27 to 1.31.
 * They let a live object exported with `kubectl get -o yaml` compare equal to the manifest it was
 * applied from.
 */
import { canonical, isObj, Obj, parseQuantity } from './k8s';
import { LoadedObject } from './load';

/** Keys whose empty mapping means something (an emptyDir volume with default settings). */
const MEANINGFUL_WHEN_EMPTY = new Set(['emptyDir']);

/**
 * A deep copy without `null`s, empty mappings and empty lists (except an `emptyDir: {}`), so that
 * what the API server reads as absent is absent.
 */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((x) => x !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      if (MEANINGFUL_WHEN_EMPTY.has(k) && isObj(v)) {
        out[k] = prune(v) ?? {};
        continue;
      }
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value === null ? undefined : value;
}

/** Whether two values are equal once pruned (see prune). */
export function semanticallyEqual(a: unknown, b: unknown): boolean {
  return canonical(prune(a)) === canonical(prune(b));
}

/** A mapping at `key` of `parent`, created when absent (on objects this module owns). */
function child(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isObj(v)) return v;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

function setDefault(parent: Obj, key: string, value: unknown): void {
  if (parent[key] === undefined || parent[key] === null || parent[key] === '') parent[key] = value;
}

const BINARY_SUFFIXES: [string, number][] = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
const DECIMAL_SUFFIXES: [string, number][] = [['E', 1e18], ['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]];

/**
 * One spelling per amount: `1Gi`, `1024Mi` and `1073741824` all become `1Gi`, `0.5` and `500m`
 * become `500m`, so that quantities compare by amount and still read as quantities.
 */
export function canonicalQuantity(value: unknown): unknown {
  const n = parseQuantity(value);
  if (n === undefined) return value;
  if (n !== 0 && Number.isInteger(n)) {
    for (const [suffix, factor] of BINARY_SUFFIXES) if (n % factor === 0) return `${n / factor}${suffix}`;
    for (const [suffix, factor] of DECIMAL_SUFFIXES) if (n % factor === 0) return `${n / factor}${suffix}`;
    return String(n);
  }
  const milli = Math.round(n * 1000);
  return Math.abs(milli - n * 1000) < 1e-6 ? `${milli}m` : String(n);
}

/** Quantities of a resource list (requests, limits, capacity) in one spelling per amount. */
function quantities(list: unknown): void {
  if (!isObj(list)) return;
  for (const [k, v] of Object.entries(list)) list[k] = canonicalQuantity(v);
}

function each(list: unknown, fn: (item: Obj) => void): void {
  if (Array.isArray(list)) for (const item of list) if (isObj(item)) fn(item);
}

/** `SetDefaults_Probe`, and the HTTP scheme of its handler. */
function probe(p: unknown): void {
  if (!isObj(p)) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  handler(p);
}

/** `SetDefaults_HTTPGetAction` (scheme HTTP) and the gRPC service name the server fills in (""). */
function handler(h: unknown): void {
  if (!isObj(h)) return;
  if (isObj(h.httpGet)) setDefault(h.httpGet, 'scheme', 'HTTP');
  if (isObj(h.grpc) && h.grpc.service === undefined) h.grpc.service = '';
}

/** `SetDefaults_Container`: pull policy, termination message, ports, probes, env field references. */
function container(c: Obj): void {
  const image = typeof c.image === 'string' ? c.image : '';
  const last = image.split('/').pop() ?? '';
  const tag = last.includes('@') ? '' : last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : 'latest';
  setDefault(c, 'imagePullPolicy', last.includes('@') || tag !== 'latest' ? 'IfNotPresent' : 'Always');
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  each(c.ports, (p) => setDefault(p, 'protocol', 'TCP'));
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) probe(c[k]);
  if (isObj(c.lifecycle)) {
    handler(c.lifecycle.postStart);
    handler(c.lifecycle.preStop);
  }
  each(c.env, (e) => {
    const fieldRef = isObj(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
    if (isObj(fieldRef)) setDefault(fieldRef, 'apiVersion', 'v1');
  });
  if (isObj(c.resources)) {
    quantities(c.resources.requests);
    quantities(c.resources.limits);
  }
}

/** `SetDefaults_PodSpec` and the defaults of its containers and volumes. */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  // The server copies serviceAccountName into the deprecated serviceAccount.
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') setDefault(spec, 'serviceAccount', spec.serviceAccountName);
  for (const k of ['containers', 'initContainers']) each(spec[k], container);
  each(spec.volumes, (v) => {
    for (const k of ['configMap', 'secret', 'downwardAPI', 'projected']) {
      if (isObj(v[k])) setDefault(v[k] as Obj, 'defaultMode', 420);
    }
    if (isObj(v.hostPath)) setDefault(v.hostPath, 'type', '');
    if (isObj(v.downwardAPI)) each(v.downwardAPI.items, (i) => { if (isObj(i.fieldRef)) setDefault(i.fieldRef, 'apiVersion', 'v1'); });
  });
}

/** A pod template (`spec.template` of a StatefulSet) with the server's defaults, pruned. */
export function normalizePodTemplate(template: unknown): unknown {
  const t = structuredClone(isObj(template) ? template : {});
  defaultPodSpec(child(t, 'spec'));
  return prune(t);
}

/**
 * A claim template (or a claim's own spec) with the server's defaults, pruned: volumeMode
 * Filesystem (`SetDefaults_PersistentVolumeClaimSpec`), the `apiVersion: v1` and
 * `kind: PersistentVolumeClaim` the server stamps on claim templates, and no status.
 */
export function normalizeClaimTemplate(template: unknown): Obj {
  const t = structuredClone(isObj(template) ? template : {});
  if (t.apiVersion === 'v1') delete t.apiVersion;
  if (t.kind === 'PersistentVolumeClaim') delete t.kind;
  delete t.status;
  if (isObj(t.metadata)) delete t.metadata.creationTimestamp;
  const spec = child(t, 'spec');
  setDefault(spec, 'volumeMode', 'Filesystem');
  if (isObj(spec.resources)) {
    quantities(spec.resources.requests);
    quantities(spec.resources.limits);
  }
  return (prune(t) as Obj | undefined) ?? {};
}

/** `SetDefaults_StatefulSet`, applied to a copy of a StatefulSet spec, then pruned. */
export function normalizeStatefulSetSpec(spec: unknown): Obj {
  const s = structuredClone(isObj(spec) ? spec : {});
  setDefault(s, 'replicas', 1);
  setDefault(s, 'podManagementPolicy', 'OrderedReady');
  setDefault(s, 'revisionHistoryLimit', 10);
  const strategy = child(s, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') setDefault(child(strategy, 'rollingUpdate'), 'partition', 0);
  const retention = child(s, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  if (s.minReadySeconds === 0) delete s.minReadySeconds;
  if (isObj(s.ordinals) && s.ordinals.start === 0) delete s.ordinals;
  s.template = normalizePodTemplate(s.template);
  if (Array.isArray(s.volumeClaimTemplates)) s.volumeClaimTemplates = s.volumeClaimTemplates.map(normalizeClaimTemplate);
  return (prune(s) as Obj | undefined) ?? {};
}

/** `SetDefaults_PersistentVolume` on a copy of a PersistentVolume spec, pruned. */
export function normalizeVolumeSpec(spec: unknown): Obj {
  const s = structuredClone(isObj(spec) ? spec : {});
  setDefault(s, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(s, 'volumeMode', 'Filesystem');
  if (isObj(s.hostPath)) setDefault(s.hostPath, 'type', '');
  quantities(s.capacity);
  return (prune(s) as Obj | undefined) ?? {};
}

/** A PersistentVolumeClaim spec with `SetDefaults_PersistentVolumeClaimSpec` applied, pruned. */
export function normalizeClaimSpec(spec: unknown): Obj {
  const s = structuredClone(isObj(spec) ? spec : {});
  setDefault(s, 'volumeMode', 'Filesystem');
  if (isObj(s.resources)) {
    quantities(s.resources.requests);
    quantities(s.resources.limits);
  }
  return (prune(s) as Obj | undefined) ?? {};
}

/** A StorageClass (its top-level fields) with `SetDefaults_StorageClass` applied, pruned. */
export function normalizeStorageClass(object: Obj): Obj {
  const s: Obj = {};
  for (const k of ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode', 'allowVolumeExpansion', 'mountOptions', 'allowedTopologies']) {
    if (object[k] !== undefined) s[k] = structuredClone(object[k]);
  }
  setDefault(s, 'reclaimPolicy', 'Delete');
  setDefault(s, 'volumeBindingMode', 'Immediate');
  return (prune(s) as Obj | undefined) ?? {};
}

/** `SetDefaults_Service` and the ports' defaults on a copy of a Service spec, pruned. */
export function normalizeServiceSpec(spec: unknown): Obj {
  const s = structuredClone(isObj(spec) ? spec : {});
  setDefault(s, 'type', 'ClusterIP');
  setDefault(s, 'sessionAffinity', 'None');
  if (s.type === 'ClusterIP' || s.type === 'NodePort' || s.type === 'LoadBalancer') setDefault(s, 'internalTrafficPolicy', 'Cluster');
  if (s.type === 'NodePort' || s.type === 'LoadBalancer') setDefault(s, 'externalTrafficPolicy', 'Cluster');
  if (s.type === 'LoadBalancer') setDefault(s, 'allocateLoadBalancerNodePorts', true);
  each(s.ports, (p) => {
    setDefault(p, 'protocol', 'TCP');
    setDefault(p, 'targetPort', p.port);
  });
  return (prune(s) as Obj | undefined) ?? {};
}

/**
 * Whether the object was exported from a cluster (`kubectl get -o yaml`) rather than written: the
 * server sets these fields on every object it stores.
 */
export function isLive(o: LoadedObject): boolean {
  const metadata = isObj(o.object.metadata) ? o.object.metadata : {};
  return ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields'].some((k) => metadata[k] !== undefined && metadata[k] !== null)
    || (isObj(o.object.status) && Object.keys(o.object.status).length > 0);
}

/** Lists the differences between two values as `path: old -> new`. */
export function diffPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (canonical(a) === canonical(b)) return;
  const at = path === '' ? '(root)' : path;
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) diffPaths(a[k], b[k], path === '' ? k : `${path}.${k}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (xs: unknown[]) => xs.every((x) => isObj(x) && typeof x.name === 'string')
      && new Set(xs.map((x) => (x as Obj).name)).size === xs.length;
    if (named(a) && named(b)) {
      const byName = (xs: unknown[]) => new Map(xs.map((x) => [(x as Obj).name as string, x]));
      const ma = byName(a);
      const mb = byName(b);
      const names = [...mb.keys(), ...[...ma.keys()].filter((x) => !mb.has(x))];
      for (const name of names) diffPaths(ma.get(name), mb.get(name), `${path}[${name}]`, out);
      const orderA = [...ma.keys()].filter((x) => mb.has(x));
      const orderB = [...mb.keys()].filter((x) => ma.has(x));
      if (canonical(orderA) !== canonical(orderB)) out.push(`${at}: order ${orderA.join(', ')} -> ${orderB.join(', ')}`);
      return;
    }
    if (a.length === b.length) {
      a.forEach((x, i) => diffPaths(x, b[i], `${path}[${i}]`, out));
      return;
    }
  }
  if (a === undefined) out.push(`${at}: added ${short(b)}`);
  else if (b === undefined) out.push(`${at}: removed (was ${short(a)})`);
  else out.push(`${at}: ${short(a)} -> ${short(b)}`);
}

/** A value on one line, at most 80 characters. */
export function short(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
