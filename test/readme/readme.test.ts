import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { readmeChart } from './readme-chart';
import { StatefulApp } from '../../src';
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
