import * as kplus from 'cdk8s-plus-27';
import { Node, IConstruct } from 'constructs';

/**
 * Reports errors of a construct that another construct of this library built for the user (the
 * StatefulApp inside a ZooKeeperEnsemble): under the outer construct's path, and with the field
 * names the user wrote (`storageSize` rather than `volumeClaims[0].size`).
 *
 * @internal
 */
export class FieldScope {
  constructor(
    /** The construct the user created. */
    public readonly owner: IConstruct,
    /** Field prefixes of the inner construct and the user's name for each, e.g. `container.image` → `image`. */
    private readonly aliases: { [innerPrefix: string]: string }) {}

  /** The user's name of an inner field: the longest matching prefix is replaced. */
  public field(inner: string): string {
    let best: string | undefined;
    for (const prefix of Object.keys(this.aliases)) {
      const matches = inner === prefix || inner.startsWith(`${prefix}.`) || inner.startsWith(`${prefix}[`);
      if (matches && (best === undefined || prefix.length > best.length)) {
        best = prefix;
      }
    }
    return best === undefined ? inner : `${this.aliases[best]}${inner.slice(best.length)}`;
  }
}

/**
 * Where an error happened: a construct (named by its path), a construct built for the user by
 * another one (`FieldScope`), or for static helpers that have no construct, a label such as
 * `StaticVolumeSet.ownershipInitContainer()`.
 *
 * @internal
 */
export type ErrorScope = IConstruct | FieldScope | string;

const delegated = new WeakMap<IConstruct, Map<string, { [innerPrefix: string]: string }>>();

/**
 * Says that errors of the child `childId` that `parent` is about to create are the parent's: they
 * carry the parent's path and the field names the user gave the parent.
 *
 * @internal
 */
export function reportChildErrorsAs(parent: IConstruct, childId: string, aliases: { [innerPrefix: string]: string }): void {
  let children = delegated.get(parent);
  if (!children) {
    children = new Map();
    delegated.set(parent, children);
  }
  children.set(childId, aliases);
}

/**
 * The scope a construct reports its errors under: its parent's, when the parent asked for it with
 * `reportChildErrorsAs`, else its own.
 *
 * @internal
 */
export function errorScopeOf(construct: IConstruct): ErrorScope {
  const parent = construct.node.scope;
  const aliases = parent ? delegated.get(parent)?.get(construct.node.id) : undefined;
  return parent && aliases ? new FieldScope(parent, aliases) : construct;
}

/**
 * Builds the one error message every construct of this library uses for bad input:
 * which construct (its path), which field, the bad value, and what is allowed.
 *
 * @internal
 */
export function invalid(scope: ErrorScope, field: string, value: unknown, allowed: string): Error {
  if (scope instanceof FieldScope) {
    return new Error(`${Node.of(scope.owner).path}: invalid ${scope.field(field)} ${show(value)}: ${allowed}`);
  }
  const where = typeof scope === 'string' ? scope : Node.of(scope).path;
  return new Error(`${where}: invalid ${field} ${show(value)}: ${allowed}`);
}

