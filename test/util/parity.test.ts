import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { AllowedDeviation, expectParity, loadReference, parityProblems, parsePath, parseQuantity, referenceDirectory } from './parity';
import { freshChart, synthObjects } from './synth';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** The objects of a reference file, as a fresh copy to modify. */
function web(): any[] {
  return clone(loadReference('web.yaml'));
}

function find(objects: any[], kind: string, name: string): any {
  const found = objects.find(o => o.kind === kind && o.metadata.name === name);
  if (!found) {
    throw new Error(`no ${kind}/${name}`);
  }
  return found;
}

const NGINX = 'spec.template.spec.containers[name=nginx]';

describe('loadReference', () => {
  test('parses every document of a reference file', () => {
    const objects = loadReference('web.yaml');
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/nginx', 'StatefulSet/web']);
    expect(find(objects, 'StatefulSet', 'web').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
  });

  test('the reference folder is test/fixtures/reference of the repository', () => {
    expect(referenceDirectory()).toBe(path.resolve(__dirname, '../fixtures/reference'));
  });

  test('a missing reference file is a clear error', () => {
    expect(() => loadReference('no-such.yaml')).toThrow(/reference file not found: .*no-such\.yaml \(available: .*web\.yaml/);
  });

  test('a missing reference folder is a clear error saying where it was looked for', () => {
    expect(() => referenceDirectory('/nonexistent/repo')).toThrow(
      'reference manifests not found: looked for the folder /nonexistent/repo/test/fixtures/reference (the repository keeps them in test/fixtures/reference)',
    );
  });
});

describe('parityProblems', () => {
  test('the reference itself has parity', () => {
    expect(parityProblems('web.yaml', web())).toEqual([]);
    expect(() => expectParity('web.yaml', web())).not.toThrow();
    for (const file of fs.readdirSync(referenceDirectory()).filter(f => f.endsWith('.yaml'))) {
      expect([file, parityProblems(file, clone(loadReference(file)))]).toEqual([file, []]);
    }
  });

  test('objects synthesized by cdk8s from the reference have parity', () => {
    const chart = freshChart();
    loadReference('zookeeper.yaml').forEach((obj, i) => new ApiObject(chart, `o${i}`, obj));
    expect(parityProblems('zookeeper.yaml', synthObjects(chart))).toEqual([]);
  });

  test('a missing object is reported', () => {
    const actual = web().filter(o => o.kind !== 'StatefulSet');
    expect(parityProblems('web.yaml', actual)).toEqual(['StatefulSet/web: missing (actual objects: Service/nginx)']);
  });

  test('an object with the same name but another kind does not count', () => {
    const actual = web();
    find(actual, 'Service', 'nginx').kind = 'Endpoints';
    expect(parityProblems('web.yaml', actual)).toEqual(['Service/nginx: missing (actual objects: Endpoints/nginx, StatefulSet/web)']);
  });

  test('two actual objects of the same kind and name are reported', () => {
    const actual = web();
    actual.push(clone(find(actual, 'Service', 'nginx')));
    expect(parityProblems('web.yaml', actual)).toEqual(['Service/nginx: 2 actual objects have this kind and name']);
  });

  test('a changed value is reported with its path, the reference and the actual value', () => {
    const actual = web();
    const sts = find(actual, 'StatefulSet', 'web');
    sts.spec.replicas = 3;
    sts.spec.template.spec.containers[0].image = 'nginx:1.27';
    expect(parityProblems('web.yaml', actual)).toEqual([
      'StatefulSet/web at spec.replicas: reference 2, actual 3',
      `StatefulSet/web at ${NGINX}.image: reference "registry.k8s.io/nginx-slim:0.8", actual "nginx:1.27"`,
    ]);
  });

  test('a missing key is reported as absent', () => {
    const actual = web();
    delete find(actual, 'Service', 'nginx').spec.clusterIP;
    expect(parityProblems('web.yaml', actual)).toEqual(['Service/nginx at spec.clusterIP: reference "None", actual (absent)']);
  });

  test('a missing list element is reported by its identity', () => {
    const actual = web();
    const sts = find(actual, 'StatefulSet', 'web');
    sts.spec.template.spec.containers[0].ports = [{ containerPort: 8080, name: 'alt' }];
    sts.spec.template.spec.containers[0].volumeMounts = [];
    sts.spec.volumeClaimTemplates[0].metadata.name = 'data';
    const problems = parityProblems('web.yaml', actual);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(
      `StatefulSet/web at ${NGINX}.ports[name=web]: missing list element: reference {"containerPort":80,"name":"web"}, actual list has name ["alt"]`,
    );
    expect(problems[1]).toMatch(new RegExp(`^StatefulSet/web at ${escape(NGINX)}\\.volumeMounts\\[name=www\\]: missing list element`));
    expect(problems[2]).toMatch(/^StatefulSet\/web at spec\.volumeClaimTemplates\[metadata\.name=www\]: missing list element: .* actual list has metadata\.name \["data"\]/);
  });

  test('a missing container is reported', () => {
    const actual = web();
    find(actual, 'StatefulSet', 'web').spec.template.spec.containers[0].name = 'web';
    expect(parityProblems('web.yaml', actual)).toEqual([
      expect.stringMatching(/^StatefulSet\/web at spec\.template\.spec\.containers\[name=nginx\]: missing list element: reference \{"name":"nginx",/),
    ]);
  });

  test('a value changed inside a matched list element is reported at the element', () => {
    const actual = web();
    find(actual, 'StatefulSet', 'web').spec.template.spec.containers[0].volumeMounts[0].mountPath = '/data';
    expect(parityProblems('web.yaml', actual)).toEqual([
      `StatefulSet/web at ${NGINX}.volumeMounts[name=www].mountPath: reference "/usr/share/nginx/html", actual "/data"`,
    ]);
  });

  test('list elements are matched by identity, not by position', () => {
    const actual = clone(loadReference('zookeeper.yaml'));
    const container = find(actual, 'StatefulSet', 'zk').spec.template.spec.containers[0];
    container.ports.reverse();
    find(actual, 'Service', 'zk-hs').spec.ports.reverse();
    container.ports.push({ containerPort: 7000, name: 'metrics' });
    expect(parityProblems('zookeeper.yaml', actual)).toEqual([]);
  });

  test('ports without a name are matched by port number', () => {
    const actual = clone(loadReference('wordpress.yaml'));
    const svc = find(actual, 'Service', 'wordpress');
    svc.spec.ports = [{ port: 8080, targetPort: 80 }, { port: '80', name: 'http', protocol: 'TCP' }];
    expect(parityProblems('wordpress.yaml', actual)).toEqual([]);
    svc.spec.ports = [{ port: 8080, targetPort: 80 }];
    expect(parityProblems('wordpress.yaml', actual)).toEqual([
      'Service/wordpress at spec.ports[port=80]: missing list element: reference {"port":80}, actual list has port [8080]',
    ]);
  });

  test('list elements without an identity key must be contained in some actual element', () => {
    const actual = clone(loadReference('zookeeper.yaml'));
    const terms = find(actual, 'StatefulSet', 'zk').spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    terms.unshift({ labelSelector: { matchLabels: { other: 'x' } }, topologyKey: 'topology.kubernetes.io/zone' });
    expect(parityProblems('zookeeper.yaml', actual)).toEqual([]);
    terms[1].topologyKey = 'topology.kubernetes.io/zone';
    expect(parityProblems('zookeeper.yaml', actual)).toEqual([
      'StatefulSet/zk at spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: '
      + 'reference "kubernetes.io/hostname", actual "topology.kubernetes.io/zone" (closest list element, none matches)',
    ]);
    terms.length = 0;
    expect(parityProblems('zookeeper.yaml', actual)).toEqual([
      expect.stringMatching(/requiredDuringSchedulingIgnoredDuringExecution\[0\]: missing list element: .* actual list is empty$/),
    ]);
  });

  test('lists of scalars must be equal as lists', () => {
    const actual = web();
    const claim = find(actual, 'StatefulSet', 'web').spec.volumeClaimTemplates[0];
    claim.spec.accessModes = ['ReadWriteOnce', 'ReadOnlyMany'];
    expect(parityProblems('web.yaml', actual)).toEqual([
      'StatefulSet/web at spec.volumeClaimTemplates[metadata.name=www].spec.accessModes: reference ["ReadWriteOnce"], actual ["ReadWriteOnce","ReadOnlyMany"]',
    ]);
    claim.spec.accessModes = 'ReadWriteOnce';
    expect(parityProblems('web.yaml', actual)).toHaveLength(1);
  });

  test('a quantity mismatch is reported', () => {
    const actual = web();
    find(actual, 'StatefulSet', 'web').spec.volumeClaimTemplates[0].spec.resources.requests.storage = '1G';
    expect(parityProblems('web.yaml', actual)).toEqual([
      'StatefulSet/web at spec.volumeClaimTemplates[metadata.name=www].spec.resources.requests.storage: reference "1Gi", actual "1G"',
    ]);
  });

  test('equivalent quantities and numeric strings pass', () => {
    const actual = clone(loadReference('zookeeper.yaml'));
    const zk = find(actual, 'StatefulSet', 'zk');
    const container = zk.spec.template.spec.containers[0];
    container.resources.requests = { memory: '1024Mi', cpu: '500m' };
    zk.spec.volumeClaimTemplates[0].spec.resources.requests.storage = 10 * 2 ** 30;
    zk.spec.replicas = '3';
    container.readinessProbe.initialDelaySeconds = '1e1';
    find(actual, 'Service', 'zk-cs').spec.ports[0].port = '2181';
    expect(parityProblems('zookeeper.yaml', actual)).toEqual([]);
  });

  test('extra fields, labels, containers and objects in the actual manifests pass', () => {
    const actual = web();
    const sts = find(actual, 'StatefulSet', 'web');
    sts.metadata.labels = { 'app.kubernetes.io/name': 'web' };
    sts.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Retain' };
    sts.spec.template.spec.securityContext = { runAsNonRoot: true, fsGroup: 101 };
    sts.spec.template.spec.containers[0].resources = { limits: { memory: '128Mi' } };
    sts.spec.template.spec.containers.push({ name: 'exporter', image: 'nginx/nginx-prometheus-exporter:1.1.0' });
    sts.spec.template.metadata.labels.extra = 'yes';
    actual.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { maxUnavailable: 1 } });
    expect(parityProblems('web.yaml', actual)).toEqual([]);
  });

  test('a changed type is reported', () => {
    const actual = web();
    find(actual, 'StatefulSet', 'web').spec.selector = 'app=nginx';
    find(actual, 'Service', 'nginx').spec.ports = { web: 80 };
    expect(parityProblems('web.yaml', actual)).toEqual([
      'Service/nginx at spec.ports: reference [{"port":80,"name":"web"}], actual {"web":80}',
      'StatefulSet/web at spec.selector: reference {"matchLabels":{"app":"nginx"}}, actual "app=nginx"',
    ]);
  });

  test('a difference inside an element without identity is reported in detail, against the closest element', () => {
    const actual = clone(loadReference('zookeeper.yaml'));
    find(actual, 'StatefulSet', 'zk').spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]
      .labelSelector.matchExpressions[0].values = ['zookeeper'];
    expect(parityProblems('zookeeper.yaml', actual)).toEqual([
      'StatefulSet/zk at spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]'
      + '.labelSelector.matchExpressions[key=app].values: reference ["zk"], actual ["zookeeper"] (closest list element, none matches)',
    ]);
  });

  test('keys that contain dots are written in brackets', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-'));
    const file = path.join(dir, 'labels.yaml');
    fs.writeFileSync(file, [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: settings',
      '  labels:',
      '    app.kubernetes.io/name: zk',
      'data:',
      '  zoo.cfg: "tickTime=2000"',
      '---',
      '',
    ].join('\n'));
    const actual = [{
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', labels: { 'app.kubernetes.io/name': 'zookeeper' } },
      data: { 'zoo.cfg': 'tickTime=3000' },
    }];
    expect(parityProblems(file, actual)).toEqual([
      'ConfigMap/settings at metadata.labels["app.kubernetes.io/name"]: reference "zk", actual "zookeeper"',
      'ConfigMap/settings at data["zoo.cfg"]: reference "tickTime=2000", actual "tickTime=3000"',
    ]);
    const allowed: AllowedDeviation[] = [
      { kind: 'ConfigMap', name: 'settings', path: 'metadata.labels["app.kubernetes.io/name"]', reason: 'longer name' },
      { kind: 'ConfigMap', name: 'settings', path: 'data["zoo.cfg"]', reason: 'longer ticks' },
    ];
    expect(parityProblems(file, actual, allowed)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('allowed deviations', () => {
  function changed(): any[] {
    const actual = web();
    const sts = find(actual, 'StatefulSet', 'web');
    sts.spec.template.spec.containers[0].ports[0].name = 'http';
    sts.spec.template.spec.containers[0].ports.push({ containerPort: 8080, name: 'web' });
    sts.spec.replicas = 3;
    return actual;
  }

  test('an allowed deviation suppresses the problems at or below its path, and only those', () => {
    const allowed: AllowedDeviation[] = [
      { kind: 'StatefulSet', name: 'web', path: `${NGINX}.ports[name=web]`, reason: 'the image listens on 8080' },
    ];
    expect(parityProblems('web.yaml', changed())).toEqual([
      'StatefulSet/web at spec.replicas: reference 2, actual 3',
      `StatefulSet/web at ${NGINX}.ports[name=web].containerPort: reference 80, actual 8080`,
    ]);
    expect(parityProblems('web.yaml', changed(), allowed)).toEqual(['StatefulSet/web at spec.replicas: reference 2, actual 3']);
  });

  test('a deviation on a parent path covers everything below it', () => {
    const allowed: AllowedDeviation[] = [
      { kind: 'StatefulSet', name: 'web', path: 'spec', reason: 'all of spec' },
    ];
    expect(parityProblems('web.yaml', changed(), allowed)).toEqual([]);
  });

  test('a deviation must name the right object', () => {
    const allowed: AllowedDeviation[] = [
      { kind: 'Service', name: 'web', path: 'spec.replicas', reason: 'wrong kind' },
    ];
    const problems = parityProblems('web.yaml', changed(), allowed);
    expect(problems).toContain('StatefulSet/web at spec.replicas: reference 2, actual 3');
    expect(problems).toContain(
      'allowed deviation Service/web at "spec.replicas" (wrong kind) matches no difference from web.yaml: remove it or fix its path',
    );
  });

  test('a deviation does not cover a sibling whose name starts the same', () => {
    const actual = web();
    find(actual, 'Service', 'nginx').spec.selector.app = 'web';
    const allowed: AllowedDeviation[] = [{ kind: 'Service', name: 'nginx', path: 'spec.sel', reason: 'prefix only' }];
    expect(parityProblems('web.yaml', actual, allowed)).toEqual([
      'Service/nginx at spec.selector.app: reference "nginx", actual "web"',
      'allowed deviation Service/nginx at "spec.sel" (prefix only) matches no difference from web.yaml: remove it or fix its path',
    ]);
  });

  test('the empty path allows a missing object', () => {
    const actual = clone(loadReference('redis-hostpath.yaml')).filter(o => o.kind !== 'Service');
    const allowed: AllowedDeviation[] = [{ kind: 'Service', name: 'myapp', path: '', reason: 'renamed to myapp-redis to match serviceName' }];
    expect(parityProblems('redis-hostpath.yaml', actual, allowed)).toEqual([]);
  });

  test('a deviation can allow a reference value that is absent', () => {
    const actual = clone(loadReference('cassandra-statefulset.yaml'));
    find(actual, 'StorageClass', 'fast').parameters = { tier: 'ssd' };
    const allowed: AllowedDeviation[] = [{ kind: 'StorageClass', name: 'fast', path: 'parameters.type', reason: 'no GCE parameter on this cluster' }];
    expect(parityProblems('cassandra-statefulset.yaml', actual)).toEqual([
      'StorageClass/fast at parameters.type: reference "pd-ssd", actual (absent)',
    ]);
    expect(parityProblems('cassandra-statefulset.yaml', actual, allowed)).toEqual([]);
  });

  test('an unused allowed deviation is reported', () => {
    const allowed: AllowedDeviation[] = [
      { kind: 'StatefulSet', name: 'web', path: 'spec.replicas', reason: 'three replicas' },
      { kind: 'StatefulSet', name: 'web', path: 'spec.serviceName', reason: 'stale' },
    ];
    expect(parityProblems('web.yaml', web(), allowed)).toEqual([
      'allowed deviation StatefulSet/web at "spec.replicas" (three replicas) matches no difference from web.yaml: remove it or fix its path',
      'allowed deviation StatefulSet/web at "spec.serviceName" (stale) matches no difference from web.yaml: remove it or fix its path',
    ]);
    expect(parityProblems('web.yaml', changed(), allowed)).toEqual([
      `StatefulSet/web at ${NGINX}.ports[name=web].containerPort: reference 80, actual 8080`,
      'allowed deviation StatefulSet/web at "spec.serviceName" (stale) matches no difference from web.yaml: remove it or fix its path',
    ]);
  });

  test('a malformed deviation path is reported', () => {
    const allowed: AllowedDeviation[] = [{ kind: 'StatefulSet', name: 'web', path: 'spec..replicas', reason: 'typo' }];
    expect(parityProblems('web.yaml', web(), allowed)).toEqual([
      'allowed deviation StatefulSet/web: malformed path "spec..replicas": misplaced \'.\' at 4',
    ]);
  });

  test('expectParity fails listing every problem', () => {
    expect(() => expectParity('web.yaml', changed())).toThrow(
      '2 difference(s) from web.yaml:\n- StatefulSet/web at spec.replicas: reference 2, actual 3\n- StatefulSet/web at '
      + `${NGINX}.ports[name=web].containerPort: reference 80, actual 8080`,
    );
  });
});

describe('parsePath', () => {
  test('splits keys, identities, indexes and quoted keys', () => {
    expect(parsePath('')).toEqual([]);
    expect(parsePath('spec.template.spec.containers[name=redis].ports[name=http].name')).toEqual(
      ['spec', 'template', 'spec', 'containers', '[name=redis]', 'ports', '[name=http]', 'name'],
    );
    expect(parsePath('spec.volumeClaimTemplates[metadata.name=www].spec')).toEqual(['spec', 'volumeClaimTemplates', '[metadata.name=www]', 'spec']);
    expect(parsePath('spec.tolerations[0]')).toEqual(['spec', 'tolerations', '[0]']);
    expect(parsePath('metadata["labels"]')).toEqual(['metadata', 'labels']);
    expect(parsePath('metadata.labels["app.kubernetes.io/name"].x')).toEqual(['metadata', 'labels', '["app.kubernetes.io/name"]', 'x']);
  });

  test.each(['.spec', 'spec.', 'spec..x', 'a[]', 'a[name=x', 'a[name=x]b', 'a["x'])('rejects %p', text => {
    expect(() => parsePath(text)).toThrow(/malformed path/);
  });
});

describe('parseQuantity', () => {
  test.each([
    ['1Gi', 2 ** 30], ['1024Mi', 2 ** 30], ['1Ki', 1024], ['2Ti', 2 * 2 ** 40], ['1Pi', 2 ** 50], ['1Ei', 2 ** 60],
    ['500m', 0.5], ['0.5', 0.5], ['1', 1], ['1k', 1000], ['1M', 1e6], ['1G', 1e9], ['1T', 1e12], ['1P', 1e15], ['1E', 1e18],
    ['1e3', 1000], ['1E3', 1000], ['2e-3', 0.002], ['1.5Gi', 1.5 * 2 ** 30], ['.5', 0.5], ['+1', 1], [3, 3],
  ] as Array<[string | number, number]>)('%p is %p', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 12);
  });

  test.each(['', 'Gi', '1 Gi', ' 1Gi', '1gi', '1KiB', 'web', '1.2.3', 'None'])('%p is not a quantity', text => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
