/**
 * Create-time validation of the StatefulSets and PodDisruptionBudgets the plan reads, as the API
 * server applies it after defaulting. Every finding here is refused: applying the object fails.
 *
 * Sources (Kubernetes 1.27 to 1.31):
 * - `ValidateStatefulSet`, `ValidateStatefulSetSpec` and `validateRollingUpdateStatefulSet` in
 *   pkg/apis/apps/validation/validation.go, after `SetDefaults_StatefulSet` in
 *   pkg/apis/apps/v1/defaults.go;
 * - `ValidatePodDisruptionBudgetSpec` in pkg/apis/policy/validation/validation.go;
 * - `ValidateLabelSelector` in staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation;
 * - the JSON decoder, which refuses a number that is not an integer or does not fit in an int32.
 */
import { isObj, Obj, obj, optObj, text } from './k8s';

/** A finding that makes the API server refuse the object. */
export interface Refused {
  /** The field, e.g. `spec.updateStrategy.rollingUpdate.partition`. */
  readonly field: string;
  readonly message: string;
  readonly fix?: string;
}

const INT32_MAX = 2147483647;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A value that is present: YAML null and absent are the same to the API server. */
function present(parent: Obj, key: string): boolean {
  return parent[key] !== undefined && parent[key] !== null;
}

/**
 * An int32 field as the JSON decoder reads it: undefined when absent or null, a number when it is
 * an integer that fits, or a Refused when it is not.
 */
function int32(parent: Obj, key: string, field: string): number | Refused | undefined {
  if (!present(parent, key)) return undefined;
  const value = parent[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return { field, message: `${field} is ${JSON.stringify(value)}, not an integer` };
  }
  if (value > INT32_MAX || value < -INT32_MAX - 1) {
    return { field, message: `${field} ${value} does not fit in a 32-bit integer` };
  }
  return value;
}

function isRefused(x: unknown): x is Refused {
  return isObj(x) && typeof x.field === 'string';
}

/** `ValidateNonnegativeField` on an int32 field. */
function nonNegative(parent: Obj, key: string, field: string, out: Refused[]): number | undefined {
  const value = int32(parent, key, field);
  if (isRefused(value)) {
    out.push(value);
    return undefined;
  }
  if (value !== undefined && value < 0) {
    out.push({ field, message: `${field} is ${value}, below 0` });
  }
  return value;
}

/**
 * An int-or-percent field (`ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`):
 * returns its value (percent or number) when valid.
 */
function intOrPercent(parent: Obj, key: string, field: string, out: Refused[]): { value: number; percent: boolean } | undefined {
  if (!present(parent, key)) return undefined;
  const raw = parent[key];
  if (typeof raw === 'string') {
    const m = /^(\d+)%$/.exec(raw);
    if (!m) {
      out.push({ field, message: `${field} "${raw}" is neither an integer nor a percentage like "25%"` });
      return undefined;
    }
    const value = parseInt(m[1], 10);
    if (value > 100) out.push({ field, message: `${field} "${raw}" is more than 100%` });
    return { value, percent: true };
  }
  const value = int32(parent, key, field);
  if (isRefused(value)) {
    out.push(value);
    return undefined;
  }
  if (value !== undefined && value < 0) out.push({ field, message: `${field} is ${value}, below 0` });
  return value === undefined ? undefined : { value, percent: false };
}

/**
 * A map of strings (labels, annotations, matchLabels): the JSON decoder refuses a value that is
 * not a string, such as an unquoted number or boolean (`version: 1`).
 */
function stringMap(parent: Obj, key: string, field: string, out: Refused[]): void {
  if (!present(parent, key)) return;
  const map = parent[key];
  if (!isObj(map)) {
    out.push({ field, message: `${field} is ${JSON.stringify(map)}, not a mapping of strings` });
    return;
  }
  for (const [k, v] of Object.entries(map)) {
    if (typeof v === 'string' || v === null) continue;
    out.push({ field: `${field}.${k}`, message: `${field}.${k} is ${JSON.stringify(v)}, not a string`, fix: `quote it: ${k}: "${text(v)}"` });
  }
}

