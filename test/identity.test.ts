import { Size } from 'cdk8s';
import { HostPathVolumeSet, StatefulApp, StorageClass, VolumePaths } from '../src';
import { findObject as find, freshChart, synthValidated as synth } from './util/synth';
import {
  claimName, DEFAULT_CLUSTER_DOMAIN, DEFAULT_NAMESPACE, defaultSelectorLabels, effectiveNamespace, Identity, mergeLabels, NAME_LABEL,
  ordinalsOf, podDnsName, podName, quorumOf, serviceDnsName, staticVolumeName, toleratedFailures,
} from '../src/private/identity';

// The private identity module: the one place for the naming rules of pods, DNS records, claims and
// static volumes, namespace and cluster-domain defaults, label merging and quorum arithmetic.

describe('naming rules', () => {
  test('ordinals in start order', () => {
    expect(ordinalsOf(0, 3)).toEqual([0, 1, 2]);
    expect(ordinalsOf(5, 2)).toEqual([5, 6]);
    expect(ordinalsOf(1, 0)).toEqual([]);
  });

  test('pod names: <statefulset>-<ordinal>', () => {
    expect(podName('db', 0)).toBe('db-0');
    expect(podName('orders', 12)).toBe('orders-12');
  });

  test('DNS names: <service>.<namespace>.svc.<domain> and <pod>.<service>.<namespace>.svc.<domain>', () => {
    expect(serviceDnsName('db-hs', 'shop', 'cluster.local')).toBe('db-hs.shop.svc.cluster.local');
    expect(podDnsName('db', 2, 'db-hs', 'shop', 'k8s.example.org')).toBe('db-2.db-hs.shop.svc.k8s.example.org');
  });

  test('claim names: <template>-<statefulset>-<ordinal>', () => {
    expect(claimName('data', 'db', 0)).toBe('data-db-0');
    expect(claimName('datadir', 'zk', 2)).toBe('datadir-zk-2');
  });

  test('static volume names carry the namespace: <namespace>-<claim name>', () => {
    expect(staticVolumeName('default', 'data', 'db', 0)).toBe('default-data-db-0');
    expect(staticVolumeName('shop', 'html', 'web', 3)).toBe('shop-html-web-3');
  });

  test('namespace and cluster domain defaults', () => {
    expect(DEFAULT_NAMESPACE).toBe('default');
    expect(DEFAULT_CLUSTER_DOMAIN).toBe('cluster.local');
    expect(effectiveNamespace(undefined)).toBe('default');
    expect(effectiveNamespace(null)).toBe('default');
    expect(effectiveNamespace('')).toBe('default');
    expect(effectiveNamespace('shop')).toBe('shop');
  });

  test('default selector labels and label merging (later maps win)', () => {
    expect(NAME_LABEL).toBe('app.kubernetes.io/name');
    expect(defaultSelectorLabels('db')).toEqual({ 'app.kubernetes.io/name': 'db' });
    const own = { 'app.kubernetes.io/name': 'not-db', 'team': 'payments' };
    const merged = mergeLabels(own, undefined, defaultSelectorLabels('db'));
    expect(merged).toEqual({ 'app.kubernetes.io/name': 'db', 'team': 'payments' });
    // the inputs are not changed
    expect(own).toEqual({ 'app.kubernetes.io/name': 'not-db', 'team': 'payments' });
    expect(mergeLabels()).toEqual({});
  });
});

describe('quorum arithmetic', () => {
  test.each([
    // members, quorum, tolerated failures
    [1, 1, 0],
    [2, 2, 0],
    [3, 2, 1],
    [4, 3, 1],
    [5, 3, 2],
    [6, 4, 2],
    [7, 4, 3],
  ])('%i members: quorum %i, %i may be down', (members, quorum, tolerated) => {
    expect(quorumOf(members)).toBe(quorum);
    expect(toleratedFailures(members)).toBe(tolerated);
    // a quorum remains whenever at most the tolerated number is down, and not with one more
    expect(members - tolerated).toBeGreaterThanOrEqual(quorum);
    expect(members - tolerated - 1).toBeLessThan(quorum);
  });

  test('no members: nothing tolerated', () => {
    expect(toleratedFailures(0)).toBe(0);
  });
});

describe('Identity', () => {
  const identity = new Identity({
    name: 'orders', serviceName: 'orders-hs', namespace: 'prod', clusterDomain: 'k8s.example.org', startOrdinal: 1, replicas: 3,
  });

  test('names of one StatefulSet\'s pods, DNS records and claims, from its start ordinal', () => {
    expect(identity.ordinals).toEqual([1, 2, 3]);
    expect(identity.podNames).toEqual(['orders-1', 'orders-2', 'orders-3']);
    expect(identity.podDnsNames).toEqual([
      'orders-1.orders-hs.prod.svc.k8s.example.org',
      'orders-2.orders-hs.prod.svc.k8s.example.org',
      'orders-3.orders-hs.prod.svc.k8s.example.org',
    ]);
    expect(identity.serviceDnsName).toBe('orders-hs.prod.svc.k8s.example.org');
    expect(identity.podDnsName(2)).toBe('orders-2.orders-hs.prod.svc.k8s.example.org');
    expect(identity.claimNames('wal')).toEqual(['wal-orders-1', 'wal-orders-2', 'wal-orders-3']);
  });

  test('a StatefulApp\'s getters, its manifests and a static volume set all follow the module', () => {
    const chart = freshChart({ namespace: 'prod' });
    const local = new StorageClass(chart, 'local', { provisioner: StorageClass.NO_PROVISIONER });
    const app = new StatefulApp(chart, 'app', {
      name: 'orders',
      serviceName: 'orders-hs',
      clusterDomain: 'k8s.example.org',
      replicas: 3,
      startOrdinal: 1,
      container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
      volumeClaims: [{ name: 'wal', size: Size.gibibytes(1), mountPath: '/wal', storageClass: local }],
    });
    const set = new HostPathVolumeSet(chart, 'volumes', { app, claim: 'wal', paths: VolumePaths.under('/srv') });
    expect(app.podNames).toEqual(identity.podNames);
    expect(app.podDnsNames).toEqual(identity.podDnsNames);
    expect(app.serviceDnsName).toBe(identity.serviceDnsName);
    expect(app.claimNames('wal')).toEqual(identity.claimNames('wal'));
    expect(set.claimNames).toEqual(identity.claimNames('wal'));
    expect(set.volumeNames).toEqual(identity.ordinals.map(o => staticVolumeName('prod', 'wal', 'orders', o)));
    const objects = synth(chart);
    const sts = find(objects, 'StatefulSet', 'orders');
    expect(sts.spec.ordinals).toEqual({ start: 1 });
    expect(sts.spec.selector.matchLabels).toEqual(defaultSelectorLabels('orders'));
    expect(objects.filter(o => o.kind === 'PersistentVolume').map(o => o.spec.claimRef)).toEqual(
      identity.claimNames('wal').map(name => ({ name, namespace: 'prod' })));
  });
});
