// Every naming rule of the plan comes from the private identity module (src/private/identity.ts):
// pod names, pod DNS names, claim names, the namespace and cluster-domain defaults and the quorum
// arithmetic are never written a second time in src/plan.
import * as fs from 'fs';
import * as path from 'path';
import { planOf, REFERENCE, statefulSet } from './helpers';
import { claimName, podDnsName, quorumOf, toleratedFailures } from '../../src/private/identity';

const PLAN = path.join(__dirname, '..', '..', 'src', 'plan');

/** The code of src/plan, comments removed, line by line with file and line number. */
function codeLines(): { where: string; code: string }[] {
  const out: { where: string; code: string }[] = [];
  for (const file of fs.readdirSync(PLAN).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(PLAN, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ''));
    text.split('\n').forEach((line, i) => out.push({ where: `${file}:${i + 1}`, code: line.replace(/\/\/.*$/, '') }));
  }
  return out;
}

test.each([
  ['no name joined from two values with "-" (pod or claim names)', /\$\{[^}]+\}-\$\{/],
  ['no DNS name assembled by hand', /\.svc\.\$\{|\$\{[^}]+\}\.svc/],
  ['no majority computed by hand', /Math\.floor\([^)]*\/\s*2\s*\)/],
  ['no namespace default', /(\?\?|\|\||:)\s*'default'/],
  ['no cluster-domain default', /=\s*'cluster\.local'/],
])('src/plan writes no naming rule of its own: %s', (_what, pattern) => {
  expect(codeLines().filter((l) => pattern.test(l.code)).map((l) => `${l.where}: ${l.code.trim()}`)).toEqual([]);
});

test('the plan names pods, DNS records and claims, and counts quorum, as the identity module does', () => {
  const zk = statefulSet(planOf(['zookeeper.yaml'], REFERENCE, { clusterDomain: 'corp.example' }), 'zk');
  expect(zk.pods.map((p) => [p.dnsName, p.claims[0].name])).toEqual([0, 1, 2].map((o) => [
    podDnsName('zk', o, 'zk-hs', 'default', 'corp.example'),
    claimName('datadir', 'zk', o),
  ]));
  expect(zk.disruption.quorum).toMatchObject({ servers: 3, quorum: quorumOf(3) });
  expect(toleratedFailures(3)).toBe(1);
});