/** The string maps of an object's metadata. */
function metadataMaps(metadata: Obj, field: string, out: Refused[]): void {
  stringMap(metadata, 'labels', `${field}.labels`, out);
  stringMap(metadata, 'annotations', `${field}.annotations`, out);
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** `ValidateLabelSelector`: operators and their values. */
function labelSelector(selector: Obj, field: string, out: Refused[]): void {
  stringMap(selector, 'matchLabels', `${field}.matchLabels`, out);
  const expressions = selector.matchExpressions;
  if (!present(selector, 'matchExpressions')) return;
  if (!Array.isArray(expressions)) {
    out.push({ field: `${field}.matchExpressions`, message: `${field}.matchExpressions is not a list` });
    return;
  }
  expressions.forEach((e, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    if (!isObj(e)) {
      out.push({ field: at, message: `${at} is not a mapping` });
      return;
    }
    const operator = typeof e.operator === 'string' ? e.operator : '';
    const values = Array.isArray(e.values) ? e.values : [];
    if (!SELECTOR_OPERATORS.includes(operator)) {
      out.push({ field: `${at}.operator`, message: `${at}.operator "${operator}" is not one of ${SELECTOR_OPERATORS.join(', ')}` });
    } else if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      out.push({ field: `${at}.values`, message: `${at}.values is empty, but the operator ${operator} needs at least one value` });
    } else if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
      out.push({ field: `${at}.values`, message: `${at}.values must be empty with the operator ${operator}` });
    }
    if (typeof e.key !== 'string' || e.key === '') out.push({ field: `${at}.key`, message: `${at}.key is missing` });
  });
}

/** `ValidateStatefulSetName`: a DNS label (the name is part of every pod's name and host name). */
export function statefulSetNameProblem(name: unknown): Refused | undefined {
  const field = 'metadata.name';
  if (name === undefined || name === null || name === '') {
    return { field, message: 'metadata.name is missing (the pods would be named -0, -1, ...)', fix: 'name the StatefulSet' };
  }
  if (typeof name !== 'string') return { field, message: `metadata.name ${JSON.stringify(name)} is not a string` };
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    return {
      field,
      message: `metadata.name "${name}" is not a DNS label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)`,
      fix: 'use a name like web or orders-db',
    };
  }
  return undefined;
}

/** Create-time validation of a StatefulSet (`ValidateStatefulSet`). */
export function validateStatefulSet(object: Obj): Refused[] {
  const out: Refused[] = [];
  const nameProblem = statefulSetNameProblem(obj(object, 'metadata').name);
  if (nameProblem) out.push(nameProblem);
  metadataMaps(obj(object, 'metadata'), 'metadata', out);
  const spec = obj(object, 'spec');
  metadataMaps(obj(obj(spec, 'template'), 'metadata'), 'spec.template.metadata', out);

  // podManagementPolicy: "" and absent default to OrderedReady.
  const policy = spec.podManagementPolicy;
  if (present(spec, 'podManagementPolicy') && policy !== '' && policy !== 'OrderedReady' && policy !== 'Parallel') {
    out.push({ field: 'spec.podManagementPolicy', message: `spec.podManagementPolicy "${text(policy)}" is not valid`, fix: 'use OrderedReady or Parallel' });
  }

  // updateStrategy: type "" and absent default to RollingUpdate.
  const strategy = obj(spec, 'updateStrategy');
  const type = present(strategy, 'type') && strategy.type !== '' ? strategy.type : 'RollingUpdate';
  const rolling = optObj(strategy, 'rollingUpdate');
  if (type === 'OnDelete') {
    // A rollingUpdate that is present, even `{}`, decodes to a non-nil struct.
    if (rolling !== undefined) {
      out.push({
        field: 'spec.updateStrategy.rollingUpdate',
        message: 'spec.updateStrategy.rollingUpdate is set with updateStrategy OnDelete, but it is only allowed with RollingUpdate',
        fix: 'remove rollingUpdate, or use type: RollingUpdate',
      });
    }
  } else if (type === 'RollingUpdate') {
    if (rolling !== undefined) {
      nonNegative(rolling, 'partition', 'spec.updateStrategy.rollingUpdate.partition', out);
      const maxUnavailable = intOrPercent(rolling, 'maxUnavailable', 'spec.updateStrategy.rollingUpdate.maxUnavailable', out);
      if (maxUnavailable && maxUnavailable.value === 0) {
        out.push({
          field: 'spec.updateStrategy.rollingUpdate.maxUnavailable',
          message: 'spec.updateStrategy.rollingUpdate.maxUnavailable is 0, which is not allowed',
          fix: 'remove maxUnavailable (one pod at a time), or set it to 1 or more',
        });
      }
    }
  } else {
    out.push({ field: 'spec.updateStrategy.type', message: `spec.updateStrategy.type "${text(type)}" is not valid`, fix: 'use RollingUpdate or OnDelete' });
  }

  // persistentVolumeClaimRetentionPolicy: "" and absent default to Retain.
  const retention = optObj(spec, 'persistentVolumeClaimRetentionPolicy');
  for (const field of ['whenDeleted', 'whenScaled']) {
    const value = retention?.[field];
    if (retention && present(retention, field) && value !== '' && value !== 'Retain' && value !== 'Delete') {
      out.push({ field: `spec.persistentVolumeClaimRetentionPolicy.${field}`, message: `spec.persistentVolumeClaimRetentionPolicy.${field} "${text(value)}" is not valid`, fix: 'use Retain or Delete' });
    }
  }

  nonNegative(spec, 'replicas', 'spec.replicas', out);
  nonNegative(spec, 'minReadySeconds', 'spec.minReadySeconds', out);
  const ordinals = optObj(spec, 'ordinals');
  if (ordinals) nonNegative(ordinals, 'start', 'spec.ordinals.start', out);

  // selector
  const selector = optObj(spec, 'selector');
  if (!selector) {
    out.push({ field: 'spec.selector', message: 'spec.selector is missing (apps/v1 requires it)', fix: 'add spec.selector.matchLabels with the pod labels' });
  } else {
    labelSelector(selector, 'spec.selector', out);
    const labels = obj(selector, 'matchLabels');
    const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
    if (Object.keys(labels).length + expressions.length === 0) {
      out.push({ field: 'spec.selector', message: 'spec.selector is empty (an empty selector is invalid for a StatefulSet)', fix: 'select the pod labels' });
    }
  }

  // The pod template: restartPolicy "" and absent default to Always.
  const podSpec = obj(obj(spec, 'template'), 'spec');
  const restartPolicy = podSpec.restartPolicy;
  if (present(podSpec, 'restartPolicy') && restartPolicy !== '' && restartPolicy !== 'Always') {
    out.push({
      field: 'spec.template.spec.restartPolicy',
      message: `spec.template.spec.restartPolicy "${text(restartPolicy)}" is not supported (a StatefulSet's pods must restart Always)`,
      fix: 'remove restartPolicy (it defaults to Always)',
    });
  }
  if (present(podSpec, 'activeDeadlineSeconds')) {
    out.push({
      field: 'spec.template.spec.activeDeadlineSeconds',
      message: 'spec.template.spec.activeDeadlineSeconds is set, which a StatefulSet does not support',
      fix: 'remove activeDeadlineSeconds',
    });
  }
  return out;
}

