import { Testing } from 'cdk8s';
import { RedisHostPathChart } from '../../examples/redis-hostpath/chart';
import { AllowedDeviation, expectParity } from '../util/parity';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// The two flaws of the reference are fixed on purpose (see examples/redis-hostpath/README.md).
const DEVIATIONS: AllowedDeviation[] = [
  {
    kind: 'Service',
    name: 'myapp',
    path: '',
    reason: 'the headless Service is named myapp-redis, the StatefulSet\'s serviceName, so the pods get DNS records; '
      + 'the reference names it myapp, which governs nothing',
  },
  {
    kind: 'PersistentVolume',
    name: 'pv001',
    path: 'spec.persistentVolumeReclaimPolicy',
    reason: 'Retain instead of the deprecated Recycle, which erases the volume when its claim is released',
  },
  {
    kind: 'PersistentVolume',
    name: 'pv002',
    path: 'spec.persistentVolumeReclaimPolicy',
    reason: 'Retain instead of the deprecated Recycle, which erases the volume when its claim is released',
  },
];

const synth = () => Testing.synth(new RedisHostPathChart(Testing.app(), 'redis-hostpath'));

describe('example redis-hostpath', () => {
  const objects = synth();

  test('reproduces every value of the reference, except the two fixed flaws', () => {
    expectParity('redis-hostpath.yaml', objects, DEVIATIONS);
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
  });

  test('synthesizes byte-identical YAML twice', () => {
    expect(toYaml(synth())).toEqual(toYaml(objects));
  });

  test('the headless Service governs the StatefulSet, and each volume is pre-bound to its pod\'s claim', () => {
    const svc = objects.find(o => o.kind === 'Service');
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(svc.metadata.name).toBe('myapp-redis');
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(svc.spec.selector).toEqual(sts.spec.selector.matchLabels);

    const sc = objects.find(o => o.kind === 'StorageClass');
    expect(sc.provisioner).toBe('kubernetes.io/no-provisioner');
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe(sc.metadata.name);

    const pvs = objects.filter(o => o.kind === 'PersistentVolume');
    expect(pvs.map(pv => [pv.metadata.name, pv.spec.hostPath.path, pv.spec.claimRef.name])).toEqual([
      ['pv001', '/data/data1', 'redis-data-redis-0'],
      ['pv002', '/data/data2', 'redis-data-redis-1'],
    ]);
    for (const pv of pvs) {
      expect(pv.spec.claimRef.namespace).toBe('default');
      expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
      expect(pv.spec.storageClassName).toBe(sc.metadata.name);
      expect(pv.spec.nodeAffinity).toBeUndefined();
    }
  });

  test('redis runs as its own user; only the init container that prepares the directory runs as root', () => {
    const pod = objects.find(o => o.kind === 'StatefulSet').spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const redis = pod.containers[0];
    expect(redis.securityContext).toMatchObject({
      runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    });
    expect(redis.securityContext.capabilities.add).toBeUndefined();
    const [init] = pod.initContainers;
    expect(init.command).toEqual(['chown', '999:999', '/volume']);
    expect(init.volumeMounts).toEqual([{ name: 'redis-data', mountPath: '/volume' }]);
    expect(init.securityContext).toMatchObject({ runAsUser: 0, runAsNonRoot: false, capabilities: { drop: ['ALL'], add: ['CHOWN'] } });
  });

  test('pins each volume to a node when nodes are given', () => {
    const pinned = Testing.synth(new RedisHostPathChart(Testing.app(), 'redis-hostpath', { nodes: ['node-a', 'node-b'] }));
    validateManifests(pinned);
    const pvs = pinned.filter(o => o.kind === 'PersistentVolume');
    expect(pvs.map(pv => pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values)).toEqual([['node-a'], ['node-b']]);
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
