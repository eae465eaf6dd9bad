import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, YamlOutputType } from 'cdk8s';
import { addExamples, EXAMPLES } from '../../examples/examples';
import { loadReference } from '../util/parity';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// Checks that hold for every example, exactly as the root `cdk8s synth` app builds them.
// Each example's parity with its reference manifests is checked in its own test file.

function synthAll(): Map<string, any[]> {
  const app = Testing.app({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const charts = addExamples(app);
  return new Map(charts.map(c => [c.node.id, Testing.synth(c)]));
}

test('every example synthesizes objects that validate against the Kubernetes schema', () => {
  const all = synthAll();
  expect([...all.keys()]).toEqual(EXAMPLES.map(e => e.name));
  for (const [name, objects] of all) {
    expect({ name, count: objects.length }).toEqual({ name, count: expect.any(Number) });
    expect(objects.length).toBeGreaterThan(0);
    validateManifests(objects);
  }
});

test('every claim template of every example is written as the API server stores it: apiVersion, kind and volumeMode', () => {
  let templates = 0;
  for (const [name, objects] of synthAll()) {
    for (const sts of objects.filter(o => o.kind === 'StatefulSet')) {
      for (const t of sts.spec.volumeClaimTemplates ?? []) {
        const where = `${name}: StatefulSet ${sts.metadata.name}, claim template ${t.metadata.name}`;
        expect({ where, apiVersion: t.apiVersion, kind: t.kind, volumeMode: t.spec.volumeMode })
          .toEqual({ where, apiVersion: 'v1', kind: 'PersistentVolumeClaim', volumeMode: 'Filesystem' });
        templates++;
      }
    }
  }
  // web, web-parallel, redis-hostpath, nginx-nfs, nginx-managed-nfs, zookeeper, zookeeper-tls, cassandra,
  // wordpress-statefulset, zookeeper-argocd, web-expanded: one claim template each;
  // zookeeper-monitoring, cassandra-monitoring: one each; cassandra-racks: one per rack (three)
  expect(templates).toBe(16);
});

test('synthesizing the examples twice gives byte-identical YAML', () => {
  const first = synthAll();
  const second = synthAll();
  for (const [name, objects] of first) {
    expect(toYaml(second.get(name)!)).toEqual(toYaml(objects));
  }
});

test('every example names existing reference files, each with a README', () => {
  for (const example of EXAMPLES) {
    for (const ref of example.references) {
      expect(loadReference(ref).length).toBeGreaterThan(0);
    }
    expect(fs.existsSync(path.join(__dirname, '..', '..', 'examples', example.name, 'README.md'))).toBe(true);
  }
});

test('the root app writes one file per example: dist/<name>.k8s.yaml', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));
  try {
    const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    addExamples(app);
    app.synth();
    expect(fs.readdirSync(outdir).sort()).toEqual(EXAMPLES.map(e => `${e.name}.k8s.yaml`).sort());
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
