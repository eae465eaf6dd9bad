// `cdk8s-stateful plan` on the examples' own output: every example is synthesized exactly as the
// root app (examples/main.ts) does, into a temporary dist/ folder, and the plan is run in-process on
// that folder and on each file. What the plan says about the examples must agree with what the
// library promises (pods, DNS names, claims, budgets, quorum) and find no error in them.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing, Yaml, YamlOutputType } from 'cdk8s';
import { REFERENCE, run } from './helpers';
import { addExamples, EXAMPLES } from '../../examples/examples';
import { RedisHostPathChart } from '../../examples/redis-hostpath/chart';
import { WebChart } from '../../examples/web/chart';
import { CassandraRing, StatefulApp } from '../../src';
import { validateManifests } from '../util/schema';

interface Synthesized {
  /** The folder holding `<name>.k8s.yaml` for every example. */
  readonly dir: string;
  /** The example charts, by name. */
  readonly charts: Map<string, Chart>;
  /** The objects of each example as written to its file, by name. */
  readonly objects: Map<string, any[]>;
}

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-examples-'));
  tempDirs.push(dir);
  return dir;
}

/** Synthesizes every example like the root app, into a new temporary folder. */
function synthesizeExamples(): Synthesized {
  const dir = tempDir();
  const app = Testing.app({ outdir: dir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const charts = addExamples(app);
  app.synth();
  const objects = new Map<string, any[]>();
  for (const chart of charts) {
    const loaded = Yaml.load(path.join(dir, `${chart.node.id}.k8s.yaml`));
    validateManifests(loaded);
    objects.set(chart.node.id, loaded);
  }
  return { dir, charts: new Map(charts.map(c => [c.node.id, c])), objects };
}

/** Runs `plan ARGS --json` from `cwd` and parses the output. */
function planJson(args: string[], cwd: string): { code: number; json: any } {
  const { code, stdout, stderr } = run(['plan', ...args, '--json'], cwd);
  expect(stderr).toBe('');
  return { code, json: JSON.parse(stdout) };
}

function problemsOf(json: any): any[] {
  return [...json.statefulSets.flatMap((s: any) => s.problems), ...json.problems];
}

const describeProblem = (p: any) => `${p.severity}: ${p.subject}: ${p.message}`;

function statefulSetOf(json: any, name: string): any {
  const found = json.statefulSets.filter((s: any) => s.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

function appsOf(chart: Chart): StatefulApp[] {
  return chart.node.findAll().filter((c): c is StatefulApp => c instanceof StatefulApp);
}

const examples = synthesizeExamples();

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * The only warnings the plan may report on an example, each a documented choice of the example:
 * - redis-hostpath pins no volume to a node by default (the reference's single-node cluster; the
 *   chart's `nodes` prop pins them, see its README and the test below);
 * - nginx-managed-nfs uses the class of an NFS provisioner installed in the cluster, which is not
 *   part of its manifests.
 */
const EXPECTED_WARNINGS: { [name: string]: RegExp[] } = {
  'redis-hostpath': [
    /^warning: PersistentVolume pv001: a hostPath volume without nodeAffinity/,
    /^warning: PersistentVolume pv002: a hostPath volume without nodeAffinity/,
  ],
  'nginx-managed-nfs': [
    /^warning: StatefulSet default\/nginx-web-sts-vct: claims data-nginx-web-sts-vct-0, data-nginx-web-sts-vct-1 and data-nginx-web-sts-vct-2: nothing in the input can satisfy these claims: StorageClass "managed-nfs-storage" is not in the input.*It may exist in the cluster/,
  ],
};

/** What satisfies each example's claims. */
const EXPECTED_CLAIMS: { [name: string]: string } = {
  'web': 'cluster-default',
  'web-parallel': 'cluster-default',
  'redis-hostpath': 'static',
  'nginx-nfs': 'static',
  'nginx-managed-nfs': 'unsatisfied',
  'zookeeper': 'cluster-default',
  'zookeeper-tls': 'cluster-default',
  'cassandra': 'storage-class',
  'cassandra-racks': 'storage-class',
  'wordpress-statefulset': 'cluster-default',
  'zookeeper-argocd': 'cluster-default',
  // the claims are in the input (declared by expandTo); the cluster's default class provisions them
  'web-expanded': 'cluster-default',
  'zookeeper-monitoring': 'cluster-default',
  'cassandra-monitoring': 'cluster-default',
};

test('the examples are synthesized as the root app writes them', () => {
  expect(fs.readdirSync(examples.dir).sort()).toEqual(EXAMPLES.map(e => `${e.name}.k8s.yaml`).sort());
  expect(Object.keys(EXPECTED_CLAIMS).sort()).toEqual(
    EXAMPLES.map(e => e.name).filter(n => examples.objects.get(n)!.some(o => o.kind === 'StatefulSet')).sort());
});

describe.each(EXAMPLES.map(e => e.name))('plan of example %s', (name) => {
  const file = `${name}.k8s.yaml`;
  const objects = examples.objects.get(name)!;
  const chart = examples.charts.get(name)!;

  test('exits 0 with text, Markdown and JSON output', () => {
    const text = run(['plan', file], examples.dir);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`cdk8s-stateful plan: ${objects.length} objects from ${file}\n`);
    expect(text.stdout).toContain('nothing the API server refuses.');
    expect(run(['plan', file, '--markdown'], examples.dir).code).toBe(0);
    const { code, json } = planJson([file], examples.dir);
    expect(code).toBe(0);
    expect(json.exitCode).toBe(0);
    expect(json.input.files).toEqual([file]);
    expect(json.input.objects).toBe(objects.length);
  });

  test('the JSON names every StatefulSet of the example; no error, only the expected warnings', () => {
    const { json } = planJson([file], examples.dir);
    const statefulSets = objects.filter(o => o.kind === 'StatefulSet').map(o => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`);
    expect(json.statefulSets.map((s: any) => `${s.namespace}/${s.name}`)).toEqual(statefulSets);
    const problems = problemsOf(json);
    expect(problems.filter(p => p.severity === 'error').map(describeProblem)).toEqual([]);
    expect(problems.filter(p => p.refused)).toEqual([]);
    const expected = EXPECTED_WARNINGS[name] ?? [];
    expect(problems.map(describeProblem)).toEqual(expected.map(r => expect.stringMatching(r)));
    expect(json.summary).toMatchObject({ errors: 0, warnings: expected.length, refused: 0 });
  });

  test('pods, DNS names, governing Service, claims and budget agree with the StatefulApp', () => {
    const { json } = planJson([file], examples.dir);
    const apps = appsOf(chart);
    expect(apps.map(a => a.name)).toEqual(json.statefulSets.map((s: any) => s.name));
    for (const app of apps) {
      const sts = statefulSetOf(json, app.name);
      expect(sts.namespace).toBe(app.namespace);
      expect(sts.replicas).toBe(app.replicas);
      expect(sts.serviceName).toBe(app.serviceName);
      expect(sts.governingService).toEqual({ name: app.serviceName, found: true, headless: true, selectsPods: true });
      expect(sts.pods.map((p: any) => p.name)).toEqual(app.podNames);
      expect(sts.pods.map((p: any) => p.dnsName)).toEqual(app.podDnsNames);
      for (const claim of app.volumeClaims) {
        const names = app.claimNames(claim.name);
        sts.pods.forEach((pod: any, i: number) => {
          const planned = pod.claims.find((c: any) => c.template === claim.name);
          expect(planned).toMatchObject({
            name: names[i],
            // a claim with expandTo is declared in the input at that size
            storage: (claim.expandTo ?? claim.size).asString(),
            storageClassName: app.claimStorageClassName(claim.name) ?? null,
            accessModes: app.claimAccessModes(claim.name),
          });
          expect(planned.resolution.kind).toBe(EXPECTED_CLAIMS[name]);
        });
      }
      // more than one replica gets a budget that lets a drain proceed one pod at a time; the racks
      // of a ring share the ring's one budget, which allows one rack's worth
      const ring = chart.node.findAll().find((c): c is CassandraRing => c instanceof CassandraRing && c.apps.length > 1 && c.apps.includes(app));
      if (ring) {
        expect(sts.disruption.budgets.map((b: any) => b.name)).toEqual([ring.disruptionBudget!.name]);
        expect(sts.disruption).toMatchObject({ allowedDisruptions: Math.min(...ring.apps.map(a => a.replicas)), drain: 'proceeds' });
      } else if (app.replicas > 1) {
        expect(sts.disruption.budgets.map((b: any) => b.name)).toEqual([app.disruptionBudget!.name]);
        expect(sts.disruption).toMatchObject({ allowedDisruptions: 1, drain: 'proceeds' });
      } else {
        expect(sts.disruption.budgets).toEqual([]);
      }
      // the library keeps claims on scale down and on delete
      expect(sts.scaleDown).toMatchObject({ whenScaled: 'Retain', whenDeleted: 'Retain' });
      expect(sts.update.rolls).toEqual([...app.podNames].reverse());
    }
  });
});

describe('what the plan says about particular examples', () => {
  const plan = (name: string) => planJson([`${name}.k8s.yaml`], examples.dir).json;

  test('redis-hostpath: the governing Service exists and is headless, unlike in the reference', () => {
    const sts = statefulSetOf(plan('redis-hostpath'), 'redis');
    expect(sts.serviceName).toBe('myapp-redis');
    expect(sts.governingService).toEqual({ name: 'myapp-redis', found: true, headless: true, selectsPods: true });
    expect(sts.problems.map(describeProblem)).toEqual([]);

    // the reference has the problem the example fixes: the check that stays silent above works
    const reference = planJson(['redis-hostpath.yaml'], REFERENCE).json;
    expect(problemsOf(reference).map(describeProblem)).toContainEqual(
      expect.stringMatching(/^error: StatefulSet default\/redis: serviceName myapp-redis has no headless Service/));
  });

  test('redis-hostpath: each claim is satisfied by exactly its pre-bound hostPath volume', () => {
    const sts = statefulSetOf(plan('redis-hostpath'), 'redis');
    const pairs = sts.pods.map((p: any) => [p.claims[0].name, p.claims[0].resolution.volume.name, p.claims[0].resolution.volume.claimRef]);
    expect(pairs).toEqual([
      ['redis-data-redis-0', 'pv001', 'default/redis-data-redis-0'],
      ['redis-data-redis-1', 'pv002', 'default/redis-data-redis-1'],
    ]);
    expect(sts.pods.map((p: any) => p.claims[0].resolution.volume.source)).toEqual(['hostPath /data/data1', 'hostPath /data/data2']);
  });

  test('redis-hostpath pinned to nodes: the volumes carry their node and the plan warns of nothing', () => {
    const dir = tempDir();
    const app = Testing.app({ outdir: dir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    const chart = new RedisHostPathChart(app, 'redis-hostpath', { nodes: ['node-a', 'node-b'] });
    app.synth();
    validateManifests(Testing.synth(chart));
    const { code, json } = planJson(['redis-hostpath.k8s.yaml'], dir);
    expect(code).toBe(0);
    expect(problemsOf(json)).toEqual([]);
    const sts = statefulSetOf(json, 'redis');
    expect(sts.pods.map((p: any) => [p.claims[0].resolution.volume.name, p.claims[0].resolution.volume.node]))
      .toEqual([['pv001', 'node node-a'], ['pv002', 'node node-b']]);
  });

  test('nginx-nfs: each claim is satisfied by exactly its pre-bound NFS volume', () => {
    const chart = examples.charts.get('nginx-nfs') as any;
    const sts = statefulSetOf(plan('nginx-nfs'), 'nginx-statefulset');
    const pairs = sts.pods.map((p: any) => {
      const { resolution } = p.claims[0];
      expect(resolution.kind).toBe('static');
      expect(resolution.candidates).toBeUndefined();
      return [p.claims[0].name, resolution.volume.name, resolution.volume.claimRef, resolution.volume.source];
    });
    const expected = [0, 1, 2, 3, 4].map(i => [
      `nginxdata-nginx-statefulset-${i}`,
      `pv-nfs-00${i + 1}`,
      `default/nginxdata-nginx-statefulset-${i}`,
      `nfs 192.168.1.34:/data/volumes/v${i + 1}`,
    ]);
    expect(pairs).toEqual(expected);
    // the same pairs as the volume set's own getters
    expect(chart.volumes.claimNames).toEqual(expected.map(e => e[0]));
    expect(chart.volumes.volumeNames).toEqual(expected.map(e => e[1]));
  });

  test('zookeeper: quorum 2 of 3 and a budget that keeps it', () => {
    const sts = statefulSetOf(plan('zookeeper'), 'zk');
    expect(sts.disruption.quorum).toMatchObject({ servers: 3, quorum: 2, budgetKeepsQuorum: true });
    expect(sts.disruption.budgets).toEqual([expect.objectContaining({ name: 'zk-pdb', rule: 'maxUnavailable: 1', allowedDisruptions: 1 })]);
    expect(sts.disruption.quorum.message).toContain('quorum holds during drains');
  });

  test('cassandra-racks: the plan shows the three racks, their start order and the one budget', () => {
    const json = plan('cassandra-racks');
    expect(json.racks).toHaveLength(1);
    expect(json.racks[0].racks.map((r: any) => [r.rack, r.statefulSet, r.startOrder])).toEqual(['a', 'b', 'c'].map(r => [
      `rack-${r}`, `orders-rack-${r}`, [`orders-rack-${r}-0`, `orders-rack-${r}-1`],
    ]));
    expect(json.racks[0].budget).toBe('orders-pdb');
    const text = run(['plan', 'cassandra-racks.k8s.yaml'], examples.dir).stdout;
    expect(text).toContain('Racks: default/orders (3 StatefulSets, 6 pods)');
    expect(text).toContain('    rack-b (StatefulSet orders-rack-b): orders-rack-b-0, then orders-rack-b-1, one at a time');
    expect(text).toContain('one PodDisruptionBudget orders-pdb (maxUnavailable: 2) covers all 6 pods of the 3 racks');
  });

  test('web-parallel starts its pods in parallel, web one at a time', () => {
    const parallel = statefulSetOf(plan('web-parallel'), 'web');
    expect(parallel.podManagementPolicy).toBe('Parallel');
    expect(parallel.startMessage).toMatch(/^Parallel: all 2 pods are created at once/);
    const ordered = statefulSetOf(plan('web'), 'web');
    expect(ordered.podManagementPolicy).toBe('OrderedReady');
    expect(ordered.startMessage).toMatch(/^OrderedReady: one at a time/);
  });

  test('cassandra: every claim is provisioned by StorageClass fast, which keeps the volumes', () => {
    const sts = statefulSetOf(plan('cassandra'), 'cassandra');
    expect(sts.pods).toHaveLength(3);
    for (const pod of sts.pods) {
      expect(pod.claims).toHaveLength(1);
      expect(pod.claims[0].storageClassName).toBe('fast');
      expect(pod.claims[0].resolution).toMatchObject({
        kind: 'storage-class',
        storageClass: { name: 'fast', provisioner: 'k8s.io/minikube-hostpath', reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate' },
      });
    }
  });

  test('nginx-managed-nfs: the claims wait for the class of the provisioner installed in the cluster', () => {
    const sts = statefulSetOf(plan('nginx-managed-nfs'), 'nginx-web-sts-vct');
    for (const pod of sts.pods) {
      expect(pod.claims[0]).toMatchObject({ storageClassName: 'managed-nfs-storage', resolution: { kind: 'unsatisfied', mayExistInCluster: true } });
    }
  });
});

describe('plan of the whole dist/ folder', () => {
  /** Objects (kind namespace/name) written by more than one example, with the examples. */
  function sharedObjects(): Map<string, string[]> {
    const seen = new Map<string, string[]>();
    for (const [name, objects] of examples.objects) {
      for (const o of objects) {
        const key = `${o.kind} ${o.kind === 'PersistentVolume' || o.kind === 'StorageClass' ? '' : `${o.metadata.namespace ?? 'default'}/`}${o.metadata.name}`;
        seen.set(key, [...(seen.get(key) ?? []), name]);
      }
    }
    return new Map([...seen].filter(([, names]) => names.length > 1));
  }

  test('exits 0 and names every StatefulSet of every example', () => {
    const { code, json } = planJson(['.'], examples.dir);
    expect(code).toBe(0);
    expect(json.input.files).toEqual(EXAMPLES.map(e => `${e.name}.k8s.yaml`).sort());
    const expected = new Set<string>();
    for (const objects of examples.objects.values()) {
      for (const o of objects.filter(x => x.kind === 'StatefulSet')) expected.add(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`);
    }
    expect(new Set(json.statefulSets.map((s: any) => `${s.namespace}/${s.name}`))).toEqual(expected);
    expect(json.statefulSets).toHaveLength(expected.size);
  });

  test('no error; besides the expected warnings, only the objects that alternative examples share', () => {
    // web, web-parallel and web-expanded reproduce variants of the same tutorial, zookeeper and
    // zookeeper-argocd two variants of the ZooKeeper one, wordpress and wordpress-statefulset two
    // variants of the WordPress one: each group uses the reference's names, so they are alternatives,
    // not meant to be applied together; zookeeper-tls is the ZooKeeper ensemble `zk` again, with TLS.
    // No other example shares an object.
    const shared = sharedObjects();
    for (const names of shared.values()) {
      expect([['web', 'web-parallel', 'web-expanded'], ['zookeeper', 'zookeeper-tls', 'zookeeper-argocd'], ['wordpress', 'wordpress-statefulset']])
        .toContainEqual(names);
    }
    expect(shared.size).toBeGreaterThan(0);

    const { json } = planJson(['.'], examples.dir);
    const problems = problemsOf(json);
    expect(problems.filter(p => p.severity === 'error').map(describeProblem)).toEqual([]);
    const duplicates = problems.filter(p => /defined more than once/.test(p.message));
    expect(new Set(duplicates.map(p => p.subject))).toEqual(new Set(shared.keys()));
    expect(duplicates.every(p => p.severity === 'warning')).toBe(true);
    const others = problems.filter(p => !duplicates.includes(p)).map(describeProblem);
    const expected = Object.values(EXPECTED_WARNINGS).flat();
    expect(others).toHaveLength(expected.length);
    for (const pattern of expected) expect(others).toContainEqual(expect.stringMatching(pattern));
  });
});

describe('plan --against the examples\' own output', () => {
  test('a second synthesis of every example is no change: exit 0', () => {
    const again = synthesizeExamples();
    const { code, json } = planJson([again.dir, '--against', examples.dir], examples.dir);
    expect(code).toBe(0);
    expect(json.diff.refused).toBe(0);
    expect(json.diff.againstFiles).toHaveLength(EXAMPLES.length);
    expect(json.diff.statefulSets.length).toBeGreaterThan(0);
    for (const change of json.diff.statefulSets) {
      expect({ name: change.name, status: change.status }).toEqual({ name: change.name, status: 'unchanged' });
    }
    const text = run(['plan', again.dir, '--against', examples.dir], examples.dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`Against ${EXAMPLES.length} files \\(the deployed manifests\\): 0 changed, 0 added, 0 removed, \\d+ unchanged`));
  });

  test.each(EXAMPLES.map(e => e.name))('example %s against its own file: no change, exit 0', (name) => {
    const file = `${name}.k8s.yaml`;
    const { code, json } = planJson([file, '--against', file], examples.dir);
    expect(code).toBe(0);
    expect(json.diff.refused).toBe(0);
    expect(json.diff.statefulSets.map((c: any) => c.status)).toEqual(json.statefulSets.map(() => 'unchanged'));
  });

  test('WebChart with its claim resized to 2Gi is refused: exit 1, with the steps to resize instead', () => {
    const objects = Testing.synth(new WebChart(Testing.app(), 'web'));
    validateManifests(objects);
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi';
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'web.k8s.yaml'), Yaml.stringify(...objects));

    const deployed = path.join(examples.dir, 'web.k8s.yaml');
    const { code, json } = planJson(['web.k8s.yaml', '--against', deployed], dir);
    expect(code).toBe(1);
    expect(json.exitCode).toBe(1);
    expect(json.diff.refused).toBe(1);
    const [change] = json.diff.statefulSets;
    expect(change).toMatchObject({ namespace: 'default', name: 'web', status: 'changed', template: null, scale: null });
    expect(change.refusals).toHaveLength(1);
    expect(change.refusals[0].change).toBe('claim template www: storage 1Gi -> 2Gi');
    expect(change.refusals[0].fix.join('\n')).toContain('kubectl delete statefulset web -n default --cascade=orphan');
    // the plan of the new manifests alone has nothing refused: only the change is
    expect(json.summary).toMatchObject({ errors: 0, refused: 1 });

    const text = run(['plan', 'web.k8s.yaml', '--against', deployed], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('StatefulSet default/web: changed -- REFUSED: the sync will fail');
  });
});
