// TLS and SASL of a ZooKeeperEnsemble: checks of the `tls` and `sasl` props, the zoo.cfg lines,
// the JAAS template and the start snippet that fills in its passwords, and the cert-manager
// Certificate. Not part of the public API: ZooKeeperEnsemble calls it.
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CertManagerIssuer, CertManagerIssuerKind } from '../cert-manager';
import { checkDnsSubdomain, checkEnumValue, checkInteger, firstDuplicate, invalid } from '../validation';
import { ZooKeeperSaslOptions, ZooKeeperSaslUser } from '../zookeeper-sasl';
import {
  ZooKeeperClientAuth, ZooKeeperPlaintextClientPort, ZooKeeperQuorumTls, ZooKeeperTls, ZooKeeperTlsSource,
} from '../zookeeper-tls';

/** Where the Secret with the keystore and truststore is mounted. */
export const TLS_DIR = '/etc/zookeeper/tls';
/** Where the Secret with the keystore password is mounted. */
export const TLS_PASSWORD_DIR = '/etc/zookeeper/tls-password';
/** The memory-backed directory the start snippet writes the JAAS file into. */
export const JAAS_DIR = '/run/zookeeper';
/** The JAAS file the servers read (`-Djava.security.auth.login.config`). */
export const JAAS_FILE = `${JAAS_DIR}/jaas.conf`;
/** Name of the JAAS template beside zoo.cfg. */
export const JAAS_TEMPLATE_NAME = 'jaas.conf.template';
/** Environment variable of the quorum user's password. */
export const QUORUM_PASSWORD_ENV = 'ZK_SASL_QUORUM_PASSWORD';
/** Environment variable of the password of client user i. */
export function clientPasswordEnv(i: number): string {
  return `ZK_SASL_CLIENT_PASSWORD_${i}`;
}

const NETTY_FACTORY = 'org.apache.zookeeper.server.NettyServerCnxnFactory';
const SASL_PROVIDER = 'org.apache.zookeeper.server.auth.SASLAuthenticationProvider';
const DIGEST_LOGIN_MODULE = 'org.apache.zookeeper.server.auth.DigestLoginModule';
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const USERNAME = /^[A-Za-z][A-Za-z0-9._-]*$/;
const FACTORIES = 'ZooKeeperTls.fromIssuer(CertManagerIssuer.clusterIssuer("…"), { passwordSecretName: "…" }) '
  + 'or ZooKeeperTls.fromSecret("…", { passwordSecretName: "…" })';

/** The TLS settings of an ensemble, checked and with their defaults. */
export interface ResolvedTls {
  readonly source: ZooKeeperTlsSource;
  readonly issuer?: CertManagerIssuer;
  readonly secretName: string;
  readonly keyStorePath: string;
  readonly trustStorePath: string;
  readonly passwordSecretName: string;
  readonly passwordSecretKey: string;
  readonly passwordPath: string;
  readonly secureClientPort: number;
  readonly plaintextClientPort: ZooKeeperPlaintextClientPort;
  readonly clientAuth: ZooKeeperClientAuth;
  readonly quorum: ZooKeeperQuorumTls;
  readonly hostnameVerification: boolean;
  readonly duration?: string;
  readonly renewBefore?: string;
}

/** The ports the ensemble already uses, to keep the secure client port apart from them. */
export interface EnsemblePorts {
  readonly clientPort: number;
  readonly serverPort: number;
  readonly electionPort: number;
  /** Port of the Prometheus metrics provider (`metrics`), if any. */
  readonly metricsPort?: number;
}

/**
 * Checks the `tls` prop (a `ZooKeeperTls`) and resolves its defaults. Throws with the user's field
 * names (`tls.passwordSecretName`, ...).
 */
