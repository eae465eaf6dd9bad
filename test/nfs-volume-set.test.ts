import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { NfsVolumeSet, NfsVolumeSetProps, StatefulApp, StorageClass, VolumePaths } from '../src';
import { freshChart, synthValidated as synth, toYaml } from './util/synth';

// Shared behaviour of static volume sets (binding, capacity, access modes, reclaim policy, count,
// namespace) is tested for both kinds in static-volume-set.test.ts.

function build(props: Partial<NfsVolumeSetProps> = {}, replicas = 2) {
  const chart = freshChart();
  const nfs = new StorageClass(chart, 'nfs-static', { provisioner: StorageClass.NO_PROVISIONER });
  const app = new StatefulApp(chart, 'web', {
    replicas,
    container: { image: 'nginxinc/nginx-unprivileged:1.25', ports: [{ number: 8080, name: 'http' }] },
    volumeClaims: [{ name: 'html', size: Size.gibibytes(5), mountPath: '/usr/share/nginx/html', storageClass: nfs }],
  });
  const set = new NfsVolumeSet(chart, 'volumes', { app, claim: 'html', server: '192.168.1.34', paths: VolumePaths.under('/data/volumes'), ...props });
  return { chart, app, set };
}

describe('NfsVolumeSet', () => {
  test('defaults: an export directory per pod under basePath, read-write, no mount options', () => {
    const { chart, set } = build({ paths: VolumePaths.under('/data/volumes') });
    const objects = synth(chart);
    const pvs = objects.filter(o => o.kind === 'PersistentVolume');
    expect(pvs.map(pv => pv.spec.nfs)).toEqual([
      { server: '192.168.1.34', path: '/data/volumes/default-html-web-0', readOnly: false },
      { server: '192.168.1.34', path: '/data/volumes/default-html-web-1', readOnly: false },
    ]);
    expect(set.server).toBe('192.168.1.34');
    expect(set.paths).toEqual(pvs.map(pv => pv.spec.nfs.path));
    for (const pv of pvs) {
      expect(pv.spec.mountOptions).toBeUndefined();
      expect(pv.spec.nodeAffinity).toBeUndefined();
      expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
      expect(pv.spec.storageClassName).toBe('nfs-static');
      expect(pv.spec.capacity).toEqual({ storage: '5Gi' });
    }
    expect(pvs.map(pv => pv.spec.claimRef)).toEqual([
      { name: 'html-web-0', namespace: 'default' },
      { name: 'html-web-1', namespace: 'default' },
    ]);
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('customised: explicit export paths, read-only, mount options, access modes', () => {
    const { chart } = build({
      paths: VolumePaths.of(['/data/volumes/v1', '/data/volumes/v2']),
      readOnly: true,
      mountOptions: ['nfsvers=4.1', 'hard'],
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE, kplus.PersistentVolumeAccessMode.READ_WRITE_MANY],
      volumeNames: ['pv-nfs-001', 'pv-nfs-002'],
    });
    const objects = synth(chart);
    const pvs = objects.filter(o => o.kind === 'PersistentVolume');
    expect(pvs.map(pv => pv.metadata.name)).toEqual(['pv-nfs-001', 'pv-nfs-002']);
    expect(pvs.map(pv => pv.spec.nfs)).toEqual([
      { server: '192.168.1.34', path: '/data/volumes/v1', readOnly: true },
      { server: '192.168.1.34', path: '/data/volumes/v2', readOnly: true },
    ]);
    for (const pv of pvs) {
      expect(pv.spec.mountOptions).toEqual(['nfsvers=4.1', 'hard']);
      expect(pv.spec.accessModes).toEqual(['ReadWriteOnce', 'ReadWriteMany']);
    }
    expect(toYaml(objects)).toMatchSnapshot();
  });

  describe('fails at synth time on bad input', () => {
    const fails = (props: Partial<NfsVolumeSetProps>, message: RegExp) =>
      expect(() => build({ paths: VolumePaths.under('/data/volumes'), ...props })).toThrow(message);

    test('fails without a server', () => {
      fails({ server: '' }, /test\/volumes: invalid server "": give the NFS server's host name or IP address/);
    });

    test('fails on a server with the export path in it', () => {
      fails({ server: '192.168.1.34:/data' }, /test\/volumes: invalid server "192.168.1.34:\/data": give the NFS server's host name or IP address, e.g. "192.168.1.34" \(the export paths go into paths\)/);
    });

    test('fails on a mount option holding two options', () => {
      fails({ mountOptions: ['nfsvers=4.1,hard'] }, /test\/volumes: invalid mountOptions\[0\] "nfsvers=4.1,hard": must be one mount option/);
    });

    test('fails on two volumes with the same export directory', () => {
      fails({ paths: VolumePaths.of(['/data/v1', '/data/v1/']) },
        /invalid paths "\/data\/v1": two volumes use the same export directory/);
    });

    test('fails on fewer export paths than replicas, naming the pod that would stay Pending', () => {
      fails({ paths: VolumePaths.of(['/data/v1']) },
        /invalid paths \["\/data\/v1"\]: gives 1 volume\(s\) for 2 replicas: pod web-1 would stay Pending, because its claim html-web-1 has no volume/);
    });
  });
});
