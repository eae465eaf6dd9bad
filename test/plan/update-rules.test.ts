// `plan --against`: one pair of fixtures per update rule of the API server (test/plan/fixtures/rules),
// one the API server refuses and one it accepts. Each fixture's header cites the Kubernetes function
// (Kubernetes 1.27 to 1.31) whose rule it shows; every refusal names that function.
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, run } from './helpers';
import { diffAgainst, ObjectChange } from '../../src/plan/diff';
import { loadPaths } from '../../src/plan/load';

const RULES = path.join(FIXTURES, 'rules');

interface Case {
  /** `<kind>.<case>.<refused|accepted>.yaml` in fixtures/rules */
  readonly file: string;
  /** Files given on both sides (StorageClasses the claims need). */
  readonly shared?: string[];
  /** The Kubernetes function the fixture's header cites and the refusals name. */
  readonly rule: string;
  /** `kind name` of each refused object with the refused field; empty for an accepted change. */
  readonly refused: [string, string][];
  /** `kind name: status` of the objects compared. */
  readonly status: string[];
}

const CASES: Case[] = [
  { file: 'statefulset.revision-history.refused.yaml', rule: 'ValidateStatefulSetUpdate', refused: [['StatefulSet kv', 'revisionHistoryLimit']], status: ['StatefulSet kv: changed'] },
  { file: 'statefulset.mutable-fields.accepted.yaml', rule: 'ValidateStatefulSetUpdate', refused: [], status: ['StatefulSet kv: changed'] },
  { file: 'statefulset.claim-template-defaults.accepted.yaml', rule: 'SetDefaults_StatefulSet', refused: [], status: ['StatefulSet kv: unchanged'] },
  { file: 'statefulset.merge-keys.accepted.yaml', rule: 'merge keys', refused: [], status: ['StatefulSet kv: unchanged'] },
  { file: 'volume.source.refused.yaml', rule: 'ValidatePersistentVolumeUpdate', refused: [['PersistentVolume pv-local', 'spec (volume source)'], ['PersistentVolume pv-nfs', 'spec (volume source)']], status: ['PersistentVolume pv-local: changed', 'PersistentVolume pv-nfs: changed'] },
  { file: 'volume.settings.accepted.yaml', rule: 'ValidatePersistentVolumeUpdate', refused: [], status: ['PersistentVolume pv-local: changed', 'PersistentVolume pv-nfs: unchanged'] },
  { file: 'volume.mode.refused.yaml', rule: 'ValidatePersistentVolumeUpdate', refused: [['PersistentVolume pv-nfs', 'spec.volumeMode']], status: ['PersistentVolume pv-local: unchanged', 'PersistentVolume pv-nfs: changed'] },
  { file: 'volume.node-affinity.refused.yaml', rule: 'ValidatePersistentVolumeUpdate', refused: [['PersistentVolume pv-local', 'spec.nodeAffinity']], status: ['PersistentVolume pv-local: changed', 'PersistentVolume pv-nfs: unchanged'] },
  { file: 'volume.node-affinity.accepted.yaml', rule: 'ValidatePersistentVolumeUpdate', refused: [], status: ['PersistentVolume pv-local: unchanged', 'PersistentVolume pv-nfs: changed'] },
  { file: 'claim.shrink.refused.yaml', shared: ['claim.classes.yaml'], rule: 'ValidatePersistentVolumeClaimUpdate', refused: [['PersistentVolumeClaim shared', 'spec.resources.requests.storage']], status: ['PersistentVolumeClaim shared: changed', 'PersistentVolumeClaim archive: unchanged'] },
  { file: 'claim.grow.accepted.yaml', shared: ['claim.classes.yaml'], rule: 'ValidatePersistentVolumeClaimUpdate', refused: [], status: ['PersistentVolumeClaim shared: changed', 'PersistentVolumeClaim archive: unchanged'] },
  { file: 'claim.grow-without-expansion.refused.yaml', shared: ['claim.classes.yaml'], rule: 'PersistentVolumeClaimResize', refused: [['PersistentVolumeClaim archive', 'spec.resources.requests.storage']], status: ['PersistentVolumeClaim shared: unchanged', 'PersistentVolumeClaim archive: changed'] },
  { file: 'claim.class.refused.yaml', shared: ['claim.classes.yaml'], rule: 'ValidatePersistentVolumeClaimUpdate', refused: [['PersistentVolumeClaim shared', 'spec.storageClassName']], status: ['PersistentVolumeClaim shared: changed', 'PersistentVolumeClaim archive: unchanged'] },
  { file: 'claim.access-modes.refused.yaml', shared: ['claim.classes.yaml'], rule: 'ValidatePersistentVolumeClaimUpdate', refused: [['PersistentVolumeClaim shared', 'spec']], status: ['PersistentVolumeClaim shared: changed', 'PersistentVolumeClaim archive: unchanged'] },
  { file: 'claim.defaults.accepted.yaml', shared: ['claim.classes.yaml'], rule: 'SetDefaults_PersistentVolumeClaimSpec', refused: [], status: ['PersistentVolumeClaim shared: unchanged', 'PersistentVolumeClaim archive: unchanged'] },
  { file: 'storageclass.parameters.refused.yaml', rule: 'ValidateStorageClassUpdate', refused: [['StorageClass fast', 'parameters']], status: ['StorageClass fast: changed'] },
  { file: 'storageclass.provisioner.refused.yaml', rule: 'ValidateStorageClassUpdate', refused: [['StorageClass fast', 'provisioner']], status: ['StorageClass fast: changed'] },
  { file: 'storageclass.reclaim-policy.refused.yaml', rule: 'ValidateStorageClassUpdate', refused: [['StorageClass fast', 'reclaimPolicy']], status: ['StorageClass fast: changed'] },
  { file: 'storageclass.binding-mode.refused.yaml', rule: 'ValidateStorageClassUpdate', refused: [['StorageClass fast', 'volumeBindingMode']], status: ['StorageClass fast: changed'] },
  { file: 'storageclass.expansion.accepted.yaml', rule: 'ValidateStorageClassUpdate', refused: [], status: ['StorageClass fast: changed'] },
  { file: 'service.headless.refused.yaml', rule: 'ValidateServiceUpdate', refused: [['Service kv', 'spec.clusterIP'], ['Service kv-client', 'spec.clusterIP']], status: ['Service kv: changed', 'Service kv-client: changed'] },
  { file: 'service.cluster-ip.refused.yaml', rule: 'ValidateServiceUpdate', refused: [['Service kv-client', 'spec.clusterIP']], status: ['Service kv: unchanged', 'Service kv-client: changed'] },
  { file: 'service.ports.accepted.yaml', rule: 'patchAllocatedValues', refused: [], status: ['Service kv: unchanged', 'Service kv-client: changed'] },
  { file: 'budget.switch.accepted.yaml', rule: 'strategy.go', refused: [], status: ['PodDisruptionBudget kv: changed'] },
];