export function resolveTls(scope: Construct, name: string, tls: ZooKeeperTls, ports: EnsemblePorts): ResolvedTls {
  if (!(tls instanceof ZooKeeperTls)) {
    throw invalid(scope, 'tls', tls, `must be ${FACTORIES}`);
  }
  const options = tls.options ?? ({} as ZooKeeperTls['options']);
  let secretName: string;
  if (tls.source === ZooKeeperTlsSource.CERT_MANAGER) {
    const issuer = tls.issuer;
    if (!(issuer instanceof CertManagerIssuer)) {
      throw invalid(scope, 'tls.issuer', issuer,
        'must name the cert-manager issuer that signs the certificate: CertManagerIssuer.issuer("…") or CertManagerIssuer.clusterIssuer("…")');
    }
    checkEnumValue(scope, 'tls.issuer.kind', issuer.kind, CertManagerIssuerKind, 'CertManagerIssuerKind');
    if (typeof issuer.name !== 'string' || issuer.name === '') {
      throw invalid(scope, 'tls.issuer.name', issuer.name, 'must be the name of an existing Issuer or ClusterIssuer');
    }
    checkDnsSubdomain(scope, 'tls.issuer.name', issuer.name);
    secretName = tls.secretName ?? `${name}-tls`;
  } else {
    if (typeof tls.secretName !== 'string' || tls.secretName === '') {
      throw invalid(scope, 'tls.secretName', tls.secretName,
        'must be the name of the Secret (in the ensemble\'s namespace) that holds the PKCS12 keystore and truststore');
    }
    secretName = tls.secretName;
  }
  checkDnsSubdomain(scope, 'tls.secretName', secretName);
  checkSecretKey(scope, 'tls.keyStoreKey', tls.keyStoreKey);
  checkSecretKey(scope, 'tls.trustStoreKey', tls.trustStoreKey);
  if (tls.keyStoreKey === tls.trustStoreKey) {
    throw invalid(scope, 'tls.trustStoreKey', tls.trustStoreKey, 'must differ from tls.keyStoreKey: the keystore and the truststore are two files');
  }

  if (typeof options.passwordSecretName !== 'string' || options.passwordSecretName === '') {
    throw invalid(scope, 'tls.passwordSecretName', options.passwordSecretName,
      'must be the name of the Secret (in the ensemble\'s namespace) that holds the password of the PKCS12 keystore and truststore; '
      + 'create it before the ensemble, e.g. kubectl create secret generic zk-keystore-password --from-literal=password="$(openssl rand -base64 24)"');
  }
  checkDnsSubdomain(scope, 'tls.passwordSecretName', options.passwordSecretName);
  const passwordSecretKey = options.passwordSecretKey ?? 'password';
  checkSecretKey(scope, 'tls.passwordSecretKey', passwordSecretKey);

  const secureClientPort = options.secureClientPort ?? 2281;
  checkInteger(scope, 'tls.secureClientPort', secureClientPort, 1, 65535);
  const taken: [string, number][] = [['clientPort', ports.clientPort], ['serverPort', ports.serverPort], ['electionPort', ports.electionPort]];
  if (ports.metricsPort !== undefined) taken.push(['metrics.port', ports.metricsPort]);
  const clash = taken.find(([, p]) => p === secureClientPort);
  if (clash) {
    throw invalid(scope, 'tls.secureClientPort', secureClientPort,
      `is the same number as ${clash[0]} (${clash[1]}): the secure client port needs a port of its own`
      + (clash[0] === 'clientPort' ? ' (for TLS and plaintext on one port, use plaintextClientPort: ZooKeeperPlaintextClientPort.UNIFIED)' : ''));
  }
  const plaintextClientPort = options.plaintextClientPort ?? ZooKeeperPlaintextClientPort.LOCALHOST_ONLY;
  checkEnumValue(scope, 'tls.plaintextClientPort', plaintextClientPort, ZooKeeperPlaintextClientPort, 'ZooKeeperPlaintextClientPort');
  const clientAuth = options.clientAuth ?? ZooKeeperClientAuth.NEED;
  checkEnumValue(scope, 'tls.clientAuth', clientAuth, ZooKeeperClientAuth, 'ZooKeeperClientAuth');
  const quorum = options.quorum ?? ZooKeeperQuorumTls.TLS;
  checkEnumValue(scope, 'tls.quorum', quorum, ZooKeeperQuorumTls, 'ZooKeeperQuorumTls');
  const hostnameVerification = options.hostnameVerification ?? true;
  if (typeof hostnameVerification !== 'boolean') {
    throw invalid(scope, 'tls.hostnameVerification', hostnameVerification, 'must be true or false');
  }

  let duration: string | undefined;
  let renewBefore: string | undefined;
  if (tls.source === ZooKeeperTlsSource.CERT_MANAGER) {
    const durationMin = tls.duration === undefined ? undefined : wholeMinutes(scope, 'tls.duration', tls.duration);
    const renewMin = tls.renewBefore === undefined ? undefined : wholeMinutes(scope, 'tls.renewBefore', tls.renewBefore);
    // cert-manager refuses a duration under an hour and a renewBefore under 5 minutes or not
    // below the duration (https://cert-manager.io/docs/usage/certificate/#renewal).
    if (durationMin !== undefined && durationMin < 60) {
      throw invalid(scope, 'tls.duration', tls.duration!.toHumanString(), 'must be at least an hour (cert-manager refuses shorter certificates)');
    }
    if (renewMin !== undefined && renewMin < 5) {
      throw invalid(scope, 'tls.renewBefore', tls.renewBefore!.toHumanString(), 'must be at least 5 minutes (cert-manager\'s minimum)');
    }
    const effectiveDuration = durationMin ?? 90 * 24 * 60;
    if (renewMin !== undefined && renewMin >= effectiveDuration) {
      throw invalid(scope, 'tls.renewBefore', tls.renewBefore!.toHumanString(),
        `must be shorter than the certificate's duration (${durationMin === undefined ? "cert-manager's default of 90 days" : tls.duration!.toHumanString()})`);
    }
    duration = durationMin === undefined ? undefined : goDuration(durationMin);
    renewBefore = renewMin === undefined ? undefined : goDuration(renewMin);
  }

  return {
    source: tls.source,
    issuer: tls.issuer,
    secretName,
    keyStorePath: `${TLS_DIR}/${tls.keyStoreKey}`,
    trustStorePath: `${TLS_DIR}/${tls.trustStoreKey}`,
    passwordSecretName: options.passwordSecretName,
    passwordSecretKey,
    passwordPath: `${TLS_PASSWORD_DIR}/${passwordSecretKey}`,
    secureClientPort,
    plaintextClientPort,
    clientAuth,
    quorum,
    hostnameVerification,
    duration,
    renewBefore,
  };
}

