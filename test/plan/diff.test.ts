// `plan --against OLD`: refused and accepted changes, with hand-made fixtures.
import { FIXTURES, REFERENCE, run } from './helpers';
import { diffAgainst, StatefulSetChange } from '../../src/plan/diff';
import { loadPaths } from '../../src/plan/load';

/** The deployed manifests: common objects and the StatefulSets db and cache. */
const DEPLOYED = ['common.yaml', 'db.yaml', 'cache.yaml'];
const AGAINST = DEPLOYED.flatMap((f) => ['--against', f]);

function changeOf(dbFile: string, name = 'db'): StatefulSetChange {
  const diff = diffAgainst(loadPaths(DEPLOYED, { cwd: FIXTURES }), loadPaths(['common.yaml', dbFile, 'cache.yaml'], { cwd: FIXTURES }));
  const change = diff.statefulSets.find((c) => c.name === name);
  if (!change) throw new Error(`no change for ${name}`);
  return change;
}

function runAgainst(dbFile: string, ...extra: string[]) {
  return run(['plan', 'common.yaml', dbFile, 'cache.yaml', ...AGAINST, ...extra], FIXTURES);
}

describe('changes the API server refuses', () => {
  test('a claim template resized: expand the claims, then orphan-delete and re-apply', () => {
    const c = changeOf('changes/claim-resized.yaml');
    expect(c.status).toBe('changed');
    expect(c.refusals).toHaveLength(1);
    const r = c.refusals[0];
    expect(r.field).toBe('volumeClaimTemplates[data].spec.resources.requests.storage');
    expect(r.change).toBe('claim template data: storage 10Gi -> 20Gi');
    expect(r.message).toContain('the sync will fail');
    expect(r.fix[0]).toBe(
      'expand the existing claims directly: kubectl patch pvc data-db-0 -n data -p \'{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}\''
      + ' (and the same for data-db-1 and data-db-2); StorageClass standard allows it (allowVolumeExpansion: true)',
    );
    expect(r.fix[1]).toBe('recreate the StatefulSet without touching its pods and claims: kubectl delete statefulset db -n data --cascade=orphan');
    expect(r.fix[2]).toContain('then apply the new manifests');
    // Nothing else changed: the template is the same, no pod restarts.
    expect(c.template).toBeNull();
    expect(c.scale).toBeNull();
  });

  test('a claim template shrunk: claims cannot shrink', () => {
    const r = changeOf('changes/claim-shrunk.yaml').refusals[0];
    expect(r.change).toBe('claim template data: storage 10Gi -> 5Gi');
    expect(r.fix[0]).toContain('a claim can never shrink');
  });

  test('a claim template added: orphan-delete, re-apply, then recreate the pods one at a time', () => {
    const c = changeOf('changes/claim-added.yaml');
    expect(c.refusals.map((r) => r.change)).toEqual(['claim template wal added']);
    expect(c.refusals[0].fix).toEqual([
      'recreate the StatefulSet without touching its pods and claims: kubectl delete statefulset db -n data --cascade=orphan',
      'then apply the new manifests (sync again): the new StatefulSet adopts the running pods',
      'the running pods keep running without the new volume wal: delete them one at a time, highest ordinal first (kubectl delete pod db-2 -n data, '
      + 'wait until it is Running and Ready, then db-1 and db-0), so each is recreated from the new StatefulSet',
    ]);
  });

  test('a new selector: a new name, or orphan-delete and recreate', () => {
    const c = changeOf('changes/selector-changed.yaml');
    expect(c.refusals.map((r) => [r.field, r.change])).toEqual([['selector', 'selector app=db -> app=db,tier=sql']]);
    const fix = c.refusals[0].fix.join('\n');
    expect(fix).toContain('create the StatefulSet under a new name');
    expect(fix).toContain('kubectl delete statefulset db -n data --cascade=orphan');
    // The template labels changed too: that alone would roll the pods.
    expect(c.template?.changed).toEqual(['metadata.labels.tier: added sql']);
  });

  test('a new serviceName', () => {
    const c = changeOf('changes/service-name-changed.yaml');
    expect(c.refusals.map((r) => [r.field, r.change])).toEqual([['serviceName', 'serviceName db -> db-headless']]);
    expect(c.refusals[0].fix.join('\n')).toContain('the running pods keep their DNS names under db until they are recreated');
  });

  test('a changed pod management policy', () => {
    const c = changeOf('changes/pod-management-changed.yaml');
    expect(c.refusals.map((r) => [r.field, r.change])).toEqual([['podManagementPolicy', 'podManagementPolicy OrderedReady -> Parallel']]);
    expect(c.refusals[0].fix).toContain('pods and claims are kept and nothing restarts');
  });

  test.each([
    'changes/claim-resized.yaml',
    'changes/claim-shrunk.yaml',
    'changes/claim-added.yaml',
    'changes/selector-changed.yaml',
    'changes/service-name-changed.yaml',
    'changes/pod-management-changed.yaml',
  ])('%s exits 1 and says the sync will fail', (file) => {
    const { code, stdout, stderr } = runAgainst(file);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain('StatefulSet data/db: changed -- REFUSED: the sync will fail');
    expect(stdout).toContain('refused by the API server: applying will fail (exit code 1)');
  });

  test('any other spec field, and claim template details, are refused too', () => {
    const old = loadPaths(['db.yaml'], { cwd: FIXTURES });
    const current = loadPaths(['db.yaml'], { cwd: FIXTURES });
    const spec = current.objects[0].object.spec as Record<string, any>;
    spec.volumeClaimTemplates[0].spec.storageClassName = 'premium';
    spec.volumeClaimTemplates[0].metadata.labels = { chart: 'db-2.0.0' };
    spec.someFutureField = true;
    const c = diffAgainst(old, current).statefulSets[0];
    expect(c.refusals.map((r) => r.change)).toEqual([
      'claim template data changed: metadata.labels: added {"chart":"db-2.0.0"}; spec.storageClassName: standard -> premium',
      'spec.someFutureField: (not set) -> true',
    ]);
  });
});

