import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { CertManagerIssuer, NetworkPeer, ZooKeeperEnsemble, ZooKeeperTls } from 'cdk8s-stateful';

/**
 * A ZooKeeper ensemble of the official image with TLS and SASL: a cert-manager Certificate from
 * the ClusterIssuer `internal-ca`, quorum traffic and clients over TLS (the plaintext client port
 * only on 127.0.0.1, for the probes), servers that authenticate each other with SASL and clients
 * that must authenticate as `app`.
 *
 * The Secrets `zk-keystore-password` and `zk-sasl` are created beforehand (see the README); the
 * chart only references them.
 */
export class ZooKeeperTlsChart extends Chart {
  public readonly ensemble: ZooKeeperEnsemble;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    this.ensemble = new ZooKeeperEnsemble(this, 'zk', {
      tls: ZooKeeperTls.fromIssuer(CertManagerIssuer.clusterIssuer('internal-ca'), {
        passwordSecretName: 'zk-keystore-password',
      }),
      sasl: {
        quorumUser: { username: 'zk-quorum', passwordSecretName: 'zk-sasl', passwordSecretKey: 'quorum-password' },
        clientUsers: [{ username: 'app', passwordSecretName: 'zk-sasl', passwordSecretKey: 'app-password' }],
      },
    });
    // The ensemble's NetworkPolicy: only the application's pods (app: kafka) reach the secure client
    // port 2281; the quorum ports stay between the servers.
    this.ensemble.allowClientsFrom(NetworkPeer.pods({ app: 'kafka' }));
  }
}
