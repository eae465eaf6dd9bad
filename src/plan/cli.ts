/**
 * Command line of `cdk8s-stateful plan`. `main` takes the arguments after the program
 * name and writes to injectable streams, so tests can run it in-process.
 */
import { diffAgainst, Diff } from './diff';
import { InputError, loadPaths, LoadResult } from './load';
import { buildPlan, DEFAULT_CLUSTER_DOMAIN } from './model';
import { rackScaleDownProblems } from './racks';
import { exitCodeOf, renderJson, renderMarkdown, renderText, Report } from './render';
import { withQuorumTlsWarnings } from './zookeeper-tls';

export const EXIT_OK = 0;
/** The API server would refuse an object or a change. */
export const EXIT_REFUSED = 1;
/** Bad usage or bad input (missing file, malformed YAML, empty input). */
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
and *.yml; - reads standard input) and explains what each StatefulSet will do: pods in
start order with their DNS names, the claims each pod creates and what satisfies them,
disruption budgets and quorum, rolling updates, scale down, and problems found.

Options:
  --against PATH         compare with the manifests currently deployed (a file or folder,
                         e.g. the previous commit's ${DEFAULT_INPUT}/); may be repeated
  --cluster-domain NAME  the cluster's DNS domain (default: ${DEFAULT_CLUSTER_DOMAIN})
  --json                 JSON output, for pipelines
  --markdown             Markdown output, for a pull-request comment
  -h, --help             show this help

Exit codes:
  0  nothing the API server refuses
  1  the API server refuses an object or a change (with --against: the sync would fail)
  2  usage or input error (missing file, malformed YAML, empty input)
`;

interface Options {
  readonly paths: string[];
  readonly against: string[];
  readonly clusterDomain: string;
  readonly format: 'text' | 'json' | 'markdown';
}

class UsageError extends Error {}

function parseArgs(args: string[]): Options | 'help' {
  const paths: string[] = [];
  const against: string[] = [];
  let clusterDomain = DEFAULT_CLUSTER_DOMAIN;
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
      case '--markdown':
        flag();
        setFormat('markdown');
        break;
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  return { paths, against, clusterDomain, format: format ?? 'text' };
}

/**
 * Runs the command. `argv` is what follows the program name, e.g. `['plan', 'dist', '--json']`.
 * Returns the exit code.
 */
export function main(argv: string[], io: CliIo = defaultIo()): number {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (command === undefined) {
    io.stderr(`cdk8s-stateful: a command is needed\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (command !== 'plan') {
    io.stderr(`cdk8s-stateful: unknown command "${command}" (the command is: plan)\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  let options: Options | 'help';
  try {
    options = parseArgs(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`cdk8s-stateful plan: ${e.message}\nRun cdk8s-stateful plan --help for the options.\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (options === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }

  const ctx = { cwd: io.cwd ?? process.cwd(), readStdin: io.readStdin };
  const usingDefault = options.paths.length === 0;
  const paths = usingDefault ? [DEFAULT_INPUT] : options.paths;
  let report: Report;
  try {
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
      throw new InputError(`${paths.join(', ')}: empty input, no Kubernetes object found in ${current.files.join(', ')}`);
    }
    let diff: Diff | null = null;
    let deployed: LoadResult | null = null;
    if (options.against.length > 0) {
      // An empty deployed set is allowed: nothing is deployed yet, everything is added.
      deployed = loadPaths(options.against, ctx);
      diff = diffAgainst(deployed, current);
    }
    const plan = buildPlan(current, { clusterDomain: options.clusterDomain });
    // A rack that loses pods is warned of per rack.
    if (diff) plan.problems.push(...rackScaleDownProblems(plan.racks, diff));
    // A ZooKeeper quorum switched to or from TLS in one step breaks (see zookeeper-tls.ts).
    report = { plan: deployed ? withQuorumTlsWarnings(plan, deployed, current) : plan, diff };
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`cdk8s-stateful plan: error: ${e.message}\n`);
      if (options.format === 'json') io.stdout(`${JSON.stringify({ error: e.message, exitCode: EXIT_USAGE }, null, 2)}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }

  switch (options.format) {
    case 'json':
      io.stdout(renderJson(report));
      break;
    case 'markdown':
      io.stdout(renderMarkdown(report));
      break;
    default:
      io.stdout(renderText(report));
  }
  return exitCodeOf(report);
}

function defaultIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
}
