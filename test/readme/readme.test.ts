import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing, YamlOutputType } from 'cdk8s';
import { readmeChart } from './readme-chart';
import { RedisHostPathChart } from '../../examples/redis-hostpath/chart';
import { StatefulApp } from '../../src';
import { main } from '../../src/plan/cli';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

const README = path.join(__dirname, '..', '..', 'README.md');

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
    disruptionBudget: { maxUnavailable: 0 },
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
