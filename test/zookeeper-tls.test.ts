import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import {
  CertManagerIssuer, CertManagerIssuerKind, ZooKeeperClientAuth, ZooKeeperEnsemble, ZooKeeperEnsembleProps, ZooKeeperImage,
  ZooKeeperPlaintextClientPort, ZooKeeperQuorumTls, ZooKeeperTls, ZooKeeperTlsSource,
} from '../src';
import { findObject as find, freshChart, synthObjects, synthValidated as synth, toYaml } from './util/synth';

function build(props: ZooKeeperEnsembleProps = {}, chartProps = {}) {
  const chart = freshChart(chartProps);
  const zk = new ZooKeeperEnsemble(chart, 'zk', props);
  return { chart, zk };
}

const issuerTls = (options: Partial<Parameters<typeof ZooKeeperTls.fromIssuer>[1]> = {}) =>
  ZooKeeperTls.fromIssuer(CertManagerIssuer.clusterIssuer('internal-ca'), { passwordSecretName: 'zk-keystore', ...options });

const zooCfgLines = (objects: any[]): string[] => find(objects, 'ConfigMap').data['zoo.cfg'].trimEnd().split('\n');
const mainContainer = (objects: any[]) => find(objects, 'StatefulSet').spec.template.spec.containers[0];

/** The lines of zoo.cfg between `quorumListenOnAllIPs=true` and the server lines: the TLS and SASL settings. */
function securityLines(objects: any[]): string[] {
  const lines = zooCfgLines(objects);
  return lines.slice(lines.indexOf('quorumListenOnAllIPs=true') + 1).filter(l => !l.startsWith('server.'));
}

const TLS_STORES = (prefix: string, keyStore = 'keystore.p12', trustStore = 'truststore.p12', password = 'password') => [
  `${prefix}.keyStore.location=/etc/zookeeper/tls/${keyStore}`,
  `${prefix}.keyStore.passwordPath=/etc/zookeeper/tls-password/${password}`,
  `${prefix}.keyStore.type=PKCS12`,
  `${prefix}.trustStore.location=/etc/zookeeper/tls/${trustStore}`,
  `${prefix}.trustStore.passwordPath=/etc/zookeeper/tls-password/${password}`,
  `${prefix}.trustStore.type=PKCS12`,
];

