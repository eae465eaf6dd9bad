import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Size, Testing, YamlOutputType } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-27';
import * as ts from 'typescript';
import { growChart, GrowStep } from './grow-chart';
import { readmeChart } from './readme-chart';
import { RedisHostPathChart } from '../../examples/redis-hostpath/chart';
import { main } from '../../src/plan/cli';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';
import { DisruptionBudget, StatefulApp } from 'cdk8s-stateful';

const README = path.join(__dirname, '..', '..', 'README.md');

/** The TypeScript code blocks of README.md. */
function readmeCodeBlocks(): string[] {
  const text = fs.readFileSync(README, 'utf-8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
}

/** Lines without their indentation and without blank lines, to compare code across nesting levels. */
function codeLines(code: string): string[] {
  return code.split('\n').map(l => l.trim()).filter(l => l !== '');
}

test('the short chart of README.md is the README chart that the tests synthesize', () => {
  const source = fs.readFileSync(path.join(__dirname, 'readme-chart.ts'), 'utf-8');
  const construct = /const db = new StatefulApp\(chart, 'orders-db', \{[\s\S]*?\n {2}\}\);\n/.exec(source);
  expect(construct).not.toBeNull();
  const shown = readmeCodeBlocks().find(b => b.includes("new StatefulApp(chart, 'orders-db'"));
  expect(shown).toBeDefined();
  const shownLines = codeLines(shown!);
  const start = shownLines.indexOf(codeLines(construct![0])[0]);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(shownLines.slice(start, start + codeLines(construct![0]).length)).toEqual(codeLines(construct![0]));
  expect(shownLines).toContain("const chart = new Chart(app, 'orders', { namespace: 'shop' });");
});

test('the etcd snippet of README.md runs as shown and tells each member its peers by their DNS names', () => {
  const shown = readmeCodeBlocks().find(b => b.includes("new StatefulApp(chart, 'etcd'"));
  expect(shown).toBeDefined();
  // Run the snippet as written, with what it uses in scope.
  const js = ts.transpileModule(`${shown!}\nreturn etcd;`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const chart = new Chart(Testing.app(), 'cluster');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const etcd = new Function('chart', 'StatefulApp', 'EnvValue', 'Size', js)(chart, StatefulApp, EnvValue, Size) as StatefulApp;
  const objects = Testing.synth(chart);
  validateManifests(objects);
  const c = objects.find(o => o.kind === 'StatefulSet').spec.template.spec.containers[0];
  expect(c.env).toEqual([{
    name: 'ETCD_INITIAL_CLUSTER',
    value: [0, 1, 2].map(i => `etcd-${i}=http://etcd-${i}.etcd.default.svc.cluster.local:2380`).join(','),
  }]);
  expect(etcd.podDnsNames).toHaveLength(3);
  // quorum: the default budget lets one of three members go
  expect(objects.find(o => o.kind === 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
});

test('the YAML shown in README.md is what the README chart synthesizes', () => {
  const text = fs.readFileSync(README, 'utf-8');
  const marker = text.indexOf('<!-- readme-chart-output');
  expect(marker).toBeGreaterThan(0);
  const block = /```yaml\n([\s\S]*?)```/.exec(text.slice(marker));
  expect(block).not.toBeNull();

  const { chart, db } = readmeChart(Testing.app());
  const objects = Testing.synth(chart);
  validateManifests(objects);
  expect(block![1]).toEqual(toYaml(objects));
  expect(db.podDnsNames).toEqual([
    'orders-db-0.orders-db.shop.svc.cluster.local',
    'orders-db-1.orders-db.shop.svc.cluster.local',
    'orders-db-2.orders-db.shop.svc.cluster.local',
  ]);
  expect(db.claimNames('data')).toEqual(['data-orders-db-0', 'data-orders-db-1', 'data-orders-db-2']);
});

test('the error shown in README.md is the one StatefulApp throws', () => {
  const text = fs.readFileSync(README, 'utf-8');
  const shown = /^orders\/orders-db: invalid disruptionBudget.*$/m.exec(text);
  expect(shown).not.toBeNull();
  const chart = new Chart(Testing.app(), 'orders');
  expect(() => new StatefulApp(chart, 'orders-db', {
    replicas: 3,
    container: { image: 'x:1' },
    disruptionBudget: DisruptionBudget.maxUnavailable(0),
  })).toThrow(shown![0]);
});

test('the plan run shown in README.md is what the plan command prints for the redis-hostpath example', () => {
  const text = fs.readFileSync(README, 'utf-8');
  const shown = /`npx projen plan dist\/redis-hostpath\.k8s\.yaml`[\s\S]*?```text\n([\s\S]*?)```/.exec(text);
  expect(shown).not.toBeNull();

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-plan-'));
  try {
    const app = Testing.app({ outdir: path.join(root, 'dist'), yamlOutputType: YamlOutputType.FILE_PER_CHART });
    new RedisHostPathChart(app, 'redis-hostpath');
    app.synth();
    let out = '';
    const code = main(['plan', 'dist/redis-hostpath.k8s.yaml'], { stdout: t => { out += t; }, stderr: t => { out += t; }, cwd: root });
    expect(code).toBe(0);
    expect(out.trimEnd()).toEqual(shown![1].trimEnd());
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

describe('the walk-through "Growing a volume through Git" of README.md', () => {
  const text = fs.readFileSync(README, 'utf-8');

  /** The text block after a marker, without the indentation of the list item it is in. */
  function shownOutput(marker: string): string {
    const at = text.indexOf(marker);
    expect(at).toBeGreaterThan(0);
    const block = /```text\n([\s\S]*?)\n *```/.exec(text.slice(at));
    expect(block).not.toBeNull();
    return block![1].split('\n').map(l => l.replace(/^ {3}/, '')).join('\n');
  }

  /** Synthesizes `before` into deployed/dist and `after` into dist, and runs `plan dist --against deployed/dist`. */
  function planStep(before: GrowStep, after: GrowStep): { code: number; out: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-grow-'));
    try {
      for (const [dir, step] of [['deployed/dist', before], ['dist', after]] as const) {
        const app = Testing.app({ outdir: path.join(root, dir), yamlOutputType: YamlOutputType.FILE_PER_CHART });
        validateManifests(Testing.synth(growChart(app, step)));
        app.synth();
      }
      let out = '';
      const code = main(['plan', 'dist', '--against', 'deployed/dist'], { stdout: t => { out += t; }, stderr: t => { out += t; }, cwd: root });
      return { code, out };
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }

  test('shows the claim of each step as the walk-through chart has it', () => {
    const source = fs.readFileSync(path.join(__dirname, 'grow-chart.ts'), 'utf-8');
    for (const step of ['deployed', 'expanded', 'raised']) {
      const claim = new RegExp(`^ +${step}: (\\{.*\\}),$`, 'm').exec(source);
      expect(claim).not.toBeNull();
      expect(text).toContain(`volumeClaims: [${claim![1]}],`);
    }
  });

  test('step 2 (expandTo 50Gi) is the plan\'s real output, exit code 0', () => {
    const { code, out } = planStep('deployed', 'expanded');
    expect(code).toBe(0);
    expect(out.trimEnd()).toEqual(shownOutput('<!-- grow-expanded-output -->').trimEnd());
    expect(out).toContain('claim data-orders-db-0 (50Gi, ReadWriteOnce, class ssd) [PersistentVolumeClaim in the input]');
  });

  test('step 3 (the template raised to 50Gi) is the end of the plan\'s real output, exit code 1 with the orphan-delete procedure', () => {
    const { code, out } = planStep('expanded', 'raised');
    expect(code).toBe(1);
    const shown = shownOutput('<!-- grow-raised-output -->').trimEnd();
    expect(shown.startsWith('Against ')).toBe(true);
    expect(out.slice(out.indexOf('Against ')).trimEnd()).toEqual(shown);
    expect(shown).toContain('kubectl delete statefulset orders-db -n shop --cascade=orphan');
  });

  test('after the procedure, the raised chart against itself is no change', () => {
    const { code, out } = planStep('raised', 'raised');
    expect(code).toBe(0);
    expect(out).toContain('0 changed, 0 added, 0 removed, 1 unchanged');
  });
});
