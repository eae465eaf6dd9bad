import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  ContainerProbe, DisruptionBudget, HostPathVolumeSet, Spreading, StatefulApp, StatefulAppProps, StorageClass, VolumePaths,
  ZooKeeperEnsemble,
} from '../src';
import { checkImage, invalid, show } from '../src/validation';
import { findObject as find, freshChart, synthObjects, synthValidated as synth, toYaml } from './util/synth';

// The API server's rules and the opt-ins for what is dangerous but sometimes needed. The battery
// (validation-battery.test.ts) tries many bad inputs; these tests show the defaults, the opt-ins
// and the full messages.

const PG: StatefulAppProps = {
  replicas: 3,
  container: { image: 'postgres:16.4', ports: [{ number: 5432, name: 'pg' }] },
  volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/var/lib/postgresql/data' }],
};

describe('opt-ins for what is dangerous but sometimes needed', () => {
  test('defaults: probes and Services only on declared ports, a budget that protects, no sensitive host path', () => {
    const chart = freshChart();
    const app = new StatefulApp(chart, 'db', { ...PG, container: { ...PG.container, readiness: ContainerProbe.tcp(5432) } });
    const objects = synth(chart);
    const sts = find(objects, 'StatefulSet');
    expect(sts.spec.template.spec.containers[0].readinessProbe.tcpSocket.port).toBe(5432);
    expect(find(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(app.disruptionBudget).toBeDefined();
  });

  test('customised: allowUndeclaredPorts, allowAllPodsDown and allowSensitiveHostPaths render what was asked', () => {
    const chart = freshChart();
    const app = new StatefulApp(chart, 'agent', {
      replicas: 2,
      allowUndeclaredPorts: true,
      disruptionBudget: DisruptionBudget.maxUnavailable(2, { allowAllPodsDown: true }),
      container: {
        image: 'registry.example.com/node-agent:2.1',
        ports: [{ number: 9100, name: 'metrics' }],
        liveness: ContainerProbe.httpGet('/healthz', 9101),
      },
      servicePorts: [{ name: 'metrics', port: 9100 }, { name: 'health', port: 9101 }],
      volumeClaims: [{ name: 'logs', size: Size.gibibytes(1), mountPath: '/host-logs', storageClass: StorageClass.none() }],
    });
    new HostPathVolumeSet(chart, 'logs', {
      app, claim: 'logs', paths: VolumePaths.of(['/var/log/agent-0', '/var/log/agent-1']), allowSensitiveHostPaths: true,
    });
    const objects = synth(chart);
    expect(find(objects, 'StatefulSet').spec.template.spec.containers[0].livenessProbe.httpGet).toEqual({ path: '/healthz', port: 9101 });
    expect(find(objects, 'Service').spec.ports.map((p: any) => p.port)).toEqual([9100, 9101]);
    expect(find(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(2);
    expect(objects.filter(o => o.kind === 'PersistentVolume').map(pv => pv.spec.hostPath.path)).toEqual(['/var/log/agent-0', '/var/log/agent-1']);
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('fails on a probe on an undeclared port, naming the opt-in', () => {
    expect(() => new StatefulApp(freshChart(), 'db', { ...PG, container: { ...PG.container, readiness: ContainerProbe.tcp(5433) } })).toThrow(
      /^test\/db: invalid container.readiness.port 5433: is not a TCP port the container declares \(its ports: 5432\); .*allowUndeclaredPorts: true/);
  });

  test('fails on a budget that protects nothing, naming the opt-in', () => {
    expect(() => new StatefulApp(freshChart(), 'db', { ...PG, disruptionBudget: DisruptionBudget.maxUnavailable(3) })).toThrow(
      /^test\/db: invalid disruptionBudget.maxUnavailable 3: with 3 replica\(s\) this protects nothing: a drain may take down every pod at once; use at most 2, DisruptionBudget.none\(\) for no budget, or allowAllPodsDown: true/);
  });

  test('fails on a sensitive host path, naming the opt-in', () => {
    const chart = freshChart();
    const app = new StatefulApp(chart, 'db', {
      ...PG, replicas: 1, volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data', storageClass: StorageClass.none() }],
    });
    expect(() => new HostPathVolumeSet(chart, 'volumes', { app, claim: 'data', paths: VolumePaths.of(['/var/lib/kubelet/pods']) })).toThrow(
      /^test\/volumes: invalid paths\[0\] "\/var\/lib\/kubelet\/pods": is inside the node's \/var\/lib\/kubelet: a pod that can write there can take over the node.*allowSensitiveHostPaths: true/);
  });

  test('fails on root with non-root required; ensureNonRoot: false is the opt-in', () => {
    expect(() => new StatefulApp(freshChart(), 'db', { ...PG, podSecurity: { user: 0 } })).toThrow(
      /^test\/db: invalid podSecurity.user 0: runs the db container as root, which its runAsNonRoot \(containerSecurity.ensureNonRoot, true by default\) forbids.*set containerSecurity.ensureNonRoot: false$/);
    const chart = freshChart();
    new StatefulApp(chart, 'db', { ...PG, podSecurity: { user: 0, ensureNonRoot: false }, containerSecurity: { ensureNonRoot: false } });
    expect(find(synth(chart), 'StatefulSet').spec.template.spec.containers[0].securityContext.runAsNonRoot).toBe(false);
  });
});

describe('checks across the constructs of a chart', () => {
  test('fails on two objects of one kind, namespace and name, naming both constructs and fields', () => {
    const chart = freshChart();
    new StatefulApp(chart, 'a', { ...PG, name: 'db' });
    new StatefulApp(chart, 'b', { ...PG, name: 'db', selectorLabels: { app: 'b' } });
    expect(() => synthObjects(chart)).toThrow(
      /^test\/b: invalid name "db": StatefulSet "db" in namespace default is also made by test\/a \(its name\); two objects of one kind, namespace and name overwrite each other when applied/);
  });

  test('fails on overlapping selectors, naming both apps', () => {
    const chart = freshChart();
    new StatefulApp(chart, 'a', { ...PG, selectorLabels: { app: 'pg' } });
    new StatefulApp(chart, 'b', { ...PG, selectorLabels: { app: 'pg' } });
    expect(() => synthObjects(chart)).toThrow(
      /^test\/b: invalid selectorLabels \{"app":"pg"\}: these selector labels match the pods of test\/a too .*in namespace default: the apps' Services would send traffic to each other's pods/);
  });

  test('fails on pinned volumes the required anti-affinity can never use, naming the set and the app', () => {
    const chart = freshChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk', { storageClass: StorageClass.none() });
    new HostPathVolumeSet(chart, 'volumes', { app: zk.app, claim: 'datadir', paths: VolumePaths.under('/srv/zk'), nodes: ['n1', 'n2', 'n2'] });
    expect(() => synthObjects(chart)).toThrow(
      /^test\/volumes: invalid nodes\[2\] "n2": pins the volume of pod zk-2 to node n2, where the volume of pod zk-1 is too, but app test\/zk keeps its pods on different nodes \(spreadAcrossNodes: Spreading.REQUIRED\): pod zk-2 would stay Pending forever/);
  });

  test('charts are checked each on their own: the same names in two charts are accepted', () => {
    const app = Testing.app();
    for (const id of ['one', 'two']) {
      new StatefulApp(new Chart(app, id), 'db', { ...PG });
    }
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('volumes pinned to one node are accepted when spreading is only preferred', () => {
    const chart = freshChart();
    const app = new StatefulApp(chart, 'db', {
      ...PG,
      replicas: 2,
      spreadAcrossNodes: Spreading.PREFERRED,
      volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data', storageClass: StorageClass.none() }],
    });
    new HostPathVolumeSet(chart, 'volumes', { app, claim: 'data', paths: VolumePaths.under('/srv'), nodes: ['n1', 'n1'] });
    expect(synth(chart).filter(o => o.kind === 'PersistentVolume')).toHaveLength(2);
  });
});

describe('durations, sizes and numbers in messages', () => {
  test('a sub-second duration where seconds are needed names the construct and the field', () => {
    expect(() => new StatefulApp(freshChart(), 'db', { ...PG, terminationGracePeriod: Duration.millis(1500) })).toThrow(
      /^test\/db: invalid terminationGracePeriod "1 second 500 millis": Kubernetes counts it in whole seconds: give a whole number of seconds, e.g. Duration.seconds\(30\)$/);
  });

  test('NaN and the infinities are shown as such, also inside lists; sizes and durations by their amount', () => {
    expect(show(NaN)).toBe('NaN');
    expect(show([1, NaN, -Infinity])).toBe('[1,NaN,-Infinity]');
    expect(show({ a: NaN })).toBe('{"a":NaN}');
    expect(show(Size.gibibytes(10))).toBe('"10Gi"');
    expect(show([Size.mebibytes(1)])).toBe('["1Mi"]');
    expect(show(Duration.seconds(30))).toBe('"30 seconds"');
    expect(invalid('here', 'f', [NaN], 'fix').message).toBe('here: invalid f [NaN]: fix');
  });

  test('a cpu amount with an exponent is read as Kubernetes reads it', () => {
    const chart = freshChart();
    new StatefulApp(chart, 'db', { ...PG, resources: { cpu: { request: kplus.Cpu.units(0.25), limit: kplus.Cpu.units(1) } } });
    expect(find(synth(chart), 'StatefulSet').spec.template.spec.containers[0].resources.requests.cpu).toBe('0.25');
  });
});

describe('image references', () => {
  test.each([
    'nginx', 'nginx:1.27', 'library/nginx:1.27-alpine', 'registry.example.com/team/app:1.0', 'localhost:5000/app',
    'registry.example.com:5000/a/b/c:v1', `app@sha256:${'a'.repeat(64)}`, `app:1@sha512:${'b'.repeat(128)}`, '[fd00::1]:5000/app:1',
    'my_org/my__app:1', 'a-b--c/d.e:1_0',
  ])('accepts %s', image => {
    expect(() => checkImage('t', 'image', image)).not.toThrow();
  });

  test.each([
    ['nginx 1.27', /whitespace/], ['nginx:1.27\n', /whitespace/], ['Nginx:1.27', /lowercase/], ['team/App', /lowercase/],
    ['nginx:', /not a valid image reference/], ['-nginx', /not a valid image reference/], ['nginx@sha256:abc', /not a valid image reference/],
    [`nginx@sha256:${'a'.repeat(63)}`, /digest/], [`${'a'.repeat(64)}`, /image id/], ['', /non-empty/],
  ])('refuses %j', (image, why) => {
    expect(() => checkImage('t', 'image', image as string)).toThrow(why as RegExp);
  });
});
