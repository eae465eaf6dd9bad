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
import { Chart, Testing } from 'cdk8s';
import { checkPrerequisites, Ensemble, GeneratedZooKeeperConfig, parseZooCfg, startEnsemble } from './harness';
import { ZooKeeperEnsemble } from '../../src';
import { validateManifests } from '../util/schema';

jest.setTimeout(180_000);

/**
 * The configuration under test, from ONE call: a ZooKeeperEnsemble `zk` with its defaults (three
 * servers, official image, namespace `default`), its zoo.cfg and myid snippet exactly as the pods
 * get them: the zoo.cfg of the synthesized ConfigMap the pods mount (the app's generated
 * configuration file), the myid snippet of the container's command. `pods` is what the
 * construct's getters and the synthesized StatefulSet say, for the first test to compare.
 */
function generatedConfig(): GeneratedZooKeeperConfig & { pods: PodsView } {
  const chart = new Chart(Testing.app(), 'test');
  const zk = new ZooKeeperEnsemble(chart, 'zk');
  const objects = Testing.synth(chart);
  const configMap = objects.find((o) => o.kind === 'ConfigMap');
  const statefulSet = objects.find((o) => o.kind === 'StatefulSet');
  const mountedZooCfg: string | undefined = configMap?.data?.['zoo.cfg'];
  const command: string[] = statefulSet?.spec.template.spec.containers[0].command ?? [];
  if (mountedZooCfg === undefined || zk.myidScript === undefined) {
    throw new Error('ZooKeeperEnsemble with the official image gave no zoo.cfg ConfigMap or myid snippet');
  }
  const myidScript = zk.myidScript;
  return {
    zooCfg: () => mountedZooCfg,
    myidScript,
    podHostnames: zk.app.podNames,
    dnsNames: zk.app.podDnsNames,
    pods: {
      zooCfgGetter: zk.zooCfg,
      configMapName: configMap.metadata.name,
      mountedConfigMaps: statefulSet.spec.template.spec.volumes.filter((v: any) => v.configMap).map((v: any) => v.configMap.name),
      command,
      objects,
    },
  };
}

/** What the pods are given, as synthesized, to compare with the configuration under test. */
interface PodsView {
  readonly zooCfgGetter?: string;
  readonly configMapName: string;
  readonly mountedConfigMaps: string[];
  readonly command: string[];
  readonly objects: any[];
}

describe('generated ZooKeeper configuration with three real servers', () => {
  const generated = generatedConfig();
  let zk: Ensemble | undefined;

  test('the configuration under test is what the pods mount and run: the ConfigMap\'s zoo.cfg (the zooCfg getter) and the command\'s myid snippet', () => {
    validateManifests(generated.pods.objects);
    expect(generated.zooCfg(0)).toBe(generated.pods.zooCfgGetter);
    expect(generated.pods.mountedConfigMaps).toEqual([generated.pods.configMapName]);
    expect(generated.pods.command).toEqual(['sh', '-c', `${generated.myidScript}exec zkServer.sh start-foreground /conf/zoo.cfg\n`]);
    expect(generated.zooCfg(0).split('\n').filter((l) => l.startsWith('server.')))
      .toEqual(generated.dnsNames.map((host, i) => `server.${i + 1}=${host}:2888:3888`));
  });

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

    // The stopped server's data is kept: its transaction log directory (the configuration sets
    // dataLogDir, which the harness points at the server's own directory) holds what it had logged.
    expect(generated.zooCfg(stopped)).toMatch(/^dataLogDir=/m);
    const logs = fs.readdirSync(path.join(zkRun.dataLogDir(stopped), 'version-2')).filter((f) => f.startsWith('log.'));
    expect(logs.length).toBeGreaterThan(0);

    zkRun.start(stopped);
    expect(zkRun.myid(stopped)).toBe(String(stopped + 1));
    await zkRun.waitForMode(stopped, 'follower', 60_000);
    expect(await zkRun.get(stopped, '/hello2')).toBe('still here');
    expect(await zkRun.get(stopped, '/hello')).toBe('world');
  });
});
