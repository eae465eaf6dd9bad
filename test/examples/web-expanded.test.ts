import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Size, Testing, YamlOutputType } from 'cdk8s';
import { WebChart } from '../../examples/web/chart';
import { WebExpandedChart } from '../../examples/web-expanded/chart';
import { main } from '../../src/plan/cli';
import { expectParity } from '../util/parity';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// The StatefulSet tutorial after growing its volumes through Git. No value of the tutorial's
// manifests is changed (the list of allowed deviations is empty): the example adds the claims.

const synth = () => Testing.synth(new WebExpandedChart(Testing.app(), 'web-expanded'));

/** Writes each chart into `<root>/<folder>/` as `cdk8s synth` does, runs `plan` from `root`, and returns its exit code and output. */
function plan(charts: Array<[string, (app: any) => Chart]>, args: string[]): { code: number; out: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'web-expanded-'));
  try {
    for (const [folder, build] of charts) {
      const app = Testing.app({ outdir: path.join(root, folder), yamlOutputType: YamlOutputType.FILE_PER_CHART });
      build(app);
      app.synth();
    }
    let out = '';
    const code = main(['plan', ...args], { stdout: t => { out += t; }, stderr: t => { out += t; }, cwd: root });
    return { code, out };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('example web-expanded', () => {
  const objects = synth();

  test('reproduces every value of the reference', () => {
    expectParity('web.yaml', objects, []);
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
  });

  test('declares the claims www-web-0 and www-web-1 at 5Gi, kept by Argo CD and Flux; the template stays 1Gi', () => {
    const claims = objects.filter(o => o.kind === 'PersistentVolumeClaim');
    expect(claims.map(c => [c.metadata.name, c.spec.resources.requests.storage])).toEqual([['www-web-0', '5Gi'], ['www-web-1', '5Gi']]);
    for (const c of claims) {
      expect(c.metadata.labels).toEqual({ app: 'nginx' });
      expect(c.metadata.annotations).toEqual({
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      });
    }
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
  });

  test('the StatefulSet is exactly the web example\'s', () => {
    const web = Testing.synth(new WebChart(Testing.app(), 'web'));
    expect(objects.find(o => o.kind === 'StatefulSet')).toEqual(web.find(o => o.kind === 'StatefulSet'));
    expect(objects.filter(o => o.kind !== 'PersistentVolumeClaim')).toEqual(web);
  });

  test('plan --against the previous output (the web example) exits 0: nothing the API server refuses', () => {
    const { code, out } = plan([
      ['deployed', app => new WebChart(app, 'web')],
      ['dist', app => new WebExpandedChart(app, 'web-expanded')],
    ], ['dist/web-expanded.k8s.yaml', '--against', 'deployed/web.k8s.yaml']);
    expect(out).toContain('Against deployed/web.k8s.yaml (the deployed manifests): 0 changed, 0 added, 0 removed, 1 unchanged');
    expect(out).toContain('claim www-web-0 (5Gi, ReadWriteOnce) [PersistentVolumeClaim in the input]');
    expect(out).toContain('nothing the API server refuses.');
    expect(code).toBe(0);
  });

  test('the same change made in the claim template instead exits 1, with the orphan-delete procedure', () => {
    const { code, out } = plan([
      ['deployed', app => new WebChart(app, 'web')],
      ['dist', app => new WebChart(app, 'web', { wwwSize: Size.gibibytes(5) })],
    ], ['dist/web.k8s.yaml', '--against', 'deployed/web.k8s.yaml']);
    expect(out).toContain('error: claim template www: storage 1Gi -> 5Gi: volumeClaimTemplates cannot change on an existing StatefulSet');
    expect(out).toContain('kubectl patch pvc www-web-0 -n default -p \'{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}\' (and the same for www-web-1)');
    expect(out).toContain('kubectl delete statefulset web -n default --cascade=orphan');
    expect(out).toContain('then apply the new manifests (sync again): the new StatefulSet adopts the running pods');
    expect(code).toBe(1);
  });

  test('synthesizing twice gives identical YAML', () => {
    expect(toYaml(synth())).toEqual(toYaml(objects));
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
