import { Testing } from 'cdk8s';
import { CassandraMonitoringChart } from '../../examples/cassandra-monitoring/chart';
import { ZooKeeperMonitoringChart } from '../../examples/zookeeper-monitoring/chart';
import { validateManifests } from '../util/schema';
import { findObject, toYaml } from '../util/synth';

// The monitoring variants of the ZooKeeper and Cassandra examples. No tutorial has a manifest for
// them, so there is no parity test; the rules are checked with promtool in test/promtool/.

describe('example zookeeper-monitoring', () => {
  const synth = () => Testing.synth(new ZooKeeperMonitoringChart(Testing.app(), 'zookeeper-monitoring'));
  const objects = synth();

  test('validates against the Kubernetes and Prometheus Operator schemas', () => {
    validateManifests(objects);
  });

  test('the ensemble, its PodMonitor and its PrometheusRule, picked up by the release\'s selectors', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/zookeeper-hs', 'Service/zookeeper-cs', 'ConfigMap/zookeeper-config', 'StatefulSet/zookeeper',
      'PodDisruptionBudget/zookeeper-pdb', 'PodMonitor/zookeeper', 'PrometheusRule/zookeeper-alerts',
    ]);
    expect(findObject(objects, 'ConfigMap').data['zoo.cfg']).toContain('metricsProvider.httpPort=7000\n');
    expect(findObject(objects, 'PodMonitor').metadata.labels.release).toBe('kube-prometheus-stack');
    expect(findObject(objects, 'PodMonitor').spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    const rule = findObject(objects, 'PrometheusRule');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(rule.spec.groups[0].rules[0]).toMatchObject({
      alert: 'ZooKeeperBelowQuorum',
      labels: { team: 'platform', namespace: 'default', statefulset: 'zookeeper', severity: 'critical' },
    });
    expect(rule.spec.groups[0].rules[0].expr).toMatch(/ < 2$/);
  });

  test('synthesizing twice gives identical YAML', () => {
    expect(toYaml(synth())).toEqual(toYaml(objects));
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});

describe('example cassandra-monitoring', () => {
  const synth = () => Testing.synth(new CassandraMonitoringChart(Testing.app(), 'cassandra-monitoring'));
  const objects = synth();

  test('validates against the Kubernetes and Prometheus Operator schemas', () => {
    validateManifests(objects);
  });

  test('the ring with the JMX exporter agent, its ServiceMonitor and its PrometheusRule', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/cassandra-ring', 'ConfigMap/cassandra-ring-config', 'StatefulSet/cassandra-ring', 'PodDisruptionBudget/cassandra-ring-pdb',
      'ServiceMonitor/cassandra-ring', 'PrometheusRule/cassandra-ring-alerts',
    ]);
    const pod = findObject(objects, 'StatefulSet').spec.template.spec;
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['jmx-exporter']);
    expect(pod.initContainers[0].command[2]).toContain('/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/');
    expect(pod.containers[0].env).toContainEqual({
      name: 'JVM_EXTRA_OPTS', value: '-javaagent:/opt/jmx-exporter/jmx_prometheus_javaagent.jar=9404:/etc/jmx-exporter/cassandra.yaml',
    });
    expect(findObject(objects, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    const alerts = findObject(objects, 'PrometheusRule').spec.groups[0].rules;
    expect(alerts.map((a: any) => a.alert).slice(0, 2)).toEqual(['CassandraNodeDown', 'CassandraNodesDownBeyondBudget']);
    expect(alerts[1].expr).toMatch(/ < 2$/);
  });

  test('synthesizing twice gives identical YAML', () => {
    expect(toYaml(synth())).toEqual(toYaml(objects));
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
