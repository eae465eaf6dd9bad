// `plan --against` a live export: test/plan/fixtures/live/web.live.yaml is what
// `kubectl get service,statefulset,pdb,pvc,pv -o yaml` prints for the web example's objects once
// applied (a List, with status, managedFields, resourceVersion, uid and every field the server
// defaults). Against the manifests it came from (web.k8s.yaml, the example's synthesized output),
// nothing changed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { FIXTURES, run } from './helpers';

const LIVE = path.join(FIXTURES, 'live');

function planJson(args: string[], cwd = LIVE): { code: number; json: any } {
  const { code, stdout, stderr } = run(['plan', ...args, '--json'], cwd);
  expect(stderr).toBe('');
  return { code, json: JSON.parse(stdout) };
}

/** The objects of web.k8s.yaml, to change and write elsewhere. */
function manifests(): any[] {
  return parseAllDocuments(fs.readFileSync(path.join(LIVE, 'web.k8s.yaml'), 'utf8')).map((d) => d.toJS());
}

function writeTemp(name: string, objects: any[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-live-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  return file;
}

test('the live export holds what kubectl prints: a List with status, managedFields and defaults', () => {
  const [list] = parseAllDocuments(fs.readFileSync(path.join(LIVE, 'web.live.yaml'), 'utf8')).map((d) => d.toJS());
  expect(list.kind).toBe('List');
  const sts = list.items.find((o: any) => o.kind === 'StatefulSet');
  expect(sts.metadata).toMatchObject({ resourceVersion: expect.any(String), uid: expect.any(String), managedFields: expect.any(Array) });
  expect(sts.status.readyReplicas).toBe(2);
  expect(sts.spec).toMatchObject({ revisionHistoryLimit: 10, podManagementPolicy: 'OrderedReady', updateStrategy: { rollingUpdate: { partition: 0 } } });
  expect(sts.spec.volumeClaimTemplates[0]).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } });
  expect(sts.spec.template.spec).toMatchObject({ dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30 });
  expect(sts.spec.template.spec.containers[0]).toMatchObject({ terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent', readinessProbe: { successThreshold: 1 } });
  expect(list.items.map((o: any) => `${o.kind} ${o.metadata.name}`)).toEqual([
    'Service nginx', 'StatefulSet web', 'PodDisruptionBudget web-pdb',
    'PersistentVolumeClaim www-web-0', 'PersistentVolumeClaim www-web-1', 'PersistentVolume pvc-3f8a0b6c-1d2e-4f5a-9b7c-0e1d2c3b4a59',
  ]);
});

test('the synthesized output against its live export: no change, exit 0', () => {
  const { code, json } = planJson(['web.k8s.yaml', '--against', 'web.live.yaml']);
  expect(code).toBe(0);
  expect(json.diff.statefulSets.map((c: any) => [c.name, c.status, c.refusals, c.other, c.findings, c.template, c.scale]))
    .toEqual([['web', 'unchanged', [], [], [], null, null]]);
  // The Service and the budget are unchanged; the claims the StatefulSet made and the volume the
  // provisioner made are not reported as removed.
  expect(json.diff.objects).toEqual([]);
  expect(json.diff.unchanged).toEqual({ Service: 1, PodDisruptionBudget: 1 });
  expect(json.diff.problems).toEqual([]);
  expect(json.diff.refused).toBe(0);
  expect(json.summary).toMatchObject({ errors: 0, warnings: 0, refused: 0 });

  const text = run(['plan', 'web.k8s.yaml', '--against', 'web.live.yaml'], LIVE).stdout;
  expect(text).toContain('Against web.live.yaml (the deployed manifests): 0 changed, 0 added, 0 removed, 1 unchanged\n'
    + '  other objects: 0 changed, 0 added, 0 removed, 2 unchanged');
});

test('a single object exported with kubectl get statefulset web -o yaml (not a List) is no change either', () => {
  const [list] = parseAllDocuments(fs.readFileSync(path.join(LIVE, 'web.live.yaml'), 'utf8')).map((d) => d.toJS());
  const live = writeTemp('web-sts.live.yaml', [list.items.find((o: any) => o.kind === 'StatefulSet')]);
  const { code, json } = planJson(['web.k8s.yaml', '--against', live]);
  expect(code).toBe(0);
  expect(json.diff.statefulSets.map((c: any) => c.status)).toEqual(['unchanged']);
});

test('the comparison with the live export still sees real changes', () => {
  const objects = manifests();
  const sts = objects.find((o) => o.kind === 'StatefulSet');
  sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi';
  sts.spec.template.spec.containers[0].image = 'registry.k8s.io/nginx-slim:0.9';
  sts.spec.revisionHistoryLimit = 3;
  objects.find((o) => o.kind === 'Service').spec.clusterIP = '10.96.0.80';
  objects.find((o) => o.kind === 'PodDisruptionBudget').spec.maxUnavailable = 2;
  const changed = writeTemp('web.k8s.yaml', objects);

  const { code, json } = planJson([changed, '--against', path.join(LIVE, 'web.live.yaml')]);
  expect(code).toBe(1);
  const [web] = json.diff.statefulSets;
  expect(web.refusals.map((r: any) => [r.field, r.rule])).toEqual([
    ['volumeClaimTemplates[www].spec.resources.requests.storage', 'ValidateStatefulSetUpdate'],
    ['revisionHistoryLimit', 'ValidateStatefulSetUpdate'],
  ]);
  expect(web.refusals[1].change).toBe('spec.revisionHistoryLimit: 10 -> 3');
  expect(web.template.changed).toEqual(['spec.containers[nginx].image: registry.k8s.io/nginx-slim:0.8 -> registry.k8s.io/nginx-slim:0.9']);
  expect(web.template.restarts).toEqual(['web-1', 'web-0']);
  expect(json.diff.objects.map((c: any) => [c.kind, c.status, c.refusals.map((r: any) => r.change), c.other])).toEqual([
    ['Service', 'changed', ['spec.clusterIP: None -> 10.96.0.80'], []],
    ['PodDisruptionBudget', 'changed', [], ['spec.maxUnavailable: 1 -> 2']],
  ]);
});

test('claim templates with or without apiVersion: v1, kind: PersistentVolumeClaim and volumeMode: Filesystem are the same', () => {
  const objects = manifests();
  const sts = objects.find((o) => o.kind === 'StatefulSet');
  sts.spec.volumeClaimTemplates = sts.spec.volumeClaimTemplates.map((t: any) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    ...t,
    spec: { ...t.spec, volumeMode: 'Filesystem' },
  }));
  const withDefaults = writeTemp('web.k8s.yaml', objects);
  for (const [input, deployed] of [[withDefaults, path.join(LIVE, 'web.k8s.yaml')], [path.join(LIVE, 'web.k8s.yaml'), withDefaults], [withDefaults, path.join(LIVE, 'web.live.yaml')]]) {
    const { code, json } = planJson([input, '--against', deployed]);
    expect(code).toBe(0);
    expect(json.diff.statefulSets.map((c: any) => [c.status, c.refusals])).toEqual([['unchanged', []]]);
  }
  // A claim template of another kind or volumeMode is a change.
  sts.spec.volumeClaimTemplates[0].spec.volumeMode = 'Block';
  const block = writeTemp('web.k8s.yaml', objects);
  expect(planJson([block, '--against', path.join(LIVE, 'web.live.yaml')]).json.diff.statefulSets[0].refusals[0].change)
    .toBe('claim template www changed: spec.volumeMode: Filesystem -> Block');
});
