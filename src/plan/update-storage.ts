/**
 * `plan --against` for storage: PersistentVolumes, PersistentVolumeClaims and StorageClasses, with
 * the API server's update rules (Kubernetes 1.27 to 1.31). The library generates StorageClasses and
 * PersistentVolumes itself, so their changes reach clusters.
 */
import { ChangeStatus, emptyChange, Finding, ObjectChange, Refusal, REFUSED } from './changes';
import { canonical, isObj, Obj, obj, parseQuantity, str, strMap } from './k8s';
import { LoadedObject } from './load';
import {
  diffPaths,
  isLive,
  normalizeClaimSpec,
  normalizeStorageClass,
  normalizeVolumeSpec,
  short,
} from './semantic';
import { PV_SPEC_FIELDS } from './volumes';
import { namespaceOf } from './world';

const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** An ObjectChange of `kind` with the given fields. */
export function objectChange(kind: string, o: LoadedObject, status: ChangeStatus, fields: Partial<ObjectChange> = {}): ObjectChange {
  const clusterScoped = kind === 'PersistentVolume' || kind === 'StorageClass';
  return { ...emptyChange(kind, clusterScoped ? '' : namespaceOf(o), o.name, status), ...fields };
}

/** The paths that differ between two normalized values, prefixed, except those under `ignored` fields. */
function changedPaths(a: unknown, b: unknown, prefix: string, ignored: Set<string> = new Set()): string[] {
  const out: string[] = [];
  diffPaths(a, b, prefix, out);
  const under = (line: string, field: string) => line.startsWith(`${field}:`) || line.startsWith(`${field}.`) || line.startsWith(`${field}[`);
  return out.filter((line) => ![...ignored].some((field) => under(line, field)));
}

function recreateSteps(kind: string, name: string, ns: string): string[] {
  const flag = ns === '' ? '' : ` -n ${ns}`;
  return [`keep the old value, or delete the ${kind} and create it again (kubectl delete ${kind.toLowerCase()} ${name}${flag}, then sync): what that does to its data is described below`];
}

// ---------------------------------------------------------------------------
// PersistentVolume: `ValidatePersistentVolumeUpdate` (pkg/apis/core/validation/validation.go).
// The volume source (spec.persistentvolumesource: hostPath, nfs, local, csi, ...) is immutable,
// except that csi.controllerExpandSecretRef may be set when it was not; volumeMode is immutable
// (`ValidateImmutableField`); nodeAffinity may be set once and is then immutable;
// volumeAttributesClassName cannot change while the VolumeAttributesClass feature gate is off
// (its default up to 1.31). Capacity, access modes, claimRef, mount options, reclaim policy and
// class may change.

const PV_RULE = 'ValidatePersistentVolumeUpdate';

/** The volume source of a normalized PersistentVolume spec: every field that is not a PV setting. */
function volumeSourceOf(spec: Obj): Obj {
  const source: Obj = {};
  for (const [k, v] of Object.entries(spec)) if (!PV_SPEC_FIELDS.has(k)) source[k] = v;
  return source;
}

