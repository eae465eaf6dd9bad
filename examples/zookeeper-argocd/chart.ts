import { ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ZooKeeperChart } from '../zookeeper/chart';
import { GitOps } from 'cdk8s-stateful';

/**
 * The ZooKeeper tutorial (`zookeeper`) for Argo CD: the whole chart gets the Argo CD preset, so the
 * Services sync first (wave -1), then the StatefulSet (wave 0), then the PodDisruptionBudget (wave
 * 1), and the claim template `datadir` carries `argocd.argoproj.io/sync-options:
 * Prune=false,Delete=false`.
 */
export class ZooKeeperArgoCdChart extends ZooKeeperChart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    GitOps.applyTo(this, GitOps.argoCd());
  }
}
