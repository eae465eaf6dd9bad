import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Scrape, ZooKeeperEnsemble, ZooKeeperImage } from 'cdk8s-stateful';

/**
 * A ZooKeeper ensemble of three servers of the official image, monitored by a Prometheus
 * Operator: ZooKeeper's own Prometheus metrics provider on port 7000 of every server, a PodMonitor
 * `zookeeper`, and a PrometheusRule `zookeeper-alerts` whose quorum alert knows that three servers
 * need two. Its names differ from the tutorial's (`zk`), so both examples can be applied together.
 *
 * The labels `release: kube-prometheus-stack` let the Prometheus of a kube-prometheus-stack
 * release with that name pick up the PodMonitor and the rule (its default selectors).
 */
export class ZooKeeperMonitoringChart extends Chart {
  public readonly ensemble: ZooKeeperEnsemble;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    this.ensemble = new ZooKeeperEnsemble(this, 'zookeeper', {
      image: ZooKeeperImage.official('3.9.3'),
      metrics: {
        scrape: Scrape.podMonitor({ labels: { release: 'kube-prometheus-stack' }, interval: Duration.seconds(30) }),
        alerts: { labels: { release: 'kube-prometheus-stack' }, alertLabels: { team: 'platform' } },
      },
    });
  }
}
