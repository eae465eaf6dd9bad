/**
 * Runs a generated ZooKeeper configuration with real ZooKeeper servers on one machine.
 *
 * Input is exactly what a ZooKeeper StatefulSet is configured with: the `zoo.cfg` text each pod
 * gets (its `server.N` lines naming the pods' stable DNS names) and the shell snippet that derives
 * `myid` from the pod's hostname. Each "pod" becomes one ZooKeeper server process (the Debian
 * `zookeeper` package's jars, see PREREQUISITES.md) listening on its own loopback address:
 *
 * - DNS: the pods' DNS names are mapped to 127.X.Y.1, .2, .3, ... by a hosts-format file handed to
 *   the JVM with `-Djdk.net.hosts.file` (JDK 9+), so no DNS server, no root and no /etc/hosts edit
 *   is needed. X.Y is chosen per run, so two runs on one machine do not collide.
 * - myid: the snippet runs with `sh -c`, as in the container, with `HOSTNAME` set to the pod's
 *   hostname, a `hostname` command on `PATH` that prints it, and `ZOO_DATA_DIR` (the official
 *   image's variable for the data directory) pointing at this server's data directory. The
 *   snippet must write `$ZOO_DATA_DIR/myid`; the harness checks that it holds ordinal + 1.
 * - zoo.cfg: the given text is used unchanged; the harness only APPENDS the lines listed in
 *   {@link oneMachineOverrides}, which make sense only when all servers share one machine. For a
 *   key set twice, ZooKeeper (java.util.Properties) uses the last value. The `server.N` lines,
 *   the ports and the myid logic are never changed.
 * - Pod files (optional): the files of the pod's Secret volumes (keystores, password files) are
 *   written under the server's own directory at their path in the pod (`<server>/root/etc/...`);
 *   a zoo.cfg value that names such a file is pointed at the copy by an appended line.
 * - Start snippets (optional): after the myid snippet, the JAAS snippet runs the same way, with
 *   `ZOOCFGDIR` pointing at the server's copy of the ConfigMap's files, `ZK_JAAS_FILE` at the
 *   server's own JAAS file, and the environment the pod gets from its Secrets; the JVM is then
 *   started with `-Djava.security.auth.login.config=<that file>`.
 *
 * Every process is started in its own process group and holds a "lifeline" pipe to the test
 * process: if the test process dies, the server is killed. `Ensemble.shutdown()` kills everything
 * it started and removes the temporary directory.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** The ZooKeeper jar of the Debian `libzookeeper-java` package (its manifest lists the dependencies). */
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** slf4j binding from `libslf4j-java` (a dependency of the package): gives the servers a readable log. */
export const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';
/**
 * Netty jars of `libnetty-java` (a dependency of the package) that Netty's TLS handler needs but
 * that the manifest of `zookeeper.jar` does not list (only netty-buffer, -common, -handler and
 * -transport are there): without them a server with `serverCnxnFactory=...NettyServerCnxnFactory`
 * or a client with `ClientCnxnSocketNetty` fails with NoClassDefFoundError.
 */
export const NETTY_EXTRA_JARS = ['/usr/share/java/netty-codec.jar', '/usr/share/java/netty-resolver.jar'];
const CLASSPATH = [ZOOKEEPER_JAR, SLF4J_SIMPLE_JAR, ...NETTY_EXTRA_JARS].join(':');

export const INSTALL_HINT =
  'Install the Debian zookeeper package (ZooKeeper 3.8 with a Java runtime): '
  + 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends zookeeper '
  + '(see test/zookeeper/PREREQUISITES.md).';

/** JVM options for every server: small heap and few threads (CI machines are small and shared). */
const SERVER_JVM_OPTS = ['-Xms32m', '-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'];
const CLIENT_JVM_OPTS = ['-Xms16m', '-Xmx64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'];

