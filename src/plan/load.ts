import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { isObj, Obj, str } from './k8s';

/** Where an object was read from. */
export interface SourceRef {
  /** The file as shown to the user (relative to the working directory when inside it). */
  readonly file: string;
  /** 1-based line of the object's first key. */
  readonly line: number;
}

/** One Kubernetes object read from the input. */
export interface LoadedObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  /** metadata.namespace as written (undefined when not set). */
  readonly namespace: string | undefined;
  readonly object: Obj;
  readonly source: SourceRef;
}

/** The objects of all input files. */
export interface LoadResult {
  /** The YAML files read, in the order read. */
  readonly files: string[];
  /** Every object, in input order (List items expanded). */
  readonly objects: LoadedObject[];
  /** Documents that are not Kubernetes objects (no kind, not a mapping), by file:line. */
  readonly notObjects: SourceRef[];
}

/** Bad input or usage: the command exits with code 2. */
export class InputError extends Error {
  /** `missing`: a path that does not exist or holds no YAML file. */
  public readonly reason: 'missing' | 'malformed' | 'other';
  constructor(message: string, reason: 'missing' | 'malformed' | 'other' = 'other') {
    super(message);
    this.name = 'InputError';
    this.reason = reason;
  }
}

/** How the loader reaches files and standard input (injectable for tests). */
export interface LoadContext {
  /** Directory relative paths are resolved from. */
  readonly cwd: string;
  /** Reads standard input (for the path `-`). */
  readonly readStdin?: () => string;
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Reads files and folders (folders recursively, *.yaml and *.yml, sorted by path;
 * hidden folders and node_modules are skipped). `-` reads standard input.
 * Throws InputError for a missing path, malformed YAML (with file and line) or
 * when no YAML file is found.
 */
export function loadPaths(paths: string[], ctx: LoadContext): LoadResult {
  const files: { display: string; read: () => string }[] = [];
  for (const p of paths) {
    if (p === '-') {
      const readStdin = ctx.readStdin;
      if (!readStdin) throw new InputError('reading manifests from standard input (-) is not available here');
      files.push({ display: '<stdin>', read: readStdin });
      continue;
    }
    const abs = path.resolve(ctx.cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new InputError(`${p}: no such file or folder`, 'missing');
    }
    if (stat.isDirectory()) {
      const found = walk(abs);
      if (found.length === 0) {
        throw new InputError(`${p}: the folder holds no *.yaml or *.yml file`, 'missing');
      }
      for (const f of found) files.push({ display: display(f, ctx.cwd), read: () => fs.readFileSync(f, 'utf8') });
    } else {
      files.push({ display: display(abs, ctx.cwd), read: () => fs.readFileSync(abs, 'utf8') });
    }
  }

  const objects: LoadedObject[] = [];
  const notObjects: SourceRef[] = [];
  for (const file of files) {
    parseFile(file.display, file.read(), objects, notObjects);
  }
  return { files: files.map((f) => f.display), objects, notObjects };
}

/** Parses the text of one file (exported for tests and standard input). */
export function parseFile(file: string, text: string, objects: LoadedObject[], notObjects: SourceRef[]): void {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
      const firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      // The parser often notices a missing bracket or quote only at the next document
      // marker or at the end of the file: point at the last line with content before it.
      const lines = text.split(/\r?\n/);
      let line = pos.line;
      let col = pos.col;
      while (line > 1 && /^\s*(#.*)?$|^(---|\.\.\.)\s*$/.test(lines[line - 1] ?? '')) {
        line--;
        col = 1;
      }
      throw new InputError(`${file}:${line}:${col}: malformed YAML: ${firstLine}`, 'malformed');
    }
    const contents = doc.contents;
    if (contents === null) continue; // empty document (only comments or `---`)
    const line = lineCounter.linePos(contents.range[0]).line;
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue;
    const lineOf = (node: unknown): number | undefined => {
      const range = (node as { range?: unknown } | null)?.range;
      return Array.isArray(range) && typeof range[0] === 'number' ? lineCounter.linePos(range[0]).line : undefined;
    };
    addObject({ file, line, value, node: contents, lineOf }, objects, notObjects);
  }
}

interface Found {
  readonly file: string;
  readonly line: number;
  readonly value: unknown;
  readonly node: unknown;
  readonly lineOf: (node: unknown) => number | undefined;
}

function addObject(found: Found, objects: LoadedObject[], notObjects: SourceRef[]): void {
  const { file, line, value } = found;
  if (!isObj(value) || typeof value.kind !== 'string' || value.kind === '') {
    notObjects.push({ file, line });
    return;
  }
  // A kubectl-style List: expand its items.
  if (value.kind === 'List' && Array.isArray(value.items)) {
    const itemNodes = listItemNodes(found.node);
    value.items.forEach((item, i) => {
      const itemNode = itemNodes[i];
      const itemLine = found.lineOf(itemNode) ?? line;
      addObject({ ...found, line: itemLine, value: item, node: itemNode }, objects, notObjects);
    });
    return;
  }
  const metadata = isObj(value.metadata) ? value.metadata : {};
  objects.push({
    kind: value.kind,
    apiVersion: str(value, 'apiVersion') ?? '',
    name: str(metadata, 'name') ?? '',
    namespace: str(metadata, 'namespace'),
    object: value,
    source: { file, line },
  });
}

/** The YAML nodes of the items of a List document, to report their lines. */
function listItemNodes(node: unknown): unknown[] {
  // A YAMLMap has items of Pairs; find the pair whose key is `items` and take its sequence.
  const result: unknown[] = [];
  if (!isNodeWithItems(node)) return result;
  for (const pair of node.items) {
    if (!isPair(pair) || !isScalarWithValue(pair.key) || pair.key.value !== 'items') continue;
    if (!isNodeWithItems(pair.value)) continue;
    for (const item of pair.value.items) {
      result.push(item);
    }
  }
  return result;
}

interface NodeWithItems { items: unknown[] }
interface PairLike { key: unknown; value: unknown }
interface ScalarLike { value: unknown }

function isNodeWithItems(node: unknown): node is NodeWithItems {
  return typeof node === 'object' && node !== null && Array.isArray((node as NodeWithItems).items);
}
function isPair(node: unknown): node is PairLike {
  return typeof node === 'object' && node !== null && 'key' in node && 'value' in node;
}
function isScalarWithValue(node: unknown): node is ScalarLike {
  return typeof node === 'object' && node !== null && 'value' in node;
}

function walk(dir: string): string[] {
  const result: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      result.push(...walk(full));
    } else if (entry.isFile() && YAML_FILE.test(entry.name)) {
      result.push(full);
    }
  }
  return result;
}

function display(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return abs;
  return rel;
}
