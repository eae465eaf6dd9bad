// The plan of the real reference manifests in test/fixtures/reference.
import { planOf, REFERENCE, run, statefulSet } from './helpers';
import { renderMarkdown, renderText } from '../../src/plan/render';

describe('plan of redis-hostpath.yaml', () => {
  const plan = planOf(['redis-hostpath.yaml'], REFERENCE);
  const redis = statefulSet(plan, 'redis');

  test('serviceName myapp-redis has no headless Service, and the Service that selects the pods is named', () => {
    expect(redis.governingService).toEqual({ name: 'myapp-redis', found: false, headless: false, selectsPods: false });
    const problem = redis.problems.find((p) => p.message.includes('serviceName myapp-redis has no headless Service'));
    expect(problem?.severity).toBe('error');
    expect(problem?.fix).toContain('the headless Service myapp selects these pods');
    // DNS names are still what the pods would be called.
    expect(redis.pods.map((p) => p.dnsName)).toEqual([
      'redis-0.myapp-redis.default.svc.cluster.local',
      'redis-1.myapp-redis.default.svc.cluster.local',
    ]);
  });

  test('pv001 and pv002 are unbound candidates and the binder picks arbitrarily', () => {
    for (const pod of redis.pods) {
      expect(pod.claims).toHaveLength(1);
      const r = pod.claims[0].resolution;
      expect(r.kind).toBe('candidates');
      expect(r.candidates?.map((v) => v.name)).toEqual(['pv001', 'pv002']);
      expect(r.summary).toContain('the binder picks one arbitrarily');
    }
    expect(redis.pods[1].claims[0].name).toBe('redis-data-redis-1');
    expect(redis.volumes.map((v) => [v.name, v.source, v.node])).toEqual([
      ['pv001', 'hostPath /data/data1', null],
      ['pv002', 'hostPath /data/data2', null],
    ]);
    const flaw = redis.problems.find((p) => p.message.includes('picks one arbitrarily'));
    expect(flaw?.message).toContain('redis-1 can end up with the volume that held redis-0\'s data');
  });

  test('hostPath volumes without nodeAffinity and Recycle are reported', () => {
    const found = plan.problems.map((p) => [p.subject, p.message.split(':')[0]]);
    expect(found).toEqual([
      ['PersistentVolume pv001', 'a hostPath volume without nodeAffinity'],
      ['PersistentVolume pv001', 'reclaim policy Recycle (deprecated)'],
      ['PersistentVolume pv002', 'a hostPath volume without nodeAffinity'],
      ['PersistentVolume pv002', 'reclaim policy Recycle (deprecated)'],
    ]);
  });

  test('text output names the missing Service and the candidates', () => {
    const { code, stdout } = run(['plan', 'redis-hostpath.yaml'], REFERENCE);
    expect(code).toBe(0);
    expect(stdout).toContain('error: serviceName myapp-redis has no headless Service');
    expect(stdout).toContain('claim redis-data-redis-0 (1Gi, ReadWriteMany): one of 2 unbound PersistentVolumes (pv001, pv002): the binder picks one arbitrarily');
  });
});

