/**
 * A user of ZooKeeper's DIGEST-MD5 SASL authentication: a name, and a password kept in a Secret.
 */
export interface ZooKeeperSaslUser {
  /**
   * The user name: letters, digits, '.', '_' and '-', starting with a letter. It is written into
   * the generated JAAS file; it is not secret.
   */
  readonly username: string;

  /**
   * Name of the Secret (in the ensemble's namespace) that holds the password. The password
   * reaches the container as an environment variable from the Secret, is written into the JAAS
   * file in a memory-backed volume when the container starts, and is then removed from the
   * environment of the server. It never appears in the output.
   */
  readonly passwordSecretName: string;

  /**
   * Key of the password in `passwordSecretName`. The password must be one line without `${`
   * (which Java would expand in a JAAS file); trailing newlines are dropped, quotes and backslashes
   * are escaped. A server refuses to start, with a message naming the key, otherwise.
   *
   * @default 'password'
   */
  readonly passwordSecretKey?: string;
}

/**
 * SASL authentication of a ZooKeeper ensemble (DIGEST-MD5). The construct generates the JAAS file
 * (`jaas.conf` beside `zoo.cfg`, with placeholders for the passwords) and the snippet that fills
 * in the passwords when a server starts. Needs the official image.
 *
 * @see https://cwiki.apache.org/confluence/display/ZOOKEEPER/Server-Server+mutual+authentication
 * @see https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#sc_authOptions
 */
export interface ZooKeeperSaslOptions {
  /**
   * The user the servers authenticate to each other as (`quorum.auth.enableSasl`; JAAS sections
   * `QuorumServer` and `QuorumLearner`). A server without the right password cannot join the
   * quorum.
   *
   * @default - the servers do not authenticate each other
   */
  readonly quorumUser?: ZooKeeperSaslUser;

  /**
   * Refuse servers that do not authenticate (`quorum.auth.learnerRequireSasl` and
   * `quorum.auth.serverRequireSasl`). To turn quorum authentication on in a running ensemble,
   * roll it first with `false` (every server learns to authenticate), then with `true`.
   *
   * @default true
   */
  readonly requireQuorumAuthentication?: boolean;

  /**
   * Users clients may authenticate as (JAAS section `Server`; the servers load the SASL
   * authentication provider).
   *
   * @default - no client users
   */
  readonly clientUsers?: ZooKeeperSaslUser[];

  /**
   * Refuse sessions of clients that have not authenticated with SASL (`enforce.auth.enabled`
   * with `enforce.auth.schemes=sasl`, ZooKeeper 3.7 or later). Only with `clientUsers`.
   *
   * @default true when there are client users
   */
  readonly requireClientAuthentication?: boolean;
}