describe('ZooKeeperEnsemble tls', () => {
  test('defaults: a cert-manager Certificate, quorum TLS, a secure client port, the plaintext port on localhost for the probes', () => {
    const { chart, zk } = build({ tls: issuerTls() });
    const objects = synth(chart);

    const cert = find(objects, 'Certificate');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.metadata).toEqual({ name: 'zk-tls', labels: { 'app.kubernetes.io/name': 'zk' } });
    expect(cert.spec).toEqual({
      secretName: 'zk-tls',
      issuerRef: { name: 'internal-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      dnsNames: [
        'zk-0.zk-hs.default.svc.cluster.local', 'zk-1.zk-hs.default.svc.cluster.local', 'zk-2.zk-hs.default.svc.cluster.local',
        'zk-hs', 'zk-hs.default', 'zk-hs.default.svc', 'zk-hs.default.svc.cluster.local',
        'zk-cs', 'zk-cs.default', 'zk-cs.default.svc', 'zk-cs.default.svc.cluster.local',
        '*.zk-hs.default.svc.cluster.local',
      ],
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
      privateKey: { rotationPolicy: 'Always' },
      keystores: { pkcs12: { create: true, passwordSecretRef: { name: 'zk-keystore', key: 'password' } } },
    });
    expect(zk.certificate).toBeDefined();

    expect(securityLines(objects)).toEqual([
      'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
      'sslQuorum=true',
      'portUnification=false',
      ...TLS_STORES('ssl.quorum'),
      'ssl.quorum.hostnameVerification=true',
      'secureClientPort=2281',
      ...TLS_STORES('ssl'),
      'ssl.clientAuth=need',
      'clientPortAddress=127.0.0.1',
      'secureClientPortAddress=0.0.0.0',
    ]);
    expect(zooCfgLines(objects)).toContain('clientPort=2181');

    const sts = find(objects, 'StatefulSet');
    const pod = sts.spec.template.spec;
    const c = mainContainer(objects);
    // The Secrets: keystore and truststore, and their password, read-only.
    expect(pod.volumes).toEqual(expect.arrayContaining([
      { name: 'tls', secret: { secretName: 'zk-tls', defaultMode: 0o400 } },
      { name: 'tls-password', secret: { secretName: 'zk-keystore', defaultMode: 0o400 } },
    ]));
    expect(c.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'tls', mountPath: '/etc/zookeeper/tls', readOnly: true },
      { name: 'tls-password', mountPath: '/etc/zookeeper/tls-password', readOnly: true },
    ]));
    // Clients reach the secure port only; the probes keep using the plaintext port on 127.0.0.1.
    expect(c.ports).toEqual([
      { containerPort: 2281, name: 'client-tls' },
      { containerPort: 2888, name: 'server' },
      { containerPort: 3888, name: 'leader-election' },
    ]);
    expect(c.readinessProbe.exec.command).toEqual(['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/2181 && printf ruok >&3 && grep -q imok <&3']);
    expect(c.livenessProbe.exec.command).toEqual(c.readinessProbe.exec.command);
    expect(find(objects, 'Service', 'zk-cs').spec.ports).toEqual([{ name: 'client-tls', port: 2281 }]);
    expect(zk.secureClientPort).toBe(2281);
    expect(zk.connectString).toBe('zk-cs.default.svc.cluster.local:2281');
    expect(zk.serverAddresses).toEqual([0, 1, 2].map(i => `zk-${i}.zk-hs.default.svc.cluster.local:2281`));
    // The Certificate is written before the StatefulSet whose pods mount its Secret.
    expect(objects.findIndex(o => o.kind === 'Certificate')).toBeLessThan(objects.findIndex(o => o.kind === 'StatefulSet'));
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('customised: an existing Secret, another secure port, unified plaintext port, client auth and the upgrade steps of quorum TLS', () => {
    const { chart, zk } = build({
      clientPort: 2182,
      tls: ZooKeeperTls.fromSecret('zk-certs', {
        passwordSecretName: 'zk-certs',
        passwordSecretKey: 'keystore-password',
        keyStoreKey: 'server.p12',
        trustStoreKey: 'ca.p12',
        secureClientPort: 3181,
        plaintextClientPort: ZooKeeperPlaintextClientPort.UNIFIED,
        clientAuth: ZooKeeperClientAuth.WANT,
        quorum: ZooKeeperQuorumTls.TLS_ACCEPTING_PLAINTEXT,
        hostnameVerification: false,
      }),
    });
    const objects = synth(chart);
    expect(objects.filter(o => o.kind === 'Certificate')).toEqual([]);
    expect(zk.certificate).toBeUndefined();
    expect(securityLines(objects)).toEqual([
      'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
      'sslQuorum=true',
      'portUnification=true',
      ...TLS_STORES('ssl.quorum', 'server.p12', 'ca.p12', 'keystore-password'),
      'ssl.quorum.hostnameVerification=false',
      'secureClientPort=3181',
      ...TLS_STORES('ssl', 'server.p12', 'ca.p12', 'keystore-password'),
      'ssl.clientAuth=want',
      'client.portUnification=true',
    ]);
    const pod = find(objects, 'StatefulSet').spec.template.spec;
    expect(pod.volumes).toEqual(expect.arrayContaining([
      { name: 'tls', secret: { secretName: 'zk-certs', defaultMode: 0o400 } },
      { name: 'tls-password', secret: { secretName: 'zk-certs', defaultMode: 0o400 } },
    ]));
    // The unified port serves plaintext and TLS clients on every address.
    expect(mainContainer(objects).ports.map((p: any) => `${p.name}:${p.containerPort}`)).toEqual(['client:2182', 'client-tls:3181', 'server:2888', 'leader-election:3888']);
    expect(find(objects, 'Service', 'zk-cs').spec.ports).toEqual([{ name: 'client', port: 2182 }, { name: 'client-tls', port: 3181 }]);
    expect(zk.connectString).toBe('zk-cs.default.svc.cluster.local:2182');

    // The first step of the upgrade: plaintext between the servers, TLS accepted.
    const first = synth(build({ tls: issuerTls({ quorum: ZooKeeperQuorumTls.PLAINTEXT_ACCEPTING_TLS }) }).chart);
    expect(securityLines(first).slice(1, 3)).toEqual(['sslQuorum=false', 'portUnification=true']);
  });

  test('customised Certificate: a namespaced Issuer, another Secret name, duration and renewal, namespace and cluster domain', () => {
    const { chart } = build({
      namespace: 'coord',
      clusterDomain: 'example.internal',
      replicas: 5,
      clientService: { name: 'zk-client' },
      tls: ZooKeeperTls.fromIssuer(CertManagerIssuer.issuer('coord-ca'), {
        passwordSecretName: 'zk-pw',
        passwordSecretKey: 'p12',
        secretName: 'zk-server-tls',
        duration: Duration.days(30),
        renewBefore: Duration.minutes(90),
      }),
    });
    const objects = synth(chart);
    const cert = find(objects, 'Certificate');
    expect(cert.metadata.name).toBe('zk-server-tls');
    expect(cert.metadata.namespace).toBe('coord');
    expect(cert.spec.secretName).toBe('zk-server-tls');
    expect(cert.spec.issuerRef).toEqual({ name: 'coord-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(cert.spec.duration).toBe('720h');
    expect(cert.spec.renewBefore).toBe('90m');
    expect(cert.spec.keystores.pkcs12.passwordSecretRef).toEqual({ name: 'zk-pw', key: 'p12' });
    expect(cert.spec.dnsNames).toEqual([
      ...[0, 1, 2, 3, 4].map(i => `zk-${i}.zk-hs.coord.svc.example.internal`),
      'zk-hs', 'zk-hs.coord', 'zk-hs.coord.svc', 'zk-hs.coord.svc.example.internal',
      'zk-client', 'zk-client.coord', 'zk-client.coord.svc', 'zk-client.coord.svc.example.internal',
      '*.zk-hs.coord.svc.example.internal',
    ]);
    const pod = find(objects, 'StatefulSet').spec.template.spec;
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'tls', secret: { secretName: 'zk-server-tls', defaultMode: 0o400 } }]));
    expect(zooCfgLines(objects)).toContain('ssl.quorum.keyStore.passwordPath=/etc/zookeeper/tls-password/p12');
  });

  test.each([3, 5, 7])('the certificate names every pod DNS name of %i servers, and every name of the zoo.cfg server lines', (replicas) => {
    const { chart, zk } = build({ replicas, namespace: 'zk-ns', tls: issuerTls() });
    const objects = synth(chart);
    const names: string[] = find(objects, 'Certificate').spec.dnsNames;
    expect(zk.app.podDnsNames).toHaveLength(replicas);
    for (const podDns of zk.app.podDnsNames) {
      expect(names).toContain(podDns);
    }
    const serverHosts = zooCfgLines(objects).filter(l => l.startsWith('server.')).map(l => l.split('=')[1].split(':')[0]);
    expect(serverHosts).toHaveLength(replicas);
    for (const host of serverHosts) {
      expect(names).toContain(host);
    }
    // The wildcard matches each pod name (one DNS label in place of the '*').
    const wildcard = names.find(n => n.startsWith('*.'))!;
    for (const podDns of zk.app.podDnsNames) {
      expect(podDns.slice(podDns.indexOf('.'))).toBe(wildcard.slice(1));
    }
    expect(new Set(names).size).toBe(names.length);
  });

  test('nothing secret in the output: passwords only by Secret reference or file path', () => {
    const { chart } = build({
      tls: issuerTls(),
      sasl: { quorumUser: { username: 'zk', passwordSecretName: 'zk-sasl' }, clientUsers: [{ username: 'app', passwordSecretName: 'app-sasl' }] },
    });
    const objects = synth(chart);
    expect(objects.filter(o => o.kind === 'Secret')).toEqual([]);
    const cfg = zooCfgLines(objects);
    expect(cfg.filter(l => /password=|Password=/.test(l))).toEqual([]);
    expect(cfg.filter(l => l.includes('password'))).toEqual(expect.arrayContaining([expect.stringMatching(/\.passwordPath=\/etc\/zookeeper\/tls-password\/password$/)]));
    expect(find(objects, 'Certificate').spec.keystores.pkcs12).not.toHaveProperty('password');
    const env = mainContainer(objects).env;
    for (const e of env.filter((x: any) => /PASSWORD/.test(x.name))) {
      expect(e.value).toBeUndefined();
      expect(e.valueFrom.secretKeyRef).toBeDefined();
    }
    expect(find(objects, 'ConfigMap').data['jaas.conf.template']).not.toMatch(/password="[^@]/);
  });

  test('fails with the tutorial\'s 3.4 image', () => {
    expect(() => build({ image: ZooKeeperImage.kubernetesZookeeper(), tls: issuerTls() })).toThrow(
      /^test\/zk: invalid tls "registry.k8s.io\/kubernetes-zookeeper:1.0-3.4.10": needs the official image \(ZooKeeperImage.official\(\), ZooKeeper 3.8 or later\): the tutorial image runs ZooKeeper 3.4.10, which has no TLS/);
  });

  test('fails without an issuer', () => {
    expect(() => build({ tls: ZooKeeperTls.fromIssuer(undefined as any, { passwordSecretName: 'pw' }) })).toThrow(
      'test/zk: invalid tls.issuer (not set): must name the cert-manager issuer that signs the certificate: CertManagerIssuer.issuer("…") or CertManagerIssuer.clusterIssuer("…")');
    expect(() => build({ tls: ZooKeeperTls.fromIssuer(CertManagerIssuer.clusterIssuer(''), { passwordSecretName: 'pw' }) })).toThrow(
      'test/zk: invalid tls.issuer.name "": must be the name of an existing Issuer or ClusterIssuer');
  });

  test('fails without a Secret name', () => {
    expect(() => build({ tls: ZooKeeperTls.fromSecret('', { passwordSecretName: 'pw' }) })).toThrow(
      /^test\/zk: invalid tls.secretName "": must be the name of the Secret \(in the ensemble's namespace\) that holds the PKCS12 keystore and truststore$/);
    expect(() => build({ tls: ZooKeeperTls.fromSecret('zk-certs', {} as any) })).toThrow(
      /^test\/zk: invalid tls.passwordSecretName \(not set\): must be the name of the Secret .* that holds the password of the PKCS12 keystore and truststore; create it before the ensemble/);
    expect(() => build({ tls: issuerTls({ passwordSecretName: '' }) })).toThrow(/invalid tls.passwordSecretName "": must be the name of the Secret/);
  });

  test('fails when the secure and the plaintext client port are the same number', () => {
    expect(() => build({ tls: issuerTls({ secureClientPort: 2181 }) })).toThrow(
      'test/zk: invalid tls.secureClientPort 2181: is the same number as clientPort (2181): the secure client port needs a port of its own '
      + '(for TLS and plaintext on one port, use plaintextClientPort: ZooKeeperPlaintextClientPort.UNIFIED)');
    expect(() => build({ clientPort: 2281, tls: issuerTls() })).toThrow(/invalid tls.secureClientPort 2281: is the same number as clientPort \(2281\)/);
  });

  test('fails when the secure client port collides with the quorum, election or metrics port', () => {
    expect(() => build({ tls: issuerTls({ secureClientPort: 3888 }) })).toThrow(
      'test/zk: invalid tls.secureClientPort 3888: is the same number as electionPort (3888): the secure client port needs a port of its own');
    expect(() => build({ metrics: {}, tls: issuerTls({ secureClientPort: 7000 }) })).toThrow(
      'test/zk: invalid tls.secureClientPort 7000: is the same number as metrics.port (7000): the secure client port needs a port of its own');
  });

  test('fails with a plain object instead of ZooKeeperTls', () => {
    expect(() => build({ tls: { secretName: 'zk-certs' } as any })).toThrow(
      /^test\/zk: invalid tls \{"secretName":"zk-certs"\}: must be ZooKeeperTls.fromIssuer\(.*\) or ZooKeeperTls.fromSecret\(.*\)$/);
  });

  test('fails with a bad Secret key, a bad enum value or a certificate time cert-manager refuses', () => {
    expect(() => build({ tls: ZooKeeperTls.fromSecret('zk-certs', { passwordSecretName: 'pw', keyStoreKey: 'a/b' }) })).toThrow(
      /invalid tls.keyStoreKey "a\/b": must be a key of a Secret/);
    expect(() => build({ tls: ZooKeeperTls.fromSecret('zk-certs', { passwordSecretName: 'pw', trustStoreKey: 'keystore.p12' }) })).toThrow(
      /invalid tls.trustStoreKey "keystore.p12": must differ from tls.keyStoreKey/);
    expect(() => build({ tls: issuerTls({ clientAuth: 'required' as any }) })).toThrow(
      /invalid tls.clientAuth "required": must be one of ZooKeeperClientAuth.NEED \("need"\)/);
    expect(() => build({ tls: issuerTls({ duration: Duration.minutes(30) }) })).toThrow(
      /invalid tls.duration "30 minutes": must be at least an hour/);
    expect(() => build({ tls: issuerTls({ duration: Duration.days(1), renewBefore: Duration.days(1) }) })).toThrow(
      /invalid tls.renewBefore "1 day": must be shorter than the certificate's duration \(1 day\)/);
    expect(() => build({ tls: issuerTls({ renewBefore: Duration.days(90) }) })).toThrow(
      /invalid tls.renewBefore "90 days": must be shorter than the certificate's duration \(cert-manager's default of 90 days\)/);
    expect(() => build({ tls: issuerTls({ renewBefore: Duration.seconds(90) }) })).toThrow(
      /invalid tls.renewBefore "1 minute 30 seconds": must be a positive whole number of minutes/);
  });

  test('the choice classes keep what they were given', () => {
    const fromSecret = ZooKeeperTls.fromSecret('s', { passwordSecretName: 'p' });
    expect([fromSecret.source, fromSecret.secretName, fromSecret.keyStoreKey, fromSecret.trustStoreKey, fromSecret.issuer])
      .toEqual([ZooKeeperTlsSource.SECRET, 's', 'keystore.p12', 'truststore.p12', undefined]);
    const issuer = CertManagerIssuer.issuer('ca');
    expect([issuer.kind, issuer.name, issuer.group]).toEqual([CertManagerIssuerKind.ISSUER, 'ca', 'cert-manager.io']);
    expect(CertManagerIssuer.clusterIssuer('ca').kind).toBe(CertManagerIssuerKind.CLUSTER_ISSUER);
  });
});

describe('ZooKeeperEnsemble sasl', () => {
  test('defaults: quorum authentication, a JAAS template, the password from its Secret, the JAAS file in memory', () => {
    const { chart, zk } = build({ sasl: { quorumUser: { username: 'zk-quorum', passwordSecretName: 'zk-sasl' } } });
    const objects = synth(chart);
    expect(securityLines(objects)).toEqual([
      'quorum.auth.enableSasl=true',
      'quorum.auth.learnerRequireSasl=true',
      'quorum.auth.serverRequireSasl=true',
    ]);
    const configMap = find(objects, 'ConfigMap');
    expect(configMap.data['jaas.conf.template']).toBe([
      'QuorumServer {',
      '    org.apache.zookeeper.server.auth.DigestLoginModule required',
      '    user_zk-quorum="@ZK_SASL_QUORUM_PASSWORD@";',
      '};',
      'QuorumLearner {',
      '    org.apache.zookeeper.server.auth.DigestLoginModule required',
      '    username="zk-quorum"',
      '    password="@ZK_SASL_QUORUM_PASSWORD@";',
      '};',
      '',
    ].join('\n'));
    expect(zk.jaasTemplate).toBe(configMap.data['jaas.conf.template']);
    const c = mainContainer(objects);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.SERVER_JVMFLAGS).toBe('-Xms512m -Djava.security.auth.login.config=/run/zookeeper/jaas.conf');
    expect(env.ZK_JAAS_FILE).toBe('/run/zookeeper/jaas.conf');
    expect(env.ZK_SASL_QUORUM_PASSWORD).toEqual({ secretKeyRef: { name: 'zk-sasl', key: 'password' } });
    expect(c.command).toEqual(['sh', '-c', `${zk.myidScript}${zk.jaasScript}exec zkServer.sh start-foreground /conf/zoo.cfg\n`]);
    const pod = find(objects, 'StatefulSet').spec.template.spec;
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'jaas', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]));
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'jaas', mountPath: '/run/zookeeper' }]));
    // Without clients users, clients are not asked to authenticate.
    expect(zooCfgLines(objects).filter(l => l.startsWith('authProvider') || l.startsWith('enforce'))).toEqual([]);
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('customised: client users, quorum authentication not yet required, clients not required', () => {
    const { chart } = build({
      sasl: {
        quorumUser: { username: 'zk', passwordSecretName: 'zk-sasl', passwordSecretKey: 'quorum' },
        requireQuorumAuthentication: false,
        clientUsers: [
          { username: 'kafka', passwordSecretName: 'kafka-zk' },
          { username: 'solr.admin', passwordSecretName: 'solr-zk', passwordSecretKey: 'pw' },
        ],
        requireClientAuthentication: false,
      },
    });
    const objects = synth(chart);
    expect(securityLines(objects)).toEqual([
      'quorum.auth.enableSasl=true',
      'quorum.auth.learnerRequireSasl=false',
      'quorum.auth.serverRequireSasl=false',
      'authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider',
    ]);
    expect(find(objects, 'ConfigMap').data['jaas.conf.template']).toContain([
      'Server {',
      '    org.apache.zookeeper.server.auth.DigestLoginModule required',
      '    user_kafka="@ZK_SASL_CLIENT_PASSWORD_0@"',
      '    user_solr.admin="@ZK_SASL_CLIENT_PASSWORD_1@";',
      '};',
    ].join('\n'));
    const env = Object.fromEntries(mainContainer(objects).env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.ZK_SASL_QUORUM_PASSWORD).toEqual({ secretKeyRef: { name: 'zk-sasl', key: 'quorum' } });
    expect(env.ZK_SASL_CLIENT_PASSWORD_0).toEqual({ secretKeyRef: { name: 'kafka-zk', key: 'password' } });
    expect(env.ZK_SASL_CLIENT_PASSWORD_1).toEqual({ secretKeyRef: { name: 'solr-zk', key: 'pw' } });

    // Client users alone: clients must authenticate by default; the servers do not authenticate each other.
    const clientsOnly = synth(build({ sasl: { clientUsers: [{ username: 'app', passwordSecretName: 'app' }] } }).chart);
    expect(securityLines(clientsOnly)).toEqual([
      'authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider',
      'enforce.auth.enabled=true',
      'enforce.auth.schemes=sasl',
    ]);
    expect(find(clientsOnly, 'ConfigMap').data['jaas.conf.template']).not.toContain('Quorum');
  });

  test('fails without credentials', () => {
    expect(() => build({ sasl: {} })).toThrow(
      'test/zk: invalid sasl {}: has no credentials: give quorumUser (the servers authenticate each other) and/or clientUsers (clients authenticate), '
      + 'each with a user name and the Secret that holds the password; or leave sasl out');
    expect(() => build({ sasl: { clientUsers: [] } })).toThrow(/invalid sasl \{"clientUsers":\[\]\}: has no credentials/);
    expect(() => build({ sasl: { quorumUser: { username: 'zk' } as any } })).toThrow(
      'test/zk: invalid sasl.quorumUser.passwordSecretName (not set): must be the name of the Secret (in the ensemble\'s namespace) that holds the password; '
      + 'the password is never written into the output');
  });

  test('fails with the tutorial\'s 3.4 image', () => {
    expect(() => build({ image: ZooKeeperImage.kubernetesZookeeper(), sasl: { quorumUser: { username: 'zk', passwordSecretName: 's' } } }))
      .toThrow(/^test\/zk: invalid sasl "registry.k8s.io\/kubernetes-zookeeper:1.0-3.4.10": needs the official image/);
  });

  test('fails with a user name the JAAS file cannot hold, a repeated client user, or a setting without its users', () => {
    expect(() => build({ sasl: { quorumUser: { username: 'zk quorum', passwordSecretName: 's' } } })).toThrow(
      /invalid sasl.quorumUser.username "zk quorum": must be a user name of letters, digits, '.', '_' and '-', starting with a letter/);
    expect(() => build({ sasl: { clientUsers: [{ username: 'a"b', passwordSecretName: 's' }] } })).toThrow(/invalid sasl.clientUsers\[0\].username "a\\"b"/);
    expect(() => build({
      sasl: { clientUsers: [{ username: 'app', passwordSecretName: 's' }, { username: 'app', passwordSecretName: 't' }] },
    })).toThrow('test/zk: invalid sasl.clientUsers "app": user names must be unique');
    expect(() => build({ sasl: { clientUsers: [{ username: 'app', passwordSecretName: 's' }], requireQuorumAuthentication: true } })).toThrow(
      /invalid sasl.requireQuorumAuthentication true: applies only with sasl.quorumUser/);
    expect(() => build({ sasl: { quorumUser: { username: 'zk', passwordSecretName: 's' }, requireClientAuthentication: true } })).toThrow(
      /invalid sasl.requireClientAuthentication true: applies only with sasl.clientUsers/);
  });
});