/**
 * The maps of strings of the other kinds the plan reads (labels and annotations, a Service's
 * selector, a StorageClass's parameters): the JSON decoder refuses a value that is not a string.
 */
export function validateStringMaps(kind: string, object: Obj): Refused[] {
  const out: Refused[] = [];
  metadataMaps(obj(object, 'metadata'), 'metadata', out);
  if (kind === 'Service') stringMap(obj(object, 'spec'), 'selector', 'spec.selector', out);
  if (kind === 'StorageClass') stringMap(object, 'parameters', 'parameters', out);
  return out;
}

/** Create-time validation of a PodDisruptionBudget (`ValidatePodDisruptionBudgetSpec`). */
export function validateBudget(object: Obj): Refused[] {
  const out: Refused[] = [];
  const name = obj(object, 'metadata').name;
  if (name === undefined || name === null || name === '') out.push({ field: 'metadata.name', message: 'metadata.name is missing' });
  metadataMaps(obj(object, 'metadata'), 'metadata', out);
  const spec = obj(object, 'spec');
  if (present(spec, 'minAvailable') && present(spec, 'maxUnavailable')) {
    out.push({
      field: 'spec',
      message: 'spec.minAvailable and spec.maxUnavailable are both set, which is not allowed',
      fix: 'keep one of them (maxUnavailable: 1 lets a drain evict one pod at a time)',
    });
  }
  intOrPercent(spec, 'minAvailable', 'spec.minAvailable', out);
  intOrPercent(spec, 'maxUnavailable', 'spec.maxUnavailable', out);
  const selector = optObj(spec, 'selector');
  if (selector) labelSelector(selector, 'spec.selector', out);
  const policy = spec.unhealthyPodEvictionPolicy;
  if (present(spec, 'unhealthyPodEvictionPolicy') && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') {
    out.push({ field: 'spec.unhealthyPodEvictionPolicy', message: `spec.unhealthyPodEvictionPolicy "${text(policy)}" is not valid`, fix: 'use IfHealthyBudget or AlwaysAllow' });
  }
  return out;
}