/** The zoo.cfg lines of TLS (ZooKeeper administrator's guide, "Quorum TLS" and the ssl.* options). */
export function tlsZooCfgLines(t: ResolvedTls): string[] {
  const stores = (prefix: string) => [
    `${prefix}.keyStore.location=${t.keyStorePath}`,
    // Password files: ZooKeeper 3.8 and later (ZOOKEEPER-4396); the password is never in zoo.cfg.
    `${prefix}.keyStore.passwordPath=${t.passwordPath}`,
    `${prefix}.keyStore.type=PKCS12`,
    `${prefix}.trustStore.location=${t.trustStorePath}`,
    `${prefix}.trustStore.passwordPath=${t.passwordPath}`,
    `${prefix}.trustStore.type=PKCS12`,
  ];
  const lines = [
    // TLS needs Netty: the default NIO connection factory has no TLS.
    `serverCnxnFactory=${NETTY_FACTORY}`,
    `sslQuorum=${t.quorum !== ZooKeeperQuorumTls.PLAINTEXT_ACCEPTING_TLS}`,
    `portUnification=${t.quorum !== ZooKeeperQuorumTls.TLS}`,
    ...stores('ssl.quorum'),
    `ssl.quorum.hostnameVerification=${t.hostnameVerification}`,
    `secureClientPort=${t.secureClientPort}`,
    ...stores('ssl'),
    `ssl.clientAuth=${t.clientAuth}`,
  ];
  if (t.plaintextClientPort === ZooKeeperPlaintextClientPort.UNIFIED) {
    lines.push('client.portUnification=true');
  } else {
    // The plaintext port serves only the probes inside the pod. The secure port would listen on
    // clientPortAddress too, so it is given every address (Java binds 0.0.0.0 dual-stack).
    lines.push('clientPortAddress=127.0.0.1', 'secureClientPortAddress=0.0.0.0');
  }
  return lines;
}

/** The names the certificate lists: every name a server or a client may reach a server by. */
export function certificateDnsNames(podDnsNames: string[], headlessServiceNames: string[], clientServiceNames: string[], wildcard: string): string[] {
  return [...new Set([...podDnsNames, ...headlessServiceNames, ...clientServiceNames, wildcard])];
}

