// `cdk8s-stateful plan` on a rack-aware CassandraRing: several StatefulSets behind one governing
// Service are shown as racks, with their start order, the one budget across them, and a
// scale-down warning per rack.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing, YamlOutputType } from 'cdk8s';
import { run } from './helpers';
import { CassandraRing, CassandraRingProps, DisruptionBudget } from '../../src';

const dirs: string[] = [];
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

const RACKS = [
  { name: 'a', zone: 'z1' },
  { name: 'b', zone: 'z2' },
  { name: 'c', zone: 'z3' },
];

/** Synthesizes one ring into `<dir>/<file>` and returns the folder. */
function synth(props: CassandraRingProps, file = 'ring', dir?: string): string {
  const out = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'plan-racks-'));
  if (!dir) dirs.push(out);
  const app = Testing.app({ outdir: out, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  new CassandraRing(new Chart(app, file), 'cassandra', props);
  app.synth();
  return out;
}

function plan(args: string[], cwd: string): { code: number; json: any; text: string } {
  const json = run(['plan', ...args, '--json'], cwd);
  expect(json.stderr).toBe('');
  const text = run(['plan', ...args], cwd);
  return { code: json.code, json: JSON.parse(json.stdout), text: text.stdout };
}

const warnings = (json: any) => [...json.statefulSets.flatMap((s: any) => s.problems), ...json.problems]
  .filter((p: any) => p.severity === 'warning').map((p: any) => `${p.subject}: ${p.message}`);

describe('plan of a ring with racks', () => {
  const dir = synth({ racks: RACKS, replicas: 6 });
  const { code, json, text } = plan(['ring.k8s.yaml'], dir);

  test('one group of three racks, each with its start order', () => {
    expect(code).toBe(0);
    expect(json.racks).toHaveLength(1);
    const [g] = json.racks;
    expect(g).toMatchObject({ namespace: 'default', serviceName: 'cassandra', pods: 6, budget: 'cassandra-pdb' });
    expect(g.racks.map((r: any) => [r.rack, r.statefulSet, r.startOrder])).toEqual([
      ['a', 'cassandra-a', ['cassandra-a-0', 'cassandra-a-1']],
      ['b', 'cassandra-b', ['cassandra-b-0', 'cassandra-b-1']],
      ['c', 'cassandra-c', ['cassandra-c-0', 'cassandra-c-1']],
    ]);
    expect(g.racks[0].startMessage).toBe('cassandra-a-0, then cassandra-a-1, one at a time');
    expect(text).toContain('Racks: default/cassandra (3 StatefulSets, 6 pods)');
    expect(text).toContain('    b (StatefulSet cassandra-b): cassandra-b-0, then cassandra-b-1, one at a time');
  });

  test('one budget across the racks, without the warning for budgets that span workloads', () => {
    expect(warnings(json)).toEqual([]);
    expect(json.racks[0].budgetMessage).toBe(
      'one PodDisruptionBudget cassandra-pdb (maxUnavailable: 2) covers all 6 pods of the 3 racks: a drain evicts at most 2 of them at a time, from any rack');
    for (const sts of json.statefulSets) {
      expect(sts.disruption).toMatchObject({ allowedDisruptions: 2, drain: 'proceeds' });
      expect(sts.disruption.budgets.map((b: any) => b.name)).toEqual(['cassandra-pdb']);
    }
  });

  test('a scale-down note per rack', () => {
    expect(json.racks[0].racks.map((r: any) => r.scaleDownMessage)).toEqual(['a', 'b', 'c'].map(r => expect.stringMatching(
      new RegExp(`^removes cassandra-${r}-1 first \\(then cassandra-${r}-0\\), and the app is not told: .*nodetool decommission`))));
    expect(text).toContain('  Scale down, per rack:\n    a: removes cassandra-a-1 first');
  });

  test('Markdown shows the racks as a table', () => {
    const md = run(['plan', 'ring.k8s.yaml', '--markdown'], dir).stdout;
    expect(md).toContain('### Racks: `default/cassandra` (3 StatefulSets, 6 pods)');
    expect(md).toContain('| `a` | `cassandra-a` | cassandra-a-0, then cassandra-a-1, one at a time |');
  });

  test('a budget that lets a drain take more than a rack is said so', () => {
    const wide = synth({ racks: RACKS, replicas: 6, disruptionBudget: DisruptionBudget.maxUnavailable(3) });
    const g = plan(['ring.k8s.yaml'], wide).json.racks[0];
    expect(g.budgetMessage).toMatch(/at most 3 of them at a time, from any rack \(more than the smallest rack's 2: a drain can take down a whole rack and pods of another\)$/);
  });
});

describe('plan --against a ring whose racks shrink', () => {
  test('one warning per rack that loses pods, none for the rack that keeps them', () => {
    const dir = synth({ racks: RACKS, replicas: 6 }, 'deployed');
    synth({ racks: [{ ...RACKS[0], replicas: 1 }, { ...RACKS[1], replicas: 1 }, { ...RACKS[2], replicas: 2 }] }, 'ring', dir);
    const { code, json, text } = plan(['ring.k8s.yaml', '--against', 'deployed.k8s.yaml'], dir);
    expect(code).toBe(0);
    expect(warnings(json)).toEqual([
      'StatefulSet default/cassandra-a: rack a shrinks from 2 to 1: cassandra-a-1 leaves the rack without the app being told (the other racks: b 1, c 2)',
      'StatefulSet default/cassandra-b: rack b shrinks from 2 to 1: cassandra-b-1 leaves the rack without the app being told (the other racks: a 1, c 2)',
    ]);
    expect(json.problems[0].fix).toMatch(/^take cassandra-a-1 out of the app first, one at a time \(for Cassandra: nodetool decommission on each\)/);
    expect(text).toContain('warning');
  });

  test('no warning when nothing shrinks', () => {
    const dir = synth({ racks: RACKS, replicas: 6 }, 'deployed');
    synth({ racks: RACKS, replicas: 9 }, 'ring', dir);
    expect(warnings(plan(['ring.k8s.yaml', '--against', 'deployed.k8s.yaml'], dir).json)).toEqual([]);
  });
});

describe('a budget over StatefulSets of different governing Services still warns', () => {
  test('two rings whose budgets select each other', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-racks-'));
    dirs.push(dir);
    const app = Testing.app({ outdir: dir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    // One chart refuses two apps whose selectors overlap; two charts applied together can still have them.
    new CassandraRing(new Chart(app, 'one'), 'one', { selectorLabels: { app: 'db' } });
    new CassandraRing(new Chart(app, 'two'), 'two', { selectorLabels: { app: 'db' } });
    app.synth();
    const { json } = plan(['one.k8s.yaml', 'two.k8s.yaml'], dir);
    expect(json.racks).toEqual([]);
    expect(warnings(json)).toContainEqual(expect.stringMatching(/^StatefulSet default\/one: PodDisruptionBudget one-pdb also selects the pods of StatefulSet two/));
  });
});
