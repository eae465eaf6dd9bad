import { Testing } from 'cdk8s';
import { ZooKeeperChart } from '../../examples/zookeeper/chart';
import { ZooKeeperArgoCdChart } from '../../examples/zookeeper-argocd/chart';
import { expectParity, loadReference } from '../util/parity';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// The ZooKeeper tutorial with the Argo CD preset on the whole chart. No value of the tutorial's
// manifest is changed (the list of allowed deviations is empty): the preset only adds annotations.

const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const synth = () => Testing.synth(new ZooKeeperArgoCdChart(Testing.app(), 'zookeeper-argocd'));

describe('example zookeeper-argocd', () => {
  const objects = synth();

  test('reproduces every value of the reference', () => {
    expectParity('zookeeper.yaml', objects, []);
  });

  test('has the same objects as the reference, nothing more', () => {
    const names = (list: any[]) => list.map(o => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(objects)).toEqual(names(loadReference('zookeeper.yaml')));
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
  });

  test('Services in wave -1, the StatefulSet in wave 0, the budget in wave 1; the claim template is never pruned or deleted', () => {
    expect(objects.map(o => [`${o.kind}/${o.metadata.name}`, o.metadata.annotations])).toEqual([
      ['Service/zk-hs', { [SYNC_WAVE]: '-1' }],
      ['Service/zk-cs', { [SYNC_WAVE]: '-1' }],
      ['StatefulSet/zk', { [SYNC_WAVE]: '0' }],
      ['PodDisruptionBudget/zk-pdb', { [SYNC_WAVE]: '1' }],
    ]);
    const sts = objects.find(o => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].metadata).toEqual({
      name: 'datadir', annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
    });
  });

  test('apart from the annotations, the objects are those of the zookeeper example', () => {
    const strip = (list: any[]) => JSON.parse(JSON.stringify(list), (key, value) => (key === 'annotations' ? undefined : value));
    expect(strip(objects)).toEqual(strip(Testing.synth(new ZooKeeperChart(Testing.app(), 'zookeeper'))));
  });

  test('synthesizing twice gives identical YAML', () => {
    expect(toYaml(synth())).toEqual(toYaml(objects));
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
