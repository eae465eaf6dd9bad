// Day-2 warnings of `plan --against`: changes the API server accepts but that can hurt a stateful
// system (quorum, ring membership, a rollout that sticks), and GitOps annotations that turn a refused
// change into deleting and recreating the object.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from './helpers';

interface Options {
  readonly name?: string;
  readonly replicas: number;
  readonly image?: string;
  readonly ports?: number[];
  readonly policy?: string;
  readonly storage?: string;
  readonly annotations?: Record<string, string>;
  readonly whenDeleted?: string;
}

function statefulSet(o: Options): string {
  const name = o.name ?? 'app';
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'ops', annotations: o.annotations },
    spec: {
      serviceName: name,
      replicas: o.replicas,
      podManagementPolicy: o.policy,
      persistentVolumeClaimRetentionPolicy: o.whenDeleted ? { whenDeleted: o.whenDeleted, whenScaled: 'Retain' } : undefined,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: o.image ?? 'busybox:1.36', ports: (o.ports ?? []).map((p) => ({ containerPort: p })) }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storage ?? '1Gi' } } } }],
    },
  });
}

/** Plans `after` against `before` and returns the StatefulSet's change and the text report. */
function change(before: string, after: string): { code: number; change: any; text: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-day2-'));
  fs.writeFileSync(path.join(dir, 'deployed.yaml'), before);
  fs.writeFileSync(path.join(dir, 'new.yaml'), after);
  const json = run(['plan', 'new.yaml', '--against', 'deployed.yaml', '--json'], dir);
  const text = run(['plan', 'new.yaml', '--against', 'deployed.yaml'], dir);
  expect(json.stderr).toBe('');
  return { code: json.code, change: JSON.parse(json.stdout).diff.statefulSets[0], text: text.stdout };
}

const warnings = (c: any) => c.findings.filter((f: any) => f.severity === 'warning').map((f: any) => f.message);

describe('ZooKeeper ensembles', () => {
  const zk = (replicas: number) => statefulSet({ name: 'zk', replicas, image: 'zookeeper:3.9', ports: [2181, 2888, 3888], policy: 'Parallel' });

  test('3 -> 5 servers at once: change them one at a time', () => {
    const { code, change: c } = change(zk(3), zk(5));
    expect(code).toBe(0);
    expect(warnings(c)).toEqual([
      'ZooKeeper servers 3 -> 5: the ensemble changes by 2 servers at once; servers that start with a different server list than the running quorum can form a second quorum (split brain) or fail to join',
    ]);
    expect(c.findings[0].fix).toBe('change the server count by one at a time (3 -> 4 first), and wait until every server is Running and Ready and the ensemble has a leader before the next step');
  });

  test('3 -> 4 servers: an even ensemble tolerates no more failures than 3', () => {
    const { change: c } = change(zk(3), zk(4));
    expect(warnings(c)).toEqual(['ZooKeeper with 4 servers: an even ensemble needs a quorum of 3 and tolerates 1 failed server, no more than 3 servers do']);
    expect(c.findings[0].fix).toBe('run an odd number of servers (3 or 5)');
  });

  test('3 -> 6 warns twice, 5 -> 3 warns of the step, 4 -> 5 and no change warn of nothing', () => {
    expect(warnings(change(zk(3), zk(6)).change)).toHaveLength(2);
    expect(warnings(change(zk(5), zk(3)).change)).toEqual([expect.stringContaining('ZooKeeper servers 5 -> 3: the ensemble changes by 2 servers at once')]);
    expect(warnings(change(zk(4), zk(5)).change)).toEqual([]);
    expect(change(zk(3), zk(3)).change.status).toBe('unchanged');
  });

  test('other StatefulSets scaled by two get no ZooKeeper warning', () => {
    expect(warnings(change(statefulSet({ replicas: 3, policy: 'Parallel' }), statefulSet({ replicas: 6, policy: 'Parallel' })).change)).toEqual([]);
  });
});

describe('Cassandra rings', () => {
  const ring = (replicas: number) => statefulSet({ name: 'cassandra', replicas, image: 'cassandra:4.1', ports: [7000, 7001, 9042], policy: 'Parallel' });

  test('losing nodes: decommission first, highest ordinal first, with the command', () => {
    const { code, change: c, text } = change(ring(5), ring(3));
    expect(code).toBe(0);
    expect(c.scale.removed).toEqual(['cassandra-4', 'cassandra-3']);
    expect(c.findings).toEqual([{
      severity: 'warning',
      message: 'the Cassandra ring loses cassandra-4 and cassandra-3: a scale down deletes the pods without decommissioning them, so the data they own loses replicas and the ring still lists them as down',
      fix: 'decommission first, highest ordinal first: kubectl exec cassandra-4 -n ops -- nodetool decommission; wait until nodetool status no longer lists it; then lower replicas by one, and repeat for the next pod',
    }]);
    expect(text).toContain('    warning: the Cassandra ring loses cassandra-4 and cassandra-3');
  });

  test('growing the ring is not a warning', () => {
    expect(change(ring(3), ring(4)).change.findings).toEqual([]);
  });
});