/** What the cert-manager Certificate is made of. */
export interface CertificateValues {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  readonly tls: ResolvedTls;
  readonly dnsNames: string[];
}

/** The `cert-manager.io/v1` Certificate of a `ZooKeeperTls.fromIssuer`. */
export interface CertificateSpec {
  readonly secretName: string;
  readonly issuerRef: { readonly name: string; readonly kind: string; readonly group: string };
  readonly dnsNames: string[];
  readonly usages: string[];
  readonly duration?: string;
  readonly renewBefore?: string;
  readonly privateKey: { readonly rotationPolicy: string };
  readonly keystores: {
    readonly pkcs12: { readonly create: boolean; readonly passwordSecretRef: { readonly name: string; readonly key: string } };
  };
}

/**
 * Adds the Certificate. Its keystore is PKCS12, which Java reads without conversion, protected by
 * the password of the given Secret (cert-manager reads it; it is not in the output).
 *
 * @see https://cert-manager.io/docs/usage/certificate/
 */
export function addCertificate(scope: Construct, id: string, v: CertificateValues): ApiObject {
  const t = v.tls;
  const spec: CertificateSpec = {
    secretName: t.secretName,
    issuerRef: { name: t.issuer!.name, kind: t.issuer!.kind, group: t.issuer!.group },
    dnsNames: v.dnsNames,
    // Each server is a TLS server for clients and peers, and a TLS client of its peers.
    usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
    duration: t.duration,
    renewBefore: t.renewBefore,
    // A new key with each renewal (cert-manager's default from 1.18 on; older versions keep the key).
    privateKey: { rotationPolicy: 'Always' },
    keystores: { pkcs12: { create: true, passwordSecretRef: { name: t.passwordSecretName, key: t.passwordSecretKey } } },
  };
  return new ApiObject(scope, id, {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: v.name, namespace: v.namespace, labels: v.labels },
    spec,
  });
}

/** A SASL user, checked, with its environment variable. */
export interface ResolvedSaslUser {
  readonly username: string;
  readonly passwordSecretName: string;
  readonly passwordSecretKey: string;
  /** The environment variable the password reaches the container in. */
  readonly env: string;
}

/** The SASL settings of an ensemble, checked and with their defaults. */
export interface ResolvedSasl {
  readonly quorumUser?: ResolvedSaslUser;
  readonly requireQuorumAuthentication: boolean;
  readonly clientUsers: ResolvedSaslUser[];
  readonly requireClientAuthentication: boolean;
}

/** Checks the `sasl` prop and resolves its defaults. */
export function resolveSasl(scope: Construct, sasl: ZooKeeperSaslOptions): ResolvedSasl {
  if (sasl === null || typeof sasl !== 'object') {
    throw invalid(scope, 'sasl', sasl, 'must be an object with quorumUser and/or clientUsers');
  }
  const clientList = sasl.clientUsers ?? [];
  if (!Array.isArray(clientList)) {
    throw invalid(scope, 'sasl.clientUsers', clientList, 'must be a list of users');
  }
  if (sasl.quorumUser === undefined && clientList.length === 0) {
    throw invalid(scope, 'sasl', sasl,
      'has no credentials: give quorumUser (the servers authenticate each other) and/or clientUsers (clients authenticate), '
      + 'each with a user name and the Secret that holds the password; or leave sasl out');
  }
  const quorumUser = sasl.quorumUser === undefined ? undefined : resolveUser(scope, 'sasl.quorumUser', sasl.quorumUser, QUORUM_PASSWORD_ENV);
  const clientUsers = clientList.map((u, i) => resolveUser(scope, `sasl.clientUsers[${i}]`, u, clientPasswordEnv(i)));
  const dup = firstDuplicate(clientUsers.map(u => u.username));
  if (dup !== undefined) {
    throw invalid(scope, 'sasl.clientUsers', dup, 'user names must be unique');
  }
  const requireQuorumAuthentication = sasl.requireQuorumAuthentication ?? true;
  if (typeof requireQuorumAuthentication !== 'boolean') {
    throw invalid(scope, 'sasl.requireQuorumAuthentication', requireQuorumAuthentication, 'must be true or false');
  }
  if (sasl.requireQuorumAuthentication !== undefined && quorumUser === undefined) {
    throw invalid(scope, 'sasl.requireQuorumAuthentication', sasl.requireQuorumAuthentication, 'applies only with sasl.quorumUser');
  }
  const requireClientAuthentication = sasl.requireClientAuthentication ?? clientUsers.length > 0;
  if (typeof requireClientAuthentication !== 'boolean') {
    throw invalid(scope, 'sasl.requireClientAuthentication', requireClientAuthentication, 'must be true or false');
  }
  if (sasl.requireClientAuthentication !== undefined && clientUsers.length === 0) {
    throw invalid(scope, 'sasl.requireClientAuthentication', sasl.requireClientAuthentication,
      'applies only with sasl.clientUsers: without client users no client could authenticate');
  }
  return { quorumUser, requireQuorumAuthentication, clientUsers, requireClientAuthentication };
}

