/**
 * Parity of synthesized objects with a reference manifest from `test/fixtures/reference/`.
 *
 * Every object of the reference must be found among the actual objects by `kind` + `metadata.name`,
 * and every value of the reference object must be present in the actual object:
 *
 * - objects: every reference key is present with a matching value; extra keys in the actual
 *   object are fine. A reference key whose value is null (`emptyDir:` in YAML) only has to be present.
 * - arrays whose reference elements are all objects: each reference element is matched to an actual
 *   element by its identity key — the first of `name`, `metadata.name`, `containerPort`, `port`,
 *   `key` that the reference element has — and then compared recursively (when several actual
 *   elements share the identity, the one that matches best is taken). A reference element without
 *   an identity key must be contained in some actual element. Extra actual elements are fine.
 * - any other array (scalars, an empty array): the lists must be equal, element by element.
 * - scalars: equal; numbers and numeric strings compare by value, and Kubernetes quantities
 *   compare by value (`"1Gi"` equals `"1024Mi"`, `"0.5"` equals `"500m"`, `"1"` equals `1`).
 *
 * The reference is parsed with YAML 1.1 rules, as kubectl reads manifests.
 *
 * ## Paths
 *
 * Problems and allowed deviations name a place in an object with a dotted path, relative to the
 * object root:
 *
 * - `spec.replicas` — a key; a key containing `.`, `[`, `]` or `"` is written in brackets as a JSON
 *   string: `metadata.labels["app.kubernetes.io/name"]`;
 * - `containers[name=redis]` — the element of a list whose identity key (`name`, `metadata.name`,
 *   `containerPort`, `port` or `key`) has that value: `ports[containerPort=80]`,
 *   `volumeClaimTemplates[metadata.name=www]`;
 * - `tolerations[0]` — the reference element at that index, for elements without an identity key
 *   (when no actual element contains it, the differences from the closest actual element are
 *   reported below this path);
 * - the empty path `""` is the object itself (e.g. a reference object that is missing).
 *
 * Example: `spec.template.spec.containers[name=redis].ports[name=http].name`.
 *
 * An `AllowedDeviation` suppresses exactly the problems of its object (`kind` + `name`) whose path
 * is its `path` or lies below it (segment-wise, so `spec.replicas` does not cover
 * `spec.replicasX`). An allowed deviation that suppresses no problem is itself a problem, so the
 * list cannot go stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** A difference from the reference that an example accepts on purpose, with the reason. */
export interface AllowedDeviation {
  /** Kind of the reference object, e.g. `StatefulSet`. */
  readonly kind: string;
  /** metadata.name of the reference object. */
  readonly name: string;
  /** Path inside the object (syntax at the top of this file); `""` is the whole object. */
  readonly path: string;
  /** Why the example differs from the reference here. */
  readonly reason: string;
}

/** Keys that identify an element of a list of objects, in order of preference. */
const IDENTITY_KEYS = ['name', 'metadata.name', 'containerPort', 'port', 'key'];

/** The repository root (this file is `test/util/parity.ts`). */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Folder of the reference manifests: `test/fixtures/reference` of the repository. */
export function referenceDirectory(repoRoot: string = REPO_ROOT): string {
  const dir = path.resolve(repoRoot, 'test', 'fixtures', 'reference');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`reference manifests not found: looked for the folder ${dir} (the repository keeps them in test/fixtures/reference)`);
  }
  return dir;
}

/**
 * Parses every non-empty YAML document of a reference file: a file name in `test/fixtures/reference/`
 * (e.g. `web.yaml`), or an absolute path.
 */
export function loadReference(referenceFile: string): any[] {
  const file = path.isAbsolute(referenceFile) ? referenceFile : path.join(referenceDirectory(), referenceFile);
  if (!fs.existsSync(file)) {
    const available = fs.readdirSync(referenceDirectory()).join(', ');
    throw new Error(`reference file not found: ${file} (available: ${available})`);
  }
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf-8'), { version: '1.1' });
  const list = Array.isArray(docs) ? docs : [docs];
  const objects: any[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      throw new Error(`cannot parse ${file}: ${doc.errors.map(e => e.message).join('; ')}`);
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) {
      objects.push(value);
    }
  }
  return objects;
}

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const DECIMAL_SUFFIXES: Record<string, number> = {
  'm': 1e-3, '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
};

