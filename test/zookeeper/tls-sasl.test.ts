/**
 * Runs the configuration of a ZooKeeperEnsemble with `tls` and `sasl` with three real ZooKeeper
 * 3.8 servers on loopback addresses: the generated zoo.cfg, the myid and JAAS snippets of the
 * container's command, the JAAS template of the ConfigMap, and the files of the pod's Secret
 * volumes, with a keystore and truststore issued (by openssl and keytool, in the test) for exactly
 * the DNS names and usages of the synthesized cert-manager Certificate.
 *
 * It shows: the quorum forms over TLS with quorum SASL; a TLS client writes on one server and
 * reads on the others; a plaintext client is refused on the secure port; a client without SASL
 * credentials gets no session; a server with a wrong quorum password cannot join, and joins with
 * the right one.
 *
 * Needs java, the Debian `zookeeper` package and openssl (see PREREQUISITES.md). Without them the
 * test fails with the install command; it never skips.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { checkPrerequisites, CliOptions, Ensemble, GeneratedZooKeeperConfig, parseZooCfg, startEnsemble } from './harness';
import { checkKeystoreTools, TestCa } from './keystores';
import { CertManagerIssuer, ZooKeeperEnsemble, ZooKeeperTls } from '../../src';
import { validateManifests } from '../util/schema';

jest.setTimeout(180_000);

// The Secrets the user (and cert-manager) create; the synthesized output only names them.
// Passwords with a quote, a backslash, a dollar sign and a space: the JAAS snippet escapes them.
const KEYSTORE_PASSWORD = 'k3y"store\\pass $word';
const QUORUM_PASSWORD = 'qu0rum "secret" \\ $x';
const APP_PASSWORD = 'app-p4ss\\"word';

/** The configuration under test, from ONE ensemble, as the pods get it. */
function generatedEnsemble() {
  const chart = new Chart(Testing.app(), 'test');
  const zk = new ZooKeeperEnsemble(chart, 'zk', {
    tls: ZooKeeperTls.fromIssuer(CertManagerIssuer.clusterIssuer('zk-ca'), { passwordSecretName: 'zk-keystore-password' }),
    sasl: {
      quorumUser: { username: 'zk-quorum', passwordSecretName: 'zk-sasl' },
      clientUsers: [{ username: 'app', passwordSecretName: 'zk-sasl', passwordSecretKey: 'app' }],
    },
  });
  const objects = Testing.synth(chart);
  const find = (kind: string) => {
    const found = objects.find((o) => o.kind === kind);
    if (!found) throw new Error(`no ${kind} in the synthesized ensemble`);
    return found;
  };
  return { zk, objects, configMap: find('ConfigMap'), statefulSet: find('StatefulSet'), certificate: find('Certificate') };
}