function resolveUser(scope: Construct, field: string, user: ZooKeeperSaslUser, env: string): ResolvedSaslUser {
  if (user === null || typeof user !== 'object') {
    throw invalid(scope, field, user, 'must be { username, passwordSecretName, passwordSecretKey? }');
  }
  if (typeof user.username !== 'string' || !USERNAME.test(user.username) || user.username.length > 128) {
    throw invalid(scope, `${field}.username`, user.username,
      "must be a user name of letters, digits, '.', '_' and '-', starting with a letter (at most 128 characters)");
  }
  if (typeof user.passwordSecretName !== 'string' || user.passwordSecretName === '') {
    throw invalid(scope, `${field}.passwordSecretName`, user.passwordSecretName,
      'must be the name of the Secret (in the ensemble\'s namespace) that holds the password; the password is never written into the output');
  }
  checkDnsSubdomain(scope, `${field}.passwordSecretName`, user.passwordSecretName);
  const key = user.passwordSecretKey ?? 'password';
  checkSecretKey(scope, `${field}.passwordSecretKey`, key);
  return { username: user.username, passwordSecretName: user.passwordSecretName, passwordSecretKey: key, env };
}

/** The zoo.cfg lines of SASL. */
export function saslZooCfgLines(s: ResolvedSasl): string[] {
  const lines: string[] = [];
  if (s.quorumUser) {
    // https://cwiki.apache.org/confluence/display/ZOOKEEPER/Server-Server+mutual+authentication
    lines.push(
      'quorum.auth.enableSasl=true',
      `quorum.auth.learnerRequireSasl=${s.requireQuorumAuthentication}`,
      `quorum.auth.serverRequireSasl=${s.requireQuorumAuthentication}`,
    );
  }
  if (s.clientUsers.length > 0) {
    lines.push(`authProvider.sasl=${SASL_PROVIDER}`);
    if (s.requireClientAuthentication) {
      lines.push('enforce.auth.enabled=true', 'enforce.auth.schemes=sasl');
    }
  }
  return lines;
}

/**
 * The JAAS file with a placeholder `@<VARIABLE>@` where each password goes. The user names are
 * checked at synth time (letters, digits, '.', '_', '-': a word for the JAAS parser).
 */
export function renderJaasTemplate(s: ResolvedSasl): string {
  const placeholder = (u: ResolvedSaslUser) => `"@${u.env}@"`;
  const sections: string[] = [];
  if (s.quorumUser) {
    const u = s.quorumUser;
    sections.push(
      'QuorumServer {',
      `    ${DIGEST_LOGIN_MODULE} required`,
      `    user_${u.username}=${placeholder(u)};`,
      '};',
      'QuorumLearner {',
      `    ${DIGEST_LOGIN_MODULE} required`,
      `    username="${u.username}"`,
      `    password=${placeholder(u)};`,
      '};',
    );
  }
  if (s.clientUsers.length > 0) {
    sections.push(
      'Server {',
      `    ${DIGEST_LOGIN_MODULE} required`,
      ...s.clientUsers.map((u, i) => `    user_${u.username}=${placeholder(u)}${i === s.clientUsers.length - 1 ? ';' : ''}`),
      '};',
    );
  }
  return `${sections.join('\n')}\n`;
}

/** Every user of the SASL settings: the quorum user first, then the client users. */
export function saslUsers(s: ResolvedSasl): ResolvedSaslUser[] {
  return [...(s.quorumUser ? [s.quorumUser] : []), ...s.clientUsers];
}

