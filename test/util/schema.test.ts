import * as fs from 'fs';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Node } from 'constructs';
import { loadReference, referenceDirectory } from './parity';
import { manifestProblems, validateManifests } from './schema';
import { freshChart, synthObjects, toYaml } from './synth';

const meta = (name: string) => ({ name });
const podSpec = { containers: [{ name: 'app', image: 'busybox:1.36' }] };
const template = { metadata: { labels: { app: 'a' } }, spec: podSpec };
const selector = { matchLabels: { app: 'a' } };

/** An object of the given apiVersion, kind and name, with the rest of its fields. */
const obj = (apiVersion: string, kind: string, name: string, fields: object = {}) => ({ apiVersion, kind, metadata: meta(name), ...fields });

/** A minimal valid object of every kind the library's tests need. */
const VALID_OBJECTS = [
  obj('v1', 'Service', 'svc', { spec: { ports: [{ port: 80 }], selector: { app: 'a' } } }),
  obj('v1', 'PersistentVolume', 'pv', {
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
  }),
  obj('v1', 'PersistentVolumeClaim', 'pvc', {
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  }),
  obj('v1', 'Secret', 'secret', { stringData: { password: 'x' } }),
  obj('v1', 'ConfigMap', 'config', { data: { 'zoo.cfg': 'tickTime=2000' } }),
  obj('v1', 'ServiceAccount', 'sa', { automountServiceAccountToken: false }),
  obj('v1', 'Namespace', 'ns'),
  obj('v1', 'Pod', 'pod', { spec: podSpec }),
  obj('apps/v1', 'StatefulSet', 'sts', { spec: { serviceName: 'svc', selector, template } }),
  obj('apps/v1', 'Deployment', 'deploy', { spec: { selector, template } }),
  obj('apps/v1', 'DaemonSet', 'ds', { spec: { selector, template } }),
  obj('policy/v1', 'PodDisruptionBudget', 'pdb', { spec: { selector, maxUnavailable: 1 } }),
  obj('storage.k8s.io/v1', 'StorageClass', 'fast', { provisioner: 'k8s.io/minikube-hostpath', reclaimPolicy: 'Retain' }),
  obj('batch/v1', 'Job', 'job', { spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } }),
  obj('rbac.authorization.k8s.io/v1', 'Role', 'role', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }),
  obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'binding', {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'role' },
    subjects: [{ kind: 'ServiceAccount', name: 'sa' }],
  }),
];

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('validateManifests', () => {
  test('accepts a valid object of every supported kind', () => {
    expect(manifestProblems(VALID_OBJECTS)).toEqual([]);
    expect(() => validateManifests(VALID_OBJECTS)).not.toThrow();
    expect(VALID_OBJECTS.map(o => `${o.apiVersion} ${o.kind}`)).toEqual(expect.arrayContaining([
      'v1 Service', 'v1 PersistentVolume', 'v1 PersistentVolumeClaim', 'v1 Secret', 'v1 ConfigMap',
      'v1 ServiceAccount', 'v1 Namespace', 'v1 Pod', 'apps/v1 StatefulSet', 'apps/v1 Deployment',
      'apps/v1 DaemonSet', 'policy/v1 PodDisruptionBudget', 'storage.k8s.io/v1 StorageClass',
      'batch/v1 Job', 'rbac.authorization.k8s.io/v1 Role', 'rbac.authorization.k8s.io/v1 RoleBinding',
    ]));
  });

  test('accepts every object of every reference manifest', () => {
    const files = fs.readdirSync(referenceDirectory()).filter(f => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const objects = files.flatMap(f => loadReference(f));
    expect(objects.length).toBeGreaterThanOrEqual(30);
    expect(manifestProblems(objects)).toEqual([]);
  });

  test('reports a value of the wrong type, naming the object, its index and the field', () => {
    const objects = clone(VALID_OBJECTS);
    const sts = objects.find(o => o.kind === 'StatefulSet') as any;
    const index = objects.indexOf(sts);
    sts.spec.replicas = 'three';
    const problems = manifestProblems(objects);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^#${index} StatefulSet/sts: schema: .*spec/replicas must be integer`));
    expect(() => validateManifests(objects)).toThrow(/1 invalid Kubernetes object\(s\):\n- #\d+ StatefulSet\/sts: .*spec\/replicas must be integer/);
  });

  test('reports a missing required field', () => {
    const objects = clone(VALID_OBJECTS);
    const binding = objects.find(o => o.kind === 'RoleBinding') as any;
    delete binding.roleRef;
    const sts = objects.find(o => o.kind === 'StatefulSet') as any;
    delete sts.spec.selector;
    const problems = manifestProblems(objects);
    expect(problems).toHaveLength(2);
    expect(problems).toEqual([
      expect.stringMatching(/StatefulSet\/sts: schema: .*spec must have required property '?selector'?/),
      expect.stringMatching(/RoleBinding\/binding: schema: .*must have required property '?roleRef'?/),
    ]);
  });

  test('reports a wrong type deep inside a pod template and a bad quantity', () => {
    const sts: any = clone(VALID_OBJECTS.find(o => o.kind === 'StatefulSet'));
    sts.spec.template.spec.containers[0].ports = [{ containerPort: 'http' }];
    sts.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: { size: 1 } } } } }];
    const [problem] = manifestProblems([sts]);
    expect(problem).toContain('spec/template/spec/containers/0/ports/0/containerPort must be integer');
    expect(problem).toContain('spec/volumeClaimTemplates/0/spec/resources/requests/storage');
  });

  test('an object of an unknown apiVersion or kind is an error, never skipped', () => {
    const objects = [
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w') },
      { apiVersion: 'v1', kind: 'StatefulSet', metadata: meta('wrong-group') },
      { apiVersion: 'v1', kind: 'PodSpec', metadata: meta('not-a-kind') },
      { apiVersion: 'apps/v2', kind: 'StatefulSet', metadata: meta('no-such-version') },
      { apiVersion: 'apps/v1', kind: 'statefulset', metadata: meta('lower-case') },
    ];
    expect(manifestProblems(objects)).toEqual([
      '#0 Widget/w: unknown apiVersion/kind "example.com/v1"/"Widget": no kubernetes-models schema for it',
      '#1 StatefulSet/wrong-group: unknown apiVersion/kind "v1"/"StatefulSet": no kubernetes-models schema for it',
      '#2 PodSpec/not-a-kind: unknown apiVersion/kind "v1"/"PodSpec": no kubernetes-models schema for it',
      '#3 StatefulSet/no-such-version: unknown apiVersion/kind "apps/v2"/"StatefulSet": no kubernetes-models schema for it',
      '#4 statefulset/lower-case: unknown apiVersion/kind "apps/v1"/"statefulset": no kubernetes-models schema for it',
    ]);
    expect(() => validateManifests(objects)).toThrow(/5 invalid Kubernetes object/);
  });

  test('a cert-manager Certificate is checked against the @kubernetes-models/cert-manager schema', () => {
    const certificate = obj('cert-manager.io/v1', 'Certificate', 'zk-tls', {
      spec: {
        secretName: 'zk-tls',
        issuerRef: { name: 'ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
        dnsNames: ['zk-0.zk-hs.default.svc.cluster.local'],
        keystores: { pkcs12: { create: true, passwordSecretRef: { name: 'zk-keystore', key: 'password' } } },
      },
    });
    expect(manifestProblems([certificate])).toEqual([]);
    const noIssuer: any = clone(certificate);
    delete noIssuer.spec.issuerRef;
    const badKeystore: any = clone(certificate);
    badKeystore.spec.keystores.pkcs12.create = 'yes';
    const problems = manifestProblems([noIssuer, badKeystore,
      obj('cert-manager.io/v1', 'Widget', 'no-such-kind'), obj('cert-manager.io/v9', 'Certificate', 'no-such-version')]);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^#0 Certificate\/zk-tls: schema: .*issuerRef/);
    expect(problems[1]).toMatch(/^#1 Certificate\/zk-tls: schema: .*keystores\/pkcs12\/create must be boolean/);
    expect(problems[2]).toBe('#2 Widget/no-such-kind: unknown apiVersion/kind "cert-manager.io/v1"/"Widget": no kubernetes-models schema for it');
    expect(problems[3]).toBe('#3 Certificate/no-such-version: unknown apiVersion/kind "cert-manager.io/v9"/"Certificate": no kubernetes-models schema for it');
  });

  test('every object needs apiVersion, kind and metadata.name', () => {
    const problems = manifestProblems([
      { kind: 'Service', metadata: meta('no-version'), spec: {} },
      { apiVersion: 'v1', metadata: meta('no-kind') },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-' } },
      { apiVersion: 'v1', kind: 'ConfigMap' },
      'not an object',
    ]);
    expect(problems).toEqual([
      '#0 Service/no-version: missing apiVersion',
      '#1 <no kind>/no-kind: missing kind',
      '#2 ConfigMap/<no name>: missing metadata.name',
      '#3 ConfigMap/<no name>: missing metadata.name',
      '#4 <no kind>/<no name>: not an object ("not an object")',
    ]);
  });

  test('validates the Prometheus Operator\'s ServiceMonitor, PodMonitor and PrometheusRule, and reports their schema errors', () => {
    const selector2 = { matchLabels: { app: 'a' } };
    const monitoring = [
      obj('monitoring.coreos.com/v1', 'ServiceMonitor', 'sm', { spec: { selector: selector2, endpoints: [{ port: 'metrics', path: '/metrics' }] } }),
      obj('monitoring.coreos.com/v1', 'PodMonitor', 'pm', { spec: { selector: selector2, podMetricsEndpoints: [{ port: 'metrics' }] } }),
      obj('monitoring.coreos.com/v1', 'PrometheusRule', 'rules', {
        spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '5m', labels: { severity: 'warning' } }] }] },
      }),
    ];
    expect(manifestProblems(monitoring)).toEqual([]);
    const broken = clone(monitoring);
    (broken[1] as any).spec.podMetricsEndpoints[0].interval = '5 minutes';
    delete (broken[2] as any).spec.groups[0].name;
    expect(manifestProblems(broken)).toEqual([
      expect.stringMatching(/^#1 PodMonitor\/pm: schema: .*interval must match pattern/),
      expect.stringMatching(/^#2 PrometheusRule\/rules: schema: .*must have required property '?name'?/),
    ]);
  });

  test('an empty list is valid', () => {
    expect(manifestProblems([])).toEqual([]);
  });
});