/**
 * Value of a Kubernetes quantity (`"1Gi"`, `"500m"`, `"1e3"`, `"0.5"`, `2`), or `undefined` if the
 * value is not a quantity.
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(m|k|M|G|T|P|E)?)$/.exec(value.trim());
  if (!match || value.trim() !== value) {
    return undefined;
  }
  const [, number, binary, exponent, decimal] = match;
  const base = Number(number);
  if (binary) {
    return base * BINARY_SUFFIXES[binary];
  }
  if (exponent) {
    return Number(number + exponent);
  }
  return base * DECIMAL_SUFFIXES[decimal ?? ''];
}

/** Scalars are equal, by value for numbers, numeric strings and quantities. */
function scalarsEqual(reference: unknown, actual: unknown): boolean {
  if (reference === actual) {
    return true;
  }
  const a = parseQuantity(reference);
  const b = parseQuantity(actual);
  if (a === undefined || b === undefined) {
    return false;
  }
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) {
    return '(absent)';
  }
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** A segment of a path as written (`spec`, `["a.b"]`, `[name=redis]`, `[0]`). */
function keySegment(key: string): string {
  return /^[^.[\]"]+$/.test(key) ? key : `[${JSON.stringify(key)}]`;
}

function joinPath(segments: readonly string[]): string {
  return segments.reduce((acc, s) => (s.startsWith('[') || acc === '' ? acc + s : `${acc}.${s}`), '');
}

/** Splits a path into segments; throws on a malformed path. */
export function parsePath(text: string): string[] {
  const segments: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '[') {
      if (text[i + 1] === '"') {
        // a quoted key: find the closing quote that is followed by ']'
        let j = i + 2;
        while (j < text.length && !(text[j] === '"' && text[j - 1] !== '\\' && text[j + 1] === ']')) j++;
        if (j >= text.length) throw new Error(`malformed path ${JSON.stringify(text)}: unterminated ["..."] at ${i}`);
        segments.push(keySegment(JSON.parse(text.slice(i + 1, j + 1))));
        i = j + 2;
      } else {
        const end = text.indexOf(']', i);
        if (end < 0 || end === i + 1) throw new Error(`malformed path ${JSON.stringify(text)}: bad [...] at ${i}`);
        segments.push(text.slice(i, end + 1));
        i = end + 1;
      }
    } else {
      if (text[i] === '.') {
        if (segments.length === 0 || i + 1 >= text.length || text[i + 1] === '.' || text[i + 1] === '[') {
          throw new Error(`malformed path ${JSON.stringify(text)}: misplaced '.' at ${i}`);
        }
        i++;
      } else if (segments.length > 0) {
        throw new Error(`malformed path ${JSON.stringify(text)}: expected '.' or '[' at ${i}`);
      }
      let j = i;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      segments.push(text.slice(i, j));
      i = j;
    }
  }
  return segments;
}

/** A difference found inside one object, at a path relative to the object root. */
interface Difference {
  readonly path: string[];
  readonly text: string;
}

interface Problem {
  readonly object: string;
  readonly path: readonly string[];
  readonly text: string;
}

function getIn(value: any, dotted: string): unknown {
  return dotted.split('.').reduce((v, k) => (isPlainObject(v) ? v[k] : undefined), value);
}

function identityOf(element: Record<string, unknown>): { key: string; value: unknown } | undefined {
  for (const key of IDENTITY_KEYS) {
    const value = getIn(element, key);
    if (value !== undefined && value !== null && !isPlainObject(value) && !Array.isArray(value)) {
      return { key, value };
    }
  }
  return undefined;
}

/** Appends to `out` every difference of `actual` from `reference` below `at`. */
function compare(reference: unknown, actual: unknown, at: string[], out: Difference[]): void {
  if (reference === null) {
    if (actual === undefined) {
      out.push({ path: at, text: `reference ${show(reference)}, actual ${show(actual)}` });
    }
    return;
  }
  if (isPlainObject(reference)) {
    if (!isPlainObject(actual)) {
      out.push({ path: at, text: `reference ${show(reference)}, actual ${show(actual)}` });
      return;
    }
    for (const [key, value] of Object.entries(reference)) {
      compare(value, actual[key], [...at, keySegment(key)], out);
    }
    return;
  }
  if (Array.isArray(reference)) {
    if (!Array.isArray(actual)) {
      out.push({ path: at, text: `reference ${show(reference)}, actual ${show(actual)}` });
      return;
    }
    if (reference.length > 0 && reference.every(isPlainObject)) {
      compareObjectList(reference as Array<Record<string, unknown>>, actual, at, out);
    } else {
      const equal = reference.length === actual.length && reference.every((r, i) => {
        const inner: Difference[] = [];
        compare(r, actual[i], [], inner);
        return inner.length === 0;
      });
      if (!equal) {
        out.push({ path: at, text: `reference ${show(reference)}, actual ${show(actual)}` });
      }
    }
    return;
  }
  if (!scalarsEqual(reference, actual)) {
    out.push({ path: at, text: `reference ${show(reference)}, actual ${show(actual)}` });
  }
}

