import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CassandraChart } from './cassandra/chart';
import { CassandraMonitoringChart } from './cassandra-monitoring/chart';
import { CassandraRacksChart } from './cassandra-racks/chart';
import { NginxManagedNfsChart } from './nginx-managed-nfs/chart';
import { NginxNfsChart } from './nginx-nfs/chart';
import { RedisHostPathChart } from './redis-hostpath/chart';
import { WebChart } from './web/chart';
import { WebExpandedChart } from './web-expanded/chart';
import { WebParallelChart } from './web-parallel/chart';
import { WordpressChart } from './wordpress/chart';
import { WordpressStatefulSetChart } from './wordpress-statefulset/chart';
import { ZooKeeperChart } from './zookeeper/chart';
import { ZooKeeperArgoCdChart } from './zookeeper-argocd/chart';
import { ZooKeeperMonitoringChart } from './zookeeper-monitoring/chart';
import { ZooKeeperTlsChart } from './zookeeper-tls/chart';

/**
 * One example: a chart synthesized into `dist/<name>.k8s.yaml`, reproducing the reference
 * manifests named in `references` (files of `test/fixtures/reference/`; none for a variant that
 * no tutorial has).
 */
export interface Example {
  readonly name: string;
  readonly references: string[];
  readonly build: (scope: Construct, name: string) => Chart;
}

export const EXAMPLES: Example[] = [
  { name: 'web', references: ['web.yaml'], build: (s, n) => new WebChart(s, n) },
  { name: 'web-parallel', references: ['web-parallel.yaml'], build: (s, n) => new WebParallelChart(s, n) },
  { name: 'redis-hostpath', references: ['redis-hostpath.yaml'], build: (s, n) => new RedisHostPathChart(s, n) },
  { name: 'nginx-nfs', references: ['nginx-nfs.yaml'], build: (s, n) => new NginxNfsChart(s, n) },
  { name: 'nginx-managed-nfs', references: ['nginx-managed-nfs.yaml'], build: (s, n) => new NginxManagedNfsChart(s, n) },
  { name: 'zookeeper', references: ['zookeeper.yaml'], build: (s, n) => new ZooKeeperChart(s, n) },
  // No tutorial to reproduce: the ensemble with TLS and SASL, checked by its own tests.
  { name: 'zookeeper-tls', references: [], build: (s, n) => new ZooKeeperTlsChart(s, n) },
  { name: 'cassandra', references: ['cassandra-service.yaml', 'cassandra-statefulset.yaml'], build: (s, n) => new CassandraChart(s, n) },
  // A rack-aware ring across three zones; no reference manifest: its tests check the placement.
  { name: 'cassandra-racks', references: [], build: (s, n) => new CassandraRacksChart(s, n) },
  // One chart reproduces both files of the WordPress tutorial.
  { name: 'wordpress', references: ['wordpress-mysql.yaml', 'wordpress.yaml'], build: (s, n) => new WordpressChart(s, n) },
  // The same WordPress with MySQL as a StatefulApp: the WordPress objects are still the reference's.
  { name: 'wordpress-statefulset', references: ['wordpress.yaml'], build: (s, n) => new WordpressStatefulSetChart(s, n) },
  // GitOps: the ZooKeeper tutorial with the Argo CD preset, and the web tutorial with its volumes grown through Git.
  { name: 'zookeeper-argocd', references: ['zookeeper.yaml'], build: (s, n) => new ZooKeeperArgoCdChart(s, n) },
  { name: 'web-expanded', references: ['web.yaml'], build: (s, n) => new WebExpandedChart(s, n) },
  // Monitoring variants of the ZooKeeper and Cassandra examples; no tutorial has a reference for them.
  { name: 'zookeeper-monitoring', references: [], build: (s, n) => new ZooKeeperMonitoringChart(s, n) },
  { name: 'cassandra-monitoring', references: [], build: (s, n) => new CassandraMonitoringChart(s, n) },
];

/** Adds every example chart to the app. */
export function addExamples(app: App): Chart[] {
  return EXAMPLES.map(e => e.build(app, e.name));
}
