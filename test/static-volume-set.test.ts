import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  HostPathVolumeSet, NfsVolumeSet, StatefulApp, StatefulAppProps, StaticVolumeSet, StaticVolumeSetProps, StorageClass, VolumePaths,
} from '../src';
import { freshChart, synthValidated as synth, toYaml } from './util/synth';

// What both kinds of static volume set share: pre-binding, capacity, access modes, reclaim policy,
// storage class, count, no namespace. Kind-specific behaviour is in host-path-volume-set.test.ts
// and nfs-volume-set.test.ts.

function volumes(objects: any[]): any[] {
  return objects.filter(o => o.kind === 'PersistentVolume');
}

function buildApp(chart: Chart, extra: Partial<StatefulAppProps> = {}): StatefulApp {
  const local = new StorageClass(chart, 'local-static', { provisioner: StorageClass.NO_PROVISIONER });
  return new StatefulApp(chart, 'db', {
    replicas: 3,
    container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db', storageClass: local }],
    ...extra,
  });
}

type Build = (chart: Chart, props: StaticVolumeSetProps & { paths: VolumePaths }) => StaticVolumeSet;

const KINDS: Array<[string, Build]> = [
  ['HostPathVolumeSet', (chart, props) => new HostPathVolumeSet(chart, 'volumes', props)],
  ['NfsVolumeSet', (chart, props) => new NfsVolumeSet(chart, 'volumes', { server: 'nfs.example.com', ...props })],
];

