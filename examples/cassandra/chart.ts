import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CassandraRing, ContainerProbe, LinuxCapability, NetworkPeer, StorageClass, VolumeBindingMode } from 'cdk8s-stateful';

/**
 * The Kubernetes Cassandra tutorial ("Deploying Cassandra with a StatefulSet"): headless Service
 * `cassandra`, StatefulSet `cassandra` with three nodes of `gcr.io/google-samples/cassandra:v13`,
 * each with a 1Gi volume `cassandra-data` from StorageClass `fast`.
 */
export class CassandraChart extends Chart {
  public readonly ring: CassandraRing;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // The reference leaves the reclaim policy to Kubernetes' default (Delete); the library keeps
    // volumes with Cassandra data (Retain). The binding mode stays the reference's (Kubernetes'
    // default, Immediate).
    const fast = new StorageClass(this, 'fast', {
      provisioner: 'k8s.io/minikube-hostpath',
      parameters: { type: 'pd-ssd' },
      volumeBindingMode: VolumeBindingMode.IMMEDIATE,
    });

    this.ring = new CassandraRing(this, 'cassandra', {
      selectorLabels: { app: 'cassandra' },
      replicas: 3,
      clusterName: 'K8Demo',
      dataCenter: 'DC1-K8Demo',
      rack: 'Rack1-K8Demo',
      image: 'gcr.io/google-samples/cassandra:v13',
      imagePullPolicy: ImagePullPolicy.ALWAYS,
      heapSize: Size.mebibytes(512),
      heapNewSize: Size.mebibytes(100),
      // The image's own probe script: `nodetool status` lists this pod's IP as Up/Normal.
      readiness: ContainerProbe.exec(['/bin/bash', '-c', '/ready-probe.sh'], {
        initialDelay: Duration.seconds(15),
        timeout: Duration.seconds(5),
      }),
      // The image starts as root: its run.sh rewrites /etc/cassandra, chowns and chmods the data
      // directory, then runs Cassandra as user `cassandra` with `su`. See README.md.
      podSecurity: { ensureNonRoot: false, user: 0, group: 0 },
      containerSecurity: {
        ensureNonRoot: false,
        addCapabilities: [
          LinuxCapability.CHOWN,
          LinuxCapability.DAC_OVERRIDE,
          LinuxCapability.FOWNER,
          LinuxCapability.SETGID,
          LinuxCapability.SETUID,
        ],
      },
      dataClaimName: 'cassandra-data',
      dataDirectory: '/cassandra_data',
      storageSize: Size.gibibytes(1),
      storageClass: fast,
    });
    // The ring's NetworkPolicy lets only its own nodes reach gossip (7000, 7001) and JMX (7199);
    // nodetool in a pod reaches its own node. Its clients are declared: the pods labelled
    // app: cassandra-client reach CQL (9042), and no other pod does.
    this.ring.allowClientsFrom(NetworkPeer.pods({ app: 'cassandra-client' }));
  }
}
