// `cdk8s-stateful plan` shows reachability: for each StatefulSet, which sources the NetworkPolicies
// of the input let reach which port, where the pods may connect to when egress is restricted, and
// a warning for each Service port that nobody (or, for a client Service, only the pods themselves)
// can reach.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing, YamlOutputType } from 'cdk8s';
import { run } from './helpers';
import { NetworkAccess, NetworkPeer, StatefulApp, ZooKeeperEnsemble } from '../../src';

const dirs: string[] = [];
afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

/** Synthesizes what `build` adds to a chart into a temporary folder. */
function synth(build: (chart: Chart) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-network-'));
  dirs.push(dir);
  const app = Testing.app({ outdir: dir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  build(new Chart(app, 'app'));
  app.synth();
  return dir;
}

function plan(stdin: string): { json: any; text: string; markdown: string } {
  const json = run(['plan', '-', '--json'], os.tmpdir(), stdin);
  expect(json.stderr).toBe('');
  return {
    json: JSON.parse(json.stdout),
    text: run(['plan', '-'], os.tmpdir(), stdin).stdout,
    markdown: run(['plan', '-', '--markdown'], os.tmpdir(), stdin).stdout,
  };
}

const sts = (json: any, name: string) => json.statefulSets.find((s: any) => s.name === name);
const warnings = (json: any) => [...json.statefulSets.flatMap((s: any) => s.problems), ...json.problems]
  .filter((p: any) => p.severity === 'warning').map((p: any) => p.message);

/** A StatefulSet `db` (ports 5432 sql, 5433 repl, 9187 metrics), its headless Service and a client Service. */
const DB = `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: data }
spec:
  serviceName: db
  replicas: 2
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      containers:
        - name: db
          image: postgres:16
          ports:
            - { containerPort: 5432, name: sql }
            - { containerPort: 5433, name: repl }
            - { containerPort: 9187, name: metrics }
---
apiVersion: v1
kind: Service
metadata: { name: db, namespace: data }
spec:
  clusterIP: None
  selector: { app: db }
  ports: [{ name: sql, port: 5432 }, { name: repl, port: 5433 }]
---
apiVersion: v1
kind: Service
metadata: { name: db-client, namespace: data }
spec:
  selector: { app: db }
  ports: [{ name: sql, port: 5432 }, { name: repl, port: 5433 }, { name: web, port: 80, targetPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: data }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: api:1 }] }
`;

describe('reachability from the NetworkPolicies of the input', () => {
  test('every kind of source, by port number, port name and range; egress; Service ports nobody or only the pods reach', () => {
    const { json, text, markdown } = plan(`${DB}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: data }
spec:
  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: db } } }]
      ports: [{ port: 5432 }, { port: repl }]
    - from:
        - podSelector: { matchLabels: { app: api } }
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: reporting } }
          podSelector: { matchLabels: { app: bi } }
        - ipBlock: { cidr: 10.0.0.0/8, except: [10.9.0.0/16] }
      ports: [{ protocol: TCP, port: 5430, endPort: 5432 }]
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }]
      ports: [{ port: metrics }]
  egress:
    - to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }, podSelector: { matchLabels: { k8s-app: kube-dns } } }]
      ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }]
    - to: [{ podSelector: { matchLabels: { app: db } } }]
`);
    const db = sts(json, 'db');
    expect(db.network).toEqual({
      policies: ['db'],
      isolated: true,
      ports: [
        {
          port: 5432,
          name: 'sql',
          protocol: 'TCP',
          sources: ['its own pods (app=db)', 'pods app=api (Deployment api)', 'pods app=bi in namespace reporting', '10.0.0.0/8 except 10.9.0.0/16'],
        },
        { port: 5433, name: 'repl', protocol: 'TCP', sources: ['its own pods (app=db)'] },
        { port: 9187, name: 'metrics', protocol: 'TCP', sources: ['every pod of namespace monitoring'] },
      ],
      egress: [
        'pods k8s-app=kube-dns in namespace kube-system on 53/UDP, 53/TCP',
        'its own pods (app=db) on every port',
      ],
      message: 'NetworkPolicy db selects these pods: only what its rules admit reaches them',
    });
    expect(warnings(json)).toEqual([
      'Service db-client port repl (to 5433/TCP of the pods) is reachable only by the pods themselves (its own pods (app=db)): no client of the Service can use it',
      'Service db-client port web (to 8080/TCP of the pods) is reachable by nobody: no rule of the NetworkPolicies that select these pods (db) admits 8080/TCP',
    ]);
    expect(text).toContain([
      '  Network (who can reach which port):',
      '    NetworkPolicy db selects these pods: only what its rules admit reaches them',
      '    5432/TCP (sql): its own pods (app=db); pods app=api (Deployment api); pods app=bi in namespace reporting; 10.0.0.0/8 except 10.9.0.0/16',
      '    5433/TCP (repl): its own pods (app=db)',
      '    9187/TCP (metrics): every pod of namespace monitoring',
      '    egress: only to pods k8s-app=kube-dns in namespace kube-system on 53/UDP, 53/TCP; its own pods (app=db) on every port',
    ].join('\n'));
    expect(markdown).toContain([
      '| port | reachable from |',
      '|---|---|',
      '| `5432/TCP (sql)` | its own pods (app=db); pods app=api (Deployment api); pods app=bi in namespace reporting; 10.0.0.0/8 except 10.9.0.0/16 |',
      '| `5433/TCP (repl)` | its own pods (app=db) |',
      '| `9187/TCP (metrics)` | every pod of namespace monitoring |',
    ].join('\n'));
  });

  test('policies add up; a rule without from admits any source, one without ports every port; a policy of another namespace does not count', () => {
    const { json } = plan(`${DB}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: sql-for-all, namespace: data }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [{ ports: [{ port: 5432 }] }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: peers, namespace: data }
spec:
  podSelector: {}
  ingress: [{ from: [{ podSelector: { matchLabels: { app: db } } }] }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: elsewhere, namespace: other }
spec:
  podSelector: {}
  ingress: [{ from: [{ namespaceSelector: {} }] }]
`);
    const db = sts(json, 'db');
    expect(db.network.policies).toEqual(['sql-for-all', 'peers']);
    expect(db.network.ports.map((p: any) => [p.port, p.sources])).toEqual([
      [5432, ['any source']],
      [5433, ['its own pods (app=db)']],
      [9187, ['its own pods (app=db)']],
    ]);
    expect(db.network.egress).toBeNull();
  });

  test('pods no policy selects: any source, and nothing is warned of', () => {
    const { json, text } = plan(`${DB}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: data }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
`);
    expect(sts(json, 'db').network).toEqual({
      policies: [],
      isolated: false,
      ports: [5432, 5433, 9187].map(port => expect.objectContaining({ port, sources: ['any source'] })),
      egress: null,
      message: 'no NetworkPolicy of the input selects these pods: any source reaches every port (unless the cluster has policies of its own)',
    });
    expect(warnings(json)).toEqual([]);
    expect(text).toContain('  read: 1 StatefulSet, 2 Services, 1 Deployment, 1 NetworkPolicy');
  });

  test('without any NetworkPolicy in the input, the plan says nothing of the network', () => {
    const { json, text } = plan(DB);
    expect(sts(json, 'db').network).toBeNull();
    expect(text).not.toContain('Network');
  });
});

describe('reachability of the library\'s own policies', () => {
  test('a ZooKeeper ensemble with a declared client, and its client app, in one namespace', () => {
    const dir = synth(chart => {
      const zk = new ZooKeeperEnsemble(chart, 'zk');
      const kafka = new StatefulApp(chart, 'kafka', { replicas: 3, container: { image: 'apache/kafka:3.9.0', ports: [{ number: 9092, name: 'kafka' }] } });
      zk.allowClientsFrom(kafka);
    });
    const result = run(['plan', 'app.k8s.yaml', '--json'], dir);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(sts(json, 'zk').network.ports.map((p: any) => [`${p.port} ${p.name}`, p.sources])).toEqual([
      ['2181 client', ['its own pods (app.kubernetes.io/name=zk)', 'pods app.kubernetes.io/name=kafka (StatefulSet kafka)']],
      ['2888 server', ['its own pods (app.kubernetes.io/name=zk)']],
      ['3888 leader-election', ['its own pods (app.kubernetes.io/name=zk)']],
    ]);
    // kafka has no policy of its own: anyone reaches it
    expect(sts(json, 'kafka').network.ports).toEqual([{ port: 9092, name: 'kafka', protocol: 'TCP', sources: ['any source'] }]);
    expect(warnings(json)).toEqual([]);
  });

  test('egress lockdown and a client in another namespace, as the plan shows them', () => {
    const dir = synth(chart => {
      new ZooKeeperEnsemble(chart, 'zk', {
        networkPolicy: NetworkAccess.restricted({
          clients: [NetworkPeer.podsInNamespace({ app: 'kafka' }, 'streaming')],
          egress: { destinations: [{ peer: NetworkPeer.cidr('10.40.0.0/16'), ports: [443] }] },
        }),
      });
    });
    const text = run(['plan', 'app.k8s.yaml'], dir).stdout;
    expect(text).toContain([
      '    2181/TCP (client): its own pods (app.kubernetes.io/name=zk); pods app=kafka in namespace streaming',
      '    2888/TCP (server): its own pods (app.kubernetes.io/name=zk)',
      '    3888/TCP (leader-election): its own pods (app.kubernetes.io/name=zk)',
      '    egress: only to pods k8s-app=kube-dns in namespace kube-system on 53/UDP, 53/TCP; '
      + 'its own pods (app.kubernetes.io/name=zk) on 2181/TCP, 2888/TCP, 3888/TCP; 10.40.0.0/16 on 443/TCP',
    ].join('\n'));
  });
});