describe.each(KINDS)('%s (shared behaviour)', (_kind, buildSet) => {
  test('defaults: one volume per pod, pre-bound to its claim, claim size, claim access modes, Retain, claim class', () => {
    const chart = freshChart();
    const app = buildApp(chart);
    const set = buildSet(chart, { app, claim: 'data', paths: VolumePaths.under('/srv/volumes') });
    const pvs = volumes(synth(chart));
    expect(pvs.map(pv => pv.metadata.name)).toEqual(['default-data-db-0', 'default-data-db-1', 'default-data-db-2']);
    expect(set.volumeNames).toEqual(pvs.map(pv => pv.metadata.name));
    expect(set.claimNames).toEqual(app.claimNames('data'));
    pvs.forEach((pv, i) => {
      expect(pv.apiVersion).toBe('v1');
      expect(pv.metadata.namespace).toBeUndefined();
      expect(pv.metadata.labels).toEqual(app.selectorLabels);
      expect(pv.spec.claimRef).toEqual({ name: `data-db-${i}`, namespace: 'default' });
      expect(pv.spec.capacity).toEqual({ storage: '10Gi' });
      expect(pv.spec.accessModes).toEqual(['ReadWriteOnce']);
      expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
      expect(pv.spec.storageClassName).toBe('local-static');
    });
    expect(set.storageClassName).toBe('local-static');
    expect(set.reclaimPolicy).toBe(kplus.PersistentVolumeReclaimPolicy.RETAIN);
    expect(app.claimAccessModes('data')).toEqual([kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE]);
    expect(set.accessModes).toEqual(app.claimAccessModes('data'));
    expect(set.capacity.toGibibytes()).toBe(10);
  });

  test('customised: names, capacity, access modes, Delete, labels, namespace, start ordinal, a volume kept for scaling', () => {
    const chart = freshChart();
    const app = buildApp(chart, { namespace: 'shop', startOrdinal: 1, replicas: 2 });
    const set = buildSet(chart, {
      app,
      claim: 'data',
      paths: VolumePaths.of(['/exports/a', '/exports/b', '/exports/c']),
      volumeNames: ['pv-a', 'pv-b', 'pv-c'],
      capacity: Size.gibibytes(20),
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE, kplus.PersistentVolumeAccessMode.READ_WRITE_MANY],
      reclaimPolicy: kplus.PersistentVolumeReclaimPolicy.DELETE,
      labels: { tier: 'db' },
    });
    set.volumes[0].metadata.addLabel('name', 'pv001');
    const pvs = volumes(synth(chart));
    expect(pvs.map(pv => pv.metadata.name)).toEqual(['pv-a', 'pv-b', 'pv-c']);
    // ordinals start at 1; the third volume waits for the pod a scale-up to 3 replicas adds
    expect(pvs.map(pv => pv.spec.claimRef)).toEqual([
      { name: 'data-db-1', namespace: 'shop' },
      { name: 'data-db-2', namespace: 'shop' },
      { name: 'data-db-3', namespace: 'shop' },
    ]);
    expect(set.claimNames.slice(0, 2)).toEqual(app.claimNames('data'));
    expect(pvs[0].metadata.labels).toEqual({ tier: 'db', name: 'pv001' });
    expect(pvs[1].metadata.labels).toEqual({ tier: 'db' });
    for (const pv of pvs) {
      expect(pv.metadata.namespace).toBeUndefined();
      expect(pv.spec.capacity).toEqual({ storage: '20Gi' });
      expect(pv.spec.accessModes).toEqual(['ReadWriteOnce', 'ReadWriteMany']);
      expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Delete');
    }
  });

  test('every claim of a 5-replica app is matched by exactly one volume, and no volume is left over', () => {
    const chart = freshChart();
    const app = buildApp(chart, { replicas: 5 });
    buildSet(chart, { app, claim: 'data', paths: VolumePaths.under('/srv/volumes') });
    const objects = synth(chart);
    const sts = objects.find(o => o.kind === 'StatefulSet');
    // the claims the StatefulSet controller creates: <template>-<statefulset>-<ordinal>
    const claims = sts.spec.volumeClaimTemplates.flatMap((t: any) =>
      Array.from({ length: sts.spec.replicas }, (_, o) => `${sts.metadata.namespace ?? 'default'}/${t.metadata.name}-${sts.metadata.name}-${o}`));
    expect(claims).toHaveLength(5);
    const pvs = volumes(objects);
    const boundTo = pvs.map(pv => `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}`);
    for (const claim of claims) {
      expect(boundTo.filter(b => b === claim)).toHaveLength(1);
    }
    expect(boundTo.filter(b => !claims.includes(b))).toEqual([]);
    expect(pvs).toHaveLength(5);
    // each volume is large enough and offers the claim's access modes, with the claim's class
    const template = sts.spec.volumeClaimTemplates[0].spec;
    for (const pv of pvs) {
      expect(pv.spec.capacity.storage).toBe(template.resources.requests.storage);
      expect(pv.spec.accessModes).toEqual(expect.arrayContaining(template.accessModes));
      expect(pv.spec.storageClassName).toBe(template.storageClassName);
    }
  });

  test('a chart with a namespace: no namespace on volumes and StorageClass, claimRef in the app\'s namespace', () => {
    const chart = freshChart({ namespace: 'shop' });
    const app = buildApp(chart);
    buildSet(chart, { app, claim: 'data', paths: VolumePaths.under('/srv/volumes') });
    const objects = synth(chart);
    for (const o of objects.filter(x => x.kind === 'PersistentVolume' || x.kind === 'StorageClass')) {
      expect(o.metadata.namespace).toBeUndefined();
    }
    expect(volumes(objects).map(pv => pv.spec.claimRef.namespace)).toEqual(['shop', 'shop', 'shop']);
    expect(volumes(objects).map(pv => pv.metadata.name)).toEqual(['shop-data-db-0', 'shop-data-db-1', 'shop-data-db-2']);
    // directories under basePath are named like the volumes: apps of the same name in other namespaces get their own
    expect(volumes(objects).map(pv => (pv.spec.hostPath ?? pv.spec.nfs).path)).toEqual(
      ['/srv/volumes/shop-data-db-0', '/srv/volumes/shop-data-db-1', '/srv/volumes/shop-data-db-2']);
    // the namespaced objects keep it
    expect(objects.filter(o => o.kind === 'StatefulSet' || o.kind === 'Service').map(o => o.metadata.namespace)).toEqual(['shop', 'shop']);
  });

  test('a claim with StorageClass.none(): volumes without a class', () => {
    const chart = freshChart();
    const app = new StatefulApp(chart, 'db', {
      container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/var/lib/db', storageClass: StorageClass.none() }],
    });
    buildSet(chart, { app, claim: 'data', paths: VolumePaths.under('/srv/volumes') });
    expect(volumes(synth(chart)).map(pv => pv.spec.storageClassName)).toEqual(['']);
  });

  test('a claim without a class of its own: the volumes carry the app\'s storageClass', () => {
    const chart = freshChart();
    const local = new StorageClass(chart, 'app-local', { provisioner: StorageClass.NO_PROVISIONER });
    const app = new StatefulApp(chart, 'db', {
      storageClass: local,
      container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/var/lib/db' }],
    });
    const set = buildSet(chart, { app, claim: 'data', paths: VolumePaths.under('/srv/volumes') });
    const objects = synth(chart);
    expect(set.storageClassName).toBe('app-local');
    expect(volumes(objects).map(pv => pv.spec.storageClassName)).toEqual(['app-local']);
    expect(objects.find(o => o.kind === 'StatefulSet').spec.volumeClaimTemplates[0].spec.storageClassName).toBe('app-local');
  });

  describe('fails at synth time on bad input', () => {
    const fails = (props: Partial<StaticVolumeSetProps> & { paths?: VolumePaths }, message: RegExp,
      appProps: Partial<StatefulAppProps> = {}) => {
      const chart = freshChart();
      const app = buildApp(chart, appProps);
      expect(() => buildSet(chart, { app, claim: 'data', paths: VolumePaths.under('/srv/volumes'), ...props })).toThrow(message);
    };

    test('fails on fewer volumes than replicas, naming the pod that would stay Pending', () => {
      fails({ paths: VolumePaths.of(['/srv/a', '/srv/b']) },
        /test\/volumes: invalid paths \["\/srv\/a","\/srv\/b"\]: gives 2 volume\(s\) for 3 replicas: pod db-2 would stay Pending, because its claim data-db-2 has no volume; give one path per replica/);
    });

    test('fails on a capacity below the claim\'s request', () => {
      fails({ capacity: Size.gibibytes(5) },
        /test\/volumes: invalid capacity "5Gi": is below the request of claim "data" \(10Gi\).*give at least 10Gi/);
    });

    test('fails on access modes that do not cover the claim\'s', () => {
      fails({ accessModes: [kplus.PersistentVolumeAccessMode.READ_ONLY_MANY] },
        /test\/volumes: invalid accessModes \["ReadOnlyMany"\]: do not cover the access modes of claim "data" \(ReadWriteOnce\).*add ReadWriteOnce/);
    });

    test('fails on a relative path', () => {
      fails({ paths: VolumePaths.of(['/srv/a', 'srv/b', '/srv/c']) },
        /test\/volumes: invalid paths\[1\] "srv\/b": must be an absolute path/);
    });

    test('fails on a relative base path', () => {
      fails({ paths: VolumePaths.under('srv/volumes') }, /test\/volumes: invalid paths.basePath "srv\/volumes": must be an absolute path/);
    });

    // basePath and paths are one choice now (VolumePaths.under or VolumePaths.of); untyped callers
    // can still pass the old plain objects or nothing at all.
    test('fails on a plain { basePath, paths } object from an untyped caller', () => {
      fails({ paths: { basePath: '/srv', paths: ['/a', '/b', '/c'] } as any },
        /^test\/volumes: invalid paths \{"basePath":"\/srv","paths":\["\/a","\/b","\/c"\]\}: must be VolumePaths.under\(basePath\) or VolumePaths.of\(\[...\]\)$/);
    });

    test('fails on a plain list of paths from an untyped caller', () => {
      fails({ paths: ['/a', '/b', '/c'] as any },
        /^test\/volumes: invalid paths \["\/a","\/b","\/c"\]: must be VolumePaths.under\(basePath\) or VolumePaths.of\(\[...\]\)$/);
    });

    test('fails on no paths from an untyped caller', () => {
      fails({ paths: undefined as any },
        /^test\/volumes: invalid paths \(not set\): must be VolumePaths.under\(basePath\) or VolumePaths.of\(\[...\]\)$/);
    });

    test('fails on two volumes with the same directory', () => {
      fails({ paths: VolumePaths.of(['/srv/a', '/srv/b', '/srv/a/']) }, /invalid paths "\/srv\/a": .*give each its own directory/);
    });

    test('fails on a claim name the app does not have', () => {
      fails({ claim: 'logs' }, /test\/volumes: invalid claim "logs": is not a volume claim of app test\/db \(its claims: data\)/);
    });

    test('fails on a claim that names no StorageClass', () => {
      fails({}, /test\/volumes: invalid claim "data": names no StorageClass.*Give the claim storageClass/, {
        volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db' }],
      });
    });

    test('fails on reclaim policy Recycle, explaining why', () => {
      // Recycle is not a member of PersistentVolumeReclaimPolicy; untyped callers can still pass it.
      fails({ reclaimPolicy: 'Recycle' as kplus.PersistentVolumeReclaimPolicy },
        /test\/volumes: invalid reclaimPolicy "Recycle": Recycle is refused: it deletes every file on the volume \(rm -rf\).*PersistentVolumeReclaimPolicy.RETAIN/);
    });

    test('fails on a list of volume names whose length does not match', () => {
      fails({ volumeNames: ['pv-a', 'pv-b'] },
        /test\/volumes: invalid volumeNames \["pv-a","pv-b"\]: has 2 entries for 3 volumes \(ordinals 0 to 2\); give exactly one per volume/);
    });

    test('fails on a volume name that is not a DNS subdomain', () => {
      fails({ volumeNames: ['pv-a', 'PV_B', 'pv-c'] }, /invalid volumeNames\[1\] "PV_B": must be a DNS subdomain/);
    });

    test('fails on duplicate volume names', () => {
      fails({ volumeNames: ['pv-a', 'pv-b', 'pv-a'] }, /invalid volumeNames "pv-a": volume names must be unique/);
    });

    test('fails on an empty list of access modes', () => {
      fails({ accessModes: [] }, /invalid accessModes \[\]: give at least the claim's access modes \(ReadWriteOnce\)/);
    });
  });
});