describe('synth helpers', () => {
  test('a chart synthesized with cdk8s and cdk8s-plus validates and renders as YAML', () => {
    const chart = freshChart({ namespace: 'data' });
    const sts = new kplus.StatefulSet(chart, 'web', {
      metadata: { name: 'web' },
      replicas: 2,
      containers: [{ image: 'registry.k8s.io/nginx-slim:0.8', portNumber: 80, securityContext: { ensureNonRoot: false } }],
    });
    expect(sts.name).toBe('web');
    const objects = synthObjects(chart);
    expect(objects.map(o => o.kind).sort()).toEqual(['Service', 'StatefulSet']);
    expect(objects.every(o => o.metadata.namespace === 'data')).toBe(true);
    expect(() => validateManifests(objects)).not.toThrow();

    const yaml = toYaml(objects);
    expect(yaml.split('---\n')).toHaveLength(2);
    expect(yaml).toContain('kind: StatefulSet\n');
    expect(yaml).toContain('replicas: 2\n');
  });

  test('freshChart gives a new chart in its own app each time', () => {
    const a = freshChart();
    const b = freshChart({ labels: { team: 'x' } });
    expect(a).toBeInstanceOf(Chart);
    expect(a.node.scope).not.toBe(b.node.scope);
    expect(b.labels).toEqual({ team: 'x' });
    expect(synthObjects(a)).toEqual([]);
  });

  test('synthObjects runs the validations added to constructs', () => {
    const chart = freshChart();
    const configMap = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    Node.of(configMap).addValidation({ validate: () => ['cm: data is required'] });
    expect(() => synthObjects(chart)).toThrow(/cm: data is required/);
  });

  test('toYaml matches the documents cdk8s writes', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } });
    new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b' } });
    expect(toYaml(synthObjects(chart))).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n',
    );
  });
});
