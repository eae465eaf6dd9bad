import { Testing } from 'cdk8s';
import { ZooKeeperTlsChart } from '../../examples/zookeeper-tls/chart';
import { HARDENED_CONTAINER_SECURITY_CONTEXT } from '../util/hardening';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// No reference manifest: the example reproduces no tutorial. Its objects are checked here (the
// Certificate with the cert-manager schema) and by the real-server test of the same configuration
// (test/zookeeper/tls-sasl.test.ts).

function synth() {
  const chart = new ZooKeeperTlsChart(Testing.app(), 'zookeeper-tls');
  return { chart, objects: Testing.synth(chart) };
}

describe('example zookeeper-tls', () => {
  const { chart, objects } = synth();
  const byKind = (kind: string) => objects.filter(o => o.kind === kind);

  test('the ensemble\'s objects plus a Certificate, and no Secret: the passwords are only referenced', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/zk-hs', 'Service/zk-cs', 'Certificate/zk-tls', 'ConfigMap/zk-config', 'StatefulSet/zk', 'PodDisruptionBudget/zk-pdb',
      'NetworkPolicy/zk',
    ]);
    expect(byKind('Secret')).toEqual([]);
  });

  test('validates against the Kubernetes and cert-manager schemas', () => {
    validateManifests(objects);
  });

  test('the Certificate names every server and both Services, for the ClusterIssuer internal-ca, with a PKCS12 keystore', () => {
    const [cert] = byKind('Certificate');
    expect(cert.spec.issuerRef).toEqual({ name: 'internal-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    expect(cert.spec.dnsNames).toEqual(expect.arrayContaining([
      ...chart.ensemble.app.podDnsNames, 'zk-hs', 'zk-cs.default.svc.cluster.local', '*.zk-hs.default.svc.cluster.local',
    ]));
    expect(cert.spec.keystores.pkcs12).toEqual({ create: true, passwordSecretRef: { name: 'zk-keystore-password', key: 'password' } });
  });

  test('clients connect with TLS to port 2281; the pod is hardened and nothing is relaxed', () => {
    expect(chart.ensemble.connectString).toBe('zk-cs.default.svc.cluster.local:2281');
    expect(byKind('Service').find(s => s.metadata.name === 'zk-cs').spec.ports).toEqual([{ name: 'client-tls', port: 2281 }]);
    const [sts] = byKind('StatefulSet');
    const c = sts.spec.template.spec.containers[0];
    expect(c.securityContext).toEqual(HARDENED_CONTAINER_SECURITY_CONTEXT);
    expect(c.env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef])).toEqual([
      ['ZK_SASL_QUORUM_PASSWORD', { name: 'zk-sasl', key: 'quorum-password' }],
      ['ZK_SASL_CLIENT_PASSWORD_0', { name: 'zk-sasl', key: 'app-password' }],
    ]);
  });

  test('synthesizes the same YAML every time, matching the snapshot', () => {
    expect(toYaml(synth().objects)).toEqual(toYaml(objects));
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