/** What the harness needs from the generated configuration. */
export interface GeneratedZooKeeperConfig {
  /** The zoo.cfg text the pod with this index (ordinal) is given. */
  readonly zooCfg: (podIndex: number) => string;
  /** The shell snippet run at container start; it derives myid from the hostname and writes `$ZOO_DATA_DIR/myid`. */
  readonly myidScript: string;
  /** The pods' hostnames in ordinal order (`zk-0`, `zk-1`, ...). */
  readonly podHostnames: string[];
  /** The pods' stable DNS names in ordinal order (`zk-0.zk-hs.default.svc.cluster.local`, ...). */
  readonly dnsNames: string[];
  /** Files of the pod's Secret volumes by their absolute path in the pod (keystores, password files). @default none */
  readonly podFiles?: { readonly [podPath: string]: string | Buffer };
  /** Files of the ConfigMap the pod mounts at `ZOOCFGDIR`, by name (e.g. `jaas.conf.template`). @default none */
  readonly configFiles?: { readonly [name: string]: string };
  /** The JAAS snippet run after the myid snippet; it writes `$ZK_JAAS_FILE`. @default none (no SASL) */
  readonly jaasScript?: string;
  /** Environment the pod with this index gets from its Secrets (e.g. SASL passwords). @default none */
  readonly secretEnv?: (podIndex: number) => { readonly [name: string]: string };
}

export interface StartEnsembleOptions {
  /** Loopback prefix such as `127.0.0.`; server i listens on prefix + (i + 1). @default a free 127.X.Y. chosen per run */
  readonly loopbackPrefix?: string;
  /**
   * The name a reverse lookup of 127.0.0.1 gives the servers. On one machine every connection
   * between two servers comes from 127.0.0.1 (the kernel's source address for loopback); in a
   * cluster it comes from the peer pod's IP, whose PTR record is the pod's stable DNS name
   * (Kubernetes DNS specification, 2.4.3). A server with quorum TLS checks that the peer's
   * certificate names the host the peer connects from, so the hosts file gives 127.0.0.1 a pod's
   * DNS name (and `localhost` after it, for forward lookups).
   * @default - `localhost`
   */
  readonly loopbackReverseName?: string;
}

