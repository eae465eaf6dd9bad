import { Duration } from 'cdk8s';
import { CertManagerIssuer } from './cert-manager';

/**
 * Where the TLS keystore and truststore of a ZooKeeper ensemble come from.
 */
export enum ZooKeeperTlsSource {
  /** A cert-manager Certificate that the ensemble emits (`ZooKeeperTls.fromIssuer`). */
  CERT_MANAGER = 'CertManager',
  /** A Secret that exists already (`ZooKeeperTls.fromSecret`). */
  SECRET = 'Secret',
}

/**
 * How the servers of an ensemble talk to each other (leader election and quorum traffic).
 *
 * Switching a running ensemble from plaintext to TLS in one step breaks the quorum: a restarted
 * server speaks only TLS, the others only plaintext. The ZooKeeper administrator's guide
 * ("Upgrading existing non-TLS cluster with no downtime") goes through port unification, one
 * rolling restart per step: `PLAINTEXT_ACCEPTING_TLS`, then `TLS_ACCEPTING_PLAINTEXT`, then `TLS`.
 *
 * @see https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#Upgrading+existing+nonTLS+cluster
 */
export enum ZooKeeperQuorumTls {
  /**
   * TLS only (`sslQuorum=true`, `portUnification=false`): the end state, and the default.
   */
  TLS = 'Tls',
  /**
   * Connects with TLS and still accepts plaintext from servers that have not been restarted yet
   * (`sslQuorum=true`, `portUnification=true`): the second step of the upgrade.
   */
  TLS_ACCEPTING_PLAINTEXT = 'TlsAcceptingPlaintext',
  /**
   * Connects in plaintext and already accepts TLS (`sslQuorum=false`, `portUnification=true`): the
   * first step of the upgrade of an ensemble that runs in plaintext.
   */
  PLAINTEXT_ACCEPTING_TLS = 'PlaintextAcceptingTls',
}

/**
 * What the plaintext client port (`clientPort`) of a server with TLS accepts.
 */
export enum ZooKeeperPlaintextClientPort {
  /**
   * The plaintext port listens on 127.0.0.1 only (`clientPortAddress=127.0.0.1`): it serves the
   * readiness and liveness probes (`ruok`) and four-letter words run inside the pod. Clients
   * connect with TLS to the secure client port, which listens on every address. The default.
   */
  LOCALHOST_ONLY = 'LocalhostOnly',
  /**
   * The client port listens on every address and accepts TLS and plaintext alike
   * (`client.portUnification=true`); the secure client port accepts TLS only. Use it while clients
   * move to TLS: they keep their connect string and switch when they are ready.
   */
  UNIFIED = 'Unified',
}

/**
 * Whether the servers ask TLS clients for a certificate (`ssl.clientAuth`).
 */
export enum ZooKeeperClientAuth {
  /** A client must present a certificate the servers trust (mutual TLS). ZooKeeper's default. */
  NEED = 'need',
  /** A client is asked for a certificate, but may connect without one. */
  WANT = 'want',
  /** A client is not asked for a certificate. */
  NONE = 'none',
}

/**
 * TLS settings of a ZooKeeper ensemble, whatever the certificates come from.
 */
export interface ZooKeeperTlsOptions {
  /**
   * Name of the Secret (in the ensemble's namespace) that holds the password of the PKCS12
   * keystore and truststore. The servers read it from a file (`ssl.quorum.keyStore.passwordPath`
   * and the like, ZooKeeper 3.8 or later); it never appears in the output.
   */
  readonly passwordSecretName: string;

  /**
   * Key of the password in `passwordSecretName`.
   *
   * @default 'password'
   */
  readonly passwordSecretKey?: string;

  /**
   * Port for TLS client connections (`secureClientPort`).
   *
   * @default 2281
   */
  readonly secureClientPort?: number;

  /**
   * What the plaintext client port accepts.
   *
   * @default ZooKeeperPlaintextClientPort.LOCALHOST_ONLY
   */
  readonly plaintextClientPort?: ZooKeeperPlaintextClientPort;

  /**
   * Whether the servers ask TLS clients for a certificate.
   *
   * @default ZooKeeperClientAuth.NEED
   */
  readonly clientAuth?: ZooKeeperClientAuth;

  /**
   * How the servers talk to each other. Keep the default for a new ensemble; the other values are
   * the steps of moving a running ensemble from plaintext to TLS.
   *
   * @default ZooKeeperQuorumTls.TLS
   */
  readonly quorum?: ZooKeeperQuorumTls;

