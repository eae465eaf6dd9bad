import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { StatefulApp, StorageClass, StorageClassProps, VolumeBindingMode, VolumeClaimProps } from '../src';
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
      fails({ provisioner: '' }, /test\/fast: invalid provisioner "": must be a provisioner name without spaces.*StorageClass.NO_PROVISIONER/);
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

  test('an existing class by name, a plain name, "" for none, or the cluster default', () => {
    const className = (claim: Partial<VolumeClaimProps>) => {
      const chart = freshChart();
      const app = appWithClaim(chart, claim);
      const sts = find(synth(chart), 'StatefulSet', 'db');
      expect(app.claimStorageClassName('data')).toBe(sts.spec.volumeClaimTemplates[0].spec.storageClassName);
      return sts.spec.volumeClaimTemplates[0].spec.storageClassName;
    };
    expect(className({ storageClass: StorageClass.fromStorageClassName('managed-nfs-storage') })).toBe('managed-nfs-storage');
    expect(className({ storageClassName: 'standard' })).toBe('standard');
    expect(className({ storageClassName: '' })).toBe('');
    expect(className({})).toBeUndefined();
  });

  test('fails when a claim gives both storageClass and storageClassName', () => {
    const chart = freshChart();
    const sc = new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com' });
    expect(() => appWithClaim(chart, { storageClass: sc, storageClassName: 'slow' })).toThrow(
      /test\/db: invalid volumeClaims\[0\].storageClassName "slow": give either storageClass \(here "fast"\) or storageClassName, not both/);
  });

  test('fails when a claim names a class that is not a DNS subdomain', () => {
    expect(() => appWithClaim(freshChart(), { storageClassName: 'Fast SSD' })).toThrow(
      /test\/db: invalid volumeClaims\[0\].storageClassName "Fast SSD": must be a DNS subdomain/);
  });
});
