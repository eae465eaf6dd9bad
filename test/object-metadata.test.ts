import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CassandraRing, HostPathVolumeSet, StatefulApp, StatefulAppProps, StorageClass, VolumePaths, ZooKeeperEnsemble,
} from '../src';
import { findObject, freshChart, synthValidated as synth, toYaml } from './util/synth';

// Labels and annotations of every object a construct makes: `annotations` (every object),
// `objectMetadata` (per object), and the StorageClass's and volume sets' own `labels` and
// `annotations`; all validated against Kubernetes' rules.

function app(chart: Chart, props: Partial<StatefulAppProps> = {}): StatefulApp {
  const a = new StatefulApp(chart, 'db', {
    replicas: 3,
    container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db' }],
    clientService: { type: kplus.ServiceType.LOAD_BALANCER },
    ...props,
  });
  a.addConfigFile('/etc/db/db.conf', 'port = 5432\n');
  return a;
}

describe('labels and annotations of the objects of a StatefulApp', () => {
  test('defaults: the app\'s labels on every object, no annotations, claim templates with their name only', () => {
    const chart = freshChart();
    app(chart);
    const objects = synth(chart);
    expect(objects.map(o => o.kind).sort()).toEqual(['ConfigMap', 'PodDisruptionBudget', 'Service', 'Service', 'StatefulSet']);
    for (const o of objects) {
      expect(o.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'db' });
      expect(o.metadata.annotations).toBeUndefined();
    }
    expect(findObject(objects, 'StatefulSet').spec.volumeClaimTemplates[0].metadata).toEqual({ name: 'data' });
  });

  test('customised: annotations on every object, and labels and annotations per object', () => {
    const chart = freshChart();
    app(chart, {
      labels: { team: 'orders' },
      annotations: { 'example.com/owner': 'orders', 'example.com/tier': 'gold' },
      objectMetadata: {
        statefulSet: { annotations: { 'example.com/tier': 'platinum' } },
        headlessService: { labels: { 'example.com/dns': 'peers' } },
        clientService: {
          annotations: {
            'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
            'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
          },
        },
        disruptionBudget: { annotations: { 'example.com/drain': 'one-at-a-time' } },
        configMap: { labels: { config: 'db' } },
        volumeClaims: { labels: { backup: 'daily' }, annotations: { 'example.com/snapshot': 'hourly' } },
      },
    });
    const objects = synth(chart);
    const sts = findObject(objects, 'StatefulSet', 'db');
    const headless = findObject(objects, 'Service', 'db');
    const client = findObject(objects, 'Service', 'db-client');
    const pdb = findObject(objects, 'PodDisruptionBudget', 'db-pdb');
    const cm = findObject(objects, 'ConfigMap', 'db-config');
    const base = { 'team': 'orders', 'app.kubernetes.io/name': 'db' };

    // an object's own annotation wins over the app's of the same key
    expect(sts.metadata.annotations).toEqual({ 'example.com/owner': 'orders', 'example.com/tier': 'platinum' });
    expect(sts.metadata.labels).toEqual(base);
    expect(headless.metadata.labels).toEqual({ ...base, 'example.com/dns': 'peers' });
    expect(headless.metadata.annotations).toEqual({ 'example.com/owner': 'orders', 'example.com/tier': 'gold' });
    expect(client.metadata.annotations).toEqual({
      'example.com/owner': 'orders',
      'example.com/tier': 'gold',
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
    });
    expect(client.metadata.labels).toEqual(base);
    expect(pdb.metadata.annotations['example.com/drain']).toBe('one-at-a-time');
    expect(cm.metadata.labels).toEqual({ ...base, config: 'db' });
    // the claim templates carry only their own metadata (a template can never change later)
    expect(sts.spec.volumeClaimTemplates[0].metadata).toEqual({
      name: 'data', labels: { backup: 'daily' }, annotations: { 'example.com/snapshot': 'hourly' },
    });
    // not the pods
    expect(sts.spec.template.metadata.annotations).toEqual({ 'checksum/config': expect.any(String) });
    // selectors stay the selector labels
    expect(sts.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'db' });
    expect(client.spec.selector).toEqual({ 'app.kubernetes.io/name': 'db' });
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('the patterns take the same options', () => {
    const chart = freshChart();
    new ZooKeeperEnsemble(chart, 'zk', {
      objectMetadata: { clientService: { annotations: { 'example.com/expose': 'internal' } }, configMap: { annotations: { 'example.com/a': 'b' } } },
    });
    new CassandraRing(chart, 'cassandra', { annotations: { 'example.com/owner': 'data' } });
    const objects = synth(chart);
    expect(findObject(objects, 'Service', 'zk-cs').metadata.annotations).toEqual({ 'example.com/expose': 'internal' });
    expect(findObject(objects, 'ConfigMap', 'zk-config').metadata.annotations).toEqual({ 'example.com/a': 'b' });
    for (const o of objects.filter(x => x.metadata.name.startsWith('cassandra'))) {
      expect(o.metadata.annotations).toEqual({ 'example.com/owner': 'data' });
    }
  });

  test('keys with a DNS-subdomain prefix and empty label values are accepted', () => {
    const chart = freshChart();
    app(chart, { labels: { 'example.com/empty': '', 'a.b-c_d': 'x.y-z_1' }, annotations: { 'k8s.example.org/json': '{"a": [1, 2]}' } });
    const sts = findObject(synth(chart), 'StatefulSet');
    expect(sts.metadata.labels).toMatchObject({ 'example.com/empty': '', 'a.b-c_d': 'x.y-z_1' });
    expect(sts.metadata.annotations).toEqual({ 'k8s.example.org/json': '{"a": [1, 2]}' });
  });

  describe('fails', () => {
    const cases: Array<[string, Partial<StatefulAppProps>, string]> = [
      ['a label key with a space', { labels: { 'my team': 'orders' } },
        'test/db: invalid labels key "my team": must be [prefix/]name'],
      ['a label key whose prefix is not a DNS subdomain', { labels: { 'Example.com/team': 'orders' } },
        'test/db: invalid labels key "Example.com/team"'],
      ['a label key whose name is longer than 63 characters', { labels: { [`example.com/${'a'.repeat(64)}`]: 'x' } },
        `test/db: invalid labels key "example.com/${'a'.repeat(64)}"`],
      ['a label value longer than 63 characters', { labels: { team: 'a'.repeat(64) } },
        `test/db: invalid labels["team"] "${'a'.repeat(64)}": must be a label value`],
      ['a label value with a slash', { objectMetadata: { statefulSet: { labels: { team: 'a/b' } } } },
        'test/db: invalid objectMetadata.statefulSet.labels["team"] "a/b": must be a label value'],
      ['a label that would change a selector label', { labels: { 'app.kubernetes.io/name': 'other' } },
        'test/db: invalid labels["app.kubernetes.io/name"] "other": would change the selector label app.kubernetes.io/name: "db"'],
      ['an object label that would change a selector label', { objectMetadata: { clientService: { labels: { 'app.kubernetes.io/name': 'lb' } } } },
        'test/db: invalid objectMetadata.clientService.labels["app.kubernetes.io/name"] "lb": would change the selector label'],
      ['an annotation key ending in a dash', { annotations: { 'example.com/owner-': 'x' } },
        'test/db: invalid annotations key "example.com/owner-"'],
      ['an annotation value that is not a string', { annotations: { 'example.com/replicas': 3 as unknown as string } },
        'test/db: invalid annotations["example.com/replicas"] 3: must be a string'],
      ['annotations larger than 256 KiB', { objectMetadata: { configMap: { annotations: { big: 'x'.repeat(256 * 1024) } } } },
        'test/db: invalid objectMetadata.configMap.annotations "262147 bytes": annotations of one object may hold at most 262144 bytes'],
      ['a pod annotation with a bad key', { podAnnotations: { '/owner': 'x' } },
        'test/db: invalid podAnnotations key "/owner"'],
      ['a selector label with a bad value', { selectorLabels: { app: 'a b' } },
        'test/db: invalid selectorLabels["app"] "a b": must be a label value'],
      ['an object the app does not make', { objectMetadata: { ingress: { labels: {} } } as any },
        'test/db: invalid objectMetadata "ingress": is not an object of the app; give one of statefulSet, headlessService, clientService, '
        + 'disruptionBudget, configMap, volumeClaims'],
      ['labels that are not a map', { labels: ['team=orders'] as any },
        'test/db: invalid labels ["team=orders"]: must be a map of label names to values'],
    ];
    test.each(cases)('%s', (_name, props, message) => {
      expect(() => app(freshChart(), props)).toThrow(message);
    });

    test('a pod annotation added later with a bad key', () => {
      const a = app(freshChart());
      expect(() => a.addPodAnnotation('bad key', 'x')).toThrow('test/db: invalid pod annotation key "bad key"');
    });

    test('a pattern reports the error under its own path', () => {
      expect(() => new ZooKeeperEnsemble(freshChart(), 'zk', { annotations: { 'bad key': 'x' } }))
        .toThrow('test/zk: invalid annotations key "bad key"');
    });
  });
});