  /**
   * Verify that a peer server's certificate names the host it connects from
   * (`ssl.quorum.hostnameVerification`). A server looks up the peer's address in DNS: Kubernetes
   * DNS answers with the pod's stable DNS name (a PTR record for each endpoint of the headless
   * Service), which the certificate lists. Turn it off only where the cluster DNS has no such
   * records; the certificates are still checked against the truststore.
   *
   * @default true
   * @see https://github.com/kubernetes/dns/blob/master/docs/specification.md#243---ptr-records
   */
  readonly hostnameVerification?: boolean;
}

/**
 * TLS of a ZooKeeper ensemble with a certificate from cert-manager.
 */
export interface ZooKeeperIssuerTlsOptions extends ZooKeeperTlsOptions {
  /**
   * Name of the Certificate and of the Secret cert-manager writes (`tls.crt`, `tls.key`,
   * `ca.crt`, `keystore.p12`, `truststore.p12`).
   *
   * @default - `<name>-tls`
   */
  readonly secretName?: string;

  /**
   * How long the certificate is valid (`spec.duration`), in whole minutes, at least an hour.
   *
   * @default - cert-manager's default (90 days)
   */
  readonly duration?: Duration;

  /**
   * How long before the end of its validity cert-manager renews the certificate
   * (`spec.renewBefore`), in whole minutes, at least 5 minutes and less than `duration`. The
   * servers read their keystore when they start: roll them after each renewal (see
   * docs/zookeeper-tls.md).
   *
   * @default - cert-manager's default (a third of the duration)
   */
  readonly renewBefore?: Duration;
}

/**
 * TLS of a ZooKeeper ensemble with a keystore and truststore from an existing Secret.
 */
export interface ZooKeeperSecretTlsOptions extends ZooKeeperTlsOptions {
  /**
   * Key of the PKCS12 keystore (the server's key and certificate chain) in the Secret.
   *
   * @default 'keystore.p12'
   */
  readonly keyStoreKey?: string;

  /**
   * Key of the PKCS12 truststore (the CA certificates the servers trust) in the Secret.
   *
   * @default 'truststore.p12'
   */
  readonly trustStoreKey?: string;
}

/**
 * Where the certificates of a ZooKeeper ensemble with TLS come from, and how the servers use them.
 *
 * With TLS the servers use Netty (`serverCnxnFactory`), encrypt and authenticate the traffic
 * between them (`sslQuorum`) and serve clients on a secure client port. Keystore and truststore
 * are PKCS12 files from a Secret, their password a file from another Secret: nothing secret is in
 * the synthesized output. Needs the official image (ZooKeeper 3.8 or later).
 */
export class ZooKeeperTls {
  /**
   * A certificate from cert-manager: the ensemble emits a `cert-manager.io/v1` Certificate for
   * the pods' stable DNS names, the headless and client Services' names and a wildcard for the
   * headless Service, with a PKCS12 keystore and truststore protected by the password of
   * `passwordSecretName`. cert-manager writes `truststore.p12` only when the issuer tells it the
   * CA (a CA or Vault issuer does; ACME does not).
   *
   * @param issuer the Issuer or ClusterIssuer that signs the certificate
   */
  public static fromIssuer(issuer: CertManagerIssuer, options: ZooKeeperIssuerTlsOptions): ZooKeeperTls {
    return new ZooKeeperTls(ZooKeeperTlsSource.CERT_MANAGER, options, issuer, options?.secretName,
      'keystore.p12', 'truststore.p12', options?.duration, options?.renewBefore);
  }

  /**
   * A keystore and truststore in an existing Secret (PKCS12). The keystore's certificate must
   * name every server's stable DNS name (or a wildcard for the headless Service) and allow both
   * server and client authentication: each server is a TLS client of the others.
   *
   * @param secretName name of the Secret in the ensemble's namespace
   */
  public static fromSecret(secretName: string, options: ZooKeeperSecretTlsOptions): ZooKeeperTls {
    return new ZooKeeperTls(ZooKeeperTlsSource.SECRET, options, undefined, secretName,
      options?.keyStoreKey ?? 'keystore.p12', options?.trustStoreKey ?? 'truststore.p12');
  }

  private constructor(
    /** Where the certificates come from. */
    public readonly source: ZooKeeperTlsSource,
    /** The TLS settings. */
    public readonly options: ZooKeeperTlsOptions,
    /** The issuer of the certificate (cert-manager only). */
    public readonly issuer?: CertManagerIssuer,
    /** Name of the Secret with the keystore and truststore; for cert-manager, undefined means `<name>-tls`. */
    public readonly secretName?: string,
    /** Key of the keystore in the Secret. */
    public readonly keyStoreKey: string = 'keystore.p12',
    /** Key of the truststore in the Secret. */
    public readonly trustStoreKey: string = 'truststore.p12',
    /** Validity of the certificate (cert-manager only). */
    public readonly duration?: Duration,
    /** Renewal time before the end of the validity (cert-manager only). */
    public readonly renewBefore?: Duration) {}
}
