import * as kplus from 'cdk8s-plus-27';
import { CassandraRing, CassandraRingProps, DisruptionBudget, JmxExporterAgent, JmxExporterAgentSource, Scrape } from '../src';
import { HARDENED_CONTAINER_SECURITY_CONTEXT } from './util/hardening';
import { findObject, freshChart, synthValidated, toYaml } from './util/synth';

// CassandraRing's metrics: the JMX exporter as a Java agent (an init container puts its jar into
// an emptyDir), the port on the pods and the headless Service, and the ring's alerts. promtool
// runs the alerts in test/promtool/.

function ring(props: CassandraRingProps) {
  const chart = freshChart();
  const cass = new CassandraRing(chart, 'cass', props);
  return { chart, cass };
}

describe('CassandraRing metrics defaults', () => {
  test('without metrics: no agent, no init container, no JVM_EXTRA_OPTS', () => {
    const { chart, cass } = ring({});
    const pod = findObject(synthValidated(chart), 'StatefulSet').spec.template.spec;
    expect(cass.metricsPort).toBeUndefined();
    expect(cass.metricsAgent).toBeUndefined();
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers[0].env.map((e: any) => e.name)).not.toContain('JVM_EXTRA_OPTS');
  });

  test('metrics: {} runs the JMX exporter agent 1.0.1 from Maven Central on port 9404', () => {
    const { chart, cass } = ring({ metrics: {} });
    const objects = synthValidated(chart);
    const pod = findObject(objects, 'StatefulSet').spec.template.spec;
    expect(cass.metricsPort).toBe(9404);
    expect(cass.metricsAgent!.source).toBe(JmxExporterAgentSource.MAVEN_CENTRAL);
    expect(cass.metricsAgent!.version).toBe('1.0.1');

    // the init container downloads the pinned jar into the emptyDir and checks its SHA-1
    expect(pod.initContainers).toHaveLength(1);
    const init = pod.initContainers[0];
    expect(init.name).toBe('jmx-exporter');
    expect(init.image).toBe('curlimages/curl:8.11.1');
    expect(init.command[0]).toBe('sh');
    expect(init.command[2].split('\n')).toEqual([
      'set -eu',
      'url="https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar"',
      'curl -fsSL --retry 5 -o "/jmx-exporter/jmx_prometheus_javaagent.jar.part" "$url"',
      'sum="$(curl -fsSL --retry 5 "$url.sha1" | cut -c1-40)"',
      'echo "$sum  /jmx-exporter/jmx_prometheus_javaagent.jar.part" | sha1sum -c -',
      'mv "/jmx-exporter/jmx_prometheus_javaagent.jar.part" "/jmx-exporter/jmx_prometheus_javaagent.jar"',
      '',
    ]);
    expect(init.volumeMounts).toEqual([{ name: 'jmx-exporter', mountPath: '/jmx-exporter' }]);
    expect(init.securityContext).toEqual({ ...HARDENED_CONTAINER_SECURITY_CONTEXT, runAsUser: 65534, runAsGroup: 65534 });
    expect(init.resources).toEqual({ requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'jmx-exporter', emptyDir: {} }]));

    // Cassandra loads it, with the configuration of the ring's ConfigMap
    const [c] = pod.containers;
    expect(c.env[c.env.length - 1]).toEqual({
      name: 'JVM_EXTRA_OPTS',
      value: '-javaagent:/opt/jmx-exporter/jmx_prometheus_javaagent.jar=9404:/etc/jmx-exporter/cassandra.yaml',
    });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'jmx-exporter', mountPath: '/opt/jmx-exporter', readOnly: true },
      expect.objectContaining({ mountPath: '/etc/jmx-exporter', readOnly: true }),
    ]));
    expect(c.ports).toContainEqual({ containerPort: 9404, name: 'metrics' });
    const config = findObject(objects, 'ConfigMap', 'cass-config').data['cassandra.yaml'];
    expect(config).toContain('lowercaseOutputName: true\n');
    expect(config).toContain("org.apache.cassandra.net<type=FailureDetector><>(DownEndpointCount|UpEndpointCount)'\n");
    expect(findObject(objects, 'StatefulSet').spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);

    expect(findObject(objects, 'Service', 'cass').spec.ports).toEqual([{ name: 'cql', port: 9042 }, { name: 'metrics', port: 9404 }]);
  });

  test('alerts: {} gives the ring\'s alerts first, with the budget of maxUnavailable 1', () => {
    const { chart } = ring({ metrics: { alerts: {} } });
    const alerts = findObject(synthValidated(chart), 'PrometheusRule', 'cass-alerts').spec.groups[0].rules;
    expect(alerts.map((a: any) => [a.alert, a.labels.severity, a.for])).toEqual([
      ['CassandraNodeDown', 'warning', '5m'],
      ['CassandraNodesDownBeyondBudget', 'critical', '1m'],
      ['CassandraPodNotReady', 'warning', '15m'],
      ['CassandraVolumeNearlyFull', 'warning', '5m'],
      ['CassandraPodRestarting', 'warning', undefined],
    ]);
    expect(alerts[0].expr).toBe('(count(max by (pod) (up{namespace="default", pod=~"cass-0|cass-1|cass-2"}) == 1) or vector(0)) < 3');
    expect(alerts[1].expr).toBe('(count(max by (pod) (up{namespace="default", pod=~"cass-0|cass-1|cass-2"}) == 1) or vector(0)) < 2');
    expect(alerts[3].expr).toContain('persistentvolumeclaim=~"cassandra-data-cass-0|cassandra-data-cass-1|cassandra-data-cass-2"');
  });

  test('a one-node ring has no budget alert (its budget allows the one node down)', () => {
    const { chart } = ring({ replicas: 1, metrics: { alerts: {} } });
    const names = findObject(synthValidated(chart), 'PrometheusRule').spec.groups[0].rules.map((a: any) => a.alert);
    expect(names).toEqual(['CassandraNodeDown', 'CassandraPodNotReady', 'CassandraVolumeNearlyFull', 'CassandraPodRestarting']);
  });
});

