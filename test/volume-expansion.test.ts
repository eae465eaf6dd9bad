import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CassandraRing, ClaimRetention, GitOps, HostPathVolumeSet, NfsVolumeSet, StatefulApp, StatefulAppProps, StorageClass, VolumeClaimProps,
  VolumePaths, ZooKeeperEnsemble,
} from '../src';
import { findObject, freshChart, synthValidated as synth, toYaml } from './util/synth';

// Growing a claim through Git: `expandTo` declares one PersistentVolumeClaim per pod, named as the
// StatefulSet names it, at the new size; the claim template keeps its size.

const KEEP_BOTH = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

function app(chart: Chart, claim: Partial<VolumeClaimProps> = {}, props: Partial<StatefulAppProps> = {}): StatefulApp {
  return new StatefulApp(chart, 'db', {
    replicas: 3,
    container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db', ...claim }],
    ...props,
  });
}

describe('expandTo', () => {
  test('defaults: without expandTo the app declares no claim', () => {
    const chart = freshChart();
    const a = app(chart);
    expect(a.expandedClaims).toEqual([]);
    expect(synth(chart).filter(o => o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  test('one claim per pod, named as the StatefulSet names it, at the new size; the template keeps its size', () => {
    const chart = freshChart();
    const a = app(chart, { expandTo: Size.gibibytes(50) });
    const objects = synth(chart);
    const claims = objects.filter(o => o.kind === 'PersistentVolumeClaim');
    expect(claims.map(c => c.metadata.name)).toEqual(a.claimNames('data'));
    expect(claims.map(c => c.metadata.name)).toEqual(['data-db-0', 'data-db-1', 'data-db-2']);
    expect(a.expandedClaims.map(c => c.name)).toEqual(a.claimNames('data'));
    for (const c of claims) {
      expect(c).toEqual({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: c.metadata.name,
          labels: { 'app.kubernetes.io/name': 'db' },
          annotations: KEEP_BOTH,
        },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, volumeMode: 'Filesystem' },
      });
    }
    const template = findObject(objects, 'StatefulSet', 'db').spec.volumeClaimTemplates[0];
    expect(template.spec.resources.requests.storage).toBe('10Gi');
    // the claims come before the StatefulSet, so `kubectl apply -f` creates them first
    expect(objects.findIndex(o => o.kind === 'PersistentVolumeClaim')).toBeLessThan(objects.findIndex(o => o.kind === 'StatefulSet'));
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('the StatefulSet is exactly the one without expandTo', () => {
    const plain = freshChart();
    app(plain);
    const expanded = freshChart();
    app(expanded, { expandTo: Size.gibibytes(50) });
    const sts = (chart: Chart) => findObject(synth(chart), 'StatefulSet', 'db');
    expect(sts(expanded)).toEqual(sts(plain));
  });

  test('customised: a class that allows expansion, a preset, the claims\' metadata, ordinals from 2, Block, a namespace', () => {
    const chart = freshChart();
    const ssd = new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com', allowVolumeExpansion: true });
    const a = app(chart, {
      storageClass: ssd,
      expandTo: Size.tebibytes(1),
      volumeMode: kplus.PersistentVolumeMode.BLOCK,
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD],
      mountPath: '/dev/xvdb',
    }, {
      namespace: 'shop',
      startOrdinal: 2,
      replicas: 2,
      gitOps: GitOps.argoCd(),
      objectMetadata: { volumeClaims: { labels: { backup: 'daily' }, annotations: { 'example.com/snapshot': 'hourly' } } },
    });
    const objects = synth(chart);
    const claims = objects.filter(o => o.kind === 'PersistentVolumeClaim');
    expect(claims.map(c => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual(['shop/data-db-2', 'shop/data-db-3']);
    expect(a.claimNames('data')).toEqual(['data-db-2', 'data-db-3']);
    expect(claims[0].metadata.labels).toEqual({ 'backup': 'daily', 'app.kubernetes.io/name': 'db' });
    expect(claims[0].metadata.annotations).toEqual({
      'example.com/snapshot': 'hourly',
      'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
      'argocd.argoproj.io/sync-wave': '-1',
    });
    expect(claims[0].spec).toEqual({
      accessModes: ['ReadWriteOncePod'], storageClassName: 'ssd', resources: { requests: { storage: '1Ti' } }, volumeMode: 'Block',
    });
    const sts = findObject(objects, 'StatefulSet', 'db');
    expect(sts.spec.volumeClaimTemplates[0]).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data',
        labels: { backup: 'daily' },
        annotations: { 'example.com/snapshot': 'hourly', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
      },
      spec: { accessModes: ['ReadWriteOncePod'], storageClassName: 'ssd', resources: { requests: { storage: '10Gi' } }, volumeMode: 'Block' },
    });
    // a Block claim is attached as a device
    const c = sts.spec.template.spec.containers[0];
    expect(c.volumeDevices).toEqual([{ name: 'data', devicePath: '/dev/xvdb' }]);
    expect(c.volumeMounts).toBeUndefined();
  });

  test('the patterns\' data volume: storageExpandTo', () => {
    const chart = freshChart();
    new ZooKeeperEnsemble(chart, 'zk', { storageExpandTo: Size.gibibytes(20) });
    new CassandraRing(chart, 'cassandra', { storageSize: Size.gibibytes(100), storageExpandTo: Size.gibibytes(200) });
    const objects = synth(chart);
    const claims = objects.filter(o => o.kind === 'PersistentVolumeClaim');
    expect(claims.map(c => [c.metadata.name, c.spec.resources.requests.storage])).toEqual([
      ['datadir-zk-0', '20Gi'], ['datadir-zk-1', '20Gi'], ['datadir-zk-2', '20Gi'],
      ['cassandra-data-cassandra-0', '200Gi'], ['cassandra-data-cassandra-1', '200Gi'], ['cassandra-data-cassandra-2', '200Gi'],
    ]);
    expect(findObject(objects, 'StatefulSet', 'zk').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(findObject(objects, 'StatefulSet', 'cassandra').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
  });

  test('raising replicas declares the new pods\' claims at the new size too', () => {
    const chart = freshChart();
    app(chart, { expandTo: Size.gibibytes(50) }, { replicas: 5 });
    expect(synth(chart).filter(o => o.kind === 'PersistentVolumeClaim').map(c => c.metadata.name))
      .toEqual(['data-db-0', 'data-db-1', 'data-db-2', 'data-db-3', 'data-db-4']);
  });

  describe('fails', () => {
    test('a shrink', () => {
      expect(() => app(freshChart(), { expandTo: Size.gibibytes(5) })).toThrow('test/db: invalid volumeClaims[0].expandTo "5Gi": '
        + 'must be larger than the claim\'s size (10Gi): a claim can only grow, never shrink');
    });

    test('the same size', () => {
      expect(() => app(freshChart(), { expandTo: Size.mebibytes(10 * 1024) })).toThrow('test/db: invalid volumeClaims[0].expandTo "10240Mi": '
        + 'must be larger than the claim\'s size (10Gi)');
    });

    test('not a Size', () => {
      expect(() => app(freshChart(), { expandTo: '50Gi' as unknown as Size })).toThrow('test/db: invalid volumeClaims[0].expandTo "50Gi": '
        + 'must be a Size greater than the claim\'s size, e.g. Size.gibibytes(50)');
    });

    test('a StorageClass of the app that does not allow expansion', () => {
      const chart = freshChart();
      const ssd = new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com' });
      expect(() => app(chart, { expandTo: Size.gibibytes(50), storageClass: ssd })).toThrow('test/db: invalid volumeClaims[0].expandTo "50Gi": '
        + 'the claim\'s StorageClass ssd does not allow expansion (allowVolumeExpansion is false)');
    });

    test('the app\'s StorageClass that does not allow expansion', () => {
      const chart = freshChart();
      const ssd = new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com', allowVolumeExpansion: false });
      expect(() => app(chart, { expandTo: Size.gibibytes(50) }, { storageClass: ssd }))
        .toThrow('test/db: invalid volumeClaims[0].expandTo "50Gi": the claim\'s StorageClass ssd does not allow expansion');
    });

    test('a claim without a StorageClass (StorageClass.none())', () => {
      expect(() => app(freshChart(), { expandTo: Size.gibibytes(50), storageClass: StorageClass.none() }))
        .toThrow('test/db: invalid volumeClaims[0].expandTo "50Gi": the claim has no StorageClass (StorageClass.none())');
    });

    test('claims served by a HostPathVolumeSet', () => {
      const chart = freshChart();
      const a = app(chart, { expandTo: Size.gibibytes(50), storageClass: StorageClass.fromStorageClassName('local') });
      expect(() => new HostPathVolumeSet(chart, 'volumes', { app: a, claim: 'data', paths: VolumePaths.under('/mnt') }))
        .toThrow('test/volumes: invalid claim "data": has expandTo (50Gi), but static hostPath and NFS volumes cannot be expanded through their claim');
    });

    test('claims served by an NfsVolumeSet', () => {
      const chart = freshChart();
      const a = app(chart, { expandTo: Size.gibibytes(50), storageClass: StorageClass.fromStorageClassName('nfs') });
      expect(() => new NfsVolumeSet(chart, 'volumes', { app: a, claim: 'data', server: '10.0.0.2', paths: VolumePaths.under('/exports') }))
        .toThrow('test/volumes: invalid claim "data": has expandTo (50Gi), but static hostPath and NFS volumes cannot be expanded');
    });

    test('a claim retention policy that deletes claims when scaled', () => {
      expect(() => app(freshChart(), { expandTo: Size.gibibytes(50) }, { claimRetentionWhenScaled: ClaimRetention.DELETE }))
        .toThrow('test/db: invalid volumeClaims[0].expandTo "50Gi": claimRetentionWhenScaled is ClaimRetention.DELETE: the StatefulSet would '
          + 'delete claims that Git declares');
    });

    test('a claim retention policy that deletes claims with the StatefulSet', () => {
      expect(() => app(freshChart(), { expandTo: Size.gibibytes(50) }, { claimRetentionWhenDeleted: ClaimRetention.DELETE }))
        .toThrow('test/db: invalid volumeClaims[0].expandTo "50Gi": claimRetentionWhenDeleted is ClaimRetention.DELETE');
    });

    test('an annotation of the claims that contradicts the keep annotations', () => {
      expect(() => app(freshChart(), { expandTo: Size.gibibytes(50) }, {
        objectMetadata: { volumeClaims: { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'enabled' } } },
      })).toThrow('test/db: invalid volumeClaims[0].expandTo "50Gi": the claims it declares carry kustomize.toolkit.fluxcd.io/prune: "disabled" '
        + 'so that no GitOps tool prunes or deletes them, but objectMetadata.volumeClaims.annotations sets it to "enabled"');
    });

    test('a pattern reports a shrink under its own field names', () => {
      expect(() => new ZooKeeperEnsemble(freshChart(), 'zk', { storageSize: Size.gibibytes(20), storageExpandTo: Size.gibibytes(10) }))
        .toThrow('test/zk: invalid storageExpandTo "10Gi": must be larger than the claim\'s size (20Gi)');
      expect(() => new CassandraRing(freshChart(), 'ring', { storageExpandTo: Size.gibibytes(1) }))
        .toThrow('test/ring: invalid storageExpandTo "1Gi": must be larger than the claim\'s size (10Gi)');
    });
  });
});

describe('volumeMode', () => {
  test('defaults: Filesystem, mounted', () => {
    const chart = freshChart();
    app(chart);
    const sts = findObject(synth(chart), 'StatefulSet', 'db');
    expect(sts.spec.volumeClaimTemplates[0].spec.volumeMode).toBe('Filesystem');
    expect(sts.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/db' }]);
    expect(sts.spec.template.spec.containers[0].volumeDevices).toBeUndefined();
  });

  test('customised: a Block claim is a device of each container that uses it; Filesystem claims stay mounts', () => {
    const chart = freshChart();
    new StatefulApp(chart, 'db', {
      container: { image: 'registry.example.com/db:1.0' },
      volumeClaims: [
        { name: 'raw', size: Size.gibibytes(100), volumeMode: kplus.PersistentVolumeMode.BLOCK, mountPath: '/dev/raw' },
        { name: 'logs', size: Size.gibibytes(1), mountPath: '/var/log/db' },
      ],
      initContainers: [{ name: 'format', image: 'busybox:1.36', claimMounts: [{ claim: 'raw', path: '/dev/target' }] }],
    });
    const sts = findObject(synth(chart), 'StatefulSet', 'db');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => t.spec.volumeMode)).toEqual(['Block', 'Filesystem']);
    const pod = sts.spec.template.spec;
    expect(pod.containers[0].volumeDevices).toEqual([{ name: 'raw', devicePath: '/dev/raw' }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'logs', mountPath: '/var/log/db' }]);
    expect(pod.initContainers[0].volumeDevices).toEqual([{ name: 'raw', devicePath: '/dev/target' }]);
    expect(pod.initContainers[0].volumeMounts).toBeUndefined();
  });

  test('fails: a mode that is not a PersistentVolumeMode', () => {
    expect(() => app(freshChart(), { volumeMode: 'Raw' as kplus.PersistentVolumeMode }))
      .toThrow('test/db: invalid volumeClaims[0].volumeMode "Raw": must be one of PersistentVolumeMode.FILE_SYSTEM ("Filesystem"), '
        + 'PersistentVolumeMode.BLOCK ("Block")');
  });

  test('fails: a Block claim mounted with a subPath', () => {
    const chart = freshChart();
    const a = app(chart, { volumeMode: kplus.PersistentVolumeMode.BLOCK, mountPath: '/dev/data' });
    a.mountVolume('data', '/dev/other', { subPath: 'x' });
    expect(() => synth(chart)).toThrow('test/db: invalid container claim data "/dev/other": is a Block volume (volumeMode BLOCK): it is '
      + 'attached as a device at this path, which takes no subPath or readOnly');
  });

  test('fails: a Block claim served by a static volume set', () => {
    const chart = freshChart();
    const a = app(chart, { volumeMode: kplus.PersistentVolumeMode.BLOCK, storageClass: StorageClass.fromStorageClassName('local') });
    expect(() => new HostPathVolumeSet(chart, 'volumes', { app: a, claim: 'data', paths: VolumePaths.under('/mnt') }))
      .toThrow('test/volumes: invalid claim "data": is a Block claim (volumeMode BLOCK): hostPath and NFS volumes of a set are filesystems');
  });
});