describe('changes the API server accepts', () => {
  test('replicas up: the new pods and their claims', () => {
    const c = changeOf('changes/replicas-up.yaml');
    expect(c.refusals).toEqual([]);
    expect(c.scale).toMatchObject({ replicasBefore: 3, replicasAfter: 5, added: ['db-3', 'db-4'], removed: [] });
    expect(c.scale?.message).toContain('they get the claims data-db-3 and data-db-4');
  });

  test('replicas down: highest ordinal first, claims kept', () => {
    const c = changeOf('changes/replicas-down.yaml');
    expect(c.scale).toMatchObject({ added: [], removed: ['db-2', 'db-1'] });
    expect(c.scale?.message).toBe('replicas 3 -> 1: removes db-2 and db-1 (highest ordinal first, one at a time); '
      + 'their claims data-db-2 and data-db-1 are kept, with their data (whenScaled: Retain)');
  });

  test('a new image restarts db-2, db-1, db-0 in this order', () => {
    const c = changeOf('changes/image-changed.yaml');
    expect(c.refusals).toEqual([]);
    expect(c.template).toEqual({
      changed: ['spec.containers[postgres].image: postgres:16.4 -> postgres:16.6'],
      restarts: ['db-2', 'db-1', 'db-0'],
      message: expect.stringContaining('RollingUpdate, highest ordinal first, one at a time'),
    });
  });

  test('with partition 2, only db-2 restarts', () => {
    const c = changeOf('changes/partition.yaml');
    expect(c.template?.restarts).toEqual(['db-2']);
    expect(c.template?.message).toContain('db-0 and db-1 keep the old template (partition 2)');
    expect(c.other).toEqual(['partition 0 -> 2: later template changes leave the pods below position 2 on the old template']);
  });

  test('with OnDelete, nothing restarts by itself', () => {
    const c = changeOf('changes/on-delete.yaml');
    expect(c.template?.restarts).toEqual([]);
    expect(c.template?.message).toContain('with OnDelete no pod restarts by itself');
    expect(c.other).toEqual(['updateStrategy RollingUpdate -> OnDelete']);
  });

  test.each([
    'changes/replicas-up.yaml',
    'changes/replicas-down.yaml',
    'changes/image-changed.yaml',
    'changes/partition.yaml',
    'changes/on-delete.yaml',
  ])('%s exits 0', (file) => {
    const { code, stdout } = runAgainst(file);
    expect(code).toBe(0);
    expect(stdout).toContain('StatefulSet data/db: changed\n');
    expect(stdout).toContain('1 changed, 0 added, 0 removed, 1 unchanged');
  });

  test('no change: every StatefulSet unchanged', () => {
    const { code, stdout } = runAgainst('db.yaml');
    expect(code).toBe(0);
    expect(stdout).toContain('0 changed, 0 added, 0 removed, 2 unchanged');
  });
});

describe('added and removed StatefulSets', () => {
  test('a removed StatefulSet keeps its claims (whenDeleted: Retain)', () => {
    const diff = diffAgainst(loadPaths(DEPLOYED, { cwd: FIXTURES }), loadPaths(['common.yaml', 'cache.yaml'], { cwd: FIXTURES }));
    const db = diff.statefulSets.find((c) => c.name === 'db');
    expect(db?.status).toBe('removed');
    expect(db?.message).toContain('its claims data-db-0, data-db-1 and data-db-2 are kept, with their data (whenDeleted: Retain)');
    expect(diff.refused).toBe(0);
  });

  test('a removed StatefulSet with whenDeleted: Delete loses its claims', () => {
    const diff = diffAgainst(loadPaths(DEPLOYED, { cwd: FIXTURES }), loadPaths(['common.yaml', 'db.yaml'], { cwd: FIXTURES }));
    const cache = diff.statefulSets.find((c) => c.name === 'cache');
    expect(cache?.message).toContain('its claims cache-cache-0 and cache-cache-1 are deleted too (whenDeleted: Delete)');
  });

  test('an added StatefulSet', () => {
    const { code, stdout } = run(['plan', ...DEPLOYED, '--against', 'common.yaml', '--against', 'db.yaml'], FIXTURES);
    expect(code).toBe(0);
    expect(stdout).toContain('StatefulSet data/cache: added\n    new StatefulSet: creates cache-0 and cache-1 with their claims (see its plan)');
  });

  test('a reference manifest against itself is unchanged', () => {
    const { code, stdout } = run(['plan', 'zookeeper.yaml', '--against', 'zookeeper.yaml'], REFERENCE);
    expect(code).toBe(0);
    expect(stdout).toContain('Against zookeeper.yaml (the deployed manifests): 0 changed, 0 added, 0 removed, 1 unchanged');
  });

  test('--json carries the diff and the exit code; --markdown renders the refusal', () => {
    const json = JSON.parse(runAgainst('changes/claim-resized.yaml', '--json').stdout);
    expect(json.exitCode).toBe(1);
    expect(json.summary.refused).toBe(1);
    expect(json.diff.statefulSets.find((c: StatefulSetChange) => c.name === 'db').refusals[0].field)
      .toBe('volumeClaimTemplates[data].spec.resources.requests.storage');
    const markdown = runAgainst('changes/claim-resized.yaml', '--markdown');
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain('#### StatefulSet `data/db`: changed — **refused: the sync will fail**');
    expect(markdown.stdout).toContain('- **Error**: claim template data: storage 10Gi -&gt; 20Gi');
  });
});
