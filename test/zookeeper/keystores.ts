/**
 * Test certificates for the real-server TLS test, made with `openssl` (Debian) and `keytool` (the
 * Java runtime): a CA, and certificates signed by it, packed the way cert-manager writes a
 * Certificate's Secret (`tls.crt`, `tls.key`, `ca.crt`, and with `keystores.pkcs12.create` a
 * PKCS12 `keystore.p12` and `truststore.p12` protected by the password of `passwordSecretRef`).
 *
 * Every command runs with a time limit and reads the password from a file (never from its
 * command line). Nothing is written outside the given directory.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const OPENSSL_HINT = 'Install openssl (Debian package openssl) and a Java runtime with keytool (see test/zookeeper/PREREQUISITES.md).';

/** Checks that openssl and keytool run; throws (never skips) with the install hint. */
export function checkKeystoreTools(): void {
  for (const [tool, args] of [['openssl', ['version']], ['keytool', ['-help']]] as const) {
    const r = spawnSync(tool, [...args], { encoding: 'utf8', timeout: 30_000 });
    if (r.error || r.status !== 0) {
      throw new Error(`ZooKeeper TLS test: \`${tool}\` does not run (${r.error?.message ?? r.stderr.trim()}). ${OPENSSL_HINT}`);
    }
  }
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.error?.message ?? ''}${r.stderr}`);
  }
}

/** A CA that signs test certificates. */
export class TestCa {
  /** Creates a self-signed CA (RSA 2048, valid one day) in `dir`. */
  static create(dir: string, name: string): TestCa {
    fs.mkdirSync(dir, { recursive: true });
    run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt',
      '-days', '1', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    return new TestCa(dir);
  }

  private serial = 1;

  private constructor(public readonly dir: string) {}

  /** The CA certificate (PEM). */
  get certificatePem(): string {
    return fs.readFileSync(path.join(this.dir, 'ca.crt'), 'utf8');
  }

  /**
   * Issues a certificate as cert-manager would for a Certificate with these DNS names and usages
   * (`server auth`, `client auth`, ...), and returns the Secret cert-manager writes for it, with
   * the PKCS12 keystore and truststore protected by `password`.
   */
  issue(name: string, dnsNames: string[], usages: string[], password: string): { [key: string]: Buffer } {
    const dir = path.join(this.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    const pwFile = path.join(dir, 'password');
    fs.writeFileSync(pwFile, password, { mode: 0o600 });
    const eku = usages.filter(u => u.endsWith(' auth')).map(u => (u === 'server auth' ? 'serverAuth' : 'clientAuth'));
    const ku = usages.filter(u => !u.endsWith(' auth')).map(u => u.replace(/ (\w)/g, (_, c: string) => c.toUpperCase()));
    fs.writeFileSync(path.join(dir, 'ext.cnf'), [
      `subjectAltName=${dnsNames.map(d => `DNS:${d}`).join(',')}`,
      `keyUsage=critical,${ku.join(',')}`,
      `extendedKeyUsage=${eku.join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      '',
    ].join('\n'));
    run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', `/CN=${name}`], dir);
    run('openssl', ['x509', '-req', '-in', 'tls.csr', '-CA', path.join(this.dir, 'ca.crt'), '-CAkey', path.join(this.dir, 'ca.key'),
      '-set_serial', String(this.serial++), '-days', '1', '-out', 'tls.crt', '-extfile', 'ext.cnf'], dir);
    fs.copyFileSync(path.join(this.dir, 'ca.crt'), path.join(dir, 'ca.crt'));
    run('openssl', ['pkcs12', '-export', '-in', 'tls.crt', '-inkey', 'tls.key', '-certfile', 'ca.crt', '-name', 'certificate',
      '-out', 'keystore.p12', '-passout', `file:${pwFile}`], dir);
    // A truststore Java reads as trusted entries: keytool marks imported certificates as trusted.
    run('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.crt', '-keystore', 'truststore.p12',
      '-storetype', 'PKCS12', '-storepass:file', pwFile], dir);
    const secret: { [key: string]: Buffer } = {};
    for (const key of ['tls.crt', 'tls.key', 'ca.crt', 'keystore.p12', 'truststore.p12']) {
      secret[key] = fs.readFileSync(path.join(dir, key));
    }
    return secret;
  }
}
