// Hostile and huge input: a clear exit 2 naming the file and line (no stack trace, never exit 1),
// or a bounded, correct answer. JSON output stays JSON.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, run } from './helpers';
import { main } from '../../src/plan/cli';
import { MAX_DEPTH } from '../../src/plan/load';

const STATEFULSET = (replicas: string, extra = '') => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: big
spec:
  serviceName: big
  replicas: ${replicas}
  selector:
    matchLabels: { app: big }
  template:
    metadata:
      labels: { app: big }
    spec:
      containers: [{ name: c, image: nginx:1.25 }]
  volumeClaimTemplates:
    - metadata: { name: data }
      spec:
        accessModes: [ReadWriteOnce]
        resources: { requests: { storage: 1Gi } }
${extra}`;

function tempFile(name: string, text: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-hostile-'));
  fs.writeFileSync(path.join(dir, name), text);
  return { dir, file: name };
}

/** Runs the plan on the text (standard input), as text and as JSON; both must agree. */
function refusedInput(text: string, extra: string[] = []): { stderr: string; json: any } {
  const plain = run(['plan', '-', ...extra], FIXTURES, text);
  expect(plain.code).toBe(2);
  expect(plain.stdout).toBe('');
  expect(plain.stderr).toMatch(/^cdk8s-stateful plan: error: [^\n]+\n$/);
  expect(plain.stderr).not.toMatch(/\n\s+at /);
  const json = run(['plan', '-', '--json', ...extra], FIXTURES, text);
  expect(json.code).toBe(2);
  const parsed = JSON.parse(json.stdout);
  expect(parsed).toEqual({ error: expect.any(String), exitCode: 2 });
  expect(plain.stderr).toBe(`cdk8s-stateful plan: error: ${parsed.error}\n`);
  return { stderr: plain.stderr, json: parsed };
}

describe('hostile YAML exits 2 with file and line', () => {
  test('an alias bomb (billion laughs)', () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefghi'.split('').map((x, i) => `${x}: &${x} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
      'kind: ConfigMap',
    ].join('\n');
    const { stderr } = refusedInput(`kind: Service\nmetadata: { name: ok }\n---\n${bomb}\n`);
    expect(stderr).toBe('cdk8s-stateful plan: error: <stdin>:4: the YAML aliases of this document expand too much (more than 1000 aliases): refused as an alias bomb\n');
  });

  test('an alias without its anchor', () => {
    const { stderr } = refusedInput('apiVersion: v1\nkind: Service\nmetadata:\n  name: *nope\n');
    expect(stderr).toBe('cdk8s-stateful plan: error: <stdin>:1: malformed YAML: the alias *nope has no anchor &nope before it\n');
  });

  test('an anchor used inside its own node (a self-reference), also with --against', () => {
    const selfRef = 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: &m\n  name: loop\n  labels:\n    again: *m\n';
    expect(refusedInput(selfRef).stderr)
      .toBe('cdk8s-stateful plan: error: <stdin>:1: a YAML alias refers to a mapping or list that contains it (a self-reference): it has no finite value\n');
    const { dir, file } = tempFile('deployed.yaml', selfRef);
    const { code, stderr, stdout } = run(['plan', path.join(FIXTURES, 'db.yaml'), '--against', file, '--json'], dir);
    expect(code).toBe(2);
    expect(stderr).toBe('cdk8s-stateful plan: error: deployed.yaml:1: a YAML alias refers to a mapping or list that contains it (a self-reference): it has no finite value\n');
    expect(JSON.parse(stdout).exitCode).toBe(2);
  });

  test('nesting deeper than the parser can follow', () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\ndata:\n  x: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    expect(refusedInput(deep).stderr).toMatch(/^cdk8s-stateful plan: error: <stdin>:\d+: the YAML is nested too deeply to read\n$/);
  });

  test(`nesting deeper than ${MAX_DEPTH} levels`, () => {
    let text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n';
    for (let i = 1; i <= MAX_DEPTH + 5; i++) text += `${'  '.repeat(i)}a:\n`;
    text += `${'  '.repeat(MAX_DEPTH + 6)}b: 1\n`;
    expect(refusedInput(text).stderr).toBe(`cdk8s-stateful plan: error: <stdin>:1: the YAML is nested more than ${MAX_DEPTH} levels deep\n`);
  });
});

