import { Testing } from 'cdk8s';
import { NginxNfsChart } from '../../examples/nginx-nfs/chart';
import { AllowedDeviation, expectParity } from '../util/parity';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// See examples/nginx-nfs/README.md for each changed value.
const DEVIATIONS: AllowedDeviation[] = [
  {
    kind: 'PersistentVolume',
    name: 'pv-nfs-002',
    path: 'spec.accessModes',
    reason: 'all volumes of a set share their access modes: pv-nfs-002 also offers ReadWriteMany, like the other four; '
      + 'the claims ask for ReadWriteOnce only',
  },
  {
    kind: 'Service',
    name: 'nginx-svc',
    path: 'metadata.labels.app',
    reason: 'one label map per app: the Service carries the app\'s label app: nginx-pod, the label its selector uses',
  },
];

const synth = () => Testing.synth(new NginxNfsChart(Testing.app(), 'nginx-nfs'));

describe('example nginx-nfs', () => {
  const objects = synth();

  test('reproduces every value of the reference, with the named deviations', () => {
    expectParity('nginx-nfs.yaml', objects, DEVIATIONS);
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
  });

  test('synthesizes byte-identical YAML twice', () => {
    expect(toYaml(synth())).toEqual(toYaml(objects));
  });

  test('five NFS volumes, export v<i+1> pre-bound to the claim of pod i', () => {
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.spec.replicas).toBe(5);
    const template = sts.spec.volumeClaimTemplates[0];
    const sc = objects.find(o => o.kind === 'StorageClass');
    expect(sc.provisioner).toBe('kubernetes.io/no-provisioner');
    expect(template.spec.storageClassName).toBe(sc.metadata.name);

    const pvs = objects.filter(o => o.kind === 'PersistentVolume');
    expect(pvs).toHaveLength(5);
    pvs.forEach((pv, i) => {
      expect(pv.metadata.name).toBe(`pv-nfs-00${i + 1}`);
      expect(pv.metadata.namespace).toBeUndefined();
      expect(pv.metadata.labels.name).toBe(`pv00${i + 1}`);
      expect(pv.spec.nfs).toEqual({ server: '192.168.1.34', path: `/data/volumes/v${i + 1}`, readOnly: false });
      expect(pv.spec.claimRef).toEqual({ name: `nginxdata-nginx-statefulset-${i}`, namespace: 'default' });
      expect(pv.spec.capacity).toEqual({ storage: '5Gi' });
      expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
      expect(pv.spec.storageClassName).toBe(sc.metadata.name);
    });
  });

  test('the headless Service governs the StatefulSet', () => {
    const svc = objects.find(o => o.kind === 'Service');
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(svc.spec.selector).toEqual({ app: 'nginx-pod' });
    expect(sts.spec.selector.matchLabels).toEqual(svc.spec.selector);
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
