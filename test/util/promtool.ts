/**
 * Runs Prometheus's `promtool` (Debian package `prometheus`, installed by .ci/run) on the rule
 * files of synthesized PrometheusRules: `promtool check rules` and `promtool test rules`.
 *
 * Without promtool the tests fail with the install command; they never skip.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';

const INSTALL = 'apt-get update && apt-get install -y --no-install-recommends prometheus (Debian; .ci/run does this)';

/** The result of one promtool run. */
export interface PromtoolResult {
  readonly status: number;
  /** Standard output and error, together. */
  readonly output: string;
}

/** Runs promtool with the given arguments in `cwd`; throws with the install command when promtool is missing. */
export function promtool(args: string[], cwd: string): PromtoolResult {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing
      ? `promtool is not installed (it comes with Debian's prometheus package): ${INSTALL}`
      : `promtool ${args.join(' ')} could not run: ${result.error.message}`);
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** A new temporary directory for rule files, removed by `removeDirectory`. */
export function ruleDirectory(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
}

export function removeDirectory(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes the `spec` of a PrometheusRule as a Prometheus rule file (`groups:`), returns its name. */
export function writeRuleFile(dir: string, rule: any, file = `${rule.metadata.name}.rules.yaml`): string {
  if (rule?.kind !== 'PrometheusRule') {
    throw new Error(`not a PrometheusRule: ${rule?.kind}`);
  }
  fs.writeFileSync(path.join(dir, file), Yaml.stringify(rule.spec));
  return file;
}

/** `promtool check rules <file>`: throws with promtool's output unless the file is valid. */
export function checkRules(dir: string, file: string): string {
  const { status, output } = promtool(['check', 'rules', file], dir);
  if (status !== 0) {
    throw new Error(`promtool check rules ${file} failed (status ${status}):\n${output}`);
  }
  return output;
}

/** One series of a rule test: `up{namespace="default",pod="zk-0"}` and its values, e.g. `1x10`. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** An alert expected at the evaluation time of a rule test. */
export interface ExpectedAlert {
  readonly exp_labels: { [key: string]: string };
  readonly exp_annotations: { [key: string]: string };
}

/** One case of a rule test: the series, and per alert name the alerts firing at `evalTime`. */
export interface RuleTestCase {
  readonly name: string;
  readonly series: InputSeries[];
  readonly evalTime: string;
  readonly alerts: { [alertName: string]: ExpectedAlert[] };
}

/**
 * `promtool test rules` of the given rule file with the given cases (series every minute).
 * Returns promtool's status and output; status 0 means every case passed.
 */
export function testRules(dir: string, ruleFile: string, cases: RuleTestCase[]): PromtoolResult {
  const test = {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: cases.map(c => ({
      name: c.name,
      interval: '1m',
      input_series: c.series,
      alert_rule_test: Object.entries(c.alerts).map(([alertname, exp]) => ({ eval_time: c.evalTime, alertname, exp_alerts: exp })),
    })),
  };
  const file = `${ruleFile}.test.yaml`;
  fs.writeFileSync(path.join(dir, file), Yaml.stringify(test));
  return promtool(['test', 'rules', file], dir);
}

/**
 * The annotations Prometheus renders for an alert of the given rule, with `{{ $value }}` and
 * `{{ $labels.x }}` replaced, so that a rule test can expect the exact texts.
 */
export function expandAnnotations(rule: any, value: number, labels: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [key, text] of Object.entries<string>(rule.annotations)) {
    out[key] = text
      .replace(/\{\{ \$value \| printf "%\.0f" \}\}/g, value.toFixed(0))
      .replace(/\{\{ \$value \}\}/g, String(value))
      .replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_m, name: string) => labels[name] ?? '');
    if (/\{\{/.test(out[key])) {
      throw new Error(`expandAnnotations does not know a template of ${rule.alert}.${key}: ${text}`);
    }
  }
  return out;
}