describe('VolumePaths', () => {
  test('under(basePath): the base directory, no list', () => {
    const paths = VolumePaths.under('/srv/volumes');
    expect(paths.basePath).toBe('/srv/volumes');
    expect(paths.paths).toBeUndefined();
  });

  test('of(paths): a copy of the list, no base directory', () => {
    const list = ['/a', '/b'];
    const paths = VolumePaths.of(list);
    list.push('/c');
    expect(paths.paths).toEqual(['/a', '/b']);
    expect(paths.basePath).toBeUndefined();
  });

  test.each(KINDS)('under(): one directory per replica named like its volume, from the start ordinal, trailing slashes dropped (%s)', (_kind, buildSet) => {
    const chart = freshChart({ namespace: 'shop' });
    const app = buildApp(chart, { startOrdinal: 3, replicas: 2 });
    const set = buildSet(chart, { app, claim: 'data', paths: VolumePaths.under('/srv/volumes//') });
    const pvs = volumes(synth(chart));
    expect(pvs.map(pv => (pv.spec.hostPath ?? pv.spec.nfs).path)).toEqual(['/srv/volumes/shop-data-db-3', '/srv/volumes/shop-data-db-4']);
    expect(pvs.map(pv => pv.metadata.name)).toEqual(['shop-data-db-3', 'shop-data-db-4']);
    expect(set.volumeNames).toEqual(['shop-data-db-3', 'shop-data-db-4']);
  });

  test.each(KINDS)('of(): the given directories in ordinal order, one volume each (%s)', (_kind, buildSet) => {
    const chart = freshChart();
    const app = buildApp(chart, { replicas: 2 });
    buildSet(chart, { app, claim: 'data', paths: VolumePaths.of(['/mnt/b', '/mnt/a', '/mnt/c']) });
    const pvs = volumes(synth(chart));
    expect(pvs.map(pv => [(pv.spec.hostPath ?? pv.spec.nfs).path, pv.spec.claimRef.name])).toEqual([
      ['/mnt/b', 'data-db-0'], ['/mnt/a', 'data-db-1'], ['/mnt/c', 'data-db-2'],
    ]);
  });
});

