import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { StatefulApp, StatefulAppProps, StorageClass, StorageClassProps, VolumeBindingMode, VolumeClaimProps } from '../src';
import { freshChart, synthValidated as synth, toYaml } from './util/synth';

function find(objects: any[], kind: string, name?: string): any {
  const found = objects.filter(o => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found).toHaveLength(1);
  return found[0];
}

function appWithClaim(chart: Chart, claim: Partial<VolumeClaimProps>): StatefulApp {
  return new StatefulApp(chart, 'db', {
    container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db', ...claim }],
  });
}

describe('StorageClass', () => {
  test('defaults: named after the id, Retain, WaitForFirstConsumer, no expansion, not the default class', () => {
    const chart = freshChart();
    const sc = new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com' });
    const objects = synth(chart);
    const obj = find(objects, 'StorageClass', 'fast');
    expect(sc.storageClassName).toBe('fast');
    expect(obj).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fast' },
      provisioner: 'ebs.csi.aws.com',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: false,
    });
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('customised: name, parameters, Delete, Immediate, expansion, mount options, cluster default', () => {
    const chart = freshChart();
    const sc = new StorageClass(chart, 'Fast', {
      name: 'managed-nfs-storage',
      provisioner: 'k8s-sigs.io/nfs-subdir-external-provisioner',
      parameters: { archiveOnDelete: 'true' },
      reclaimPolicy: kplus.PersistentVolumeReclaimPolicy.DELETE,
      volumeBindingMode: VolumeBindingMode.IMMEDIATE,
      allowVolumeExpansion: true,
      mountOptions: ['nfsvers=4.1', 'hard'],
      isDefault: true,
    });
    const objects = synth(chart);
    const obj = find(objects, 'StorageClass', 'managed-nfs-storage');
    expect(sc.storageClassName).toBe('managed-nfs-storage');
    expect(sc.apiObject.name).toBe('managed-nfs-storage');
    expect(obj.metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
    expect(obj.provisioner).toBe('k8s-sigs.io/nfs-subdir-external-provisioner');
    expect(obj.parameters).toEqual({ archiveOnDelete: 'true' });
    expect(obj.reclaimPolicy).toBe('Delete');
    expect(obj.volumeBindingMode).toBe('Immediate');
    expect(obj.allowVolumeExpansion).toBe(true);
    expect(obj.mountOptions).toEqual(['nfsvers=4.1', 'hard']);
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('a class for static volumes: NO_PROVISIONER', () => {
    const chart = freshChart();
    new StorageClass(chart, 'local-static', { provisioner: StorageClass.NO_PROVISIONER });
    const obj = find(synth(chart), 'StorageClass', 'local-static');
    expect(obj.provisioner).toBe('kubernetes.io/no-provisioner');
    expect(obj.volumeBindingMode).toBe('WaitForFirstConsumer');
  });

  test('is cluster-scoped: no namespace, also in a chart that has one', () => {
    const chart = freshChart({ namespace: 'shop' });
    const sc = new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com' });
    appWithClaim(chart, { storageClass: sc });
    const objects = synth(chart);
    expect(find(objects, 'StorageClass', 'fast').metadata).toEqual({ name: 'fast' });
    // namespaced objects of the same chart keep the chart's namespace
    expect(find(objects, 'StatefulSet', 'db').metadata.namespace).toBe('shop');
  });

  test('fromStorageClassName refers to a class the cluster already has', () => {
    expect(StorageClass.fromStorageClassName('managed-nfs-storage').storageClassName).toBe('managed-nfs-storage');
  });

  describe('fails at synth time on bad input', () => {
    const fails = (props: StorageClassProps, message: RegExp) =>
      expect(() => new StorageClass(freshChart(), 'fast', props)).toThrow(message);

    test('fails on reclaim policy Recycle, explaining why', () => {
      // Recycle is not a member of PersistentVolumeReclaimPolicy; untyped callers can still pass it.
      fails({ provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Recycle' as kplus.PersistentVolumeReclaimPolicy },
        /test\/fast: invalid reclaimPolicy "Recycle": Recycle is refused: it deletes every file on the volume.*Use PersistentVolumeReclaimPolicy.RETAIN/);
    });

    test('fails on an unknown reclaim policy', () => {
      fails({ provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'retain' as kplus.PersistentVolumeReclaimPolicy },
        /invalid reclaimPolicy "retain": must be one of PersistentVolumeReclaimPolicy.RETAIN \("Retain"\), PersistentVolumeReclaimPolicy.DELETE \("Delete"\)/);
    });

    test('fails on an empty provisioner', () => {
      fails({ provisioner: '' }, /test\/fast: invalid provisioner "": must be a provisioner name .*StorageClass.NO_PROVISIONER/);
    });

    test('fails on a name that is not a DNS subdomain', () => {
      fails({ name: 'Fast_SSD', provisioner: 'ebs.csi.aws.com' }, /test\/fast: invalid name "Fast_SSD": must be a DNS subdomain/);
    });

    test('fails on an unknown volume binding mode', () => {
      fails({ provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'Lazy' as VolumeBindingMode },
        /invalid volumeBindingMode "Lazy": must be one of VolumeBindingMode.IMMEDIATE \("Immediate"\), VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER/);
    });

    test('fails on a mount option with a comma', () => {
      fails({ provisioner: 'ebs.csi.aws.com', mountOptions: ['nfsvers=4.1,hard'] },
        /invalid mountOptions\[0\] "nfsvers=4.1,hard": must be one mount option without spaces or commas/);
    });

    test('fails on a referenced class name that is not a DNS subdomain', () => {
      expect(() => StorageClass.fromStorageClassName('Managed NFS')).toThrow(
        /StorageClass.fromStorageClassName\(\): invalid storageClassName "Managed NFS": must be a DNS subdomain/);
    });
  });
});

describe('a volume claim takes a StorageClass', () => {
  test('the claim template carries the construct\'s name', () => {
    const chart = freshChart();
    const sc = new StorageClass(chart, 'Fast', { name: 'fast-ssd', provisioner: 'ebs.csi.aws.com' });
    const app = appWithClaim(chart, { storageClass: sc });
    const sts = find(synth(chart), 'StatefulSet', 'db');
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('fast-ssd');
    expect(app.claimStorageClassName('data')).toBe('fast-ssd');
  });

  test('an existing class by name, a plain IStorageClass, none, or the cluster default', () => {
    const className = (claim: Partial<VolumeClaimProps>) => {
      const chart = freshChart();
      const app = appWithClaim(chart, claim);
      const sts = find(synth(chart), 'StatefulSet', 'db');
      expect(app.claimStorageClassName('data')).toBe(sts.spec.volumeClaimTemplates[0].spec.storageClassName);
      return sts.spec.volumeClaimTemplates[0].spec.storageClassName;
    };
    expect(className({ storageClass: StorageClass.fromStorageClassName('managed-nfs-storage') })).toBe('managed-nfs-storage');
    expect(className({ storageClass: { storageClassName: 'standard' } })).toBe('standard');
    expect(className({ storageClass: StorageClass.none() })).toBe('');
    expect(className({})).toBeUndefined();
  });

  // A claim had storageClass and storageClassName, which could both be given; a class is now one
  // prop of type IStorageClass. What can still go wrong: a plain IStorageClass with a bad name, or
  // an untyped caller passing the old name string.
  test('fails when a claim names a class that is not a DNS subdomain', () => {
    expect(() => appWithClaim(freshChart(), { storageClass: { storageClassName: 'Fast SSD' } })).toThrow(
      /^test\/db: invalid volumeClaims\[0\].storageClass.storageClassName "Fast SSD": must be a DNS subdomain/);
  });

  test('fails when an untyped caller gives a claim a class name string instead of a class', () => {
    expect(() => appWithClaim(freshChart(), { storageClass: 'fast-ssd' as any })).toThrow(
      /^test\/db: invalid volumeClaims\[0\].storageClass "fast-ssd": must be a StorageClass, StorageClass.fromStorageClassName\(name\) or StorageClass.none\(\)$/);
  });
});

describe('the app\'s storageClass', () => {
  function app(chart: Chart, props: Partial<StatefulAppProps>): StatefulApp {
    return new StatefulApp(chart, 'db', {
      container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
      volumeClaims: [
        { name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db' },
        { name: 'wal', size: Size.gibibytes(1), mountPath: '/var/lib/wal', storageClass: StorageClass.fromStorageClassName('fast-ssd') },
        { name: 'scratch', size: Size.gibibytes(1), mountPath: '/scratch', storageClass: StorageClass.none() },
      ],
      ...props,
    });
  }
  const classes = (objects: any[]) => find(objects, 'StatefulSet', 'db').spec.volumeClaimTemplates
    .map((t: any) => [t.metadata.name, t.spec.storageClassName]);

  test('is the default of the claims that name none; a claim\'s own class (or none) wins', () => {
    const chart = freshChart();
    const standard = new StorageClass(chart, 'standard', { provisioner: 'ebs.csi.aws.com' });
    const a = app(chart, { storageClass: standard });
    const objects = synth(chart);
    expect(classes(objects)).toEqual([['data', 'standard'], ['wal', 'fast-ssd'], ['scratch', '']]);
    expect(a.claimStorageClassName('data')).toBe('standard');
    expect(a.claimStorageClassName('wal')).toBe('fast-ssd');
    expect(a.claimStorageClassName('scratch')).toBe('');
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('StorageClass.none() for the app: every claim without a class of its own gets storageClassName ""', () => {
    const chart = freshChart();
    app(chart, { storageClass: StorageClass.none() });
    expect(classes(synth(chart))).toEqual([['data', ''], ['wal', 'fast-ssd'], ['scratch', '']]);
  });

  test('without one, a claim without a class leaves it to the cluster\'s default class', () => {
    const chart = freshChart();
    const a = app(chart, {});
    const objects = synth(chart);
    expect('storageClassName' in find(objects, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec).toBe(false);
    expect(classes(objects)).toEqual([['data', undefined], ['wal', 'fast-ssd'], ['scratch', '']]);
    expect(a.claimStorageClassName('data')).toBeUndefined();
  });

  test('fails on an app class that is not a DNS subdomain', () => {
    expect(() => app(freshChart(), { storageClass: { storageClassName: 'Fast SSD' } })).toThrow(
      /^test\/db: invalid storageClass.storageClassName "Fast SSD": must be a DNS subdomain/);
  });

  test('fails when an untyped caller gives the app a class name string instead of a class', () => {
    expect(() => app(freshChart(), { storageClass: 'standard' as any })).toThrow(
      /^test\/db: invalid storageClass "standard": must be a StorageClass, StorageClass.fromStorageClassName\(name\) or StorageClass.none\(\)$/);
  });
});

describe('StorageClass.none()', () => {
  test('is the empty class name, which turns the cluster\'s default class off', () => {
    expect(StorageClass.none().storageClassName).toBe('');
  });
});
