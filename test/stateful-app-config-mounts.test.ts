import { Size } from 'cdk8s';
import { StatefulApp, StatefulAppProps } from '../src';
import { validateManifests } from './util/schema';
import { freshChart, synthObjects } from './util/synth';

// StatefulApp's pod annotations and containers' ConfigMap mounts (used by ZooKeeperEnsemble to mount
// its generated zoo.cfg and to roll the pods when it changes).

function build(extra: Partial<StatefulAppProps> = {}) {
  const chart = freshChart();
  new StatefulApp(chart, 'db', {
    container: {
      image: 'registry.example.com/db:1.0',
      ports: [{ number: 5432, name: 'sql' }],
      configMapMounts: [{ configMap: 'db-config', path: '/etc/db' }],
    },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/var/lib/db' }],
    ...extra,
  });
  return chart;
}

test('a ConfigMap mount is a read-only configMap volume, and pod annotations reach the pod template', () => {
  const objects = synthObjects(build({ podAnnotations: { 'checksum/config': 'abc' } }));
  validateManifests(objects);
  const sts = objects.find(o => o.kind === 'StatefulSet');
  expect(sts.spec.template.metadata.annotations).toEqual({ 'checksum/config': 'abc' });
  const pod = sts.spec.template.spec;
  expect(pod.containers[0].volumeMounts).toEqual([
    { name: 'data', mountPath: '/var/lib/db' },
    { name: 'db-etc-db', mountPath: '/etc/db', readOnly: true },
  ]);
  expect(pod.volumes).toEqual([{ name: 'db-etc-db', configMap: { name: 'db-config' } }]);
});

test('without pod annotations the template has none', () => {
  const objects = synthObjects(build());
  validateManifests(objects);
  const sts = objects.find(o => o.kind === 'StatefulSet');
  expect(sts.spec.template.metadata.annotations).toBeUndefined();
});

test('fails on a ConfigMap mount path that is not absolute', () => {
  expect(() => build({
    container: { image: 'db:1', configMapMounts: [{ configMap: 'db-config', path: 'etc/db' }] },
  })).toThrow(/test\/db: invalid container.configMapMounts\[0\].path "etc\/db": must be an absolute path/);
});

test('fails on a ConfigMap name that is not a DNS subdomain', () => {
  expect(() => build({
    container: { image: 'db:1', configMapMounts: [{ configMap: 'DB_Config', path: '/etc/db' }] },
  })).toThrow(/invalid container.configMapMounts\[0\].configMap "DB_Config": must be a DNS subdomain/);
});

test('fails at synthesis on a ConfigMap mounted where a claim is mounted, naming both volumes', () => {
  // A late check: mounts can still be added after construction, so the constructor accepts it.
  const chart = build({
    container: { image: 'db:1', configMapMounts: [{ configMap: 'db-config', path: '/var/lib/db' }] },
  });
  expect(() => synthObjects(chart)).toThrow(
    /^test\/db: invalid container.configMapMounts\[0\].path "\/var\/lib\/db": the db container already mounts volume "data" at \/var\/lib\/db \(volumeClaims\[0\].mountPath\); volume "db-var-lib-db" cannot be mounted there too: mount each at its own path$/);
});