/**
 * The POSIX sh snippet that writes the JAAS file the servers read: the template
 * (`$ZOOCFGDIR/jaas.conf.template`) with each placeholder replaced by the password in its
 * environment variable, escaped for a JAAS string, into `$ZK_JAAS_FILE` (mode 0600, in a
 * memory-backed volume). It then removes the password variables from the environment, so that the
 * server process does not inherit them. A password that is empty, has more than one line or
 * contains `${` (which Java would expand) stops the container with a message naming the Secret key.
 */
export function renderJaasScript(s: ResolvedSasl, templateDir: string, jaasFile: string): string {
  const users = saslUsers(s);
  const lines = [
    // zk_jaas_value VARIABLE DESCRIPTION: checks the variable's value and sets zk_v to it, escaped.
    'zk_jaas_value() {',
    '  eval "zk_raw=\\${$1-}"',
    '  while :; do case "$zk_raw" in *"',
    '") zk_raw="${zk_raw%?}" ;; *) break ;; esac; done',
    '  case "$zk_raw" in',
    '    \'\') echo "cannot write the JAAS file: the SASL password $2 is empty" >&2; exit 1 ;;',
    '    *"',
    '"*) echo "cannot write the JAAS file: the SASL password $2 has more than one line" >&2; exit 1 ;;',
    '    *\'${\'*) echo "cannot write the JAAS file: the SASL password $2 contains \'\\${\', which Java expands in a JAAS file" >&2; exit 1 ;;',
    '  esac',
    '  zk_v=\'\'',
    '  while [ -n "$zk_raw" ]; do',
    '    zk_c="${zk_raw%"${zk_raw#?}"}"; zk_raw="${zk_raw#?}"',
    '    case "$zk_c" in \\\\|\\") zk_v="$zk_v\\\\$zk_c" ;; *) zk_v="$zk_v$zk_c" ;; esac',
    '  done',
    '}',
    // zk_jaas_fill PLACEHOLDER VALUE: replaces every PLACEHOLDER in zk_line by VALUE.
    'zk_jaas_fill() {',
    '  zk_out=\'\'; zk_rest="$zk_line"',
    '  while :; do',
    '    case "$zk_rest" in *"$1"*) ;; *) break ;; esac',
    '    zk_out="$zk_out${zk_rest%%"$1"*}$2"; zk_rest="${zk_rest#*"$1"}"',
    '  done',
    '  zk_line="$zk_out$zk_rest"',
    '}',
    ...users.map((u, i) => `zk_jaas_value ${u.env} 'of ${u.username} (Secret ${u.passwordSecretName}, key ${u.passwordSecretKey})'; zk_p${i}="$zk_v"`),
    `zk_jaas_file="\${ZK_JAAS_FILE:-${jaasFile}}"`,
    '( umask 077',
    '  while IFS= read -r zk_line || [ -n "$zk_line" ]; do',
    ...users.map((u, i) => `    zk_jaas_fill '@${u.env}@' "$zk_p${i}"`),
    '    printf \'%s\\n\' "$zk_line"',
    `  done < "\${ZOOCFGDIR:-${templateDir}}/${JAAS_TEMPLATE_NAME}" > "$zk_jaas_file" ) || exit 1`,
    `unset ${users.map(u => u.env).join(' ')} zk_raw zk_v ${users.map((_, i) => `zk_p${i}`).join(' ')}`,
    '',
  ];
  return lines.join('\n');
}

function checkSecretKey(scope: Construct, field: string, key: string): void {
  if (typeof key !== 'string' || !SECRET_KEY.test(key) || key.length > 253 || key === '.' || key === '..') {
    throw invalid(scope, field, key, "must be a key of a Secret: letters, digits, '-', '_' and '.' (e.g. 'password')");
  }
}

function wholeMinutes(scope: Construct, field: string, d: Duration): number {
  const minutes = d.toMinutes({ integral: false });
  if (!Number.isInteger(minutes) || minutes <= 0) {
    throw invalid(scope, field, d.toHumanString(), 'must be a positive whole number of minutes, e.g. Duration.days(90)');
  }
  return minutes;
}

/** A duration in Go's format, as cert-manager reads it: whole hours as `<h>h`, else `<m>m`. */
function goDuration(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}
