import { Chart, ChartProps, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { CassandraRing, Spreading, StorageClass, TaintEffect, VolumeBindingMode } from 'cdk8s-stateful';

/** The zones of the ring: one rack in each. */
export const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

/**
 * A rack-aware Cassandra ring of six nodes in three racks, one rack per zone, with the official
 * `cassandra:4.1` image. Each rack is its own StatefulSet `orders-<rack>`, pinned to its zone;
 * Cassandra learns each node's rack, so a keyspace with `NetworkTopologyStrategy` and replication
 * factor 3 keeps one replica of every row in each zone, and losing a zone loses one replica only.
 */
export class CassandraRacksChart extends Chart {
  public readonly ring: CassandraRing;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // Zone-pinned pods need volumes in their own zone: the class binds when a pod is scheduled
    // (WaitForFirstConsumer, the library's default, written out here because it matters), and
    // keeps the data when a claim is deleted (Retain, the library's default).
    const ssd = new StorageClass(this, 'cassandra-ssd', {
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3' },
      volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
      allowVolumeExpansion: true,
    });

    // Named `orders` (the Cassandra cluster name too), so that its objects never share a name with
    // the `cassandra` example's.
    this.ring = new CassandraRing(this, 'orders', {
      dataCenter: 'eu-west-1',
      replicas: 6,
      racks: ZONES.map((zone, i) => ({ name: `rack-${'abc'[i]}`, zone })),
      storageClass: ssd,
      storageSize: Size.gibibytes(100),
      // Two nodes of the ring never share a machine, also across racks.
      spreadAcrossNodes: Spreading.REQUIRED,
      // The nodes run on a node pool reserved for Cassandra (tainted dedicated=cassandra:NoSchedule).
      tolerations: [{ key: 'dedicated', value: 'cassandra', effect: TaintEffect.NO_SCHEDULE }],
      nodeSelector: { 'node.example.com/pool': 'cassandra' },
      // Applications connect through one client Service in front of every rack.
      clientService: {},
      // The pods run under their own ServiceAccount, with no API token mounted.
      createServiceAccount: true,
    });
  }
}