/** How the ZooKeeper CLI connects. */
export interface CliOptions {
  /** `host:port` to connect to. @default the server's loopback address and plaintext client port */
  readonly server?: string;
  /** More JVM options: client TLS (`-Dzookeeper.client.secure=true`, ...) or JAAS settings. @default none */
  readonly jvmOptions?: string[];
  /** The CLI is killed after this time. @default 30 s */
  readonly timeoutMs?: number;
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Versions found by {@link checkPrerequisites}. */
export interface Prerequisites {
  readonly java: string;
  readonly zookeeper: string;
}

/**
 * Checks that java and the Debian ZooKeeper jars are installed. Throws (never skips) with the
 * install command when they are not.
 */
export function checkPrerequisites(): Prerequisites {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (java.error || java.status !== 0) {
    throw new Error(`ZooKeeper ensemble test: no working \`java\` on PATH (${java.error?.message ?? java.stderr.trim()}). ${INSTALL_HINT}`);
  }
  for (const jar of [ZOOKEEPER_JAR, SLF4J_SIMPLE_JAR, ...NETTY_EXTRA_JARS]) {
    if (!fs.existsSync(jar)) {
      throw new Error(`ZooKeeper ensemble test: ${jar} is missing. ${INSTALL_HINT}`);
    }
  }
  const version = spawnSync('java', [...CLIENT_JVM_OPTS, '-cp', CLASSPATH, 'org.apache.zookeeper.version.VersionInfoMain'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const match = /version (\d+)\.(\d+)\.(\d+)/.exec(version.stdout ?? '');
  if (version.status !== 0 || !match) {
    throw new Error(`ZooKeeper ensemble test: cannot read the ZooKeeper version from ${ZOOKEEPER_JAR} (${version.stderr.trim()}). ${INSTALL_HINT}`);
  }
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major !== 3 || minor < 8) {
    throw new Error(`ZooKeeper ensemble test: needs ZooKeeper 3.8 or later, found ${match[0]}. ${INSTALL_HINT}`);
  }
  return { java: java.stderr.split('\n')[0].trim(), zookeeper: `${match[1]}.${match[2]}.${match[3]}` };
}

/** Parses zoo.cfg `key=value` lines (comments and blank lines ignored). Later keys win, as in ZooKeeper. */
export function parseZooCfg(text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      throw new Error(`zoo.cfg line ${n + 1} is not a key=value line: ${JSON.stringify(raw)}`);
    }
    result.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return result;
}

/** One `server.N=host:quorumPort:electionPort[:role][;clientAddress]` line. */
export interface ServerLine {
  readonly id: number;
  readonly host: string;
  readonly quorumPort: number;
  readonly electionPort: number;
}

export function serverLines(cfg: Map<string, string>): ServerLine[] {
  const lines: ServerLine[] = [];
  for (const [key, value] of cfg) {
    const k = /^server\.(\d+)$/.exec(key);
    if (!k) continue;
    const m = /^([^:;]+):(\d+):(\d+)(:\w+)?(;.*)?$/.exec(value);
    if (!m) {
      throw new Error(`zoo.cfg ${key}=${value}: expected host:quorumPort:electionPort`);
    }
    lines.push({ id: Number(k[1]), host: m[1], quorumPort: Number(m[2]), electionPort: Number(m[3]) });
  }
  return lines.sort((a, b) => a.id - b.id);
}

/**
 * The lines the harness appends to server i's zoo.cfg, each with the reason. None of them is
 * needed in a pod (a pod has its own volume and its own IP); they exist because all servers run
 * on one machine here.
 */
export function oneMachineOverrides(
  cfg: Map<string, string>,
  dirs: { dataDir: string; dataLogDir: string },
  ip: string,
  localCopy: (podPath: string) => string | undefined = () => undefined,
): string[] {
  const lines = [
    '',
    '# ---- appended by test/zookeeper/harness.ts: one-machine overrides, not part of the generated configuration ----',
    '# Every server needs its own data directory on one machine (in a pod: the pod\'s own volume).',
    `dataDir=${dirs.dataDir}`,
  ];
  if (cfg.has('dataLogDir')) {
    lines.push('# Likewise its own transaction log directory.', `dataLogDir=${dirs.dataLogDir}`);
  }
  lines.push(
    '# All servers share the client port number, so each listens on its own loopback address.',
    `clientPortAddress=${ip}`,
    '# Same for the AdminServer port (the Debian package\'s Jetty jars do not start it; harmless then).',
    `admin.serverAddress=${ip}`,
  );
  if (cfg.get('quorumListenOnAllIPs') === 'true') {
    lines.push(
      '# Listening on all addresses would make the servers collide on the quorum/election ports;',
      '# each server binds the address its own server.N name resolves to instead.',
      'quorumListenOnAllIPs=false',
    );
  }
  if (cfg.has('secureClientPort')) {
    lines.push('# Likewise for the secure client port.', `secureClientPortAddress=${ip}`);
  }
  const copies = [...cfg].filter(([, value]) => localCopy(value) !== undefined);
  if (copies.length > 0) {
    lines.push('# Files of the pod\'s Secret volumes: this server\'s copy of the same file.');
    for (const [key, value] of copies) lines.push(`${key}=${localCopy(value)}`);
  }
  return lines;
}

/** Every live process group started by any Ensemble; killed if the test process exits. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Runs "$@" in the background and waits for it. The command is killed when stdin (a pipe held by
 * the test process) reaches end of file, i.e. when the test process goes away without cleaning
 * up. A TERM sent to the process group reaches the command directly; the wrapper waits for it to
 * exit and exits with its status.
 */
const LIFELINE_WRAPPER = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'child=$!',
  '( read -r _ <&3; kill -9 "$child" 2>/dev/null ) &',
  'lifeline=$!',
  'exec 3<&-',
  'trap \'kill -TERM "$child" 2>/dev/null\' TERM',
  'rc=0',
  'while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done',
  'kill "$lifeline" 2>/dev/null',
  'exit "$rc"',
].join('\n');

interface ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  exitCode?: number | null;
  stopping: boolean;
}

export class Ensemble {
  private readonly servers = new Map<number, ServerProcess>();
  private readonly clients = new Set<ChildProcess>();
  private readonly cfgs: Map<string, string>[];

