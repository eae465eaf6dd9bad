/**
 * Checks of the ensemble harness itself that need no ZooKeeper: it refuses configurations whose
 * server lines or myid logic are wrong before any server starts, and appends only the
 * documented one-machine lines.
 */
import { GeneratedZooKeeperConfig, oneMachineOverrides, parseZooCfg, startEnsemble } from './harness';

const podHostnames = ['zk-0', 'zk-1', 'zk-2'];
const dnsNames = podHostnames.map((pod) => `${pod}.zk-hs.default.svc.cluster.local`);

function config(serverHosts: string[], myidScript: string): GeneratedZooKeeperConfig {
  const text = ['dataDir=/data', 'clientPort=2181', ...serverHosts.map((h, i) => `server.${i + 1}=${h}:2888:3888`)].join('\n');
  return { zooCfg: () => text, myidScript, podHostnames, dnsNames };
}

const goodMyid = 'echo "$((${HOSTNAME##*-} + 1))" > "$ZOO_DATA_DIR/myid"';

test('parseZooCfg keeps the last value of a repeated key, as ZooKeeper does', () => {
  const cfg = parseZooCfg('# comment\ndataDir=/data\n\nclientPort = 2181\ndataDir=/tmp/x\n');
  expect(cfg.get('dataDir')).toBe('/tmp/x');
  expect(cfg.get('clientPort')).toBe('2181');
  expect(() => parseZooCfg('clientPort 2181')).toThrow(/line 1 is not a key=value line/);
});

test('refuses server lines that do not name pod N-1 as server.N', async () => {
  const shifted = [dnsNames[1], dnsNames[2], dnsNames[0]];
  await expect(startEnsemble(config(shifted, goodMyid))).rejects.toThrow(/do not name the pods' DNS names/);
});

test('refuses a myid snippet that writes the ordinal instead of ordinal + 1', async () => {
  const zeroBased = 'echo "${HOSTNAME##*-}" > "$ZOO_DATA_DIR/myid"';
  await expect(startEnsemble(config(dnsNames, zeroBased))).rejects.toThrow(/left "0" at \$ZOO_DATA_DIR\/myid; expected "1"/);
});

test('refuses a myid snippet that writes somewhere other than $ZOO_DATA_DIR/myid', async () => {
  const elsewhere = 'echo "$((${HOSTNAME##*-} + 1))" > "$ZOO_DATA_DIR/id"';
  await expect(startEnsemble(config(dnsNames, elsewhere))).rejects.toThrow(/left no file at \$ZOO_DATA_DIR\/myid/);
});

test('appends dataLogDir and quorumListenOnAllIPs=false only when the configuration needs them', () => {
  const dirs = { dataDir: '/tmp/d', dataLogDir: '/tmp/l' };
  const plain = parseZooCfg(oneMachineOverrides(parseZooCfg('dataDir=/data\nclientPort=2181'), dirs, '127.0.0.2').join('\n'));
  expect([...plain.entries()]).toEqual([
    ['dataDir', '/tmp/d'],
    ['clientPortAddress', '127.0.0.2'],
    ['admin.serverAddress', '127.0.0.2'],
  ]);
  const allIps = parseZooCfg('dataDir=/data\ndataLogDir=/datalog\nclientPort=2181\nquorumListenOnAllIPs=true');
  const appended = parseZooCfg(oneMachineOverrides(allIps, dirs, '127.0.0.2').join('\n'));
  expect(appended.get('dataLogDir')).toBe('/tmp/l');
  expect(appended.get('quorumListenOnAllIPs')).toBe('false');
});

test('with a secure client port and pod files: binds the secure port to the server\'s address and points only the pod\'s file paths at the copies', () => {
  const dirs = { dataDir: '/tmp/d', dataLogDir: '/tmp/l' };
  const cfg = parseZooCfg([
    'dataDir=/data', 'clientPort=2181', 'secureClientPort=2281',
    'ssl.keyStore.location=/etc/zookeeper/tls/keystore.p12',
    'ssl.keyStore.passwordPath=/etc/zookeeper/tls-password/password',
    'ssl.keyStore.type=PKCS12',
  ].join('\n'));
  const podFiles = ['/etc/zookeeper/tls/keystore.p12', '/etc/zookeeper/tls-password/password'];
  const appended = parseZooCfg(oneMachineOverrides(cfg, dirs, '127.0.0.2',
    (p) => (podFiles.includes(p) ? `/tmp/server-1/root${p}` : undefined)).join('\n'));
  expect([...appended.entries()]).toEqual([
    ['dataDir', '/tmp/d'],
    ['clientPortAddress', '127.0.0.2'],
    ['admin.serverAddress', '127.0.0.2'],
    ['secureClientPortAddress', '127.0.0.2'],
    ['ssl.keyStore.location', '/tmp/server-1/root/etc/zookeeper/tls/keystore.p12'],
    ['ssl.keyStore.passwordPath', '/tmp/server-1/root/etc/zookeeper/tls-password/password'],
  ]);
});

test('refuses to start a server whose JAAS snippet fails, with the snippet\'s message', async () => {
  const failing: GeneratedZooKeeperConfig = {
    ...config(dnsNames, goodMyid),
    jaasScript: 'echo "no password in $ZOOCFGDIR" >&2; exit 1',
  };
  await expect(startEnsemble(failing)).rejects.toThrow(/JAAS snippet failed for pod zk-0 \(status 1\): no password in \/.*\/server-0\/conf/);
});