export function compareVolume(o: LoadedObject, n: LoadedObject): ObjectChange {
  const a = normalizeVolumeSpec(obj(o.object, 'spec'));
  const b = normalizeVolumeSpec(obj(n.object, 'spec'));
  const refusals: Refusal[] = [];
  const steps = recreateSteps('PersistentVolume', n.name, '');
  const consequence = 'deleting a PersistentVolume object does not touch the storage, but the claim bound to it is left Lost until a PersistentVolume of the same name is created again';

  const sourceA = volumeSourceOf(a);
  const sourceB = volumeSourceOf(b);
  // Setting csi.controllerExpandSecretRef where it was not set is allowed.
  if (isObj(sourceA.csi) && isObj(sourceB.csi) && sourceA.csi.controllerExpandSecretRef === undefined) {
    sourceB.csi = { ...sourceB.csi };
    delete (sourceB.csi as Obj).controllerExpandSecretRef;
  }
  if (canonical(sourceA) !== canonical(sourceB)) {
    refusals.push({
      field: 'spec (volume source)',
      change: `volume source: ${changedPaths(sourceA, sourceB, 'spec').join('; ')}`,
      message: `the volume source of a PersistentVolume (${Object.keys(sourceA).join(', ') || 'none'}) is immutable after creation: ${REFUSED}`,
      fix: [...steps, `${consequence}; to move the data, create a new PersistentVolume with another name and copy the data to it`],
      rule: PV_RULE,
    });
  }
  if (canonical(a.volumeMode) !== canonical(b.volumeMode)) {
    refusals.push({
      field: 'spec.volumeMode',
      change: `spec.volumeMode: ${short(a.volumeMode)} -> ${short(b.volumeMode)}`,
      message: `volumeMode of a PersistentVolume is immutable: ${REFUSED}`,
      fix: [...steps, consequence],
      rule: PV_RULE,
    });
  }
  if (a.nodeAffinity !== undefined && canonical(a.nodeAffinity) !== canonical(b.nodeAffinity)) {
    refusals.push({
      field: 'spec.nodeAffinity',
      change: `node affinity: ${changedPaths(a.nodeAffinity, b.nodeAffinity, 'spec.nodeAffinity').join('; ')}`,
      message: `the node affinity of a PersistentVolume can be set once and is then immutable: ${REFUSED}`,
      fix: [...steps, consequence],
      rule: PV_RULE,
    });
  }
  if (canonical(a.volumeAttributesClassName) !== canonical(b.volumeAttributesClassName)) {
    refusals.push({
      field: 'spec.volumeAttributesClassName',
      change: `spec.volumeAttributesClassName: ${short(a.volumeAttributesClassName)} -> ${short(b.volumeAttributesClassName)}`,
      message: `volumeAttributesClassName cannot change while the VolumeAttributesClass feature gate is off (the default up to Kubernetes 1.31): ${REFUSED}`,
      fix: ['keep the old value, or enable the VolumeAttributesClass feature on the cluster'],
      rule: PV_RULE,
    });
  }
  // Accepted changes. A claimRef the binder filled in on a live object is not a change.
  const ignored = new Set<string>(refusals.map((r) => r.field));
  if (isLive(o) && b.claimRef === undefined) ignored.add('spec.claimRef');
  const settings = (spec: Obj) => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(spec)) if (PV_SPEC_FIELDS.has(k)) out[k] = v;
    if (isLive(o) && isObj(out.claimRef)) out.claimRef = pick(out.claimRef, ['namespace', 'name']);
    return out;
  };
  const other = changedPaths(settings(a), settings(b), 'spec', ignored);
  const changed = refusals.length > 0 || other.length > 0;
  return objectChange('PersistentVolume', n, changed ? 'changed' : 'unchanged', { refusals, other });
}