  constructor(
    /** Temporary directory holding every server's files. */
    public readonly baseDir: string,
    /** The generated configuration this ensemble runs. */
    public readonly generated: GeneratedZooKeeperConfig,
    /** Loopback prefix; server i listens on prefix + (i + 1). */
    public readonly loopbackPrefix: string,
    /** The hosts-format file given to every JVM. */
    public readonly hostsFile: string,
  ) {
    this.cfgs = generated.podHostnames.map((_, i) => parseZooCfg(generated.zooCfg(i)));
  }

  get size(): number {
    return this.generated.podHostnames.length;
  }

  ip(i: number): string {
    return `${this.loopbackPrefix}${i + 1}`;
  }

  clientPort(i: number): number {
    return Number(this.cfgs[i].get('clientPort'));
  }

  serverDir(i: number): string {
    return path.join(this.baseDir, `server-${i}`);
  }

  dataDir(i: number): string {
    return path.join(this.serverDir(i), 'data');
  }

  dataLogDir(i: number): string {
    return path.join(this.serverDir(i), 'datalog');
  }

  configFile(i: number): string {
    return path.join(this.serverDir(i), 'zoo.cfg');
  }

  logFile(i: number): string {
    return path.join(this.serverDir(i), 'server.log');
  }

  /** Where server i finds a file of its pod's Secret volumes (`<server>/root/<path in the pod>`). */
  podFile(i: number, podPath: string): string {
    return path.join(this.serverDir(i), 'root', podPath);
  }

  /** Server i's copy of the ConfigMap's files (its `ZOOCFGDIR`). */
  confDir(i: number): string {
    return path.join(this.serverDir(i), 'conf');
  }

  /** The JAAS file server i's JAAS snippet writes (its `ZK_JAAS_FILE`). */
  jaasFile(i: number): string {
    return path.join(this.serverDir(i), 'run', 'jaas.conf');
  }

  /** The secure client port of server i (`secureClientPort` of its zoo.cfg), or undefined. */
  secureClientPort(i: number): number | undefined {
    const port = this.cfgs[i].get('secureClientPort');
    return port === undefined ? undefined : Number(port);
  }

  /** The myid file server i's data directory holds (trimmed), or undefined. */
  myid(i: number): string | undefined {
    const file = path.join(this.dataDir(i), 'myid');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
  }

  isRunning(i: number): boolean {
    const s = this.servers.get(i);
    return s !== undefined && s.exitCode === undefined;
  }

