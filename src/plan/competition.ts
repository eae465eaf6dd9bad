/**
 * Claims that compete for the same unbound PersistentVolumes.
 */
import { plural } from './k8s';
import { listSome } from './limits';
import { Draft, ClaimDraft } from './statefulset';
import { Problem } from './types';
import { Volume } from './volumes';
import { ref } from './world';

const keys = new WeakMap<Volume[], string>();

/** The same volumes give the same key (claims with the same request share one candidate list). */
function groupKey(volumes: Volume[]): string {
  let key = keys.get(volumes);
  if (key === undefined) {
    key = volumes.map((v) => v.o.name).sort().join('\u0000');
    keys.set(volumes, key);
  }
  return key;
}

/**
 * Claims compete for the same unbound volumes: the binder gives each volume to one claim.
 * With OrderedReady, pods (and their claims) are created in order, so the earlier ones win.
 */
export function settleCompetition(drafts: Draft[], problems: Problem[]): void {
  interface Group { volumes: Volume[]; claims: { d: Draft; c: ClaimDraft; podIndex: number }[] }
  const groups = new Map<string, Group>();
  for (const d of drafts) {
    d.claims.forEach((podClaims, podIndex) => {
      for (const c of podClaims) {
        if (c.resolution.kind !== 'candidates') continue;
        const key = groupKey(c.base.candidates);
        const g = groups.get(key) ?? { volumes: c.base.candidates, claims: [] };
        g.claims.push({ d, c, podIndex });
        groups.set(key, g);
      }
    });
  }

  const volumeUse = new Map<string, Set<string>>();
  for (const g of groups.values()) {
    const owners = [...new Set(g.claims.map((x) => `${x.d.name}/${x.c.template}`))];
    for (const v of g.volumes) {
      const set = volumeUse.get(v.o.name) ?? new Set<string>();
      owners.forEach((x) => set.add(x));
      volumeUse.set(v.o.name, set);
    }

    const m = g.volumes.length;
    const claimNames = g.claims.map((x) => x.c.name);
    const drafted = [...new Set(g.claims.map((x) => x.d))];
    const single = drafted.length === 1 ? drafted[0] : undefined;
    const subject = single ? ref('StatefulSet', single.o) : 'PersistentVolumes';
    const volumeNames = g.volumes.map((v) => v.o.name);

    if (g.claims.length > m) {
      const ordered = single !== undefined && single.podManagementPolicy === 'OrderedReady';
      if (ordered) {
        const winners = g.claims.slice(0, m);
        for (const x of g.claims.slice(m)) {
          const fb = x.c.base.fallback;
          const note = `the ${plural(m, 'matching PersistentVolume')} (${listSome(volumeNames, ', ')}) ${m === 1 ? 'goes' : 'go'} to the claims of earlier pods (${listSome(winners.map((w) => w.c.name), ', ')})`;
          if (fb.kind === 'storage-class') {
            x.c.resolution = { ...fb, notes: [...fb.notes, note] };
          } else {
            x.c.resolution = {
              kind: 'unsatisfied',
              summary: `nothing can satisfy this claim, the pod will stay Pending: ${note}`,
              mayExistInCluster: true,
              notes: fb.kind === 'cluster-default'
                ? [...fb.notes, 'if the cluster has a default StorageClass, every claim gets that class instead and is provisioned']
                : [...fb.notes, `otherwise, ${fb.summary}`],
            };
          }
        }
        const losers = g.claims.slice(m).map((x) => x.c.name);
        if (g.claims[m].c.base.fallback.kind !== 'storage-class') {
          single.problems.push({
            severity: 'error',
            subject,
            message: `${plural(g.claims.length, 'claim')} (${listSome(claimNames)}) match only ${plural(m, 'unbound PersistentVolume')} (${listSome(volumeNames, ', ')}): ${listSome(losers)} ${losers.length === 1 ? 'finds' : 'find'} no volume and the pod stays Pending`,
            fix: 'add a PersistentVolume for every claim (pre-bound with spec.claimRef), or name a StorageClass that provisions the rest',
            refused: false,
            source: single.o.source,
          });
        }
      } else {
        for (const x of g.claims) {
          x.c.resolution = {
            ...x.c.resolution,
            notes: [...x.c.resolution.notes, `${g.claims.length} claims compete for these ${m} volumes: ${m} of them bind, which ones is not determined; the others: ${x.c.base.fallback.summary}`],
          };
        }
        const target = single ? single.problems : problems;
        target.push({
          severity: 'error',
          subject,
          message: `${plural(g.claims.length, 'claim')} (${listSome(claimNames)}) compete for ${plural(m, 'unbound PersistentVolume')} (${listSome(volumeNames, ', ')}): only ${m} bind, and which claims are left without a volume is not determined`,
          fix: 'add a PersistentVolume for every claim, pre-bound with spec.claimRef',
          refused: false,
          source: single?.o.source,
        });
      }
    }

    if (m > 1) {
      const first = g.claims[0];
      const last = g.claims[g.claims.length - 1];
      const firstPod = first.d.pods[first.podIndex]?.name;
      const lastPod = last.d.pods[last.podIndex]?.name;
      const example = firstPod && lastPod && firstPod !== lastPod
        ? `: if the claims are ever created again (a new cluster, volumes restored from backup), ${lastPod} can end up with the volume that held ${firstPod}'s data`
        : '';
      const message = `claims ${listSome(claimNames)} can bind to any of the ${plural(m, 'unbound PersistentVolume')} ${listSome(volumeNames, ', ')} (no claimRef): the binder picks one arbitrarily for each claim, so which pod gets which volume, and its data, is not fixed${example}`;
      const problem: Problem = {
        severity: 'warning',
        subject,
        message,
        fix: `pre-bind each volume to one claim: spec.claimRef: { namespace: ${g.claims[0].c.request.namespace}, name: ${g.claims[0].c.name} } on one volume, and so on`,
        refused: false,
        source: single?.o.source,
      };
      if (single) single.problems.push(problem); else problems.push(problem);
    }
  }

  for (const [volume, owners] of volumeUse) {
    if (owners.size > 1) {
      problems.push({
        severity: 'warning',
        subject: `PersistentVolume ${volume}`,
        message: `it can bind claims of ${listSome([...owners].sort().map((x) => `template ${x.split('/')[1]} of StatefulSet ${x.split('/')[0]}`))}: whichever claim is created first takes it`,
        fix: 'pre-bind it with spec.claimRef',
        refused: false,
      });
    }
  }
}
