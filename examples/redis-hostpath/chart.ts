import { Chart, ChartProps, Size } from 'cdk8s';
import { PersistentVolumeAccessMode } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HostPathVolumeSet, StatefulApp, StaticVolumeSet, StorageClass, VolumePaths } from 'cdk8s-stateful';

/**
 * Options of the redis-hostpath example.
 */
export interface RedisHostPathChartProps extends ChartProps {
  /**
   * The node that holds each pod's directory (`kubernetes.io/hostname`), in ordinal order. Give it
   * on a cluster with more than one node, so each pod's data follows it.
   *
   * @default - not pinned (a single-node cluster, as the reference assumes)
   */
  readonly nodes?: string[];
}

/**
 * Redis with node-local storage: headless Service, StatefulSet `redis` (2 replicas, claim
 * `redis-data`) and two hostPath PersistentVolumes `pv001`/`pv002`, each pre-bound to its pod's
 * claim (`pv001` to `redis-data-redis-0`, `pv002` to `redis-data-redis-1`).
 */
export class RedisHostPathChart extends Chart {
  public readonly app: StatefulApp;
  public readonly volumes: HostPathVolumeSet;

  constructor(scope: Construct, id: string, props: RedisHostPathChartProps = {}) {
    super(scope, id, props);

    // No provisioner serves this class: the claims wait for the volumes made for them.
    const storage = new StorageClass(this, 'redis-hostpath', { provisioner: StorageClass.NO_PROVISIONER });

    this.app = new StatefulApp(this, 'redis', {
      serviceName: 'myapp-redis',
      selectorLabels: { app: 'myapp-redis' },
      replicas: 2,
      container: {
        image: 'redis:4.0',
        ports: [{ number: 6379, name: 'http' }],
      },
      containerName: 'redis',
      // The image's `redis` user (uid/gid 999). Started as that user, the entrypoint runs
      // redis-server directly instead of starting as root and switching users.
      containerSecurity: { user: 999, group: 999 },
      servicePorts: [{ name: 'redis', port: 6379 }],
      // hostPath ignores fsGroup and DirectoryOrCreate makes root-owned directories: hand each
      // pod's directory to the redis user before redis starts.
      initContainers: [StaticVolumeSet.ownershipInitContainer({ claim: 'redis-data', user: 999 })],
      volumeClaims: [{
        name: 'redis-data',
        size: Size.gibibytes(1),
        mountPath: '/data',
        accessModes: [PersistentVolumeAccessMode.READ_WRITE_MANY],
        storageClass: storage,
      }],
    });

    this.volumes = new HostPathVolumeSet(this, 'volumes', {
      app: this.app,
      claim: 'redis-data',
      paths: VolumePaths.of(['/data/data1', '/data/data2']),
      volumeNames: ['pv001', 'pv002'],
      nodes: props.nodes,
    });
  }
}