describe('the JAAS snippet', () => {
  const { chart, zk } = build({
    sasl: { quorumUser: { username: 'zk', passwordSecretName: 'zk-sasl' }, clientUsers: [{ username: 'app', passwordSecretName: 'app' }] },
  });
  synthObjects(chart);
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-jaas-'));
    fs.writeFileSync(path.join(dir, 'jaas.conf.template'), zk.jaasTemplate!);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the snippet as the container does (POSIX sh), then prints the variables it leaves. */
  function run(env: { [name: string]: string }) {
    const r = spawnSync('sh', ['-c', `${zk.jaasScript}env | grep ^ZK_SASL_ || true`], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { PATH: process.env.PATH, ZOOCFGDIR: dir, ZK_JAAS_FILE: path.join(dir, 'jaas.conf'), ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test('writes the JAAS file with the passwords escaped, private to the user, and removes them from the environment', () => {
    const r = run({ ZK_SASL_QUORUM_PASSWORD: 'a "quoted" \\ $HOME pass\n\n', ZK_SASL_CLIENT_PASSWORD_0: 'plain' });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    const jaas = fs.readFileSync(path.join(dir, 'jaas.conf'), 'utf8');
    expect(jaas).toBe(zk.jaasTemplate!
      .split('"@ZK_SASL_QUORUM_PASSWORD@"').join('"a \\"quoted\\" \\\\ $HOME pass"')
      .split('"@ZK_SASL_CLIENT_PASSWORD_0@"').join('"plain"'));
    expect((fs.statSync(path.join(dir, 'jaas.conf')).mode % 0o1000).toString(8)).toBe('600');
  });

  test.each([
    ['empty', '', /the SASL password of zk \(Secret zk-sasl, key password\) is empty/],
    ['missing', undefined, /the SASL password of zk \(Secret zk-sasl, key password\) is empty/],
    ['on two lines', 'one\ntwo', /the SASL password of zk \(Secret zk-sasl, key password\) has more than one line/],
    ['with ${', 'pa${user.home}ss', /the SASL password of zk \(Secret zk-sasl, key password\) contains '\$\{', which Java expands in a JAAS file/],
  ])('stops the container when a password is %s', (_, value, message) => {
    const r = run({ ...(value === undefined ? {} : { ZK_SASL_QUORUM_PASSWORD: value }), ZK_SASL_CLIENT_PASSWORD_0: 'plain' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^cannot write the JAAS file: /);
  });
});
