// `plan --against` and the fields the API server fills into a claim template (apiVersion v1, kind
// PersistentVolumeClaim, volumeMode Filesystem): the library now writes them, manifests of earlier
// versions (and of other tools) leave them out. Adding or removing them is no change; a real change
// of the volume mode is still refused.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Size, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { run } from './helpers';
import { StatefulApp } from '../../src';
import { validateManifests } from '../util/schema';

/** The objects of a three-replica app with one claim, as the library writes them. */
function current(volumeMode?: kplus.PersistentVolumeMode): any[] {
  const chart = Testing.chart();
  new StatefulApp(chart, 'db', {
    replicas: 3,
    container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db', volumeMode }],
  });
  const objects = Testing.synth(chart);
  validateManifests(objects);
  return objects;
}

/** The same objects without the server-filled fields of the claim templates. */
function withoutDefaults(objects: any[]): any[] {
  const copy = JSON.parse(JSON.stringify(objects));
  for (const t of copy.find((o: any) => o.kind === 'StatefulSet').spec.volumeClaimTemplates) {
    delete t.apiVersion;
    delete t.kind;
    delete t.spec.volumeMode;
  }
  return copy;
}

function planAgainst(deployed: any[], next: any[]): { code: number; json: any } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-claim-defaults-'));
  try {
    fs.writeFileSync(path.join(dir, 'deployed.yaml'), Yaml.stringify(...deployed));
    fs.writeFileSync(path.join(dir, 'next.yaml'), Yaml.stringify(...next));
    const { code, stdout, stderr } = run(['plan', 'next.yaml', '--against', 'deployed.yaml', '--json'], dir);
    expect(stderr).toBe('');
    return { code, json: JSON.parse(stdout) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the defaults are really what the library writes', () => {
  const t = current().find(o => o.kind === 'StatefulSet').spec.volumeClaimTemplates[0];
  expect([t.apiVersion, t.kind, t.spec.volumeMode]).toEqual(['v1', 'PersistentVolumeClaim', 'Filesystem']);
  const stripped = withoutDefaults(current()).find(o => o.kind === 'StatefulSet').spec.volumeClaimTemplates[0];
  expect([stripped.apiVersion, stripped.kind, stripped.spec.volumeMode]).toEqual([undefined, undefined, undefined]);
});

test.each([
  ['adding them (deployed without, new with)', () => withoutDefaults(current()), () => current()],
  ['removing them (deployed with, new without)', () => current(), () => withoutDefaults(current())],
])('%s is no change: exit 0, the StatefulSet unchanged', (_name, deployed, next) => {
  const { code, json } = planAgainst(deployed(), next());
  expect(code).toBe(0);
  expect(json.diff.refused).toBe(0);
  expect(json.diff.statefulSets.map((s: any) => [s.name, s.status])).toEqual([['db', 'unchanged']]);
});

test('a real change of the volume mode (Filesystem to Block) is still refused: exit 1', () => {
  const { code, json } = planAgainst(withoutDefaults(current()), current(kplus.PersistentVolumeMode.BLOCK));
  expect(code).toBe(1);
  expect(json.diff.refused).toBe(1);
  expect(json.diff.statefulSets.map((s: any) => [s.name, s.status])).toEqual([['db', 'changed']]);
});
