/**
 * `plan --against`: warns when a running ZooKeeper ensemble would change how its servers talk to
 * each other (quorum TLS) in a way that servers with the old and the new configuration cannot
 * follow side by side, which a rolling update makes them do: the quorum breaks. The ZooKeeper
 * administrator's guide, "Upgrading existing non-TLS cluster with no downtime", goes through port
 * unification instead, one rolling restart per step.
 *
 * It reads the `zoo.cfg` of the ConfigMaps the StatefulSet's pod template mounts (as
 * ZooKeeperEnsemble writes it, and as any tool may), on both sides, by namespace and name.
 *
 * @see https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#Upgrading+existing+nonTLS+cluster
 */
import { Finding } from './changes';
import { arr, isObj, obj, str } from './k8s';
import { LoadedObject, LoadResult } from './load';
import { namespaceOf, nsKey } from './world';

/** The administrator's guide section this warning follows. */
export const ZOOKEEPER_TLS_UPGRADE_GUIDE = 'https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#Upgrading+existing+nonTLS+cluster';

/** How one configuration makes its servers talk to their peers. */
export interface QuorumTlsSettings {
  /** `sslQuorum`: the server connects to its peers with TLS. */
  readonly sslQuorum: boolean;
  /** `portUnification`: the server accepts TLS and plaintext from its peers. */
  readonly portUnification: boolean;
}

/** The staged procedure of the guide, as the settings of each step. */
const STEPS: Array<QuorumTlsSettings & { readonly name: string }> = [
  { sslQuorum: false, portUnification: false, name: 'plaintext' },
  { sslQuorum: false, portUnification: true, name: 'ZooKeeperQuorumTls.PLAINTEXT_ACCEPTING_TLS' },
  { sslQuorum: true, portUnification: true, name: 'ZooKeeperQuorumTls.TLS_ACCEPTING_PLAINTEXT' },
  { sslQuorum: true, portUnification: false, name: 'ZooKeeperQuorumTls.TLS' },
];

/** Whether a server with settings `s` accepts a peer that connects the way `peer` does. */
function accepts(s: QuorumTlsSettings, peer: QuorumTlsSettings): boolean {
  return s.portUnification || s.sslQuorum === peer.sslQuorum;
}

/**
 * Whether servers with the old and the new settings can form one quorum while a rolling update
 * replaces them one at a time: each must accept the way the other connects.
 */
export function canRollBetween(before: QuorumTlsSettings, after: QuorumTlsSettings): boolean {
  return accepts(before, after) && accepts(after, before);
}

/** Reads `sslQuorum` and `portUnification` from zoo.cfg text (java.util.Properties; the last value wins). */
export function quorumTlsOf(zooCfg: string): QuorumTlsSettings {
  const values = new Map<string, string>();
  for (const raw of zooCfg.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) values.set(m[1], m[2].trim());
  }
  // ZooKeeper reads both with Boolean.parseBoolean: "true" in any case, anything else is false.
  const flag = (key: string) => (values.get(key) ?? '').toLowerCase() === 'true';
  return { sslQuorum: flag('sslQuorum'), portUnification: flag('portUnification') };
}

/** The ConfigMaps of one side by namespace and name (the last definition wins, as when applied). */
function configMaps(result: LoadResult): Map<string, LoadedObject> {
  const map = new Map<string, LoadedObject>();
  for (const o of result.objects) if (o.kind === 'ConfigMap') map.set(nsKey(namespaceOf(o), o.name), o);
  return map;
}

/** The zoo.cfg of the ConfigMaps a StatefulSet's pod template mounts, if any. */
function zooCfgOf(statefulSet: LoadedObject, maps: Map<string, LoadedObject>): { text: string; configMap: LoadedObject } | undefined {
  const podSpec = obj(obj(obj(statefulSet.object, 'spec'), 'template'), 'spec');
  const names: string[] = [];
  for (const volume of arr(podSpec, 'volumes').filter(isObj)) {
    const direct = str(obj(volume, 'configMap'), 'name');
    if (direct) names.push(direct);
    for (const source of arr(obj(volume, 'projected'), 'sources').filter(isObj)) {
      const projected = str(obj(source, 'configMap'), 'name');
      if (projected) names.push(projected);
    }
  }
  for (const name of names) {
    const configMap = maps.get(nsKey(namespaceOf(statefulSet), name));
    const text = configMap ? str(obj(configMap.object, 'data'), 'zoo.cfg') : undefined;
    if (configMap && text !== undefined) return { text, configMap };
  }
  return undefined;
}

