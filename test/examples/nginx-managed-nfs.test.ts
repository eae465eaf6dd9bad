import { Testing } from 'cdk8s';
import { NginxManagedNfsChart } from '../../examples/nginx-managed-nfs/chart';
import { expectParity } from '../util/parity';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// No value of the reference is changed: the list of allowed deviations is empty.

const synth = () => Testing.synth(new NginxManagedNfsChart(Testing.app(), 'nginx-managed-nfs'));

describe('example nginx-managed-nfs', () => {
  const objects = synth();

  test('reproduces every value of the reference', () => {
    expectParity('nginx-managed-nfs.yaml', objects, []);
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
  });

  test('synthesizes byte-identical YAML twice', () => {
    expect(toYaml(synth())).toEqual(toYaml(objects));
  });

  test('claims come from the existing class managed-nfs-storage; the example creates no class and no volume', () => {
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'managed-nfs-storage', resources: { requests: { storage: '2Gi' } }, volumeMode: 'Filesystem' },
    }]);
    expect(objects.filter(o => o.kind === 'StorageClass' || o.kind === 'PersistentVolume')).toEqual([]);
  });

  test('both Services select the StatefulSet\'s pods', () => {
    const sts = objects.find(o => o.kind === 'StatefulSet');
    const headless = objects.find(o => o.kind === 'Service' && o.metadata.name === 'linux-headless');
    const client = objects.find(o => o.kind === 'Service' && o.metadata.name === 'nginx-web-sts-svc');
    expect(sts.spec.serviceName).toBe('linux-headless');
    expect(headless.spec.clusterIP).toBe('None');
    expect(client.spec.clusterIP).toBeUndefined();
    expect(client.spec.ports).toEqual([{ port: 80, targetPort: 80 }]);
    for (const svc of [headless, client]) {
      expect(svc.spec.selector).toEqual({ apps: 'nginx' });
    }
    expect(sts.spec.selector.matchLabels).toEqual({ apps: 'nginx' });
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
