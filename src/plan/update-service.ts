/**
 * `plan --against` for Services and PodDisruptionBudgets.
 */
import { ObjectChange, Refusal, REFUSED } from './changes';
import { Obj, obj, str } from './k8s';
import { LoadedObject } from './load';
import { diffPaths, isLive, normalizeServiceSpec, prune, short } from './semantic';
import { objectChange } from './update-storage';
import { namespaceOf } from './world';

// ---------------------------------------------------------------------------
// Service: `ValidateServiceUpdate` and `validateUpgradeDowngradeClusterIPs`
// (pkg/apis/core/validation/validation.go). Unless either side is of type ExternalName, a Service
// cannot go from headless (clusterIP: None) to having an IP or back, and an IP once set cannot
// change. An apply that does not set clusterIP keeps the allocated one (`patchAllocatedValues` in
// pkg/registry/core/service/storage/storage.go).

const SERVICE_RULE = 'ValidateServiceUpdate';

/** Fields the server fills in on a Service: absent from the new manifest, they are kept. */
const SERVICE_ALLOCATED = ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy', 'internalTrafficPolicy', 'healthCheckNodePort'];

function primaryIP(spec: Obj): string | undefined {
  const ips = spec.clusterIPs;
  if (Array.isArray(ips) && typeof ips[0] === 'string' && ips[0] !== '') return ips[0];
  const ip = str(spec, 'clusterIP');
  return ip === undefined || ip === '' ? undefined : ip;
}

export function compareService(o: LoadedObject, n: LoadedObject): ObjectChange {
  const a = normalizeServiceSpec(obj(o.object, 'spec'));
  const b = normalizeServiceSpec(obj(n.object, 'spec'));
  const ns = namespaceOf(n);
  const refusals: Refusal[] = [];
  const findings: ObjectChange['findings'] = [];
  const ipA = primaryIP(a);
  const ipB = primaryIP(b);
  const externalName = a.type === 'ExternalName' || b.type === 'ExternalName';
  const steps = [
    'keep the old clusterIP, or',
    `delete the Service and create it again (kubectl delete service ${n.name} -n ${ns}, then sync): its IP changes, and clients that resolved the old one lose their connections`,
  ];
  if (!externalName) {
    const headlessA = ipA === 'None';
    const headlessB = ipB === 'None';
    if (headlessA !== headlessB && (headlessA || ipB !== undefined)) {
      refusals.push({
        field: 'spec.clusterIP',
        change: `spec.clusterIP: ${short(ipA)} -> ${short(ipB)}`,
        message: `a Service cannot change between headless (clusterIP: None) and having a cluster IP: ${REFUSED}`,
        fix: headlessA
          ? [...steps, 'a StatefulSet\'s governing Service must stay headless: to give clients a stable IP, add a second Service with its own name']
          : steps,
        rule: SERVICE_RULE,
      });
    } else if (ipA !== undefined && ipB !== undefined && ipA !== ipB) {
      refusals.push({
        field: 'spec.clusterIP',
        change: `spec.clusterIP: ${ipA} -> ${ipB}`,
        message: `the cluster IP of a Service cannot change once set: ${REFUSED}`,
        fix: steps,
        rule: SERVICE_RULE,
      });
    } else if (ipA === undefined && ipB !== undefined && ipB !== 'None' && !isLive(o)) {
      findings.push({
        severity: 'error',
        message: `spec.clusterIP ${ipB} is set where the deployed manifest had none: the Service already has an IP the cluster chose, and the update is refused unless it is ${ipB}`,
        fix: `check the IP it has: kubectl get service ${n.name} -n ${ns} -o jsonpath='{.spec.clusterIP}'; leave clusterIP out, or set exactly that`,
      });
    }
  }
  // Accepted changes; fields the server allocated are not changes when the manifest leaves them out.
  const withoutAllocated = (spec: Obj, other: Obj) => {
    const copy = structuredClone(spec);
    for (const k of SERVICE_ALLOCATED) if (other[k] === undefined || k === 'clusterIP' || k === 'clusterIPs') delete copy[k];
    if (Array.isArray(copy.ports) && isLive(o)) {
      copy.ports = copy.ports.map((p) => {
        const q = { ...(p as Obj) };
        if (!Array.isArray(other.ports) || other.ports.every((x) => (x as Obj).nodePort === undefined)) delete q.nodePort;
        return q;
      });
    }
    return prune(copy);
  };
  const other: string[] = [];
  diffPaths(withoutAllocated(a, b), withoutAllocated(b, a), 'spec', other);
  const changed = refusals.length > 0 || other.length > 0;
  return objectChange('Service', n, changed ? 'changed' : 'unchanged', { refusals, other, findings });
}

// ---------------------------------------------------------------------------
// PodDisruptionBudget: policy/v1 budgets are mutable (since Kubernetes 1.15 the registry strategy's
// ValidateUpdate, pkg/registry/policy/poddisruptionbudget/strategy.go, validates only the new
// object, which the create-time checks of the plan already do).

export function compareBudget(o: LoadedObject, n: LoadedObject): ObjectChange {
  const other: string[] = [];
  diffPaths(prune(obj(o.object, 'spec')), prune(obj(n.object, 'spec')), 'spec', other);
  return objectChange('PodDisruptionBudget', n, other.length > 0 ? 'changed' : 'unchanged', { other });
}