describe('plan of nginx-nfs.yaml', () => {
  const plan = planOf(['nginx-nfs.yaml'], REFERENCE);
  const sts = statefulSet(plan, 'nginx-statefulset');

  test('5 claims, each with the same 5 candidate NFS volumes, bound arbitrarily', () => {
    const claims = sts.pods.flatMap((p) => p.claims);
    expect(claims.map((c) => c.name)).toEqual([0, 1, 2, 3, 4].map((i) => `nginxdata-nginx-statefulset-${i}`));
    for (const c of claims) {
      expect(c.storage).toBe('5Gi');
      expect(c.resolution.kind).toBe('candidates');
      expect(c.resolution.candidates).toHaveLength(5);
    }
    expect(sts.volumes.map((v) => v.source)).toEqual([1, 2, 3, 4, 5].map((i) => `nfs 192.168.1.34:/data/volumes/v${i}`));
    const flaw = sts.problems.find((p) => p.message.includes('arbitrarily'));
    expect(flaw?.severity).toBe('warning');
    expect(flaw?.message).toContain('nginx-statefulset-4 can end up with the volume that held nginx-statefulset-0\'s data');
    expect(flaw?.fix).toContain('spec.claimRef: { namespace: default, name: nginxdata-nginx-statefulset-0 }');
  });

  test('warns that a default StorageClass would bypass the static volumes', () => {
    expect(sts.pods[0].claims[0].resolution.notes[0]).toContain('set storageClassName: "" to bind only to volumes without a class');
  });

  test('no competition: there are as many volumes as claims', () => {
    expect(sts.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});

describe('plan of zookeeper.yaml', () => {
  const plan = planOf(['zookeeper.yaml'], REFERENCE);
  const zk = statefulSet(plan, 'zk');

  test('quorum 2 of 3, and the budget (maxUnavailable 1) keeps it', () => {
    expect(zk.disruption.budgets).toEqual([
      { name: 'zk-pdb', rule: 'maxUnavailable: 1', expectedPods: 3, allowedDisruptions: 1, alsoSelects: [] },
    ]);
    expect(zk.disruption.drain).toBe('proceeds');
    expect(zk.disruption.quorum).toMatchObject({ servers: 3, quorum: 2, budgetKeepsQuorum: true });
    expect(zk.problems).toEqual([]);
  });

  test('pods start one at a time with stable DNS names and 10Gi claims', () => {
    expect(zk.podManagementPolicy).toBe('OrderedReady');
    expect(zk.pods.map((p) => [p.name, p.dnsName, p.claims[0].name])).toEqual([
      ['zk-0', 'zk-0.zk-hs.default.svc.cluster.local', 'datadir-zk-0'],
      ['zk-1', 'zk-1.zk-hs.default.svc.cluster.local', 'datadir-zk-1'],
      ['zk-2', 'zk-2.zk-hs.default.svc.cluster.local', 'datadir-zk-2'],
    ]);
    expect(zk.pods[0].claims[0].resolution.kind).toBe('cluster-default');
    expect(zk.governingService).toEqual({ name: 'zk-hs', found: true, headless: true, selectsPods: true });
  });

  test('updates roll zk-2, zk-1, zk-0; scale down removes zk-2 first and keeps claims', () => {
    expect(zk.update).toMatchObject({ strategy: 'RollingUpdate', partition: 0, rolls: ['zk-2', 'zk-1', 'zk-0'], untouched: [] });
    expect(zk.scaleDown).toMatchObject({ order: ['zk-2', 'zk-1', 'zk-0'], whenScaled: 'Retain', whenDeleted: 'Retain' });
  });

  test('--cluster-domain changes the DNS names', () => {
    const other = planOf(['zookeeper.yaml'], REFERENCE, { clusterDomain: 'example.internal' });
    expect(statefulSet(other, 'zk').pods[2].dnsName).toBe('zk-2.zk-hs.default.svc.example.internal');
  });

  test('text output (snapshot)', () => {
    const text = renderText({ plan, diff: null });
    expect(text).toContain('ZooKeeper quorum is 2 of 3 servers; the budget allows 1 down at a time, leaving 2: quorum holds during drains');
    expect(text).toContain('    1. zk-0  zk-0.zk-hs.default.svc.cluster.local');
    expect(text).toContain('Summary: 1 StatefulSet, 3 pods, 3 claims; 0 errors, 0 warnings; nothing the API server refuses.');
    expect(text).toMatchSnapshot();
  });

  test('markdown output (snapshot)', () => {
    const markdown = renderMarkdown({ plan, diff: null });
    expect(markdown).toContain('### StatefulSet `default/zk`');
    expect(markdown).toContain('| 1 | `zk-0` | `zk-0.zk-hs.default.svc.cluster.local` | claim datadir-zk-0 (10Gi, ReadWriteOnce)');
    expect(markdown).toMatchSnapshot();
  });
});

describe('plan of web-parallel.yaml and web.yaml', () => {
  test('Parallel starts all pods at once', () => {
    const web = statefulSet(planOf(['web-parallel.yaml'], REFERENCE), 'web');
    expect(web.podManagementPolicy).toBe('Parallel');
    expect(web.startMessage).toBe('Parallel: all 2 pods are created at once, without waiting for each other');
    expect(web.scaleDown.message).toContain('Parallel: all removed pods terminate at once');
    // Rolling updates stay one at a time, highest first.
    expect(web.update.rolls).toEqual(['web-1', 'web-0']);
  });

  test('OrderedReady starts one at a time', () => {
    const web = statefulSet(planOf(['web.yaml'], REFERENCE), 'web');
    expect(web.startMessage).toContain('OrderedReady: one at a time');
  });
});

describe('plan of the other reference manifests', () => {
  test('cassandra claims are provisioned by the StorageClass fast of the input', () => {
    const plan = planOf(['cassandra-service.yaml', 'cassandra-statefulset.yaml'], REFERENCE);
    const claim = statefulSet(plan, 'cassandra').pods[0].claims[0];
    expect(claim.resolution.kind).toBe('storage-class');
    expect(claim.resolution.storageClass).toMatchObject({ name: 'fast', provisioner: 'k8s.io/minikube-hostpath', volumeBindingMode: 'Immediate', reclaimPolicy: 'Delete' });
  });

  test('a StorageClass that is not in the input may exist in the cluster', () => {
    const sts = statefulSet(planOf(['nginx-managed-nfs.yaml'], REFERENCE), 'nginx-web-sts-vct');
    const r = sts.pods[0].claims[0].resolution;
    expect(r.kind).toBe('unsatisfied');
    expect(r.mayExistInCluster).toBe(true);
    expect(r.summary).toContain('StorageClass "managed-nfs-storage" is not in the input and no PersistentVolume in the input matches. It may exist in the cluster');
    expect(sts.problems.map((p) => p.severity)).toEqual(['warning']);
  });

  test('the whole folder: duplicates are reported and the wordpress Deployments are read for selectors', () => {
    const plan = planOf(['.'], REFERENCE);
    expect(plan.input.files).toHaveLength(10);
    expect(plan.input.read).toMatchObject({ Deployment: 2, PersistentVolumeClaim: 2 });
    // web.yaml and web-parallel.yaml define the same Service and StatefulSet.
    const dups = plan.problems.filter((p) => p.message.startsWith('defined more than once'));
    expect(dups.map((p) => p.subject)).toEqual(['Service default/nginx', 'StatefulSet default/web']);
    expect(dups[1].message).toContain('(web-parallel.yaml:15 and web.yaml:15)');
    const webs = plan.statefulSets.filter((s) => s.name === 'web');
    expect(webs.map((s) => s.source.file)).toEqual(['web.yaml']);
    // The wordpress Services select the Deployments' pods: none selects nothing.
    expect(plan.problems.filter((p) => p.message.includes('selects no pods'))).toEqual([]);
  });
});