function pick(o: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

// ---------------------------------------------------------------------------
// PersistentVolumeClaim: `ValidatePersistentVolumeClaimUpdate` (pkg/apis/core/validation).
// The spec is immutable except spec.resources.requests.storage of a bound claim, which may grow
// but not shrink; volumeName may be set once; storageClassName may be set when it was not
// (`validateStorageClassUpgradeFromNil`), and is otherwise immutable, like the beta class
// annotation; volumeMode is immutable. Growing also needs the `PersistentVolumeClaimResize`
// admission plugin's consent (plugin/pkg/admission/storage/persistentvolume/resize): the claim's
// StorageClass must set allowVolumeExpansion: true.

const PVC_RULE = 'ValidatePersistentVolumeClaimUpdate';
const RESIZE_RULE = 'PersistentVolumeClaimResize admission';

export function compareClaim(o: LoadedObject, n: LoadedObject, classes: Map<string, LoadedObject>): ObjectChange {
  const live = isLive(o);
  const a = normalizeClaimSpec(obj(o.object, 'spec'));
  const b = normalizeClaimSpec(obj(n.object, 'spec'));
  const ns = namespaceOf(n);
  const refusals: Refusal[] = [];
  const findings: Finding[] = [];
  const other: string[] = [];
  const consequence = 'deleting the claim releases its PersistentVolume: with reclaimPolicy Delete the data is deleted, with Retain it is kept but a new claim does not bind it by itself; while a pod uses the claim, the deletion waits (kubernetes.io/pvc-protection)';
  const steps = [...recreateSteps('PersistentVolumeClaim', n.name, ns), consequence];

  // What the server fills in on a live claim is kept by an apply that does not mention it.
  if (live) {
    if (b.volumeName === undefined && a.volumeName !== undefined) b.volumeName = a.volumeName;
    if (b.storageClassName === undefined && a.storageClassName !== undefined) b.storageClassName = a.storageClassName;
  }

  const annotationsA = strMap(obj(o.object, 'metadata'), 'annotations');
  const annotationsB = strMap(obj(n.object, 'metadata'), 'annotations');
  const classA = str(a, 'storageClassName') ?? annotationsA[BETA_CLASS_ANNOTATION];
  const classB = str(b, 'storageClassName') ?? annotationsB[BETA_CLASS_ANNOTATION];

  // storageClassName
  if (a.storageClassName !== b.storageClassName) {
    const fromNil = a.storageClassName === undefined && annotationsA[BETA_CLASS_ANNOTATION] === undefined && b.storageClassName !== undefined;
    const betaClass = annotationsA[BETA_CLASS_ANNOTATION];
    const fromAnnotation = a.storageClassName === undefined && betaClass !== undefined && betaClass === b.storageClassName;
    if (fromAnnotation) {
      other.push(`storageClassName set to ${short(b.storageClassName)}, the class its beta annotation already names`);
    } else if (fromNil) {
      // Allowed by validation when the claim really has no class; a claim created while the cluster
      // had a default StorageClass got that class at creation, which the deployed manifest does not show.
      other.push(`storageClassName (not set) -> ${short(b.storageClassName)}`);
      if (!live) {
        findings.push({
          severity: 'error',
          message: `storageClassName is set where the deployed manifest had none: the API server accepts this only if the claim got no class when it was created; if the cluster had a default StorageClass then, the claim has that class and the update is refused unless it is ${short(b.storageClassName)}`,
          fix: `check the class the claim has: kubectl get pvc ${n.name} -n ${ns} -o jsonpath='{.spec.storageClassName}'; set exactly that, or leave storageClassName out`,
        });
      }
    } else {
      refusals.push({
        field: 'spec.storageClassName',
        change: `spec.storageClassName: ${short(a.storageClassName)} -> ${short(b.storageClassName)}`,
        message: `the class of a PersistentVolumeClaim cannot change: ${REFUSED}`,
        fix: [...steps, 'to move the data to another class, create a new claim of that class and copy the data to it'],
        rule: PVC_RULE,
      });
    }
  }
  if (annotationsA[BETA_CLASS_ANNOTATION] !== annotationsB[BETA_CLASS_ANNOTATION] && annotationsB[BETA_CLASS_ANNOTATION] !== undefined) {
    refusals.push({
      field: `metadata.annotations[${BETA_CLASS_ANNOTATION}]`,
      change: `annotation ${BETA_CLASS_ANNOTATION}: ${short(annotationsA[BETA_CLASS_ANNOTATION])} -> ${short(annotationsB[BETA_CLASS_ANNOTATION])}`,
      message: `the beta storage class annotation is immutable: ${REFUSED}`,
      fix: steps,
      rule: PVC_RULE,
    });
  }

  // volumeName: may be set once.
  if (a.volumeName !== b.volumeName && !(a.volumeName === undefined && b.volumeName !== undefined)) {
    refusals.push({
      field: 'spec.volumeName',
      change: `spec.volumeName: ${short(a.volumeName)} -> ${short(b.volumeName)}`,
      message: `the volume of a bound PersistentVolumeClaim cannot change: ${REFUSED}`,
      fix: steps,
      rule: PVC_RULE,
    });
  } else if (a.volumeName !== b.volumeName) {
    other.push(`volumeName (not set) -> ${short(b.volumeName)}`);
  }

  // storage
  const storageA = obj(obj(a, 'resources'), 'requests').storage;
  const storageB = obj(obj(b, 'resources'), 'requests').storage;
  const bytesA = parseQuantity(storageA);
  const bytesB = parseQuantity(storageB);
  const rawA = obj(obj(obj(o.object, 'spec'), 'resources'), 'requests').storage;
  const rawB = obj(obj(obj(n.object, 'spec'), 'resources'), 'requests').storage;
  const storageChange = `spec.resources.requests.storage: ${short(rawA ?? storageA)} -> ${short(rawB ?? storageB)}`;
  if (canonical(storageA) !== canonical(storageB)) {
    const phase = str(obj(o.object, 'status'), 'phase');
    if (bytesA !== undefined && bytesB !== undefined && bytesB < bytesA) {
      refusals.push({
        field: 'spec.resources.requests.storage',
        change: storageChange,
        message: `a PersistentVolumeClaim can never shrink: ${REFUSED}`,
        fix: [`keep ${short(rawA)}`, 'to use a smaller volume, create a new claim and copy the data to it'],
        rule: PVC_RULE,
      });
    } else if (live && phase !== undefined && phase !== 'Bound') {
      refusals.push({
        field: 'spec.resources.requests.storage',
        change: storageChange,
        message: `only a bound claim can grow, and this one is ${phase}: ${REFUSED}`,
        fix: ['keep the old size until the claim is bound'],
        rule: PVC_RULE,
      });
    } else {
      // Growing: the resize admission plugin needs a class that allows expansion.
      const className = classB ?? classA;
      const sc = className !== undefined ? classes.get(className) : undefined;
      if (className === undefined || className === '') {
        refusals.push({
          field: 'spec.resources.requests.storage',
          change: storageChange,
          message: `only a dynamically provisioned claim (one with a StorageClass) can be resized, and this one has ${className === '' ? 'storageClassName ""' : 'no storageClassName'}: the API server (admission) refuses the update, so the sync will fail`,
          fix: ['grow the volume itself and its PersistentVolume capacity, then keep the claim as it is'],
          rule: RESIZE_RULE,
        });
      } else if (sc && sc.object.allowVolumeExpansion !== true) {
        refusals.push({
          field: 'spec.resources.requests.storage',
          change: storageChange,
          message: `StorageClass ${className} does not set allowVolumeExpansion: true, so the claim cannot grow: the API server (admission) refuses the update, so the sync will fail`,
          fix: [`set allowVolumeExpansion: true on StorageClass ${className} if its provisioner supports expansion (that change is accepted), or copy the data to a new, larger claim`],
          rule: RESIZE_RULE,
        });
      } else {
        other.push(`${storageChange}: the claim grows (expansion by the provisioner${sc ? `; StorageClass ${className} allows it` : ''})`);
        if (!sc) {
          findings.push({
            severity: 'warning',
            message: `the claim grows only if StorageClass ${className} (not in the input) sets allowVolumeExpansion: true; otherwise the API server refuses the update`,
            fix: `check: kubectl get storageclass ${className} -o jsonpath='{.allowVolumeExpansion}'`,
          });
        }
      }
    }
  }

  // Everything else in the spec is immutable (volumeMode included).
  const rest = (spec: Obj) => {
    const copy = structuredClone(spec);
    for (const k of ['storageClassName', 'volumeName', 'volumeAttributesClassName']) delete copy[k];
    const resources = obj(copy, 'resources');
    const requests = obj(resources, 'requests');
    delete requests.storage;
    if (Object.keys(requests).length === 0) delete resources.requests;
    if (Object.keys(resources).length === 0) delete copy.resources;
    return copy;
  };
  const paths = changedPaths(rest(a), rest(b), 'spec');
  if (paths.length > 0) {
    refusals.push({
      field: 'spec',
      change: `spec: ${paths.join('; ')}`,
      message: `the spec of a PersistentVolumeClaim is immutable except the storage request: ${REFUSED}`,
      fix: steps,
      rule: PVC_RULE,
    });
  }
  const changed = refusals.length > 0 || other.length > 0;
  return objectChange('PersistentVolumeClaim', n, changed ? 'changed' : 'unchanged', { refusals, other, findings });
}

// ---------------------------------------------------------------------------
// StorageClass: `ValidateStorageClassUpdate` (pkg/apis/storage/validation/validation.go):
// parameters, provisioner, reclaimPolicy and volumeBindingMode are immutable; allowVolumeExpansion,
// mountOptions and allowedTopologies may change.

const SC_RULE = 'ValidateStorageClassUpdate';

export function compareStorageClass(o: LoadedObject, n: LoadedObject): ObjectChange {
  const a = normalizeStorageClass(o.object);
  const b = normalizeStorageClass(n.object);
  const refusals: Refusal[] = [];
  const steps = [
    `keep the old value, or create a StorageClass under a new name and point new claims at it; or delete StorageClass ${n.name} and create it again (kubectl delete storageclass ${n.name}, then sync): existing volumes keep the settings they were provisioned with`,
  ];
  for (const field of ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode']) {
    if (canonical(a[field]) === canonical(b[field])) continue;
    const detail = field === 'parameters' ? changedPaths(a.parameters, b.parameters, 'parameters').join('; ') : `${field}: ${short(a[field])} -> ${short(b[field])}`;
    refusals.push({
      field,
      change: detail,
      message: `${field} of a StorageClass cannot change: ${REFUSED}`,
      fix: steps,
      rule: SC_RULE,
    });
  }
  const mutable = (s: Obj) => ({
    allowVolumeExpansion: s.allowVolumeExpansion,
    mountOptions: s.mountOptions,
    allowedTopologies: s.allowedTopologies,
  });
  const other = changedPaths(mutable(a), mutable(b), '');
  const changed = refusals.length > 0 || other.length > 0;
  return objectChange('StorageClass', n, changed ? 'changed' : 'unchanged', { refusals, other });
}
