import { Size } from 'cdk8s';
import { StatefulApp, StatefulAppProps } from '../src';
import { findObject, freshChart, synthValidated, toYaml } from './util/synth';

// A StatefulApp that is one of several StatefulSets of one workload: its own selector labels beside
// the shared ones, and a governing Service created by another app.

function build(extra: Partial<StatefulAppProps> = {}) {
  const chart = freshChart();
  const app = new StatefulApp(chart, 'db', {
    replicas: 2,
    container: { image: 'postgres:16', ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data' }],
    ...extra,
  });
  return { chart, app };
}

test('defaults: the app creates its headless Service and selects by its selector labels alone', () => {
  const { chart, app } = build();
  const objects = synthValidated(chart);
  expect(app.headlessService).toBeDefined();
  expect(findObject(objects, 'Service', 'db').spec.clusterIP).toBe('None');
  const sts = findObject(objects, 'StatefulSet');
  expect(sts.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'db' });
  expect(sts.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'db' });
});

test('customised: own selector labels on the StatefulSet, its selector and its pods only; no headless Service', () => {
  const { chart, app } = build({
    name: 'db-east',
    serviceName: 'db',
    selectorLabels: { app: 'db' },
    statefulSetSelectorLabels: { 'example.com/site': 'east' },
    createHeadlessService: false,
    clientService: { name: 'db-client' },
  });
  const objects = synthValidated(chart);
  expect(app.headlessService).toBeUndefined();
  expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/db-client', 'StatefulSet/db-east', 'PodDisruptionBudget/db-east-pdb']);
  const sts = findObject(objects, 'StatefulSet');
  expect(sts.spec.serviceName).toBe('db');
  expect(app.podDnsNames[0]).toBe('db-east-0.db.default.svc.cluster.local');
  expect(sts.spec.selector.matchLabels).toEqual({ 'app': 'db', 'example.com/site': 'east' });
  expect(sts.spec.template.metadata.labels).toEqual({ 'app': 'db', 'example.com/site': 'east' });
  expect(sts.metadata.labels).toEqual({ 'app': 'db', 'example.com/site': 'east' });
  // the Service, the budget and the anti-affinity select the whole workload
  expect(findObject(objects, 'Service', 'db-client').spec.selector).toEqual({ app: 'db' });
  expect(findObject(objects, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: { app: 'db' } });
  expect(sts.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector)
    .toEqual({ matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] });
  expect(toYaml(objects)).toMatchSnapshot();
});

test.each([
  ['a key that is already a selector label', { statefulSetSelectorLabels: { 'app.kubernetes.io/name': 'x' } },
    /test\/db: invalid statefulSetSelectorLabels key "app.kubernetes.io\/name": is already a selector label/],
  ['a key that is not a label key', { statefulSetSelectorLabels: { 'a b': 'x' } },
    /test\/db: invalid statefulSetSelectorLabels key "a b": must be a label key/],
  ['a value that is not a label value', { statefulSetSelectorLabels: { site: 'east/1' } },
    /test\/db: invalid statefulSetSelectorLabels\["site"\] "east\/1": must be a label value/],
])('fails on %s', (_name, extra, message) => {
  expect(() => build(extra as Partial<StatefulAppProps>)).toThrow(message);
});
