/**
 * Runs the ZooKeeper configuration a StatefulSet's pods are given (zoo.cfg + myid snippet) with
 * three real ZooKeeper 3.8 servers on loopback addresses and checks that they behave as an
 * ensemble: quorum, replicated writes, surviving one stopped server, rejoining after a restart
 * from the same data directory.
 *
 * Needs java and the Debian `zookeeper` package (see PREREQUISITES.md). Without them the test
 * fails with the install command; it never skips.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkPrerequisites, Ensemble, GeneratedZooKeeperConfig, parseZooCfg, startEnsemble } from './harness';

jest.setTimeout(180_000);

/**
 * The configuration under test, from ONE call. Stand-in with the shape ZooKeeperEnsemble
 * generates for StatefulSet `zk` with governing Service `zk-hs` in namespace `default`, 3
 * replicas: replace the body with the construct's output (its zoo.cfg text and its myid snippet).
 */
function sampleGeneratedConfig(): GeneratedZooKeeperConfig {
  const replicas = 3;
  const podHostnames = Array.from({ length: replicas }, (_, i) => `zk-${i}`);
  const dnsNames = podHostnames.map((pod) => `${pod}.zk-hs.default.svc.cluster.local`);
  const zooCfg = [
    'tickTime=2000',
    'initLimit=10',
    'syncLimit=5',
    'dataDir=/data',
    'clientPort=2181',
    'maxClientCnxns=60',
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=12',
    'quorumListenOnAllIPs=false',
    '4lw.commands.whitelist=ruok,srvr,mntr',
    ...dnsNames.map((dns, i) => `server.${i + 1}=${dns}:2888:3888`),
  ].join('\n') + '\n';
  const myidScript = [
    'ordinal="${HOSTNAME##*-}"',
    'case "$ordinal" in \'\'|*[!0-9]*) echo "cannot derive the ZooKeeper myid from hostname \'$HOSTNAME\'" >&2; exit 1;; esac',
    'echo "$((ordinal + 1))" > "$ZOO_DATA_DIR/myid"',
  ].join('\n');
  return { zooCfg: () => zooCfg, myidScript, podHostnames, dnsNames };
}

describe('generated ZooKeeper configuration with three real servers', () => {
  const generated = sampleGeneratedConfig();
  let zk: Ensemble | undefined;

  function ensemble(): Ensemble {
    if (!zk) throw new Error('the ensemble did not start (see the beforeAll error)');
    return zk;
  }

  beforeAll(async () => {
    checkPrerequisites();
    zk = await startEnsemble(generated);
  }, 60_000);

  afterAll(async () => {
    await zk?.shutdown();
  }, 60_000);

  test('each server runs the generated zoo.cfg unchanged, plus only the one-machine overrides', () => {
    for (let i = 0; i < 3; i++) {
      const written = fs.readFileSync(ensemble().configFile(i), 'utf8');
      expect(written.startsWith(generated.zooCfg(i))).toBe(true);
      const appended = parseZooCfg(written.slice(generated.zooCfg(i).length));
      // Only bind addresses and directories; never server lines, ports or the myid logic.
      for (const key of appended.keys()) {
        expect(['dataDir', 'dataLogDir', 'clientPortAddress', 'admin.serverAddress', 'quorumListenOnAllIPs']).toContain(key);
      }
      expect(appended.get('clientPortAddress')).toBe(ensemble().ip(i));
      expect(appended.get('dataDir')).toBe(ensemble().dataDir(i));
    }
  });

  test('the myid snippet gives pod N-1 the id N', () => {
    expect([0, 1, 2].map((i) => ensemble().myid(i))).toEqual(['1', '2', '3']);
  });

  test('forms a quorum: one leader, two followers; the probe commands answer', async () => {
    const { leader, followers } = await ensemble().waitForQuorum(60_000);
    expect(followers).toHaveLength(2);
    expect(followers).not.toContain(leader);
    for (let i = 0; i < 3; i++) {
      expect(await ensemble().fourLetterWord(i, 'ruok')).toBe('imok');
      expect((await ensemble().mntr(i)).get('zk_server_state')).toBe(i === leader ? 'leader' : 'follower');
    }
    await ensemble().waitFor('leader sees 2 synced followers', 30_000, async () =>
      ((await ensemble().mntr(leader)).get('zk_synced_followers') === '2' ? true : undefined));
    // A command left out of 4lw.commands.whitelist is refused: the whitelist line took effect.
    expect(await ensemble().fourLetterWord(0, 'stat')).toContain('not in the whitelist');
  });

  test('a write on one server is read from the others', async () => {
    await ensemble().create(0, '/hello', 'world');
    expect(await ensemble().get(1, '/hello')).toBe('world');
    expect(await ensemble().get(2, '/hello')).toBe('world');
  });

  test('keeps serving writes with one server stopped, which rejoins from its data directory', async () => {
    const zkRun = ensemble();
    const { leader, followers: [stopped, remaining] } = await zkRun.waitForQuorum(30_000);

    await zkRun.stop(stopped);
    expect(zkRun.isRunning(stopped)).toBe(false);
    expect(await zkRun.mode(stopped)).toBeUndefined();

    await zkRun.create(remaining, '/hello2', 'still here');
    expect(await zkRun.get(leader, '/hello2')).toBe('still here');
    expect(await zkRun.mode(leader)).toBe('leader');

    // The stopped server's data directory is kept: it holds the transactions it had logged.
    const logs = fs.readdirSync(path.join(zkRun.dataDir(stopped), 'version-2')).filter((f) => f.startsWith('log.'));
    expect(logs.length).toBeGreaterThan(0);

    zkRun.start(stopped);
    expect(zkRun.myid(stopped)).toBe(String(stopped + 1));
    await zkRun.waitForMode(stopped, 'follower', 60_000);
    expect(await zkRun.get(stopped, '/hello2')).toBe('still here');
    expect(await zkRun.get(stopped, '/hello')).toBe('world');
  });
});