describe('StaticVolumeSet.ownershipInitContainer', () => {
  test('defaults: chowns the top of the volume as root with only CHOWN, before the app starts', () => {
    const chart = freshChart();
    buildApp(chart, {
      containerSecurity: { user: 999 },
      initContainers: [StaticVolumeSet.ownershipInitContainer({ claim: 'data', user: 999 })],
    });
    const objects = synth(chart);
    const pod = objects.find(o => o.kind === 'StatefulSet').spec.template.spec;
    expect(pod.initContainers).toHaveLength(1);
    const init = pod.initContainers[0];
    expect(init.name).toBe('chown-data');
    expect(init.image).toBe('busybox:1.36');
    expect(init.command).toEqual(['chown', '999:999', '/volume']);
    expect(init.volumeMounts).toEqual([{ name: 'data', mountPath: '/volume' }]);
    expect(init.securityContext).toEqual({
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    // the app itself still runs as non-root
    expect(pod.containers[0].securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext.runAsUser).toBe(999);
    expect(toYaml([init])).toMatchSnapshot();
  });

  test('customised: group, recursive, image, name', () => {
    const init = StaticVolumeSet.ownershipInitContainer({
      claim: 'data', user: 1000, group: 2000, recursive: true, image: 'registry.example.com/busybox:1.36', name: 'prepare',
    });
    expect(init.name).toBe('prepare');
    expect(init.image).toBe('registry.example.com/busybox:1.36');
    expect(init.command).toEqual(['chown', '-R', '1000:2000', '/volume']);
    expect(init.containerSecurity?.addCapabilities).toEqual(['CHOWN', 'DAC_OVERRIDE']);
  });

  test('fails on a negative user', () => {
    expect(() => StaticVolumeSet.ownershipInitContainer({ claim: 'data', user: -1 })).toThrow(
      /StaticVolumeSet.ownershipInitContainer\(\): invalid user -1: must be an integer >= 0/);
  });

  test('fails on a group that is not an integer', () => {
    expect(() => StaticVolumeSet.ownershipInitContainer({ claim: 'data', user: 1000, group: 1.5 })).toThrow(
      /StaticVolumeSet.ownershipInitContainer\(\): invalid group 1.5: must be an integer >= 0/);
  });
});