describe('labels and annotations of StorageClasses and static volume sets', () => {
  test('defaults: no labels, no annotations', () => {
    const chart = freshChart();
    new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com' });
    const sc = findObject(synth(chart), 'StorageClass', 'fast');
    expect(sc.metadata).toEqual({ name: 'fast' });
  });

  test('customised: the class\'s own labels and annotations, beside isDefault\'s annotation; the volumes\' annotations', () => {
    const chart = freshChart();
    const local = new StorageClass(chart, 'local', {
      provisioner: StorageClass.NO_PROVISIONER,
      isDefault: true,
      labels: { tier: 'local' },
      annotations: { 'example.com/owner': 'platform', 'storageclass.kubernetes.io/is-default-class': 'true' },
    });
    const a = new StatefulApp(chart, 'cache', {
      replicas: 2,
      container: { image: 'redis:7.2', ports: [{ number: 6379, name: 'redis' }] },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data', storageClass: local }],
    });
    new HostPathVolumeSet(chart, 'volumes', {
      app: a, claim: 'data', paths: VolumePaths.under('/mnt'), nodes: ['n1', 'n2'], annotations: { 'example.com/disk': 'nvme' },
    });
    const objects = synth(chart);
    expect(findObject(objects, 'StorageClass', 'local').metadata).toEqual({
      name: 'local',
      labels: { tier: 'local' },
      annotations: { 'example.com/owner': 'platform', 'storageclass.kubernetes.io/is-default-class': 'true' },
    });
    const pvs = objects.filter(o => o.kind === 'PersistentVolume');
    expect(pvs).toHaveLength(2);
    for (const pv of pvs) {
      expect(pv.metadata.annotations).toEqual({ 'example.com/disk': 'nvme' });
      expect(pv.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'cache' });
    }
  });

  test('fails: a StorageClass label value with a space', () => {
    expect(() => new StorageClass(freshChart(), 'fast', { provisioner: 'x.io/y', labels: { tier: 'very fast' } }))
      .toThrow('test/fast: invalid labels["tier"] "very fast": must be a label value');
  });

  test('fails: a StorageClass annotation key with two slashes', () => {
    expect(() => new StorageClass(freshChart(), 'fast', { provisioner: 'x.io/y', annotations: { 'a/b/c': 'x' } }))
      .toThrow('test/fast: invalid annotations key "a/b/c"');
  });

  test('fails: an annotation that contradicts isDefault', () => {
    expect(() => new StorageClass(freshChart(), 'fast', {
      provisioner: 'x.io/y', isDefault: true, annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' },
    })).toThrow('test/fast: invalid annotations["storageclass.kubernetes.io/is-default-class"] "false": contradicts isDefault: true');
  });

  test('fails: a volume set annotation key with a space, and a label value too long', () => {
    const setup = () => {
      const chart = freshChart();
      const local = new StorageClass(chart, 'local', { provisioner: StorageClass.NO_PROVISIONER });
      const a = new StatefulApp(chart, 'cache', {
        container: { image: 'redis:7.2' },
        volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data', storageClass: local }],
      });
      return { chart, a };
    };
    const s1 = setup();
    expect(() => new HostPathVolumeSet(s1.chart, 'volumes', { app: s1.a, claim: 'data', paths: VolumePaths.under('/mnt'), annotations: { 'a b': 'x' } }))
      .toThrow('test/volumes: invalid annotations key "a b"');
    const s2 = setup();
    expect(() => new HostPathVolumeSet(s2.chart, 'volumes', { app: s2.a, claim: 'data', paths: VolumePaths.under('/mnt'), labels: { disk: 'x'.repeat(64) } }))
      .toThrow('test/volumes: invalid labels["disk"]');
  });
});