function describe(s: QuorumTlsSettings): string {
  return `sslQuorum=${s.sslQuorum}, portUnification=${s.portUnification}`;
}

/** The next step of the guide's procedure from `before` towards `after`, one a rolling update can take. */
function nextStep(before: QuorumTlsSettings, after: QuorumTlsSettings): (QuorumTlsSettings & { name: string }) | undefined {
  const index = (s: QuorumTlsSettings) => STEPS.findIndex((x) => x.sslQuorum === s.sslQuorum && x.portUnification === s.portUnification);
  const from = index(before);
  const to = index(after);
  if (from < 0 || to < 0 || from === to) return undefined;
  return STEPS[from + (to > from ? 1 : -1)];
}

/**
 * A warning for every StatefulSet of both sides (same namespace and name, more than one server on
 * both) whose zoo.cfg changes the quorum's TLS settings in a way a rolling update cannot follow,
 * by `namespace/name`. Each names the step to take instead and the guide's procedure. Linear in the
 * number of objects.
 */
export function quorumTlsFindings(deployed: LoadResult, current: LoadResult): Map<string, Finding> {
  const out = new Map<string, Finding>();
  const before = new Map<string, LoadedObject>();
  for (const o of deployed.objects) if (o.kind === 'StatefulSet') before.set(nsKey(namespaceOf(o), o.name), o);
  if (before.size === 0) return out;
  const oldMaps = configMaps(deployed);
  const newMaps = configMaps(current);
  const replicas = (o: LoadedObject) => {
    const r = obj(o.object, 'spec').replicas;
    return typeof r === 'number' ? r : 1;
  };
  for (const sts of current.objects) {
    if (sts.kind !== 'StatefulSet') continue;
    const key = nsKey(namespaceOf(sts), sts.name);
    const old = before.get(key);
    // One server runs standalone: it has no quorum to break.
    if (!old || replicas(old) < 2 || replicas(sts) < 2) continue;
    const oldCfg = zooCfgOf(old, oldMaps);
    const newCfg = zooCfgOf(sts, newMaps);
    if (!oldCfg || !newCfg) continue;
    const a = quorumTlsOf(oldCfg.text);
    const b = quorumTlsOf(newCfg.text);
    if (canRollBetween(a, b)) continue;

    const toTls = !a.sslQuorum && b.sslQuorum;
    const step = nextStep(a, b);
    const procedure = STEPS.slice(1).map((x, i) => `${i + 1}. ${describe(x)} (ZooKeeperEnsemble: tls.quorum ${x.name})`).join('; ');
    out.set(key, {
      severity: 'warning',
      message: `zoo.cfg of ConfigMap ${newCfg.configMap.name} changes the quorum from ${describe(a)} to ${describe(b)} in one step: `
        + `${toTls ? 'switching a running ensemble from plaintext to TLS' : 'this change'} breaks the quorum. Servers with the old and `
        + 'the new settings refuse each other\'s connections, so the rolling update splits the ensemble in two groups: while it runs '
        + 'no further server may fail, and when the old group loses its majority the ensemble stops serving until the restarted '
        + 'servers have one and elect a leader',
      fix: `${step ? `deploy ${describe(step)} first${step.name !== 'plaintext' ? ` (ZooKeeperEnsemble: tls.quorum ${step.name})` : ''}, `
        + 'restart the servers one at a time (each rejoined as a follower before the next), then take the next step. ' : ''}`
        + `The ZooKeeper administrator's guide, "Upgrading existing non-TLS cluster with no downtime" (${ZOOKEEPER_TLS_UPGRADE_GUIDE}), `
        + `goes from plaintext to TLS in three rolling restarts: ${procedure}; backwards in the reverse order`,
    });
  }
  return out;
}
