/**
 * The kind of a cert-manager issuer.
 *
 * @see https://cert-manager.io/docs/concepts/issuer/
 */
export enum CertManagerIssuerKind {
  /** An `Issuer`: namespaced, it signs certificates of its own namespace only. */
  ISSUER = 'Issuer',
  /** A `ClusterIssuer`: cluster-scoped, it signs certificates of every namespace. */
  CLUSTER_ISSUER = 'ClusterIssuer',
}

/**
 * A reference to a cert-manager issuer (`issuerRef` of a `cert-manager.io/v1` Certificate). The
 * issuer itself is not created: it is usually shared by many workloads and set up once per
 * namespace or cluster (a CA, Vault, ACME, ...).
 *
 * @see https://cert-manager.io/docs/usage/certificate/
 */
export class CertManagerIssuer {
  /**
   * An `Issuer` of the certificate's namespace.
   *
   * @param name name of the Issuer
   */
  public static issuer(name: string): CertManagerIssuer {
    return new CertManagerIssuer(CertManagerIssuerKind.ISSUER, name);
  }

  /**
   * A `ClusterIssuer`.
   *
   * @param name name of the ClusterIssuer
   */
  public static clusterIssuer(name: string): CertManagerIssuer {
    return new CertManagerIssuer(CertManagerIssuerKind.CLUSTER_ISSUER, name);
  }

  /** The API group of cert-manager's issuers (`issuerRef.group`). */
  public readonly group = 'cert-manager.io';

  private constructor(
    /** The issuer's kind. */
    public readonly kind: CertManagerIssuerKind,
    /** The issuer's name. */
    public readonly name: string) {}
}
