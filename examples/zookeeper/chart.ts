import { Chart, ChartProps } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NetworkPeer, ZooKeeperEnsemble, ZooKeeperImage } from 'cdk8s-stateful';

/**
 * The Kubernetes ZooKeeper tutorial ("Running ZooKeeper, A Distributed System Coordinator"):
 * Services `zk-hs` and `zk-cs`, PodDisruptionBudget `zk-pdb` and StatefulSet `zk` with three
 * servers of the tutorial's image, each with a 10Gi volume `datadir`.
 *
 * Every other value of the tutorial (servers 3, ports 2181/2888/3888, tickTime 2000, initLimit 10,
 * syncLimit 5, heap 512M, 60 client connections, 3 snapshots, purge every 12 hours, session
 * timeouts 4000–40000 ms, log level INFO, requests cpu 0.5 / memory 1Gi, required anti-affinity,
 * maxUnavailable 1) is the construct's default. Beyond the tutorial, the NetworkPolicy `zk`
 * declares the ensemble's clients.
 */
export class ZooKeeperChart extends Chart {
  public readonly ensemble: ZooKeeperEnsemble;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    this.ensemble = new ZooKeeperEnsemble(this, 'zk', {
      image: ZooKeeperImage.kubernetesZookeeper(),
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      selectorLabels: { app: 'zk' },
    });
    // The ensemble's NetworkPolicy lets only its own servers reach the quorum and election ports
    // (2888, 3888). Its clients are declared: the Kafka brokers of the namespace (pods labelled
    // app: kafka) reach the client port 2181, and no other pod does.
    this.ensemble.allowClientsFrom(NetworkPeer.pods({ app: 'kafka' }));
  }
}
