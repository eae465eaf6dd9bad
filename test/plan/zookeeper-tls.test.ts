import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { run } from './helpers';
import { CertManagerIssuer, ZooKeeperEnsemble, ZooKeeperEnsembleProps, ZooKeeperQuorumTls, ZooKeeperTls } from '../../src';
import { canRollBetween, quorumTlsOf, ZOOKEEPER_TLS_UPGRADE_GUIDE } from '../../src/plan/zookeeper-tls';
import { freshChart, synthObjects } from '../util/synth';

const tls = (quorum?: ZooKeeperQuorumTls) =>
  ZooKeeperTls.fromIssuer(CertManagerIssuer.clusterIssuer('ca'), { passwordSecretName: 'zk-keystore', quorum });

let tmp: string;
beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-zk-tls-')); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Synthesizes a ZooKeeperEnsemble `zk` into `<tmp>/<dir>/zk.k8s.yaml`; returns the folder. */
function synthTo(dir: string, props: ZooKeeperEnsembleProps): string {
  const chart = freshChart();
  new ZooKeeperEnsemble(chart, 'zk', props);
  const out = path.join(tmp, dir);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'zk.k8s.yaml'), Yaml.stringify(...synthObjects(chart)));
  return out;
}

/** `plan <current> --against <deployed> --json`: the findings about the quorum's TLS settings, with their StatefulSet. */
function planWarnings(deployed: string, current: string) {
  const r = run(['plan', current, '--against', deployed, '--json'], tmp);
  const json = JSON.parse(r.stdout);
  const findings: any[] = json.diff.statefulSets.flatMap((c: any) => c.findings.map((f: any) => ({ ...f, statefulSet: `${c.namespace}/${c.name}` })));
  return { code: r.code, warnings: findings.filter((f) => /changes the quorum from/.test(f.message)), json };
}

