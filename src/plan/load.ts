/**
 * Reading the input: files and folders (symbolic links followed), standard input, YAML streams of
 * Kubernetes objects and kubectl Lists. Hostile YAML (alias bombs, self-references, deep nesting)
 * is refused with an InputError naming the file and line, within bounded time and memory.
 */
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

/** A YAML document (or List item) that is not a Kubernetes object. */
export interface NotAnObject extends SourceRef {
  /** What it is: `a mapping without kind`, `a list`, `a scalar ("hello")`. */
  readonly what: string;
}

/** The objects of all input files. */
export interface LoadResult {
  /** The YAML files read, in the order read. */
  readonly files: string[];
  /** Every object, in input order (List items expanded). */
  readonly objects: LoadedObject[];
  /** Documents that are not Kubernetes objects (no kind, not a mapping). */
  readonly notObjects: NotAnObject[];
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

export interface LoadOptions {
  /** Accept a folder without YAML files (an empty deployed set). @default false */
  readonly allowEmptyFolder?: boolean;
}

const YAML_FILE = /\.ya?ml$/i;

/** Aliases one document may expand (the `yaml` package's guard against alias bombs). */
export const MAX_ALIAS_COUNT = 1000;
/** Nesting depth of a document (Kubernetes objects stay far below it). */
export const MAX_DEPTH = 200;
/** Values (mappings, lists and scalars) in one document once its aliases are expanded. */
export const MAX_VALUES = 1_000_000;

/**
 * Reads files and folders (folders recursively, *.yaml and *.yml, sorted by path; hidden folders
 * and node_modules are skipped; symbolic links are followed). `-` reads standard input. Throws
 * InputError for a missing path, unreadable or malformed YAML (with file and line), or a folder
 * without YAML files (unless allowed).
 */
export function loadPaths(paths: string[], ctx: LoadContext, options: LoadOptions = {}): LoadResult {
  const files: { display: string; read: () => string }[] = [];
  for (const p of paths) {
    if (p === '-') {
      const readStdin = ctx.readStdin;
      if (!readStdin) throw new InputError('reading manifests from standard input (-) is not available here');
      files.push({
        display: '<stdin>',
        read: () => {
          try {
            return readStdin();
          } catch (e) {
            throw new InputError(`<stdin>: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
          }
        },
      });
      continue;
    }
    const abs = path.resolve(ctx.cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      const dangling = isSymlink(abs);
      throw new InputError(dangling ? `${p}: a symbolic link to a file or folder that does not exist` : `${p}: no such file or folder`, 'missing');
    }
    if (stat.isDirectory()) {
      const found = walk(abs, ctx.cwd, new Set([realpath(abs)]));
      if (found.length === 0 && !options.allowEmptyFolder) {
        throw new InputError(`${p}: the folder holds no *.yaml or *.yml file`, 'missing');
      }
      for (const f of found) files.push({ display: display(f, ctx.cwd), read: () => readFile(f, ctx.cwd) });
    } else {
      files.push({ display: display(abs, ctx.cwd), read: () => readFile(abs, ctx.cwd) });
    }
  }

  const objects: LoadedObject[] = [];
  const notObjects: NotAnObject[] = [];
  for (const file of files) {
    parseFile(file.display, file.read(), objects, notObjects);
  }
  return { files: files.map((f) => f.display), objects, notObjects };
}

function readFile(file: string, cwd: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${display(file, cwd)}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** A piece of a YAML stream that starts at a document marker, and the line it starts on (0-based). */
interface Chunk {
  readonly text: string;
  readonly line: number;
}

/**
 * Splits a YAML stream before each line that starts with the document marker `---`. Such a line
 * always starts a new document (YAML forbids it inside any content), so each piece parses on its
 * own: the parser's time and memory then grow with the largest document, not with the stream.
 * A stream with directives (`%YAML`, `%TAG`) is parsed whole, since a directive belongs to the
 * document after it.
 */
function chunks(text: string): Chunk[] {
  if (/^%/m.test(text)) return [{ text, line: 0 }];
  const result: Chunk[] = [];
  const marker = /^---(?=[ \t\r\n]|$)/gm;
  let start = 0;
  let line = 0;
  let m: RegExpExecArray | null;
  while ((m = marker.exec(text)) !== null) {
    if (m.index === start) continue;
    const piece = text.slice(start, m.index);
    result.push({ text: piece, line });
    line += countLines(piece);
    start = m.index;
  }
  result.push({ text: text.slice(start), line });
  return result;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Runs `fn` with `process.env` replaced by a plain copy. The `yaml` parser reads
 * `process.env.LOG_TOKENS` for every token, and reading the real environment is an order of
 * magnitude slower than reading a plain object (a quarter of the parse time on large inputs).
 * Nothing else runs meanwhile: parsing is synchronous.
 */
function withPlainEnv<T>(fn: () => T): T {
  const env = process.env;
  try {
    process.env = { ...env };
  } catch {
    return fn();
  }
  try {
    return fn();
  } finally {
    process.env = env;
  }
}

/** Parses the text of one file (exported for tests and standard input). */
export function parseFile(file: string, text: string, objects: LoadedObject[], notObjects: NotAnObject[]): void {
  withPlainEnv(() => {
    for (const chunk of chunks(text)) parseChunk(file, chunk, objects, notObjects);
  });
}

function parseChunk(file: string, chunk: Chunk, objects: LoadedObject[], notObjects: NotAnObject[]): void {
  const lineCounter = new LineCounter();
  // YAML 1.1, as kubectl reads manifests (sigs.k8s.io/yaml, after go-yaml v2): merge keys
  // (`<<: *base`), yes/no/on/off as booleans, 0755 as an octal number.
  const docs = parseAllDocuments(chunk.text, { lineCounter, prettyErrors: true, version: '1.1' });
  const list = Array.isArray(docs) ? docs : [docs];
  const lineAt = (offset: number) => lineCounter.linePos(offset).line + chunk.line;
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
      if (/Maximum call stack size exceeded/.test(err.message)) {
        throw new InputError(`${file}:${pos.line + chunk.line}: the YAML is nested too deeply to read`, 'malformed');
      }
      const firstLine = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      // The parser often notices a missing bracket or quote only at the next document
      // marker or at the end of the file: point at the last line with content before it.
      const lines = chunk.text.split(/\r?\n/);
      let line = pos.line;
      let col = pos.col;
      while (line > 1 && /^\s*(#.*)?$|^(---|\.\.\.)\s*$/.test(lines[line - 1] ?? '')) {
        line--;
        col = 1;
      }
      throw new InputError(`${file}:${line + chunk.line}:${col}: malformed YAML: ${firstLine}`, 'malformed');
    }
    const contents = doc.contents;
    if (contents === null) continue; // empty document (only comments or `---`)
    const line = lineAt(contents.range[0]);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      if (/Excessive alias count/.test(message)) {
        throw new InputError(`${file}:${line}: the YAML aliases of this document expand too much (more than ${MAX_ALIAS_COUNT} aliases): refused as an alias bomb`, 'malformed');
      }
      if (/Unresolved alias/.test(message)) {
        const name = /: (\S+)$/.exec(message)?.[1];
        throw new InputError(`${file}:${line}: malformed YAML: the alias *${name ?? '?'} has no anchor &${name ?? '?'} before it`, 'malformed');
      }
      if (e instanceof RangeError) {
        throw new InputError(`${file}:${line}: the YAML is nested too deeply to read`, 'malformed');
      }
      throw new InputError(`${file}:${line}: the YAML cannot be read: ${message}`, 'malformed');
    }
    if (value === null || value === undefined) continue;
    checkShape(value, file, line);
    const lineOf = (node: unknown): number | undefined => {
      const range = (node as { range?: unknown } | null)?.range;
      return Array.isArray(range) && typeof range[0] === 'number' ? lineAt(range[0]) : undefined;
    };
    addObject({ file, line, value, node: contents, lineOf }, objects, notObjects);
  }
}

/**
 * Refuses a document whose value refers to itself (an anchor used inside its own node), is nested
 * deeper than MAX_DEPTH, or holds more than MAX_VALUES values once its aliases are expanded: what
 * the plan does with a document afterwards then stays bounded.
 */
function checkShape(value: unknown, file: string, line: number): void {
  // Depth-first, without recursion; `onPath` holds the containers from the root to the current one.
  const onPath = new Set<unknown>();
  const stack: { value: unknown; depth: number; leave: boolean }[] = [{ value, depth: 1, leave: false }];
  let count = 0;
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.leave) {
      onPath.delete(top.value);
      continue;
    }
    if (++count > MAX_VALUES) {
      throw new InputError(`${file}:${line}: the document holds more than ${MAX_VALUES.toLocaleString('en-US')} values once its YAML aliases are expanded: refused as an alias bomb`, 'malformed');
    }
    const v = top.value;
    if (typeof v !== 'object' || v === null) continue;
    if (onPath.has(v)) {
      throw new InputError(`${file}:${line}: a YAML alias refers to a mapping or list that contains it (a self-reference): it has no finite value`, 'malformed');
    }
    if (top.depth > MAX_DEPTH) {
      throw new InputError(`${file}:${line}: the YAML is nested more than ${MAX_DEPTH} levels deep`, 'malformed');
    }
    onPath.add(v);
    stack.push({ value: v, depth: top.depth, leave: true });
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {stack.push({ value: child, depth: top.depth + 1, leave: false });} else if (++count > MAX_VALUES) {
        throw new InputError(`${file}:${line}: the document holds more than ${MAX_VALUES.toLocaleString('en-US')} values once its YAML aliases are expanded: refused as an alias bomb`, 'malformed');
      }
    }
  }
}

interface Found {
  readonly file: string;
  readonly line: number;
  readonly value: unknown;
  readonly node: unknown;
  readonly lineOf: (node: unknown) => number | undefined;
}

/** What a document without a kind is called. */
export const WITHOUT_KIND = 'a mapping without kind';

/** `a list`, `a scalar ("hello")`, `a mapping without kind`. */
function describeNotAnObject(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (isObj(value)) return value.kind === undefined || value.kind === null || value.kind === '' ? WITHOUT_KIND : `a mapping whose kind is not a string (${JSON.stringify(value.kind)})`;
  const text = JSON.stringify(value) ?? String(value);
  return `a scalar (${text.length > 40 ? `${text.slice(0, 37)}...` : text})`;
}

function addObject(found: Found, objects: LoadedObject[], notObjects: NotAnObject[]): void {
  const { file, line, value } = found;
  if (!isObj(value) || typeof value.kind !== 'string' || value.kind === '') {
    notObjects.push({ file, line, what: describeNotAnObject(value) });
    return;
  }
  // A kubectl List (`kubectl get -o yaml` of several objects), or a list kind of the API
  // (`StatefulSetList`, ...): expand its items.
  if (isList(value)) {
    const itemNodes = listItemNodes(found.node);
    (value.items as unknown[]).forEach((item, i) => {
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

/** API groups whose `<Kind>List` kinds are lists of objects (`kind: List` always is). */
const LIST_API_VERSIONS = new Set(['v1', 'apps/v1', 'policy/v1', 'policy/v1beta1', 'storage.k8s.io/v1']);

function isList(value: Obj): boolean {
  if (!Array.isArray(value.items)) return false;
  const kind = String(value.kind);
  return kind === 'List' || (kind.endsWith('List') && LIST_API_VERSIONS.has(String(value.apiVersion)));
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

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function realpath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * The YAML files of a folder and its subfolders, sorted by path. Symbolic links are followed (a
 * linked folder once, so a link cycle ends); a link named *.yaml that leads nowhere is an error.
 */
function walk(dir: string, cwd: string, seen: Set<string>): string[] {
  const result: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new InputError(`${display(dir, cwd)}: the folder cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      let target: fs.Stats;
      try {
        target = fs.statSync(full);
      } catch {
        if (YAML_FILE.test(entry.name)) throw new InputError(`${display(full, cwd)}: a symbolic link to a file that does not exist`);
        continue;
      }
      isDirectory = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDirectory) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const real = realpath(full);
      if (seen.has(real)) continue;
      seen.add(real);
      result.push(...walk(full, cwd, seen));
    } else if (isFile && YAML_FILE.test(entry.name)) {
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
