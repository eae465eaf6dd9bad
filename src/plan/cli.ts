/**
 * Command line of `cdk8s-stateful plan`. `main` takes the arguments after the program
 * name and writes to injectable streams, so tests can run it in-process.
 */
import { diffAgainst, Diff } from './diff';
import { InputError, LoadContext, loadPaths, LoadResult } from './load';
import { buildPlan } from './model';
import { rackScaleDownProblems } from './racks';
import { exitCodeOf, jsonChunks, markdownChunks, Report, textChunks } from './render';
import { DEFAULT_CLUSTER_DOMAIN } from '../private/identity';

export const EXIT_OK = 0;
/** The API server would refuse an object or a change; with --strict, also any error-level finding. */
export const EXIT_REFUSED = 1;
/** Bad usage or bad input (missing file, malformed or hostile YAML, no object), or a failure of the command itself. */
export const EXIT_USAGE = 2;

export const DEFAULT_INPUT = 'dist';

export interface CliIo {
  /** Receives the report. */
  readonly stdout: (text: string) => void;
  /** Receives usage and input errors. */
  readonly stderr: (text: string) => void;
  /** Directory relative paths are resolved from. @default process.cwd() */
  readonly cwd?: string;
  /** Reads standard input, for the path `-`. */
  readonly readStdin?: () => string;
}

export const USAGE = `Usage: cdk8s-stateful plan [options] [files or folders...]

Reads Kubernetes manifests (default: ${DEFAULT_INPUT}/; folders are read recursively for *.yaml
and *.yml; - reads standard input; YAML 1.1, as kubectl reads it) and explains what each
StatefulSet will do: pods in start order with their DNS names, the claims each pod creates and
what satisfies them, disruption budgets and quorum, rolling updates, scale down, and problems
found, including what the API server refuses.

Options:
  --against PATH         compare with the manifests currently deployed (a file or folder,
                         e.g. the previous commit's ${DEFAULT_INPUT}/, or kubectl get -o yaml
                         output); may be repeated; an empty folder is an empty deployed set
  --strict               exit 1 on any error-level finding, not only on what the API
                         server refuses (e.g. a budget that blocks every drain)
  --cluster-domain NAME  the cluster's DNS domain (default: ${DEFAULT_CLUSTER_DOMAIN})
  --json                 JSON output, for pipelines (errors too: {"error": ..., "exitCode": 2})
  --markdown             Markdown output, for a pull-request comment
  -h, --help             show this help

Exit codes:
  0  nothing the API server refuses (with --strict: and no error-level finding)
  1  the API server refuses an object or a change (with --against: the sync would fail);
     with --strict, also any error-level finding
  2  usage or input error (missing file, malformed or hostile YAML, no Kubernetes object),
     or a failure of the command itself
`;

interface Options {
  readonly paths: string[];
  readonly against: string[];
  readonly strict: boolean;
  readonly clusterDomain: string;
  readonly format: 'text' | 'json' | 'markdown';
}

class UsageError extends Error {}

function parseArgs(args: string[]): Options | 'help' {
  const paths: string[] = [];
  const against: string[] = [];
  let clusterDomain = DEFAULT_CLUSTER_DOMAIN;
  let strict = false;
  let format: Options['format'] | undefined;
  let optionsDone = false;

  const setFormat = (f: Options['format']) => {
    if (format !== undefined && format !== f) throw new UsageError('--json and --markdown cannot be combined');
    format = f;
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (optionsDone || !arg.startsWith('-') || arg === '-') {
      paths.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) {
        if (inline === '') throw new UsageError(`${name} needs a value`);
        return inline;
      }
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw new UsageError(`${name} needs a value`);
      i++;
      return next;
    };
    const flag = () => {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
    };
    switch (name) {
      case '--':
        optionsDone = true;
        break;
      case '-h':
      case '--help':
        return 'help';
      case '--against':
        against.push(value());
        break;
      case '--cluster-domain': {
        const domain = value().replace(/\.$/, '');
        if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain)) {
          throw new UsageError(`--cluster-domain "${domain}" is not a DNS domain (lowercase letters, digits, '-' and '.', e.g. cluster.local)`);
        }
        clusterDomain = domain;
        break;
      }
      case '--json':
        flag();
        setFormat('json');
        break;
      case '--strict':
        flag();
        strict = true;
        break;
      case '--markdown':
        flag();
        setFormat('markdown');
        break;
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  return { paths, against, strict, clusterDomain, format: format ?? 'text' };
}

/** The output format asked for, read before the arguments are checked (so errors can be JSON). */
function wantsJson(argv: string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--json') return true;
  }
  return false;
}

