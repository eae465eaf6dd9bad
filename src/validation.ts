import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
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
  if (value instanceof Size || value instanceof Duration) {
    return JSON.stringify(describeAmount(value));
  }
  try {
    // NaN and the infinities inside objects and lists are shown as such, not as JSON's `null`; sizes
    // and durations as their amount.
    const marked = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return `\u0000${String(v)}\u0000`;
      if (v instanceof Size || v instanceof Duration) return describeAmount(v);
      return v;
    });
    return marked === undefined ? String(value) : marked.replace(/"\\u0000(.*?)\\u0000"/g, '$1');
  } catch {
    return String(value);
  }
}

/** A Size as its quantity (`10Gi`), a Duration as cdk8s writes it (`30 seconds`). */
function describeAmount(value: Size | Duration): string {
  try {
    return value instanceof Size ? value.asString() : value.toHumanString();
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
  if (values.length < 2) return undefined;
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
 * @internal
 */
export function isQualifiedName(value: unknown): boolean {
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
export function checkMetadataKey(scope: ErrorScope, field: string, key: string, annotation = false): void {
  // The API server checks annotation keys in lowercase (`ValidateAnnotations`), label keys as given.
  if (!isQualifiedName(annotation && typeof key === 'string' ? key.toLowerCase() : key)) {
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
    checkMetadataKey(scope, field, key, true);
    if (typeof value !== 'string') {
      throw invalid(scope, `${field}[${JSON.stringify(key)}]`, value, 'must be a string (quote numbers and booleans, e.g. "true")');
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    throw invalid(scope, field, `${bytes} bytes`, `annotations of one object may hold at most ${ANNOTATIONS_MAX_BYTES} bytes (keys and values together)`);
  }
}

// ---------------------------------------------------------------------------------------------
// The API server's own rules for values that reach the YAML. Each follows the function of the
// Kubernetes source named in its comment (k8s.io/apimachinery/pkg/util/validation for names,
// k8s.io/kubernetes/pkg/apis/core/validation for pods and volumes).

/** `IsEnvVarName`: letters, digits, '_', '-' and '.', not starting with a digit. */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * Checks an environment variable name as the API server does (`IsEnvVarName` of apimachinery):
 * letters, digits, '_', '-' and '.', not starting with a digit. (Kubernetes 1.32 relaxes this
 * behind a feature gate; the strict rule is the one every supported cluster accepts.)
 * @internal
 */
export function checkEnvVarName(scope: ErrorScope, field: string, name: string): void {
  if (typeof name !== 'string' || !ENV_VAR_NAME.test(name)) {
    throw invalid(scope, field, name,
      "must be a variable name of letters, digits, '_', '-' and '.', not starting with a digit, e.g. \"JAVA_OPTS\"");
  }
}

/** `IsConfigMapKey`: the key of a ConfigMap or Secret. */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Checks the key of a ConfigMap or Secret (`IsConfigMapKey`): at most 253 letters, digits, '-',
 * '_' and '.', and not `.`, `..` or starting with `..`.
 * @internal
 */
export function checkConfigMapKey(scope: ErrorScope, field: string, key: string): void {
  if (typeof key !== 'string' || key.length > 253 || !CONFIG_MAP_KEY.test(key) || key === '.' || key.startsWith('..')) {
    throw invalid(scope, field, key,
      "must be a key of at most 253 letters, digits, '-', '_' and '.' (not '.' and not starting with '..'), e.g. \"password\"");
  }
}

/** A sysctl name: segments of lowercase letters, digits, '-' and '_', separated by '.' or '/'. */
const SYSCTL_NAME = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;

/**
 * Checks a sysctl name as the API server does (`IsValidSysctlName`, at most 253 characters).
 * @internal
 */
export function checkSysctlName(scope: ErrorScope, field: string, name: string): void {
  if (typeof name !== 'string' || name.length > 253 || !SYSCTL_NAME.test(name)) {
    throw invalid(scope, field, name, 'must be a sysctl name such as "net.core.somaxconn": lowercase segments separated by \'.\' or \'/\'');
  }
}

/**
 * Checks the name of a Service port: a DNS label (`ValidateServicePort` uses `IsDNS1123Label`).
 * @internal
 */
export function checkServicePortName(scope: ErrorScope, field: string, name: string): void {
  checkDnsLabel(scope, field, name);
}

/** The largest user or group id the API server accepts (`IsValidUserID`, `IsValidGroupID`). */
export const MAX_ID = 2147483647;

/**
 * Checks a user id, group id or fsGroup: an integer from 0 to 2147483647 (`IsValidUserID`,
 * `IsValidGroupID` of apimachinery).
 * @internal
 */
export function checkId(scope: ErrorScope, field: string, value: number | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ID) {
    throw invalid(scope, field, value, `must be a user or group id: an integer from 0 to ${MAX_ID}`);
  }
}

/** The docker reference grammar (github.com/distribution/reference, regexp.go). */
const IMAGE_ALPHANUMERIC = '[a-z0-9]+';
const IMAGE_SEPARATOR = '(?:[._]|__|[-]+)';
const IMAGE_PATH_COMPONENT = `${IMAGE_ALPHANUMERIC}(?:${IMAGE_SEPARATOR}${IMAGE_ALPHANUMERIC})*`;
const IMAGE_DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IMAGE_DOMAIN = `(?:${IMAGE_DOMAIN_COMPONENT}(?:\\.${IMAGE_DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const IMAGE_TAG = '[\\w][\\w.-]{0,127}';
const IMAGE_DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(
  `^((?:${IMAGE_DOMAIN}/)?${IMAGE_PATH_COMPONENT}(?:/${IMAGE_PATH_COMPONENT})*)(?::(${IMAGE_TAG}))?(?:@(${IMAGE_DIGEST}))?$`);
/** Hex digits of the digests the container runtimes verify. */
const DIGEST_LENGTH: { [algorithm: string]: number } = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Checks a container image reference. The API server refuses an empty image and surrounding
 * whitespace; the kubelet then parses the reference with the docker reference grammar
 * (`reference.ParseNormalizedNamed`) and leaves the pod in `InvalidImageName` when it does not
 * parse. So the whole grammar is checked here: `[registry[:port]/]repository[:tag][@digest]`, the
 * repository in lowercase, the name at most 255 characters, a known digest of the right length.
 *
 * @see https://github.com/distribution/reference/blob/main/regexp.go
 * @internal
 */
export function checkImage(scope: ErrorScope, field: string, image: string): void {
  const fix = (why: string) => invalid(scope, field, image,
    `${why}; give [registry[:port]/]repository[:tag][@digest] with a lowercase repository, e.g. "nginx:1.27" or "registry.example.com/team/app:1.0"`);
  if (typeof image !== 'string' || image.trim() === '') {
    throw invalid(scope, field, image, 'must be a non-empty image reference, e.g. "nginx:1.25"');
  }
  if (/\s/.test(image)) {
    throw fix('must not contain whitespace (spaces, tabs or line breaks)');
  }
  const m = IMAGE_REFERENCE.exec(image);
  if (!m) {
    const lowered = image.replace(/^([^/]+\/)?(.*?)((?::[\w][\w.-]*)?(?:@.*)?)$/, (_all, domain = '', repo: string, rest: string) =>
      `${domain}${repo.toLowerCase()}${rest}`);
    throw fix(lowered !== image && IMAGE_REFERENCE.test(lowered)
      ? 'the repository must be lowercase'
      : 'is not a valid image reference');
  }
  if (m[1].length > 255) {
    throw fix('the repository name must be at most 255 characters');
  }
  const repository = m[1].split('/').pop()!;
  if (/^[a-f0-9]{64}$/.test(repository) && !m[1].includes('/')) {
    throw fix('a 64-character hexadecimal string is an image id, not a repository');
  }
  const digest = image.includes('@') ? image.slice(image.indexOf('@') + 1) : undefined;
  if (digest !== undefined) {
    const [algorithm, hex] = digest.split(':');
    const expected = DIGEST_LENGTH[algorithm];
    if (expected === undefined || hex.length !== expected) {
      throw fix(`the digest must be sha256 (64 hex digits), sha384 (96) or sha512 (128), e.g. "@sha256:${'0'.repeat(8)}…"`);
    }
  }
}

/**
 * Checks a path inside a volume (`subPath`): relative, without '..' (`validateLocalDescendingPath`).
 * @internal
 */
export function checkSubPath(scope: ErrorScope, field: string, value: string | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.startsWith('/') || value.split(/[\\/]/).includes('..')) {
    throw invalid(scope, field, value, "must be a path inside the volume: relative (not starting with '/'), without '..', e.g. \"logs\"");
  }
}

/** Options of `checkDuration`. @internal */
export interface DurationRule {
  /** The unit the field is counted in. */
  readonly unit: 'seconds' | 'milliseconds' | 'hours';
  /** Who counts it in that unit, for the message. @default 'Kubernetes' */
  readonly countedBy?: string;
  /** The smallest amount allowed, in that unit. */
  readonly min: number;
  /** Why the smallest amount, when it is not 0. */
  readonly why?: string;
  /** An example for the message. */
  readonly example: string;
}

/**
 * Checks a cdk8s Duration that is written as a whole number of seconds (or milliseconds), and
 * returns that number. cdk8s's own conversion fails at synthesis, without the construct or the
 * field, for an amount that is not whole: this names both.
 * @internal
 */
export function checkDuration(scope: ErrorScope, field: string, value: Duration | undefined, rule: DurationRule): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Duration)) {
    throw invalid(scope, field, value, `must be a Duration, e.g. ${rule.example}`);
  }
  const amount = rule.unit === 'seconds' ? value.toSeconds({ integral: false })
    : rule.unit === 'hours' ? value.toHours({ integral: false }) : value.toMilliseconds({ integral: false });
  if (!Number.isFinite(amount) || !Number.isInteger(amount)) {
    throw invalid(scope, field, value,
      `${rule.countedBy ?? 'Kubernetes'} counts it in whole ${rule.unit}: give a whole number of ${rule.unit}, e.g. ${rule.example}`);
  }
  if (amount < rule.min) {
    throw invalid(scope, field, value, `must be at least ${rule.min} ${rule.unit}${rule.why ? `: ${rule.why}` : ''}, e.g. ${rule.example}`);
  }
  return amount;
}

/**
 * Checks a cdk8s Size: a Size (not a string or number), with a finite amount, greater than zero
 * unless `allowZero`. Returns its bytes.
 * @internal
 */
export function checkSize(scope: ErrorScope, field: string, value: Size | undefined, example: string, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Size)) {
    throw invalid(scope, field, value, `must be a Size, e.g. ${example}`);
  }
  let bytes: number;
  try {
    bytes = value.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
  } catch {
    bytes = NaN;
  }
  if (!Number.isFinite(bytes) || bytes < 0 || (!allowZero && bytes === 0)) {
    throw invalid(scope, field, value, `must be a Size ${allowZero ? 'of 0 or more' : 'greater than zero'}, e.g. ${example}`);
  }
  return bytes;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether a string is an IPv4 or IPv6 address. @internal */
export function isIpAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  // IPv6: hex groups with at most one '::', optionally ending in an IPv4 address.
  if (!/^[0-9a-fA-F:.]+$/.test(value) || !value.includes(':')) return false;
  const parts = value.split('::');
  if (parts.length > 2) return false;
  const groups = parts.flatMap(p => (p === '' ? [] : p.split(':')));
  const last = groups[groups.length - 1];
  const v4 = last !== undefined && last.includes('.');
  if (v4 && !IPV4.test(last)) return false;
  const hexGroups = v4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every(g => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (v4 ? 2 : 0);
  return parts.length === 2 ? count < 8 : count === 8;
}

/**
 * Checks a qualified name given as the value of a field (a provisioner name, a key of a field
 * reference), as apimachinery's `IsQualifiedName`.
 * @internal
 */
export function checkQualifiedName(scope: ErrorScope, field: string, value: string, example: string): void {
  if (!isQualifiedName(value)) {
    throw invalid(scope, field, value,
      "must be [prefix/]name: the name at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit; "
      + `the optional prefix a DNS subdomain, e.g. "${example}"`);
  }
}