/** Renders a value for an error message. @internal */
export function show(value: unknown): string {
  if (value === undefined) {
    return '(not set)';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks an RFC 1123 DNS label (lowercase alphanumerics and '-', starting and ending alphanumeric).
 * @internal
 */
export function checkDnsLabel(scope: ErrorScope, field: string, value: string, maxLength = 63): void {
  if (typeof value !== 'string' || !DNS_LABEL.test(value) || value.length > maxLength) {
    throw invalid(scope, field, value,
      `must be a DNS label of at most ${maxLength} characters: lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
}

/**
 * Checks an RFC 1035 DNS label, as Kubernetes requires for Service names.
 * @internal
 */
export function checkServiceName(scope: ErrorScope, field: string, value: string): void {
  if (typeof value !== 'string' || !DNS_1035_LABEL.test(value) || value.length > 63) {
    throw invalid(scope, field, value,
      "must be a DNS-1035 label of at most 63 characters: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit");
  }
}

/**
 * Checks an RFC 1123 DNS subdomain (names of most cluster objects, e.g. PersistentVolumes).
 * @internal
 */
export function checkDnsSubdomain(scope: ErrorScope, field: string, value: string): void {
  if (typeof value !== 'string' || !DNS_SUBDOMAIN.test(value) || value.length > 253) {
    throw invalid(scope, field, value,
      "must be a DNS subdomain of at most 253 characters: lowercase letters, digits, '-' and '.'");
  }
}

/** Checks an integer within bounds. @internal */
export function checkInteger(scope: ErrorScope, field: string, value: number, min: number, max?: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw invalid(scope, field, value, `must be ${range}`);
  }
}

/** Checks an absolute, normalised path. @internal */
export function checkAbsolutePath(scope: ErrorScope, field: string, value: string): void {
  if (typeof value !== 'string' || !value.startsWith('/') || value.split('/').includes('..')) {
    throw invalid(scope, field, value, "must be an absolute path (starting with '/', without '..')");
  }
}

const PORT_NAME = /^[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z0-9]$/;

/**
 * Checks an IANA service name, as Kubernetes requires for named ports: 1-15 characters,
 * lowercase letters, digits and single dashes (not at either end), at least one letter.
 * @internal
 */
export function checkPortName(scope: ErrorScope, field: string, value: string): void {
  if (typeof value !== 'string' || value.length < 1 || value.length > 15 || !PORT_NAME.test(value) || !/[a-z]/.test(value)) {
    throw invalid(scope, field, value,
      "must be 1-15 characters of lowercase letters, digits and single '-' (not at either end), with at least one letter");
  }
}

/** Finds the first value that occurs twice. @internal */
export function firstDuplicate<T>(values: T[]): T | undefined {
  const seen = new Set<T>();
  for (const v of values) {
    if (seen.has(v)) {
      return v;
    }
    seen.add(v);
  }
  return undefined;
}

/**
 * Checks that a value is one of an enum's values (callers without types, e.g. plain JavaScript,
 * can pass anything).
 * @internal
 */
export function checkEnumValue(scope: ErrorScope, field: string, value: unknown, enumObject: object, enumName: string): void {
  const allowed = Object.entries(enumObject).filter(([key]) => !/^\d+$/.test(key));
  if (!allowed.some(([, v]) => v === value)) {
    throw invalid(scope, field, value, `must be one of ${allowed.map(([key, v]) => `${enumName}.${key} (${show(v)})`).join(', ')}`);
  }
}

/**
 * Checks a reclaim policy of a PersistentVolume or StorageClass. `Recycle` is not a member of
 * `PersistentVolumeReclaimPolicy`, so only callers without types can pass it; it is refused with
 * the reason, because it deletes the volume's files.
 * @internal
 */
export function checkReclaimPolicy(scope: ErrorScope, field: string, value: kplus.PersistentVolumeReclaimPolicy): void {
  if ((value as string) === 'Recycle') {
    throw invalid(scope, field, value,
      'Recycle is refused: it deletes every file on the volume (rm -rf) as soon as its claim is released, and Kubernetes '
      + 'has deprecated it. Use PersistentVolumeReclaimPolicy.RETAIN (the data stays; an administrator cleans up and '
      + 're-creates the volume to reuse it) or PersistentVolumeReclaimPolicy.DELETE');
  }
  checkEnumValue(scope, field, value, kplus.PersistentVolumeReclaimPolicy, 'PersistentVolumeReclaimPolicy');
}

/**
 * Checks mount options: each one option, without spaces or commas.
 * @internal
 */
export function checkMountOptions(scope: ErrorScope, field: string, options: string[] | undefined): void {
  (options ?? []).forEach((o, i) => {
    if (typeof o !== 'string' || o === '' || /[\s,]/.test(o)) {
      throw invalid(scope, `${field}[${i}]`, o, 'must be one mount option without spaces or commas, e.g. "nfsvers=4.1" (give each option as its own entry)');
    }
  });
}

/** The name part of a qualified name, and a non-empty label value. */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Kubernetes' limit on the total size of an object's annotations (keys and values), in bytes. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/**
 * Whether a string is a Kubernetes qualified name, `[prefix/]name`: the optional prefix a DNS
 * subdomain of at most 253 characters, the name at most 63 letters, digits, '-', '_' and '.',
 * starting and ending with a letter or digit (apimachinery's `IsQualifiedName`).
 */
function isQualifiedName(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const slash = value.indexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  const prefixOk = prefix === undefined || (DNS_SUBDOMAIN.test(prefix) && prefix.length <= 253);
  return prefixOk && name.length <= 63 && LABEL_NAME.test(name);
}

/**
 * Checks the key of a label or annotation in a map the user gives (the field is named `<field> key`).
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 * @internal
 */
export function checkMetadataKey(scope: ErrorScope, field: string, key: string): void {
  if (!isQualifiedName(key)) {
    throw invalid(scope, `${field} key`, key,
      "must be [prefix/]name: the name at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; "
      + "the optional prefix a DNS subdomain (lowercase letters, digits, '-' and '.'), e.g. \"example.com/team\"");
  }
}

/**
 * Checks a label key given as a value of its own (node labels, taint keys and topology keys).
 * @internal
 */
export function checkLabelKey(scope: ErrorScope, field: string, value: string): void {
  if (!isQualifiedName(value)) {
    throw invalid(scope, field, value,
      "must be a label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', "
      + 'starting and ending with a letter or digit (e.g. "topology.kubernetes.io/zone")');
  }
}

/**
 * Checks a label value: empty, or at most 63 letters, digits, '-', '_' and '.', starting and
 * ending with a letter or digit.
 * @internal
 */
export function checkLabelValue(scope: ErrorScope, field: string, value: string): void {
  if (typeof value !== 'string' || value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
    throw invalid(scope, field, value,
      "must be a label value: empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
  }
}

/**
 * Checks a label map: each key a qualified name, each value a label value.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 * @internal
 */
export function checkLabels(scope: ErrorScope, field: string, labels: { [key: string]: string } | undefined): void {
  if (labels === undefined) return;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw invalid(scope, field, labels, 'must be a map of label names to values, e.g. { team: "orders" }');
  }
  for (const [key, value] of Object.entries(labels)) {
    checkMetadataKey(scope, field, key);
    checkLabelValue(scope, `${field}[${JSON.stringify(key)}]`, value);
  }
}

/**
 * Checks an annotation map: each key a qualified name, each value a string, all together at most
 * 256 KiB.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/#syntax-and-character-set
 * @internal
 */
export function checkAnnotations(scope: ErrorScope, field: string, annotations: { [key: string]: string } | undefined): void {
  if (annotations === undefined) return;
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) {
    throw invalid(scope, field, annotations, 'must be a map of annotation names to values, e.g. { "example.com/owner": "orders" }');
  }
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    checkMetadataKey(scope, field, key);
    if (typeof value !== 'string') {
      throw invalid(scope, `${field}[${JSON.stringify(key)}]`, value, 'must be a string (quote numbers and booleans, e.g. "true")');
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    throw invalid(scope, field, `${bytes} bytes`, `annotations of one object may hold at most ${ANNOTATIONS_MAX_BYTES} bytes (keys and values together)`);
  }
}
