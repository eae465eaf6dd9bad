import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HostPathVolumeSet, HostPathVolumeSetProps, StatefulApp, StorageClass, VolumePaths } from '../src';
import { freshChart, synthValidated as synth, toYaml } from './util/synth';

// Shared behaviour of static volume sets (binding, capacity, access modes, reclaim policy, count,
// namespace) is tested for both kinds in static-volume-set.test.ts.

function build(props: Partial<HostPathVolumeSetProps> = {}, replicas = 2) {
  const chart = freshChart();
  const local = new StorageClass(chart, 'local-static', { provisioner: StorageClass.NO_PROVISIONER });
  const app = new StatefulApp(chart, 'redis', {
    replicas,
    container: { image: 'redis:7.2', ports: [{ number: 6379, name: 'redis' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data', storageClass: local }],
  });
  const set = new HostPathVolumeSet(chart, 'volumes', { app, claim: 'data', paths: VolumePaths.under('/srv'), ...props });
  return { chart, app, set };
}

describe('HostPathVolumeSet', () => {
  test('defaults: a directory per pod under basePath, DirectoryOrCreate, not pinned', () => {
    const { chart, set } = build({ paths: VolumePaths.under('/srv/redis/') });
    const objects = synth(chart);
    const pvs = objects.filter(o => o.kind === 'PersistentVolume');
    expect(pvs.map(pv => pv.spec.hostPath)).toEqual([
      { path: '/srv/redis/default-data-redis-0', type: 'DirectoryOrCreate' },
      { path: '/srv/redis/default-data-redis-1', type: 'DirectoryOrCreate' },
    ]);
    expect(set.paths).toEqual(pvs.map(pv => pv.spec.hostPath.path));
    expect(set.nodes).toBeUndefined();
    for (const pv of pvs) {
      expect(pv.spec.nodeAffinity).toBeUndefined();
      expect(pv.spec.mountOptions).toBeUndefined();
      expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
      expect(pv.spec.storageClassName).toBe('local-static');
    }
    expect(pvs[1].spec.claimRef).toEqual({ name: 'data-redis-1', namespace: 'default' });
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('customised: explicit paths, type, each volume pinned to its node', () => {
    const { chart, set } = build({
      paths: VolumePaths.of(['/mnt/disk1/redis', '/mnt/disk2/redis', '/mnt/disk1/redis']),
      nodes: ['worker-1', 'worker-2', 'worker-3'],
      type: kplus.HostPathVolumeType.DIRECTORY,
      volumeNames: ['pv001', 'pv002', 'pv003'],
    }, 3);
    const objects = synth(chart);
    const pvs = objects.filter(o => o.kind === 'PersistentVolume');
    expect(pvs.map(pv => pv.metadata.name)).toEqual(['pv001', 'pv002', 'pv003']);
    expect(pvs.map(pv => pv.spec.hostPath)).toEqual([
      { path: '/mnt/disk1/redis', type: 'Directory' },
      { path: '/mnt/disk2/redis', type: 'Directory' },
      { path: '/mnt/disk1/redis', type: 'Directory' },
    ]);
    expect(pvs.map(pv => pv.spec.nodeAffinity)).toEqual(['worker-1', 'worker-2', 'worker-3'].map(node => ({
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] },
    })));
    expect(set.nodes).toEqual(['worker-1', 'worker-2', 'worker-3']);
    expect(pvs.map(pv => pv.spec.claimRef.name)).toEqual(['data-redis-0', 'data-redis-1', 'data-redis-2']);
    expect(toYaml(objects)).toMatchSnapshot();
  });

  describe('fails at synth time on bad input', () => {
    const fails = (props: Partial<HostPathVolumeSetProps>, message: RegExp) =>
      expect(() => build(props)).toThrow(message);

    test('fails on the node\'s root directory', () => {
      fails({ paths: VolumePaths.of(['/srv/a', '/']) }, /test\/volumes: invalid paths\[1\] "\/": is the node's root directory.*give a directory for the volume/);
    });

    test('fails on a node list whose length does not match', () => {
      fails({ paths: VolumePaths.under('/srv'), nodes: ['worker-1'] },
        /test\/volumes: invalid nodes \["worker-1"\]: has 1 entries for 2 volumes \(ordinals 0 to 1\); give exactly one per volume/);
    });

    test('fails on a node name that cannot be a label value', () => {
      fails({ paths: VolumePaths.under('/srv'), nodes: ['worker-1', 'worker 2'] },
        /invalid nodes\[1\] "worker 2": must be the value of a node's kubernetes.io\/hostname label/);
    });

    test('fails on two volumes in the same directory of the same node', () => {
      fails({ paths: VolumePaths.of(['/srv/a', '/srv/a']), nodes: ['worker-1', 'worker-1'] },
        /invalid paths "worker-1:\/srv\/a": two volumes use the same directory on the same node/);
    });

    test('fails on an unknown hostPath type', () => {
      fails({ paths: VolumePaths.under('/srv'), type: 'Folder' as kplus.HostPathVolumeType },
        /invalid type "Folder": must be one of .*HostPathVolumeType.DIRECTORY_OR_CREATE \("DirectoryOrCreate"\)/);
    });

    test('fails on fewer paths than replicas, naming the pod that would stay Pending', () => {
      fails({ paths: VolumePaths.of(['/srv/a']) }, /invalid paths \["\/srv\/a"\]: gives 1 volume\(s\) for 2 replicas: pod redis-1 would stay Pending/);
    });
  });
});