describe('ZooKeeper TLS and SASL with three real servers', () => {
  const { zk, objects, configMap, statefulSet, certificate } = generatedEnsemble();
  const pod = statefulSet.spec.template.spec;
  const container = pod.containers[0];
  const envValue = (name: string) => container.env.find((e: any) => e.name === name);
  let tmp: string | undefined;
  let ensemble: Ensemble | undefined;
  let clientTls: string[] = [];
  let clientJaas = '';
  let secureAddress: (i: number) => string = () => '';

  function zkRun(): Ensemble {
    if (!ensemble) throw new Error('the ensemble did not start (see the beforeAll error)');
    return ensemble;
  }

  /** A TLS client (certificate of the test CA) that authenticates with SASL as `app`. */
  const tlsClient = (i: number): CliOptions => ({ server: secureAddress(i), jvmOptions: [...clientTls, clientJaas] });

  test('the configuration under test is what the pods get: ConfigMap, command, environment and Secret volumes', () => {
    validateManifests(objects);
    expect(configMap.data['zoo.cfg']).toBe(zk.zooCfg);
    expect(configMap.data['jaas.conf.template']).toBe(zk.jaasTemplate);
    expect(container.command).toEqual(['sh', '-c', `${zk.myidScript}${zk.jaasScript}exec zkServer.sh start-foreground /conf/zoo.cfg\n`]);
    // The JAAS snippet reads the template from ZOOCFGDIR (the ConfigMap's mount) and writes the
    // file the JVM reads into a memory-backed volume.
    expect(envValue('ZOOCFGDIR').value).toBe('/conf');
    const mounts = Object.fromEntries(container.volumeMounts.map((m: any) => [m.mountPath, m.name]));
    const volumes = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v]));
    expect(volumes[mounts['/conf']].configMap.name).toBe(configMap.metadata.name);
    const jaasFile = envValue('ZK_JAAS_FILE').value;
    expect(envValue('SERVER_JVMFLAGS').value).toContain(`-Djava.security.auth.login.config=${jaasFile}`);
    expect(volumes[mounts[path.dirname(jaasFile)]].emptyDir.medium).toBe('Memory');
    // The passwords come from Secrets only.
    expect(envValue('ZK_SASL_QUORUM_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'zk-sasl', key: 'password' });
    expect(envValue('ZK_SASL_CLIENT_PASSWORD_0').valueFrom.secretKeyRef).toEqual({ name: 'zk-sasl', key: 'app' });
    // The keystore Secret is the one cert-manager writes for the Certificate.
    expect(volumes[mounts['/etc/zookeeper/tls']].secret.secretName).toBe(certificate.spec.secretName);
    expect(volumes[mounts['/etc/zookeeper/tls-password']].secret.secretName).toBe(certificate.spec.keystores.pkcs12.passwordSecretRef.name);
  });

  beforeAll(async () => {
    checkPrerequisites();
    checkKeystoreTools();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-tls-'));

    // cert-manager's part, done by hand: the Secret it writes for the synthesized Certificate.
    const ca = TestCa.create(path.join(tmp, 'ca'), 'zk-test-ca');
    const tlsSecret = ca.issue('zk', certificate.spec.dnsNames, certificate.spec.usages, KEYSTORE_PASSWORD);
    // A client certificate of the same CA (the servers want one: ssl.clientAuth=need).
    ca.issue('client', ['client.example'], ['digital signature', 'key encipherment', 'client auth'], KEYSTORE_PASSWORD);
    const secrets: { [name: string]: { [key: string]: string | Buffer } } = {
      [certificate.spec.secretName]: tlsSecret,
      [certificate.spec.keystores.pkcs12.passwordSecretRef.name]: { [certificate.spec.keystores.pkcs12.passwordSecretRef.key]: KEYSTORE_PASSWORD },
      'zk-sasl': { password: QUORUM_PASSWORD, app: APP_PASSWORD },
    };

    // The files of the pod's Secret volumes, at their paths in the pod.
    const podFiles: { [podPath: string]: string | Buffer } = {};
    for (const mount of container.volumeMounts) {
      const volume = pod.volumes.find((v: any) => v.name === mount.name);
      if (!volume?.secret) continue;
      const secret = secrets[volume.secret.secretName];
      if (!secret) throw new Error(`the test has no Secret ${volume.secret.secretName}`);
      for (const [key, content] of Object.entries(secret)) podFiles[`${mount.mountPath}/${key}`] = content;
    }
    // The environment the pod gets from its Secrets.
    const secretEnv: { [name: string]: string } = {};
    for (const e of container.env.filter((x: any) => x.valueFrom?.secretKeyRef)) {
      secretEnv[e.name] = String(secrets[e.valueFrom.secretKeyRef.name][e.valueFrom.secretKeyRef.key]);
    }

    const generated: GeneratedZooKeeperConfig = {
      zooCfg: () => configMap.data['zoo.cfg'],
      myidScript: zk.myidScript!,
      jaasScript: zk.jaasScript,
      configFiles: configMap.data,
      podFiles,
      secretEnv: () => secretEnv,
      podHostnames: zk.app.podNames,
      dnsNames: zk.app.podDnsNames,
    };
    // Connections between the servers come from 127.0.0.1 here: its reverse name is the headless
    // Service's, a name of the certificate that no client connects to (see loopbackReverseName).
    ensemble = await startEnsemble(generated, { loopbackReverseName: zk.app.serviceDnsName });

    // The client's own settings (ZooKeeper's client properties), with the client certificate.
    const clientDir = path.join(ca.dir, 'client');
    fs.writeFileSync(path.join(tmp, 'client.jaas'),
      `Client {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n  username="app"\n  password="${APP_PASSWORD.replace(/[\\"]/g, (c) => `\\${c}`)}";\n};\n`);
    clientTls = [
      '-Dzookeeper.client.secure=true',
      '-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty',
      `-Dzookeeper.ssl.keyStore.location=${path.join(clientDir, 'keystore.p12')}`,
      `-Dzookeeper.ssl.keyStore.passwordPath=${path.join(clientDir, 'password')}`,
      `-Dzookeeper.ssl.trustStore.location=${path.join(clientDir, 'truststore.p12')}`,
      `-Dzookeeper.ssl.trustStore.passwordPath=${path.join(clientDir, 'password')}`,
    ];
    clientJaas = `-Djava.security.auth.login.config=${path.join(tmp, 'client.jaas')}`;
    // Clients connect by the pod's DNS name (the hosts file maps it): the server's certificate
    // must name it, or the client's hostname verification refuses the server.
    secureAddress = (i: number) => `${zk.app.podDnsNames[i]}:${zkRun().secureClientPort(i)}`;
  }, 120_000);

  afterAll(async () => {
    await ensemble?.shutdown();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  test('the servers run the generated zoo.cfg plus only the one-machine overrides, and the JAAS file the snippet wrote', () => {
    for (let i = 0; i < 3; i++) {
      const written = fs.readFileSync(zkRun().configFile(i), 'utf8');
      expect(written.startsWith(zk.zooCfg!)).toBe(true);
      const generated = parseZooCfg(zk.zooCfg!);
      const appended = parseZooCfg(written.slice(zk.zooCfg!.length));
      for (const [key, value] of appended) {
        if (['dataDir', 'dataLogDir', 'clientPortAddress', 'secureClientPortAddress', 'admin.serverAddress', 'quorumListenOnAllIPs'].includes(key)) continue;
        // Anything else is a file of the pod's Secret volumes: the server's copy of the same path.
        expect({ key, value }).toEqual({ key, value: zkRun().podFile(i, generated.get(key)!) });
      }
      expect([...appended.keys()].filter((k) => k.startsWith('ssl.')).sort()).toEqual([
        'ssl.keyStore.location', 'ssl.keyStore.passwordPath', 'ssl.quorum.keyStore.location', 'ssl.quorum.keyStore.passwordPath',
        'ssl.quorum.trustStore.location', 'ssl.quorum.trustStore.passwordPath', 'ssl.trustStore.location', 'ssl.trustStore.passwordPath',
      ]);
      // The JAAS file: the template with the passwords, escaped for JAAS strings; private to the server.
      const jaas = fs.readFileSync(zkRun().jaasFile(i), 'utf8');
      expect(jaas).toContain('user_zk-quorum="qu0rum \\"secret\\" \\\\ $x";');
      expect(jaas).toContain('password="qu0rum \\"secret\\" \\\\ $x";');
      expect(jaas).toContain('user_app="app-p4ss\\\\\\"word";');
      expect(jaas).not.toContain('@ZK_SASL_');
      expect((fs.statSync(zkRun().jaasFile(i)).mode % 0o1000).toString(8)).toBe('600');
    }
  });

  test('the quorum forms over TLS: one leader, two followers, the election ports speak TLS with the certificate', async () => {
    const { leader, followers } = await zkRun().waitForQuorum(90_000);
    expect(followers).toHaveLength(2);
    for (let i = 0; i < 3; i++) {
      expect(await zkRun().fourLetterWord(i, 'ruok')).toBe('imok');
      const log = fs.readFileSync(zkRun().logFile(i), 'utf8');
      expect(log).toContain('Using TLS encrypted quorum communication');
      expect(log).toContain('Creating TLS-only quorum server socket');
    }
    await zkRun().waitFor('leader sees 2 synced followers', 30_000, async () =>
      ((await zkRun().mntr(leader)).get('zk_synced_followers') === '2' ? true : undefined));
    // A TLS handshake with server 1's election port, as a peer makes it (with the servers'
    // certificate): the server presents the certificate, which verifies against the CA for the
    // pod's DNS name, and accepts the peer.
    const handshake = (certDir: string) => {
      const r = spawnSync('openssl', ['s_client', '-connect', `${zkRun().ip(1)}:3888`,
        '-CAfile', path.join(certDir, 'ca.crt'), '-cert', path.join(certDir, 'tls.crt'), '-key', path.join(certDir, 'tls.key'),
        '-verify_hostname', zk.app.podDnsNames[1], '-verify_return_error', '-brief'], { input: '', encoding: 'utf8', timeout: 30_000 });
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    };
    const peer = handshake(path.join(tmp!, 'ca', 'zk'));
    expect(peer.output).toMatch(/Verification: OK/);
    expect(peer.status).toBe(0);
    // A certificate of the same CA that does not name the host the connection comes from is
    // refused: the servers verify their peers' host names (ssl.quorum.hostnameVerification).
    const stranger = handshake(path.join(tmp!, 'ca', 'client'));
    expect(stranger.output).toMatch(/alert certificate unknown/);
    expect(stranger.status).not.toBe(0);
  });

  test('a TLS client writes on one server and reads on the others', async () => {
    await zkRun().create(0, '/tls', 'over tls', tlsClient(0));
    expect(await zkRun().get(1, '/tls', tlsClient(1))).toBe('over tls');
    expect(await zkRun().get(2, '/tls', tlsClient(2))).toBe('over tls');
  });

  test('a plaintext client is refused on the secure port', async () => {
    const logBefore = fs.readFileSync(zkRun().logFile(0), 'utf8').length;
    const plain = await zkRun().cli(0, ['get', '/tls'], { server: secureAddress(0), jvmOptions: [clientJaas], timeoutMs: 40_000 });
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).not.toContain('over tls');
    expect(`${plain.stdout}${plain.stderr}`).toMatch(/ConnectionLoss|Unable to read additional data from server/);
    // The server dropped it at the TLS layer.
    expect(fs.readFileSync(zkRun().logFile(0), 'utf8').slice(logBefore)).toContain('NotSslRecordException: not an SSL/TLS record');
  });

  test('a TLS client without SASL credentials gets no session (enforce.auth.enabled)', async () => {
    const anonymous = await zkRun().cli(0, ['get', '/tls'], { server: secureAddress(0), jvmOptions: clientTls, timeoutMs: 40_000 });
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stdout).not.toContain('over tls');
    expect(`${anonymous.stdout}${anonymous.stderr}`).toContain('Session closed because client failed to authenticate');
  });

  test('quorum SASL: a server with a wrong password cannot join; with the right one it rejoins', async () => {
    const { followers: [outsider, remaining] } = await zkRun().waitForQuorum(30_000);
    await zkRun().stop(outsider);
    const others = [0, 1, 2].filter((i) => i !== outsider);
    const logBefore = others.map((i) => fs.readFileSync(zkRun().logFile(i), 'utf8').length);
    zkRun().start(outsider, { ZK_SASL_QUORUM_PASSWORD: 'not the password', ZK_SASL_CLIENT_PASSWORD_0: APP_PASSWORD });
    await zkRun().waitFor('the other servers refuse the outsider\'s quorum authentication', 60_000, async () =>
      (others.every((i, k) => fs.readFileSync(zkRun().logFile(i), 'utf8').slice(logBefore[k]).includes('Failed to authenticate using SASL'))
        ? true : undefined));
    // It keeps trying, and never follows; the two others keep the quorum and serve writes.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(zkRun().isRunning(outsider)).toBe(true);
    expect(await zkRun().mode(outsider)).not.toBe('follower');
    await zkRun().create(remaining, '/while-out', 'two of three', tlsClient(remaining));

    await zkRun().stop(outsider);
    zkRun().start(outsider);
    await zkRun().waitForMode(outsider, 'follower', 90_000);
    expect(await zkRun().get(outsider, '/while-out', tlsClient(outsider))).toBe('two of three');
  });
});