describe('plan --against: switching a ZooKeeper quorum to TLS', () => {
  test('from plaintext to TLS in one step: a warning with the guide\'s staged procedure, exit 0', () => {
    const deployed = synthTo('plain', {});
    const current = synthTo('tls', { tls: tls() });
    const { code, warnings, json } = planWarnings(deployed, current);
    expect(code).toBe(0);
    expect(json.summary.warnings).toBeGreaterThanOrEqual(1);
    expect(warnings).toHaveLength(1);
    const [w] = warnings;
    expect(w.severity).toBe('warning');
    expect(w.statefulSet).toBe('default/zk');
    expect(w.message).toBe('zoo.cfg of ConfigMap zk-config changes the quorum from sslQuorum=false, portUnification=false to '
      + 'sslQuorum=true, portUnification=false in one step: switching a running ensemble from plaintext to TLS breaks the quorum. '
      + 'Servers with the old and the new settings refuse each other\'s connections, so the rolling update splits the ensemble in two '
      + 'groups: while it runs no further server may fail, and when the old group loses its majority the ensemble stops serving until '
      + 'the restarted servers have one and elect a leader');
    expect(w.fix).toBe('deploy sslQuorum=false, portUnification=true first (ZooKeeperEnsemble: tls.quorum ZooKeeperQuorumTls.PLAINTEXT_ACCEPTING_TLS), '
      + 'restart the servers one at a time (each rejoined as a follower before the next), then take the next step. '
      + `The ZooKeeper administrator's guide, "Upgrading existing non-TLS cluster with no downtime" (${ZOOKEEPER_TLS_UPGRADE_GUIDE}), `
      + 'goes from plaintext to TLS in three rolling restarts: '
      + '1. sslQuorum=false, portUnification=true (ZooKeeperEnsemble: tls.quorum ZooKeeperQuorumTls.PLAINTEXT_ACCEPTING_TLS); '
      + '2. sslQuorum=true, portUnification=true (ZooKeeperEnsemble: tls.quorum ZooKeeperQuorumTls.TLS_ACCEPTING_PLAINTEXT); '
      + '3. sslQuorum=true, portUnification=false (ZooKeeperEnsemble: tls.quorum ZooKeeperQuorumTls.TLS); backwards in the reverse order');

    // The text report shows it with the StatefulSet's change, with the fix.
    const text = run(['plan', current, '--against', deployed], tmp);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('warning: zoo.cfg of ConfigMap zk-config changes the quorum from sslQuorum=false');
    expect(text.stdout).toContain('fix: deploy sslQuorum=false, portUnification=true first');
    expect(text.stdout).toContain('"Upgrading existing non-TLS cluster with no downtime"');
  });

  test('the guide\'s three steps, one at a time, give no warning', () => {
    const steps = [
      synthTo('step0', {}),
      synthTo('step1', { tls: tls(ZooKeeperQuorumTls.PLAINTEXT_ACCEPTING_TLS) }),
      synthTo('step2', { tls: tls(ZooKeeperQuorumTls.TLS_ACCEPTING_PLAINTEXT) }),
      synthTo('step3', { tls: tls(ZooKeeperQuorumTls.TLS) }),
    ];
    for (let i = 1; i < steps.length; i++) {
      expect(planWarnings(steps[i - 1], steps[i]).warnings).toEqual([]);
      // and back
      expect(planWarnings(steps[i], steps[i - 1]).warnings).toEqual([]);
    }
    // No change: no warning.
    expect(planWarnings(steps[3], steps[3]).warnings).toEqual([]);
  });

  test('a skipped step warns and names the step in between', () => {
    const step1 = synthTo('skip1', { tls: tls(ZooKeeperQuorumTls.PLAINTEXT_ACCEPTING_TLS) });
    const step3 = synthTo('skip3', { tls: tls(ZooKeeperQuorumTls.TLS) });
    const [w] = planWarnings(step1, step3).warnings;
    expect(w.fix).toMatch(/^deploy sslQuorum=true, portUnification=true first \(ZooKeeperEnsemble: tls.quorum ZooKeeperQuorumTls.TLS_ACCEPTING_PLAINTEXT\)/);

    // Back from TLS to plaintext in one step breaks the quorum too.
    const plain = synthTo('back-plain', {});
    const [back] = planWarnings(step3, plain).warnings;
    expect(back.message).toContain('from sslQuorum=true, portUnification=false to sslQuorum=false, portUnification=false in one step: this change breaks the quorum');
    expect(back.fix).toMatch(/^deploy sslQuorum=true, portUnification=true first/);
  });

  test('no warning for one server (standalone, no quorum), without --against, or for a StatefulSet that is new', () => {
    const plainOne = synthTo('one-plain', { replicas: 1 });
    const tlsOne = synthTo('one-tls', { replicas: 1, tls: tls() });
    expect(planWarnings(plainOne, tlsOne).warnings).toEqual([]);

    const current = synthTo('alone-tls', { tls: tls() });
    const alone = run(['plan', current, '--json'], tmp);
    expect(JSON.parse(alone.stdout).diff).toBeNull();
    expect(alone.stdout).not.toContain('changes the quorum from');

    const empty = path.join(tmp, 'nothing-deployed');
    fs.mkdirSync(empty, { recursive: true });
    fs.writeFileSync(path.join(empty, 'other.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata: {}\n');
    expect(planWarnings(empty, current).warnings).toEqual([]);
  });

  test('reads zoo.cfg of any tool: a projected ConfigMap source, `key: value` lines, the last value of a key', () => {
    const manifest = (cfg: string) => [
      'apiVersion: apps/v1', 'kind: StatefulSet', 'metadata: {name: zookeeper, namespace: coord}',
      'spec:', '  replicas: 3', '  serviceName: zookeeper-headless', '  selector: {matchLabels: {app: zk}}',
      '  template:', '    metadata: {labels: {app: zk}}', '    spec:',
      '      containers: [{name: zk, image: "zookeeper:3.8.4"}]',
      '      volumes: [{name: conf, projected: {sources: [{configMap: {name: zk-conf}}]}}]',
      '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: zk-conf, namespace: coord}',
      'data:', '  zoo.cfg: |', ...cfg.split('\n').map((l) => `    ${l}`), '',
    ].join('\n');
    const dir = (name: string, cfg: string) => {
      const d = path.join(tmp, name);
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, 'zk.yaml'), manifest(cfg));
      return d;
    };
    const before = dir('other-before', 'tickTime=2000\nsslQuorum=true\n# later settings win\nsslQuorum: false');
    const after = dir('other-after', 'tickTime=2000\nsslQuorum = TRUE');
    const [w] = planWarnings(before, after).warnings;
    expect(w.statefulSet).toBe('coord/zookeeper');
    expect(w.message).toMatch(/^zoo.cfg of ConfigMap zk-conf changes the quorum from sslQuorum=false, portUnification=false to sslQuorum=true/);
  });
});

describe('the rule', () => {
  test('quorumTlsOf reads java.util.Properties lines as ZooKeeper does', () => {
    expect(quorumTlsOf('')).toEqual({ sslQuorum: false, portUnification: false });
    expect(quorumTlsOf('sslQuorum=true\nportUnification=yes')).toEqual({ sslQuorum: true, portUnification: false });
    expect(quorumTlsOf('! comment\nsslQuorum true\nportUnification:True')).toEqual({ sslQuorum: true, portUnification: true });
    expect(quorumTlsOf('#sslQuorum=true')).toEqual({ sslQuorum: false, portUnification: false });
  });

  test('a rolling update can go between two settings exactly when each side accepts how the other connects', () => {
    const all = [false, true].flatMap((sslQuorum) => [false, true].map((portUnification) => ({ sslQuorum, portUnification })));
    const name = (s: { sslQuorum: boolean; portUnification: boolean }) => `${s.sslQuorum ? 'tls' : 'plain'}${s.portUnification ? '+unified' : ''}`;
    const safe = all.flatMap((a) => all.filter((b) => canRollBetween(a, b)).map((b) => `${name(a)} -> ${name(b)}`));
    expect(safe.sort()).toEqual([
      'plain+unified -> plain', 'plain+unified -> plain+unified', 'plain+unified -> tls+unified',
      'plain -> plain', 'plain -> plain+unified',
      'tls+unified -> plain+unified', 'tls+unified -> tls', 'tls+unified -> tls+unified',
      'tls -> tls', 'tls -> tls+unified',
    ].sort());
  });
});