describe('OrderedReady rolling updates that can stick', () => {
  test('a template change with OrderedReady: the recovery command names the first pod to roll', () => {
    const { code, change: c } = change(statefulSet({ name: 'db', replicas: 3 }), statefulSet({ name: 'db', replicas: 3, image: 'busybox:1.37' }));
    expect(code).toBe(0);
    expect(c.template.restarts).toEqual(['db-2', 'db-1', 'db-0']);
    expect(c.findings).toEqual([{
      severity: 'warning',
      message: 'with podManagementPolicy OrderedReady, if db-2 does not become Running and Ready on the new template, the rolling update stops there for good: reverting the template does not replace a pod that never became Ready',
      fix: 'to recover: kubectl rollout undo statefulset/db -n ops (or revert the commit), then kubectl delete pod db-2 -n ops so it is recreated from the reverted template',
    }]);
  });

  test('with Parallel, or when no pod restarts, there is no such warning', () => {
    expect(change(statefulSet({ replicas: 3, policy: 'Parallel' }), statefulSet({ replicas: 3, policy: 'Parallel', image: 'busybox:1.37' })).change.findings).toEqual([]);
    expect(change(statefulSet({ replicas: 0 }), statefulSet({ replicas: 0, image: 'busybox:1.37' })).change.findings).toEqual([]);
  });
});

describe('GitOps annotations that turn a refused change into delete and recreate', () => {
  const resized = (annotations: Record<string, string>, whenDeleted?: string) => change(
    statefulSet({ name: 'db', replicas: 2, annotations, whenDeleted }),
    statefulSet({ name: 'db', replicas: 2, annotations, whenDeleted, storage: '2Gi' }),
  );

  test.each([
    [{ 'argocd.argoproj.io/sync-options': 'Force=true' }, 'Argo CD (argocd.argoproj.io/sync-options: Force=true) does not stop at the refusal: it deletes the StatefulSet and creates it again (kubectl apply --force)'],
    [{ 'argocd.argoproj.io/sync-options': 'Replace=true, Force=true' }, 'Argo CD (argocd.argoproj.io/sync-options: Replace=true, Force=true) does not stop at the refusal: it deletes the StatefulSet and creates it again (kubectl replace --force)'],
    [{ 'kustomize.toolkit.fluxcd.io/force': 'enabled' }, 'Flux (kustomize.toolkit.fluxcd.io/force: enabled) does not stop at the refusal: it deletes the StatefulSet and creates it again'],
  ])('%j: the plan says the StatefulSet and its pods will be deleted', (annotations, note) => {
    const { code, change: c, text } = resized(annotations);
    expect(code).toBe(1);
    expect(c.refusals).toHaveLength(1);
    expect(c.recreate).toBe(`${note}: the StatefulSet and its pods db-0 and db-1 are deleted; its claims data-db-0 and data-db-1 are kept, with their data (whenDeleted: Retain), then created again from the new manifest: every pod restarts at the same time (an outage)`);
    expect(c.findings).toContainEqual(expect.objectContaining({ severity: 'error', message: c.recreate }));
    expect(text).toContain('  StatefulSet ops/db: changed -- REFUSED by the API server, then DELETED AND RECREATED by the GitOps tool');
  });

  test('with whenDeleted: Delete, recreating also deletes the claims', () => {
    const { change: c } = resized({ 'kustomize.toolkit.fluxcd.io/force': 'enabled' }, 'Delete');
    expect(c.recreate).toContain('its claims data-db-0 and data-db-1 are deleted too (whenDeleted: Delete)');
  });

  test('Argo CD Replace=true alone replaces the object, which is refused the same way: no recreate', () => {
    const { code, change: c } = resized({ 'argocd.argoproj.io/sync-options': 'Replace=true' });
    expect(code).toBe(1);
    expect(c.recreate).toBeNull();
    expect(warnings(c)).toEqual(['Argo CD (argocd.argoproj.io/sync-options: Replace=true) replaces the StatefulSet (kubectl replace), which the API server refuses like the patch: the sync fails; with Force=true as well it would delete and recreate it']);
  });

  test('annotations without a refused change change nothing, and other sync options are not force', () => {
    expect(change(statefulSet({ name: 'db', replicas: 2, annotations: { 'argocd.argoproj.io/sync-options': 'Force=true' } }),
      statefulSet({ name: 'db', replicas: 3, annotations: { 'argocd.argoproj.io/sync-options': 'Force=true' } })).change).toMatchObject({ recreate: null, refusals: [] });
    const { change: c } = resized({ 'argocd.argoproj.io/sync-options': 'Prune=false,ServerSideApply=true' });
    expect(c.recreate).toBeNull();
    expect(c.findings).toEqual([]);
  });
});