function compareObjectList(reference: Array<Record<string, unknown>>, actual: unknown[], at: string[], out: Difference[]): void {
  const problemsWith = (ref: unknown, candidate: unknown, where: string[]) => {
    const inner: Difference[] = [];
    compare(ref, candidate, where, inner);
    return inner;
  };
  reference.forEach((ref, index) => {
    const identity = identityOf(ref);
    if (identity) {
      const where = [...at, `[${identity.key}=${String(identity.value)}]`];
      const candidates = actual.filter(a => isPlainObject(a) && scalarsEqual(identity.value, getIn(a, identity.key)));
      if (candidates.length === 0) {
        const present = actual.map(a => getIn(a, identity.key)).filter(v => v !== undefined);
        out.push({ path: where, text: `missing list element: reference ${show(ref)}, actual list has ${identity.key} ${show(present)}` });
        return;
      }
      // the candidate with the fewest differences
      const best = candidates.map(c => problemsWith(ref, c, where)).sort((a, b) => a.length - b.length)[0];
      out.push(...best);
    } else {
      // no identity: some actual element must contain it; if none does, report the differences
      // from the closest one
      const where = [...at, `[${index}]`];
      const closest = actual.map(a => problemsWith(ref, a, where)).sort((a, b) => a.length - b.length)[0];
      if (!closest) {
        out.push({ path: where, text: `missing list element: reference ${show(ref)}, actual list is empty` });
      } else {
        out.push(...closest.map(d => ({ path: d.path, text: `${d.text} (closest list element, none matches)` })));
      }
    }
  });
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((s, i) => s === of[i]);
}

/**
 * Every difference of `actual` from the reference file (a file name in `test/fixtures/reference/`, or
 * an absolute path), one message each, after removing the `allowed` deviations; an allowed
 * deviation that removes nothing is reported too. An empty list means parity.
 */
export function parityProblems(referenceFile: string, actual: any[], allowed: AllowedDeviation[] = []): string[] {
  const reference = loadReference(referenceFile);
  const problems: Problem[] = [];
  for (const ref of reference) {
    const kind = ref?.kind;
    const name = ref?.metadata?.name;
    const object = `${kind}/${name}`;
    const matches = actual.filter(a => a?.kind === kind && a?.metadata?.name === name);
    if (matches.length === 0) {
      const present = actual.map(a => `${a?.kind}/${a?.metadata?.name}`).join(', ');
      problems.push({ object, path: [], text: `${object}: missing (actual objects: ${present || 'none'})` });
      continue;
    }
    if (matches.length > 1) {
      problems.push({ object, path: [], text: `${object}: ${matches.length} actual objects have this kind and name` });
      continue;
    }
    const found: Difference[] = [];
    compare(ref, matches[0], [], found);
    for (const p of found) {
      problems.push({ object, path: p.path, text: `${object} at ${joinPath(p.path) || '(object)'}: ${p.text}` });
    }
  }

  const result: string[] = [];
  const deviations = allowed.map(d => {
    try {
      return { deviation: d, path: parsePath(d.path), used: false, error: undefined as string | undefined };
    } catch (e) {
      return { deviation: d, path: [] as string[], used: true, error: (e as Error).message };
    }
  });
  for (const d of deviations) {
    if (d.error) {
      result.push(`allowed deviation ${d.deviation.kind}/${d.deviation.name}: ${d.error}`);
    }
  }
  for (const p of problems) {
    const covering = deviations.filter(d =>
      !d.error && `${d.deviation.kind}/${d.deviation.name}` === p.object && isPrefix(d.path, p.path));
    covering.forEach(d => { d.used = true; });
    if (covering.length === 0) {
      result.push(p.text);
    }
  }
  for (const d of deviations) {
    if (!d.used) {
      const { kind, name, reason } = d.deviation;
      result.push(`allowed deviation ${kind}/${name} at ${JSON.stringify(d.deviation.path)} (${reason}) matches no difference from ${referenceFile}: remove it or fix its path`);
    }
  }
  return result;
}

/** Fails the current test, listing every parity problem (see `parityProblems`). */
export function expectParity(referenceFile: string, actual: any[], allowed: AllowedDeviation[] = []): void {
  const problems = parityProblems(referenceFile, actual, allowed);
  if (problems.length > 0) {
    throw new Error(`${problems.length} difference(s) from ${referenceFile}:\n- ${problems.join('\n- ')}`);
  }
}