/** The first line of a message (the command prints errors on one line). */
function oneLine(message: string): string {
  return message.split(/\r?\n/)[0];
}

/**
 * Runs the command. `argv` is what follows the program name, e.g. `['plan', 'dist', '--json']`.
 * Returns the exit code. It never throws: a failure of the command itself is reported on one line
 * (no stack trace) and exits 2, never 1, the code that means "refused".
 */
export function main(argv: string[], io: CliIo = defaultIo()): number {
  const json = wantsJson(argv);
  const fail = (message: string): number => {
    // The streams may be what failed: report as well as they allow, and still exit 2.
    try {
      io.stderr(`cdk8s-stateful plan: error: ${oneLine(message)}\n`);
    } catch {
      // nothing more can be reported
    }
    try {
      if (json) io.stdout(`${JSON.stringify({ error: oneLine(message), exitCode: EXIT_USAGE }, null, 2)}\n`);
    } catch {
      // nothing more can be reported
    }
    return EXIT_USAGE;
  };
  try {
    return run(argv, io);
  } catch (e) {
    if (e instanceof InputError) return fail(e.message);
    const what = e instanceof RangeError ? 'the input is too large or too deeply nested to plan' : 'the plan failed';
    return fail(`${what} (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}); please report it with the input that caused it`);
  }
}

function run(argv: string[], io: CliIo): number {
  const [command, ...rest] = argv;
  const json = wantsJson(argv);
  const usage = (message: string): number => {
    io.stderr(`${message}\n`);
    if (json) io.stdout(`${JSON.stringify({ error: oneLine(message.replace(/^cdk8s-stateful( plan)?: /, '')), exitCode: EXIT_USAGE }, null, 2)}\n`);
    return EXIT_USAGE;
  };
  if (command === '-h' || command === '--help' || command === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (command === undefined) {
    return usage(`cdk8s-stateful: a command is needed\n\n${USAGE}`);
  }
  if (command !== 'plan') {
    return usage(`cdk8s-stateful: unknown command "${command}" (the command is: plan)\n\n${USAGE}`);
  }

  let options: Options | 'help';
  try {
    options = parseArgs(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      return usage(`cdk8s-stateful plan: ${e.message}\nRun cdk8s-stateful plan --help for the options.`);
    }
    throw e;
  }
  if (options === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }

  // The objects read are no longer referenced once the report is made: they can be collected
  // while the report is written.
  const report = analyse(options, { cwd: io.cwd ?? process.cwd(), readStdin: io.readStdin });
  const chunks = options.format === 'json' ? jsonChunks(report) : options.format === 'markdown' ? markdownChunks(report) : textChunks(report);
  for (const chunk of chunks) io.stdout(chunk);
  return exitCodeOf(report);
}

/** Reads the input (and the deployed set) and makes the report. Throws InputError for bad input. */
function analyse(options: Options, ctx: LoadContext): Report {
  const usingDefault = options.paths.length === 0;
  const paths = usingDefault ? [DEFAULT_INPUT] : options.paths;
  let current: LoadResult;
  try {
    current = loadPaths(paths, ctx);
  } catch (e) {
    if (e instanceof InputError && e.reason === 'missing' && usingDefault) {
      throw new InputError(`${e.message} (by default the plan reads ${DEFAULT_INPUT}/: synthesize first, or name the files or folders to read)`);
    }
    throw e;
  }
  if (current.objects.length === 0) {
    if (current.notObjects.length === 0) {
      throw new InputError(`${paths.join(', ')}: empty input, no Kubernetes object found in ${current.files.join(', ')}`);
    }
    const shown = current.notObjects.slice(0, 3).map((n) => `${n.file}:${n.line} is ${n.what}`).join('; ');
    const others = current.notObjects.length > 3 ? `; and ${current.notObjects.length - 3} more such documents` : '';
    throw new InputError(`${paths.join(', ')}: no Kubernetes object (a mapping with apiVersion and kind): ${shown}${others}`);
  }
  let diff: Diff | null = null;
  if (options.against.length > 0) {
    // An empty deployed set is allowed: nothing is deployed yet, everything is added.
    diff = diffAgainst(loadPaths(options.against, ctx, { allowEmptyFolder: true }), current);
  }
  const plan = buildPlan(current, { clusterDomain: options.clusterDomain });
  // A rack that loses pods is warned of per rack.
  if (diff) plan.problems.push(...rackScaleDownProblems(plan.racks, diff));
  return { plan, diff, strict: options.strict };
}
function defaultIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
}