describe('huge but valid numbers give a bounded answer', () => {
  test('replicas: 1000000 lists 500 pods and counts the rest', () => {
    const { code, stdout } = run(['plan', '-', '--json'], FIXTURES, STATEFULSET('1000000'));
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    const [sts] = json.statefulSets;
    expect(sts.replicas).toBe(1000000);
    expect(sts.pods).toHaveLength(500);
    expect(sts.pods[499].name).toBe('big-499');
    expect(sts.podsOmitted).toBe(999500);
    expect(sts.update.rolls).toHaveLength(500);
    expect(sts.update.rolls[0]).toBe('big-999999');
    expect(sts.scaleDown.order[0]).toBe('big-999999');
    expect(json.summary).toMatchObject({ pods: 1000000, claims: 1000000 });
    const text = run(['plan', '-'], FIXTURES, STATEFULSET('1000000')).stdout;
    expect(text).toContain('    ... 999,500 more pods, named the same way\n');
    expect(text).toContain('a template change rolls big-999999, big-999998,');
    expect(text).toContain('... and 999,990 more in this order');
  });

  test('replicas: 2147483647, the largest valid value, and a scale up to it', () => {
    const { code, stdout } = run(['plan', '-', '--json'], FIXTURES, STATEFULSET('2147483647'));
    expect(code).toBe(0);
    const [sts] = JSON.parse(stdout).statefulSets;
    expect(sts.pods).toHaveLength(500);
    expect(sts.podsOmitted).toBe(2147483647 - 500);

    const { dir, file } = tempFile('deployed.yaml', STATEFULSET('3'));
    fs.writeFileSync(path.join(dir, 'new.yaml'), STATEFULSET('2147483647'));
    const diff = run(['plan', 'new.yaml', '--against', file, '--json'], dir);
    expect(diff.code).toBe(0);
    const [change] = JSON.parse(diff.stdout).diff.statefulSets;
    expect(change.scale.added).toHaveLength(500);
    expect(change.scale.added[0]).toBe('big-3');
    expect(change.scale.message).toMatch(/^replicas 3 -> 2147483647: adds big-3, big-4, .* and 2,147,483,634 more \(one at a time, in this order\)/);
  });

  test('replicas beyond a 32-bit integer, or not an integer, are refused', () => {
    for (const replicas of ['2147483648', '1e400', '2.5', '"3"']) {
      const { code, stdout } = run(['plan', '-', '--json'], FIXTURES, STATEFULSET(replicas));
      expect(code).toBe(1);
      const refused = JSON.parse(stdout).statefulSets[0].problems.filter((p: any) => p.refused).map((p: any) => p.message);
      expect(refused).toEqual([expect.stringMatching(/^spec\.replicas .*(does not fit in a 32-bit integer|not an integer): the API server refuses it$/)]);
    }
  });
});

describe('failures of the command itself exit 2 on one line', () => {
  test('an exception while writing never escapes, never exits 1, and prints no stack trace', () => {
    let stderr = '';
    const code = main(['plan', path.join(FIXTURES, 'db.yaml')], {
      stdout: () => { throw new Error('disk full'); },
      stderr: (t) => { stderr += t; },
      cwd: FIXTURES,
    });
    expect(code).toBe(2);
    expect(stderr).toBe('cdk8s-stateful plan: error: the plan failed (Error: disk full); please report it with the input that caused it\n');
  });

  test('with --json, the failure is a JSON error object', () => {
    let stdout = '';
    let calls = 0;
    const code = main(['plan', path.join(FIXTURES, 'db.yaml'), '--json'], {
      stdout: (t) => {
        if (calls++ === 0) throw new RangeError('Invalid string length');
        stdout += t;
      },
      stderr: () => undefined,
      cwd: FIXTURES,
    });
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ error: 'the input is too large or too deeply nested to plan (RangeError: Invalid string length); please report it with the input that caused it', exitCode: 2 });
  });
});

describe('the executable', () => {
  const bin = path.join(__dirname, '..', '..', 'src', 'plan', 'bin.ts');
  const execArgv = ['-r', require.resolve('ts-node/register')];
  const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json') };

  test('piped into a reader that stops early (like head), it stops quietly: no EPIPE error', async () => {
    const big = Array.from({ length: 200 }, (_, i) => STATEFULSET('3').replace(/big/g, `big${i}`)).join('---\n');
    const { dir, file } = tempFile('many.yaml', big);
    const child = spawn(process.execPath, [...execArgv, bin, 'plan', file], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const firstLine = await new Promise<string>((resolve) => {
      child.stdout.once('data', (d: Buffer) => {
        child.stdout.destroy();
        resolve(d.toString().split('\n')[0]);
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(firstLine).toBe(`cdk8s-stateful plan: 200 objects from ${file}`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 30000);
});