function deployedOf(file: string): string {
  return `${file.split('.')[0]}.deployed.yaml`;
}

/** Every object compared, changed or not (the diff counts unchanged objects of other kinds only). */
function statuses(changes: ObjectChange[], file: string, shared: string[]): string[] {
  const objects = loadPaths([file, ...shared], { cwd: RULES }).objects.filter((o) => o.kind !== 'StorageClass' || !shared.length);
  return objects.map((o) => {
    const c = changes.find((x) => x.kind === o.kind && x.name === o.name);
    return `${o.kind} ${o.name}: ${c ? c.status : 'unchanged'}`;
  });
}

describe.each(CASES)('$file', ({ file, shared = [], rule, refused, status }) => {
  const deployed = deployedOf(file);
  const diff = diffAgainst(loadPaths([deployed, ...shared], { cwd: RULES }), loadPaths([file, ...shared], { cwd: RULES }));
  const changes = [...diff.statefulSets, ...diff.objects];

  test('the fixture cites the rule it shows', () => {
    const header = fs.readFileSync(path.join(RULES, file), 'utf8').split('\n').filter((l) => l.startsWith('#')).join(' ');
    expect(header).toContain(rule);
    expect(header).toMatch(file.endsWith('.refused.yaml') ? /^# Refused/ : /^# Accepted/);
    expect(fs.readFileSync(path.join(RULES, deployed), 'utf8')).toMatch(/^# .*as deployed/);
  });

  test(refused.length > 0 ? 'the API server refuses it: exit 1, naming the field and the rule' : 'the API server accepts it: exit 0', () => {
    expect(statuses(changes, file, shared)).toEqual(status);
    const found = changes.flatMap((c) => c.refusals.map((r) => [`${c.kind} ${c.name}`, r.field, r.rule]));
    expect(found).toEqual(refused.map(([subject, field]) => [subject, field, expect.stringContaining(rule)]));
    expect(diff.refused).toBe(refused.length);
    for (const c of changes) {
      if (c.refusals.length > 0) expect(c.refusals.every((r) => r.message.endsWith('the sync will fail') && r.fix.length > 0)).toBe(true);
    }

    const args = ['plan', file, ...shared, '--against', deployed, ...shared.flatMap((s) => ['--against', s])];
    const { code, stdout, stderr } = run(args, RULES);
    expect(stderr).toBe('');
    expect(code).toBe(refused.length > 0 ? 1 : 0);
    for (const [subject] of refused) {
      const [kind, name] = subject.split(' ');
      expect(stdout).toMatch(new RegExp(`  ${kind} (store/)?${name}: changed -- REFUSED: the sync will fail`));
    }
  });
});

test('a budget with both minAvailable and maxUnavailable is refused on update as on create (ValidatePodDisruptionBudgetSpec)', () => {
  const { code, stdout } = run(['plan', 'budget.both.refused.yaml', '--against', 'budget.deployed.yaml'], RULES);
  expect(code).toBe(1);
  expect(stdout).toContain('error (refused by the API server): PodDisruptionBudget store/kv (budget.both.refused.yaml:3): spec.minAvailable and spec.maxUnavailable are both set');
  expect(fs.readFileSync(path.join(RULES, 'budget.both.refused.yaml'), 'utf8')).toContain('ValidatePodDisruptionBudgetSpec');
});

test('every fixture of the rules folder is in a case', () => {
  const files = fs.readdirSync(RULES).filter((f) => /\.(refused|accepted)\.yaml$/.test(f)).sort();
  expect([...CASES.map((c) => c.file), 'budget.both.refused.yaml'].sort()).toEqual(files);
});

test('refused changes print the rule they follow and the steps instead', () => {
  const { stdout } = run(['plan', 'storageclass.parameters.refused.yaml', '--against', 'storageclass.deployed.yaml'], RULES);
  expect(stdout).toContain('    error: parameters.type: gp3 -> io2: parameters of a StorageClass cannot change: the API server refuses the update, so the sync will fail [ValidateStorageClassUpdate]\n      instead:\n        1. keep the old value, or create a StorageClass under a new name');
});
