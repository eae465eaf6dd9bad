import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  CLAIM_SIZE, MYSQL_DATA_DIR, MYSQL_IMAGE, MYSQL_NAME, MYSQL_PORT, MYSQL_RESOURCES, MYSQL_SELECTOR, MYSQL_UID,
  MYSQL_WRITABLE_DIRECTORIES, mysqlEnv, passwordEnv, STARTUP_FAILURES, STARTUP_PERIOD, WordpressChartProps, WordpressFrontend,
} from '../wordpress/chart';
import { ContainerProbe, StatefulApp } from 'cdk8s-stateful';

/**
 * The same WordPress, with MySQL as a one-replica `StatefulApp`: a StatefulSet `wordpress-mysql`
 * governed by the headless Service `wordpress-mysql` (so WordPress still reaches the database at
 * `wordpress-mysql`), with its own claim `mysql-persistent-storage-wordpress-mysql-0` from a claim
 * template, kept when the StatefulSet is scaled down or deleted.
 */
export class WordpressStatefulSetChart extends Chart {
  public readonly mysql: StatefulApp;
  public readonly frontend: WordpressFrontend;

  constructor(scope: Construct, id: string, props: WordpressChartProps = {}) {
    super(scope, id, props);
    const password = passwordEnv(this, props);

    this.mysql = new StatefulApp(this, MYSQL_NAME, {
      serviceName: MYSQL_NAME,
      selectorLabels: MYSQL_SELECTOR,
      replicas: 1,
      container: {
        image: MYSQL_IMAGE,
        env: mysqlEnv(password),
        ports: [{ number: MYSQL_PORT, name: 'mysql' }],
        // The same startup probe as the tutorial's Deployment (see ../wordpress/chart.ts).
        startup: ContainerProbe.tcp(MYSQL_PORT, { period: STARTUP_PERIOD, failureThreshold: STARTUP_FAILURES }),
        writableDirectories: MYSQL_WRITABLE_DIRECTORIES,
      },
      containerName: 'mysql',
      resources: MYSQL_RESOURCES,
      // The entrypoint skips its chown and its switch to the mysql user when it does not run
      // as root, so it runs as that user from the start (see README.md).
      containerSecurity: { user: MYSQL_UID, group: MYSQL_UID },
      podSecurity: {
        fsGroup: MYSQL_UID,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
      volumeClaims: [{ name: 'mysql-persistent-storage', size: CLAIM_SIZE, mountPath: MYSQL_DATA_DIR }],
      // InnoDB flushes its buffer pool on a clean shutdown.
      terminationGracePeriod: Duration.seconds(60),
    });

    this.frontend = new WordpressFrontend(this, 'frontend', this.mysql.serviceName, password);
  }
}
