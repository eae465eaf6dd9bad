import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CassandraRing, JmxExporterAgent, Scrape } from 'cdk8s-stateful';

/**
 * A Cassandra ring of three nodes of the official image, monitored by a Prometheus Operator: the
 * Prometheus JMX exporter (a Java agent, pinned to version 1.0.1) in every Cassandra JVM on port
 * 9404, a ServiceMonitor `cassandra-ring` on the headless Service, and a PrometheusRule
 * `cassandra-ring-alerts` whose budget alert knows that the disruption budget allows one node down.
 * Its names differ from the tutorial's (`cassandra`), so both examples can be applied together.
 *
 * The labels `release: kube-prometheus-stack` let the Prometheus of a kube-prometheus-stack
 * release with that name pick up the ServiceMonitor and the rule (its default selectors).
 */
export class CassandraMonitoringChart extends Chart {
  public readonly ring: CassandraRing;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    this.ring = new CassandraRing(this, 'cassandra-ring', {
      image: 'cassandra:4.1',
      metrics: {
        scrape: Scrape.serviceMonitor({ labels: { release: 'kube-prometheus-stack' }, interval: Duration.seconds(30) }),
        alerts: { labels: { release: 'kube-prometheus-stack' } },
      },
      metricsAgent: JmxExporterAgent.fromMavenCentral('1.0.1'),
    });
  }
}
