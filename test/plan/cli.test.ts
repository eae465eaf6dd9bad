// The command line: arguments, input errors, exit codes and output formats.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, REFERENCE, run } from './helpers';

describe('input errors exit 2', () => {
  test('malformed YAML: the error names the file and the line', () => {
    const { code, stdout, stderr } = run(['plan', 'malformed.yaml'], FIXTURES);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^cdk8s-stateful plan: error: malformed\.yaml:8:1: malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a \]\n$/);
  });

  test('malformed YAML inside a folder names the file within the folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'dist', 'a.k8s.yaml'), 'kind: Service\nmetadata:\n  name: a\n');
    fs.writeFileSync(path.join(dir, 'dist', 'b.k8s.yaml'), 'kind: Service\nmetadata:\n  name: "b\n');
    const { code, stderr } = run(['plan'], dir);
    expect(code).toBe(2);
    expect(stderr).toBe(`cdk8s-stateful plan: error: ${path.join('dist', 'b.k8s.yaml')}:3:1: malformed YAML: Missing closing "quote\n`);
  });

  test('malformed YAML in the middle of a document points at that line and column', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b: c\n  d: e\n';
    const { code, stderr } = run(['plan', '-'], FIXTURES, text);
    expect(code).toBe(2);
    expect(stderr).toBe('cdk8s-stateful plan: error: <stdin>:6:6: malformed YAML: Nested mappings are not allowed in compact mappings\n');
  });

  test('empty input', () => {
    const { code, stderr } = run(['plan', 'empty.yaml'], FIXTURES);
    expect(code).toBe(2);
    expect(stderr).toBe('cdk8s-stateful plan: error: empty.yaml: empty input, no Kubernetes object found in empty.yaml\n');
  });

  test('empty input with --json is also reported as JSON', () => {
    const { code, stdout } = run(['plan', 'empty.yaml', '--json'], FIXTURES);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ error: 'empty.yaml: empty input, no Kubernetes object found in empty.yaml', exitCode: 2 });
  });

  test('a folder without YAML files, and a missing path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    expect(run(['plan', '.'], dir).stderr).toContain('.: the folder holds no *.yaml or *.yml file');
    expect(run(['plan', 'nope.yaml'], dir)).toMatchObject({ code: 2, stderr: 'cdk8s-stateful plan: error: nope.yaml: no such file or folder\n' });
  });

  test('without arguments the plan reads dist/ and says so when it is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    const { code, stderr } = run(['plan'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('dist: no such file or folder (by default the plan reads dist/: synthesize first, or name the files or folders to read)');
  });

  test('without arguments the plan reads dist/ recursively', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    fs.mkdirSync(path.join(dir, 'dist', 'nested'), { recursive: true });
    fs.copyFileSync(path.join(REFERENCE, 'zookeeper.yaml'), path.join(dir, 'dist', 'nested', 'zookeeper.k8s.yaml'));
    fs.writeFileSync(path.join(dir, 'dist', 'notes.txt'), 'not yaml');
    const { code, stdout } = run(['plan'], dir);
    expect(code).toBe(0);
    expect(stdout).toContain(`4 objects from ${path.join('dist', 'nested', 'zookeeper.k8s.yaml')}`);
  });
});

