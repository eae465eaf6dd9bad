import { Testing } from 'cdk8s';
import { WebChart } from '../../examples/web/chart';
import { WebParallelChart } from '../../examples/web-parallel/chart';
import { expectParity } from '../util/parity';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// No value of the tutorial's manifests is changed: the list of allowed deviations is empty.

describe.each([
  ['web', 'web.yaml', 'OrderedReady', (app: any) => new WebChart(app, 'web')],
  ['web-parallel', 'web-parallel.yaml', 'Parallel', (app: any) => new WebParallelChart(app, 'web-parallel')],
])('example %s', (_name, reference, policy, build) => {
  const objects = Testing.synth(build(Testing.app()));

  test('reproduces every value of the reference', () => {
    expectParity(reference, objects, []);
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
  });

  test('wires the Service, StatefulSet and budget to the same labels, and states what it relaxed', () => {
    const svc = objects.find(o => o.kind === 'Service');
    const sts = objects.find(o => o.kind === 'StatefulSet');
    const pdb = objects.find(o => o.kind === 'PodDisruptionBudget');
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(svc.spec.clusterIP).toBe('None');
    expect(sts.spec.podManagementPolicy).toBe(policy);
    for (const selector of [svc.spec.selector, sts.spec.selector.matchLabels, pdb.spec.selector.matchLabels, sts.spec.template.metadata.labels]) {
      expect(selector).toEqual({ app: 'nginx' });
    }
    const c = sts.spec.template.spec.containers[0];
    // relaxed for nginx-slim (see examples/web/README.md); everything else stays hardened
    expect(c.securityContext).toEqual({
      runAsNonRoot: false,
      privileged: false,
      readOnlyRootFilesystem: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(sts.spec.template.spec.securityContext).toEqual({ runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } });
    expect(sts.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