describe('CassandraRing metrics customised', () => {
  test('the agent from an image of one\'s own, a port, a ServiceMonitor and a budget of minAvailable 3 of 5', () => {
    const { chart, cass } = ring({
      replicas: 5,
      disruptionBudget: DisruptionBudget.minAvailable(3),
      metrics: { port: 7070, scrape: Scrape.serviceMonitor({ labels: { release: 'prom' } }), alerts: {} },
      metricsAgent: JmxExporterAgent.fromImage('registry.example.com/tools/jmx-agent:1.0.1', '/agents/jmx_prometheus_javaagent-1.0.1.jar'),
      env: [{ name: 'JVM_OPTS', value: kplus.EnvValue.fromValue('-Dcassandra.ring_delay_ms=5000') }],
    });
    const objects = synthValidated(chart);
    const pod = findObject(objects, 'StatefulSet').spec.template.spec;
    expect(cass.metricsAgent!.downloadUrl).toBeUndefined();
    expect(pod.initContainers[0]).toMatchObject({
      name: 'jmx-exporter',
      image: 'registry.example.com/tools/jmx-agent:1.0.1',
      command: ['cp', '/agents/jmx_prometheus_javaagent-1.0.1.jar', '/jmx-exporter/jmx_prometheus_javaagent.jar'],
    });
    expect(pod.containers[0].env.find((e: any) => e.name === 'JVM_EXTRA_OPTS').value).toContain('=7070:');
    expect(findObject(objects, 'ServiceMonitor', 'cass').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'cass' } },
      endpoints: [{ port: 'metrics', path: '/metrics' }],
    });
    const alerts = findObject(objects, 'PrometheusRule', 'cass-alerts').spec.groups[0].rules;
    expect(alerts[1].expr).toMatch(/\) < 3$/);
    expect(alerts[1].annotations.summary).toContain('more than the 2 the disruption budget allows are down');
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('another version from Maven Central', () => {
    const { cass } = ring({ metrics: {}, metricsAgent: JmxExporterAgent.fromMavenCentral('1.1.0') });
    expect(cass.metricsAgent!.downloadUrl)
      .toBe('https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.1.0/jmx_prometheus_javaagent-1.1.0.jar');
  });
});

describe('CassandraRing metrics fails on bad input', () => {
  test('fails on JVM_EXTRA_OPTS in env, which the agent needs', () => {
    expect(() => ring({ metrics: {}, env: [{ name: 'JVM_EXTRA_OPTS', value: kplus.EnvValue.fromValue('-Dx=1') }] })).toThrow(
      /test\/cass: invalid env\[0\].name "JVM_EXTRA_OPTS": is set by the ring's metrics \(the ring loads the JMX exporter agent with -javaagent in JVM_EXTRA_OPTS\); leave it out of env/);
  });

  test('JVM_EXTRA_OPTS in env is the user\'s own without metrics', () => {
    const { chart } = ring({ env: [{ name: 'JVM_EXTRA_OPTS', value: kplus.EnvValue.fromValue('-Dx=1') }] });
    const env = findObject(synthValidated(chart), 'StatefulSet').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'JVM_EXTRA_OPTS', value: '-Dx=1' });
  });

  test.each([[7000, 'intra-node'], [7001, 'tls-intra-node'], [7199, 'jmx'], [9042, 'cql']])('fails on metrics port %i (%s)', (port, name) => {
    expect(() => ring({ metrics: { port } })).toThrow(new RegExp(`invalid metrics.port ${port}: is Cassandra's ${name} port; the JMX exporter needs a port of its own, e.g. 9404`));
  });

  test('fails on a path other than /metrics', () => {
    expect(() => ring({ metrics: { path: '/jmx' } })).toThrow(/invalid metrics.path "\/jmx": the JMX exporter agent serves \/metrics/);
  });

  test('fails on metricsAgent without metrics', () => {
    expect(() => ring({ metricsAgent: JmxExporterAgent.fromMavenCentral() })).toThrow(
      /invalid metricsAgent "curlimages\/curl:8.11.1": applies only with metrics; give metrics as well, or leave metricsAgent out/);
  });

  test('fails on a version that is not a release version', () => {
    expect(() => ring({ metrics: {}, metricsAgent: JmxExporterAgent.fromMavenCentral('latest') })).toThrow(
      /invalid metricsAgent.version "latest": must be a release version of the JMX exporter, e.g. "1.0.1"/);
  });

  test('fails on a relative jar path and an image with spaces', () => {
    expect(() => ring({ metrics: {}, metricsAgent: JmxExporterAgent.fromImage('img:1', 'agent.jar') })).toThrow(
      /invalid metricsAgent.jarPath "agent.jar": must be an absolute path/);
    expect(() => ring({ metrics: {}, metricsAgent: JmxExporterAgent.fromImage('my image', '/a.jar') })).toThrow(
      /invalid metricsAgent.image "my image": must be an image reference without spaces/);
  });

  test('fails on a plain object as metricsAgent', () => {
    expect(() => ring({ metrics: {}, metricsAgent: { image: 'x' } as any })).toThrow(
      /invalid metricsAgent \{"image":"x"\}: must be JmxExporterAgent.fromMavenCentral\(version\) or JmxExporterAgent.fromImage\(image, jarPath\)/);
  });
});