describe('usage errors exit 2', () => {
  test.each([
    [[], 'a command is needed'],
    [['apply'], 'unknown command "apply"'],
    [['plan', '--frobnicate'], 'unknown option --frobnicate'],
    [['plan', '--against'], '--against needs a value'],

    [['plan', '--cluster-domain', 'Not A Domain'], '--cluster-domain "Not A Domain" is not a DNS domain'],
    [['plan', '--json=yes'], '--json takes no value'],
  ])('%j', (args, message) => {
    const { code, stdout, stderr } = run(args as string[], FIXTURES);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  test('with --json, a usage error is also printed as a JSON error object', () => {
    const { code, stdout, stderr } = run(['plan', '--json', '--markdown'], FIXTURES);
    expect(code).toBe(2);
    expect(stderr).toContain('--json and --markdown cannot be combined');
    expect(JSON.parse(stdout)).toEqual({ error: '--json and --markdown cannot be combined', exitCode: 2 });
  });

  test('--help prints the usage and exits 0', () => {
    const { code, stdout } = run(['plan', '--help'], FIXTURES);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: cdk8s-stateful plan [options] [files or folders...]');
    expect(stdout).toContain('2  usage or input error (missing file, malformed or hostile YAML, no Kubernetes object),');
    expect(stdout).toContain('--strict');
  });
});

describe('input and output', () => {
  test('objects of unknown kinds are counted and skipped', () => {
    const { code, stdout } = run(['plan', 'unknown-kinds.yaml'], FIXTURES);
    expect(code).toBe(0);
    expect(stdout).toContain('  read: 1 StatefulSet\n  skipped: 2 ConfigMaps, 1 Ingress, 1 Widget (kinds the plan does not read); 1 YAML document without a kind\n');
    const json = JSON.parse(run(['plan', 'unknown-kinds.yaml', '--json'], FIXTURES).stdout);
    expect(json.input).toEqual({
      files: ['unknown-kinds.yaml'],
      objects: 5,
      read: { StatefulSet: 1 },
      skipped: { ConfigMap: 2, Ingress: 1, Widget: 1 },
      notObjects: 1,
      withoutKind: 1,
      notObjectDocuments: [],
    });
    expect(json.statefulSets[0].name).toBe('solo');
  });

  test('a kubectl List is expanded, with the line of each item', () => {
    const list = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: { name: web }
    spec: { clusterIP: None, selector: { app: web } }
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: { name: web }
    spec:
      serviceName: web
      selector: { matchLabels: { app: web } }
      template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: c, image: nginx }] } }
`;
    const json = JSON.parse(run(['plan', '-', '--json'], FIXTURES, list).stdout);
    expect(json.input.read).toEqual({ Service: 1, StatefulSet: 1 });
    expect(json.statefulSets[0].source).toEqual({ file: '<stdin>', line: 8 });
    expect(json.statefulSets[0].replicas).toBe(1);
    expect(json.statefulSets[0].problems).toEqual([]);
  });

  test('--json is the plan as data, with a summary and the exit code', () => {
    const { code, stdout } = run(['plan', 'zookeeper.yaml', '--json', '--cluster-domain', 'corp.example'], REFERENCE);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.version).toBe(1);
    expect(json.clusterDomain).toBe('corp.example');
    expect(json.diff).toBeNull();
    expect(json.summary).toEqual({ statefulSets: 1, pods: 3, claims: 3, errors: 0, warnings: 0, refused: 0 });
    expect(json.exitCode).toBe(0);
    expect(json.statefulSets[0].pods[0].dnsName).toBe('zk-0.zk-hs.default.svc.corp.example');
    expect(json.statefulSets[0].disruption.quorum.quorum).toBe(2);
  });

  test('--markdown for a pull-request comment', () => {
    const { code, stdout } = run(['plan', 'redis-hostpath.yaml', '--markdown'], REFERENCE);
    expect(code).toBe(0);
    expect(stdout.startsWith('## cdk8s-stateful plan\n')).toBe(true);
    expect(stdout).toContain('- **Error**: serviceName myapp-redis has no headless Service');
    expect(stdout).toContain('### Other problems');
  });

  test('several files and --against=PATH', () => {
    const { code, stdout } = run(['plan', 'cassandra-service.yaml', 'cassandra-statefulset.yaml', '--against=cassandra-statefulset.yaml'], REFERENCE);
    expect(code).toBe(0);
    expect(stdout).toContain('cdk8s-stateful plan: 3 objects from 2 files');
    expect(stdout).toContain('Against cassandra-statefulset.yaml (the deployed manifests): 0 changed, 0 added, 0 removed, 1 unchanged');
  });
});

describe('exit codes you can build a pipeline on', () => {
  test('--strict exits 1 on an error-level finding the API server does not refuse', () => {
    // redis-hostpath.yaml: its serviceName has no headless Service (an error), nothing is refused.
    const plain = run(['plan', 'redis-hostpath.yaml'], REFERENCE);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Summary: 1 StatefulSet, 2 pods, 2 claims; 1 error, 5 warnings; nothing the API server refuses.\n');
    const strict = run(['plan', 'redis-hostpath.yaml', '--strict'], REFERENCE);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('Summary: 1 StatefulSet, 2 pods, 2 claims; 1 error, 5 warnings; nothing the API server refuses, but --strict fails on the error (exit code 1).\n');
    const json = JSON.parse(run(['plan', 'redis-hostpath.yaml', '--strict', '--json'], REFERENCE).stdout);
    expect(json.exitCode).toBe(1);
    expect(json.summary).toMatchObject({ errors: 1, refused: 0 });
    expect(run(['plan', 'redis-hostpath.yaml', '--strict', '--markdown'], REFERENCE).stdout).toContain('nothing the API server refuses. --strict fails on the errors.');
  });

  test('--strict without errors exits 0; warnings never fail', () => {
    expect(run(['plan', 'zookeeper.yaml', '--strict'], REFERENCE).code).toBe(0);
    const { code, stdout } = run(['plan', 'nginx-nfs.yaml', '--strict'], REFERENCE);
    expect(stdout).toMatch(/0 errors, [1-9]\d* warnings?; nothing the API server refuses\.\n$/);
    expect(code).toBe(0);
  });
});

describe('the deployed set (--against)', () => {
  test('an empty folder is an empty deployed set: everything is added, exit 0', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-empty-'));
    const { code, stdout } = run(['plan', 'db.yaml', 'common.yaml', '--against', empty], FIXTURES);
    expect(code).toBe(0);
    expect(stdout).toContain('Against nothing (no YAML file) (the deployed manifests): 0 changed, 1 added, 0 removed, 0 unchanged\n'
      + '  other objects: 0 changed, 4 added, 0 removed, 0 unchanged');
    expect(stdout).toContain('  StatefulSet data/db: added\n    new StatefulSet: creates db-0, db-1 and db-2 with their claims (see its plan)');
  });

  test('an object defined twice in the deployed set is reported, as an error when the definitions differ', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-dup-'));
    const db = fs.readFileSync(path.join(FIXTURES, 'db.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'a.yaml'), db);
    fs.writeFileSync(path.join(dir, 'b.yaml'), db.replace('storage: 10Gi', 'storage: 20Gi'));
    fs.writeFileSync(path.join(dir, 'c.yaml'), db);
    const { code, stdout } = run(['plan', path.join(FIXTURES, 'db.yaml'), '--against', 'a.yaml', '--against', 'b.yaml', '--against', 'c.yaml', '--json'], dir);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.diff.problems.map((p: any) => `${p.severity}: ${p.subject}: ${p.message}`)).toEqual([
      'error: StatefulSet data/db: defined more than once in the deployed manifests (--against) (a.yaml:2 and b.yaml:2), differently: the plan compares the last definition',
      'error: StatefulSet data/db: defined more than once in the deployed manifests (--against) (b.yaml:2 and c.yaml:2), differently: the plan compares the last definition',
    ]);
    expect(json.summary.errors).toBeGreaterThanOrEqual(2);
    const same = run(['plan', path.join(FIXTURES, 'db.yaml'), '--against', 'a.yaml', '--against', 'c.yaml'], dir);
    expect(same.stdout).toContain('  warning: StatefulSet data/db (c.yaml:2): defined more than once in the deployed manifests (--against) (a.yaml:2 and c.yaml:2): the plan compares the last definition\n');
  });
});

describe('reading files', () => {
  test('symbolic links to YAML files and folders are followed; a link that leads nowhere is an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-links-'));
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.mkdirSync(path.join(dir, 'shared'));
    fs.copyFileSync(path.join(REFERENCE, 'zookeeper.yaml'), path.join(dir, 'shared', 'zookeeper.yaml'));
    fs.copyFileSync(path.join(REFERENCE, 'web.yaml'), path.join(dir, 'web.yaml'));
    fs.symlinkSync(path.join(dir, 'web.yaml'), path.join(dir, 'dist', 'web.k8s.yaml'));
    fs.symlinkSync(path.join(dir, 'shared'), path.join(dir, 'dist', 'linked'));
    fs.symlinkSync(path.join(dir, 'dist'), path.join(dir, 'dist', 'linked', 'loop'));
    const { code, stdout } = run(['plan', '--json'], dir);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).input.files).toEqual([path.join('dist', 'linked', 'zookeeper.yaml'), path.join('dist', 'web.k8s.yaml')]);

    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'dist', 'gone.k8s.yaml'));
    expect(run(['plan'], dir)).toMatchObject({ code: 2, stderr: `cdk8s-stateful plan: error: ${path.join('dist', 'gone.k8s.yaml')}: a symbolic link to a file that does not exist\n` });
  });

  test('documents that are lists or scalars are named as such, not as empty input', () => {
    expect(run(['plan', '-'], FIXTURES, '- apiVersion: v1\n  kind: Service\n- b\n')).toMatchObject({
      code: 2,
      stderr: 'cdk8s-stateful plan: error: -: no Kubernetes object (a mapping with apiVersion and kind): <stdin>:1 is a list of 2 items\n',
    });
    expect(run(['plan', '-'], FIXTURES, 'hello\n---\nname: x\n').stderr)
      .toBe('cdk8s-stateful plan: error: -: no Kubernetes object (a mapping with apiVersion and kind): <stdin>:1 is a scalar ("hello"); <stdin>:3 is a mapping without kind\n');
  });
});

describe('Markdown', () => {
  test('table cells escape line breaks and |', () => {
    const text = `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: odd }
spec:
  serviceName: "odd|svc"
  replicas: 2
  selector: { matchLabels: { app: odd } }
  template: { metadata: { labels: { app: odd } }, spec: { containers: [{ name: c, image: x }] } }
  volumeClaimTemplates:
    - metadata: { name: data }
      spec:
        accessModes: [ReadWriteOnce]
        resources: { requests: { storage: "1Gi|\\nrm -rf" } }
`;
    const { stdout } = run(['plan', '-', '--markdown'], FIXTURES, text);
    const rows = stdout.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      // Four cells: five unescaped pipes, no line break inside a row.
      expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6);
    }
    expect(rows[1]).toContain('`odd-0.odd\\|svc.default.svc.cluster.local`');
    expect(rows[1]).toContain('claim data-odd-0 (1Gi\\|<br>rm -rf, ReadWriteOnce)');
  });
});

test('a list or scalar document beside objects is named in the skipped line', () => {
  const text = `${fs.readFileSync(path.join(REFERENCE, 'zookeeper.yaml'), 'utf8')}\n---\n- a\n- b\n---\njust text\n`;
  const { code, stdout } = run(['plan', '-'], FIXTURES, text);
  expect(code).toBe(0);
  expect(stdout).toMatch(/  skipped: 2 YAML documents that are not a Kubernetes object \(<stdin>:\d+ is a list of 2 items; <stdin>:\d+ is a scalar \("just text"\)\)\n/);
});