  /** Last lines of server i's log, for error messages. */
  logTail(i: number, lines = 30): string {
    if (!fs.existsSync(this.logFile(i))) return '(no log)';
    return fs.readFileSync(this.logFile(i), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /**
   * Starts server i as pod i's container would: run the myid snippet, then start ZooKeeper with
   * the pod's zoo.cfg (plus the one-machine overrides). Keeps an existing data directory, so a
   * stopped server restarts from its data. `secretEnv` replaces what the pod gets from its Secrets
   * (e.g. a wrong password).
   */
  start(i: number, secretEnv?: { readonly [name: string]: string }): void {
    if (this.isRunning(i)) throw new Error(`server ${i} is already running`);
    const g = this.generated;
    fs.mkdirSync(this.dataDir(i), { recursive: true });
    if (this.cfgs[i].has('dataLogDir')) fs.mkdirSync(this.dataLogDir(i), { recursive: true });

    // A fake `hostname` command for snippets that call it instead of reading $HOSTNAME.
    const bin = path.join(this.serverDir(i), 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'hostname'), `#!/bin/sh\necho '${g.podHostnames[i]}'\n`, { mode: 0o755 });

    // The pod's files: its Secret volumes and the ConfigMap it mounts at ZOOCFGDIR.
    for (const [podPath, content] of Object.entries(g.podFiles ?? {})) {
      fs.mkdirSync(path.dirname(this.podFile(i, podPath)), { recursive: true });
      fs.writeFileSync(this.podFile(i, podPath), content, { mode: 0o600 });
    }
    fs.mkdirSync(this.confDir(i), { recursive: true });
    for (const [name, content] of Object.entries(g.configFiles ?? {})) {
      fs.writeFileSync(path.join(this.confDir(i), name), content);
    }
    fs.mkdirSync(path.dirname(this.jaasFile(i)), { recursive: true });

    const snippetEnv = {
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOSTNAME: g.podHostnames[i],
      ZOO_DATA_DIR: this.dataDir(i),
      ZOOCFGDIR: this.confDir(i),
      ZK_JAAS_FILE: this.jaasFile(i),
      ...(secretEnv ?? (g.secretEnv ? g.secretEnv(i) : {})),
    };
    const snippets: Array<[string, string]> = [['myid', g.myidScript], ...(g.jaasScript ? [['JAAS', g.jaasScript] as [string, string]] : [])];
    for (const [what, snippet] of snippets) {
      const run = spawnSync('sh', ['-c', snippet], { cwd: this.serverDir(i), encoding: 'utf8', timeout: 10_000, env: snippetEnv });
      if (run.status !== 0) {
        throw new Error(`${what} snippet failed for pod ${g.podHostnames[i]} (status ${run.status}): ${run.stderr}${run.error ?? ''}`);
      }
    }
    const myid = this.myid(i);
    if (myid !== String(i + 1)) {
      throw new Error(
        `myid snippet for pod ${g.podHostnames[i]} left ${myid === undefined ? 'no file' : JSON.stringify(myid)} `
        + `at $ZOO_DATA_DIR/myid; expected "${i + 1}" (ordinal + 1)`,
      );
    }

    const cfgText = g.zooCfg(i);
    const podFiles = g.podFiles ?? {};
    const overrides = oneMachineOverrides(this.cfgs[i], { dataDir: this.dataDir(i), dataLogDir: this.dataLogDir(i) }, this.ip(i),
      (value) => (Object.prototype.hasOwnProperty.call(podFiles, value) ? this.podFile(i, value) : undefined));
    fs.writeFileSync(this.configFile(i), `${cfgText.endsWith('\n') ? cfgText : `${cfgText}\n`}${overrides.join('\n')}\n`);

    const log = fs.openSync(this.logFile(i), 'a');
    fs.writeSync(log, `\n==== ${new Date().toISOString()} starting server ${i} (${g.podHostnames[i]}, myid ${myid}) on ${this.ip(i)} ====\n`);
    const child = spawn('sh', ['-c', LIFELINE_WRAPPER, 'zookeeper-server',
      'java', ...SERVER_JVM_OPTS,
      `-Djdk.net.hosts.file=${this.hostsFile}`,
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
      '-Dorg.slf4j.simpleLogger.showDateTime=true',
      '-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS',
      ...(g.jaasScript ? [`-Djava.security.auth.login.config=${this.jaasFile(i)}`] : []),
      '-cp', CLASSPATH,
      'org.apache.zookeeper.server.quorum.QuorumPeerMain', this.configFile(i)],
    { cwd: this.serverDir(i), detached: true, stdio: ['pipe', log, log] });
    fs.closeSync(log);
    const pgid = child.pid!;
    liveGroups.add(pgid);
    const proc: ServerProcess = {
      child,
      stopping: false,
      exited: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          liveGroups.delete(pgid);
          child.stdin?.destroy();
          proc.exitCode = code ?? (signal ? -1 : null);
          resolve(proc.exitCode);
        });
      }),
    };
    child.stdin?.on('error', () => undefined);
    this.servers.set(i, proc);
  }

  /** Stops server i (TERM to its process group, KILL after graceMs) and waits until it has exited. */
  async stop(i: number, graceMs = 20_000): Promise<void> {
    const s = this.servers.get(i);
    if (!s || s.exitCode !== undefined) return;
    s.stopping = true;
    killGroup(s.child.pid!, 'SIGTERM');
    if (!(await within(s.exited, graceMs))) {
      killGroup(s.child.pid!, 'SIGKILL');
      await within(s.exited, 10_000);
    }
  }

  /** Stops every server and client process and removes the temporary directory. */
  async shutdown(): Promise<void> {
    for (const c of this.clients) killGroup(c.pid!, 'SIGKILL');
    await Promise.all([...this.servers.keys()].map((i) => this.stop(i, 10_000)));
    fs.rmSync(this.baseDir, { recursive: true, force: true });
  }

  /** Sends a four-letter-word command to server i's client port; resolves with the reply. */
  fourLetterWord(i: number, command: string, timeoutMs = 5_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: this.ip(i), port: this.clientPort(i) });
      const chunks: Buffer[] = [];
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${command} to server ${i}: no reply within ${timeoutMs} ms`)));
      socket.on('connect', () => socket.write(command));
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  }

  /** `Mode:` from `srvr` (leader, follower, observer, standalone), or undefined when not serving. */
  async mode(i: number): Promise<string | undefined> {
    try {
      return /^Mode: (\w+)$/m.exec(await this.fourLetterWord(i, 'srvr'))?.[1];
    } catch {
      return undefined;
    }
  }

  /** `mntr` output as a key/value map. */
  async mntr(i: number): Promise<Map<string, string>> {
    const out = await this.fourLetterWord(i, 'mntr');
    return new Map(out.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t', 2) as [string, string]));
  }

  /**
   * Polls `condition` every 500 ms until it returns a value other than undefined. Fails after
   * timeoutMs, or as soon as a server exits that was not stopped, with the servers' log tails.
   */
  async waitFor<T>(description: string, timeoutMs: number, condition: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      for (const [i, s] of this.servers) {
        if (s.exitCode !== undefined && !s.stopping) {
          throw new Error(`${description}: server ${i} exited with ${s.exitCode}\n${this.logTail(i)}`);
        }
      }
      try {
        const value = await condition();
        if (value !== undefined) return value;
      } catch (e) {
        last = String(e);
      }
      if (Date.now() > deadline) {
        const logs = [...this.servers.keys()].map((i) => `--- server ${i} ---\n${this.logTail(i)}`).join('\n');
        throw new Error(`${description}: not reached within ${timeoutMs} ms ${last}\n${await this.describe()}\n${logs}`);
      }
      await sleep(500);
    }
  }

  /** Waits until the running servers have exactly one leader and the others follow. */
  async waitForQuorum(timeoutMs = 60_000): Promise<{ leader: number; followers: number[] }> {
    return this.waitFor('quorum (one leader, the others followers)', timeoutMs, async () => {
      const running = [...this.servers.keys()].filter((i) => this.isRunning(i)).sort((a, b) => a - b);
      const modes = await Promise.all(running.map((i) => this.mode(i)));
      const leaders = running.filter((_, k) => modes[k] === 'leader');
      const followers = running.filter((_, k) => modes[k] === 'follower');
      if (leaders.length !== 1 || leaders.length + followers.length !== running.length) return undefined;
      return { leader: leaders[0], followers };
    });
  }

  /** Waits until server i reports the given mode. */
  async waitForMode(i: number, mode: string, timeoutMs = 60_000): Promise<void> {
    await this.waitFor(`server ${i} in mode ${mode}`, timeoutMs, async () => ((await this.mode(i)) === mode ? true : undefined));
  }

  /** One line per server: address and mode. */
  async describe(): Promise<string> {
    const rows: string[] = [];
    for (let i = 0; i < this.size; i++) {
      rows.push(`server ${i} ${this.ip(i)}:${this.clientPort(i)} running=${this.isRunning(i)} mode=${await this.mode(i)}`);
    }
    return rows.join('\n');
  }

  /**
   * Runs the ZooKeeper CLI (`ZooKeeperMain`) against server i with the given command words: by
   * default on its plaintext client port; `options.server` names another address (e.g. the pod's
   * DNS name and the secure client port), `options.jvmOptions` adds client settings (TLS, JAAS).
   */
  cli(i: number, args: string[], options: CliOptions = {}): Promise<CommandResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const child = spawn('java', [...CLIENT_JVM_OPTS,
        `-Djdk.net.hosts.file=${this.hostsFile}`,
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        ...(options.jvmOptions ?? []),
        '-cp', CLASSPATH,
        'org.apache.zookeeper.ZooKeeperMain', '-waitforconnection', '-timeout', '10000',
        '-server', options.server ?? `${this.ip(i)}:${this.clientPort(i)}`, ...args],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const pgid = child.pid!;
      liveGroups.add(pgid);
      this.clients.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => { stdout += d; });
      child.stderr!.on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => {
        killGroup(pgid, 'SIGKILL');
        reject(new Error(`zkCli ${args.join(' ')} on server ${i}: no result within ${timeoutMs} ms\n${stdout}${stderr}`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        liveGroups.delete(pgid);
        this.clients.delete(child);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** `create <path> <data>` through server i. */
  async create(i: number, znode: string, data: string, options: CliOptions = {}): Promise<void> {
    const r = await this.cli(i, ['create', znode, data], options);
    if (r.code !== 0 || !r.stderr.includes(`Created ${znode}`)) {
      throw new Error(`create ${znode} on server ${i} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
    }
  }

  /** `get <path>` through server i; resolves with the node's data. */
  async get(i: number, znode: string, options: CliOptions = {}): Promise<string> {
    const r = await this.cli(i, ['get', znode], options);
    if (r.code !== 0) {
      throw new Error(`get ${znode} on server ${i} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
    }
    // Drop the CLI's connection chatter; what remains is the data.
    const noise = /^(Connecting to .*|WATCHER::|WatchedEvent .*|)$/;
    return r.stdout.split('\n').filter((l) => !noise.test(l)).join('\n');
  }
}

/**
 * Starts one ZooKeeper server per pod of the generated configuration and returns the running
 * ensemble (without waiting for a quorum: see `waitForQuorum`). Checks first that the `server.N`
 * lines name the pods' DNS names in ordinal order (N = ordinal + 1).
 */
export async function startEnsemble(generated: GeneratedZooKeeperConfig, options: StartEnsembleOptions = {}): Promise<Ensemble> {
  const n = generated.podHostnames.length;
  if (n === 0 || generated.dnsNames.length !== n) {
    throw new Error(`podHostnames (${n}) and dnsNames (${generated.dnsNames.length}) must have the same, non-zero length`);
  }
  const ports = new Set<number>();
  for (let i = 0; i < n; i++) {
    const cfg = parseZooCfg(generated.zooCfg(i));
    if (cfg.has('dynamicConfigFile')) {
      throw new Error('the harness runs a static configuration; zoo.cfg must not set dynamicConfigFile');
    }
    if (!/^\d+$/.test(cfg.get('clientPort') ?? '')) {
      throw new Error(`zoo.cfg of pod ${i} has no numeric clientPort`);
    }
    ports.add(Number(cfg.get('clientPort')));
    if (cfg.has('secureClientPort')) ports.add(Number(cfg.get('secureClientPort')));
    const lines = serverLines(cfg);
    const expected = generated.dnsNames.map((d, k) => `server.${k + 1}=${d}`);
    const actual = lines.map((l) => `server.${l.id}=${l.host}`);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      throw new Error(`zoo.cfg of pod ${i}: server lines ${JSON.stringify(actual)} do not name the pods' DNS names ${JSON.stringify(expected)}`);
    }
    for (const l of lines) ports.add(l.quorumPort).add(l.electionPort);
  }

  const prefix = options.loopbackPrefix ?? await pickLoopbackPrefix(n, [...ports]);
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-ensemble-'));
  const hostsFile = path.join(baseDir, 'hosts');
  const loopback = options.loopbackReverseName ? `127.0.0.1 ${options.loopbackReverseName} localhost` : '127.0.0.1 localhost';
  fs.writeFileSync(hostsFile, [loopback, ...generated.dnsNames.map((d, i) => `${prefix}${i + 1} ${d}`)].join('\n') + '\n');

  const ensemble = new Ensemble(baseDir, generated, prefix, hostsFile);
  try {
    for (let i = 0; i < n; i++) ensemble.start(i);
  } catch (e) {
    await ensemble.shutdown();
    throw e;
  }
  return ensemble;
}

/** A 127.X.Y. prefix whose addresses .1 .. .n have all the given ports free. */
async function pickLoopbackPrefix(n: number, ports: number[]): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const prefix = `127.${16 + Math.floor(Math.random() * 230)}.${Math.floor(Math.random() * 256)}.`;
    let free = true;
    for (let i = 1; i <= n && free; i++) {
      for (const port of ports) {
        if (!(await portFree(`${prefix}${i}`, port))) {
          free = false;
          break;
        }
      }
    }
    if (free) return prefix;
  }
  throw new Error(`no loopback prefix with ports ${ports.join(', ')} free found`);
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true if `p` settles within ms, false otherwise. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
