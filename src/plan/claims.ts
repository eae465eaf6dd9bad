/**
 * Claims: what a PersistentVolumeClaim asks for, and what in the input satisfies it (a pre-bound
 * volume, unbound candidates, a StorageClass, the cluster's default class, or nothing).
 */
import { formatSelector, LabelSelector, listing, Obj, obj, parseQuantity, plural, readSelector, selectorMatches, str, strList } from './k8s';
import { listSome, MAX_NAMES } from './limits';
import { ClaimResolution } from './types';
import { describeClass, describeVolume, Volume } from './volumes';
import { World } from './world';

export interface ClaimRequest {
  readonly namespace: string;
  readonly name: string;
  readonly storage: unknown;
  readonly storageBytes: number | undefined;
  readonly accessModes: string[];
  /** undefined when not set; '' when set to the empty string. */
  readonly storageClassName: string | undefined;
  readonly volumeMode: string;
  readonly selector: LabelSelector | undefined;
  readonly volumeName: string | undefined;
}

export function claimRequest(namespace: string, name: string, spec: Obj, annotations: Record<string, string>): ClaimRequest {
  const storage = obj(obj(spec, 'resources'), 'requests').storage;
  const rawClass = spec.storageClassName;
  let storageClassName: string | undefined;
  if (typeof rawClass === 'string') storageClassName = rawClass;
  else if (annotations['volume.beta.kubernetes.io/storage-class'] !== undefined) storageClassName = annotations['volume.beta.kubernetes.io/storage-class'];
  return {
    namespace,
    name,
    storage,
    storageBytes: parseQuantity(storage),
    accessModes: strList(spec, 'accessModes'),
    storageClassName,
    volumeMode: str(spec, 'volumeMode') ?? 'Filesystem',
    selector: readSelector(spec, 'selector'),
    volumeName: str(spec, 'volumeName'),
  };
}

/** Why a volume cannot satisfy a claim (empty when it can). */
export function misfits(v: Volume, c: ClaimRequest, checkClassAndSelector: boolean, effectiveClass: string): string[] {
  const reasons: string[] = [];
  if (c.storageBytes !== undefined && (v.capacityBytes === undefined || v.capacityBytes < c.storageBytes)) {
    reasons.push(`its capacity ${v.info.capacity ?? '(none)'} is smaller than the ${String(c.storage)} requested`);
  }
  const missing = c.accessModes.filter((m) => !v.info.accessModes.includes(m));
  if (missing.length > 0) {
    reasons.push(`it lacks access mode ${missing.join(', ')} (it has ${v.info.accessModes.join(', ') || 'none'})`);
  }
  if (v.volumeMode !== c.volumeMode) {
    reasons.push(`its volumeMode ${v.volumeMode} differs from the claim's ${c.volumeMode}`);
  }
  if (checkClassAndSelector) {
    if (v.info.storageClassName !== effectiveClass) {
      reasons.push(`its storageClassName ${quoteClass(v.info.storageClassName)} differs from the claim's ${quoteClass(effectiveClass)}`);
    }
    if (c.selector && !selectorMatches(c.selector, v.labels)) {
      reasons.push(`its labels do not match the claim's selector ${formatSelector(c.selector)}`);
    }
  }
  return reasons;
}

export function quoteClass(name: string): string {
  return name === '' ? '"" (no class)' : `"${name}"`;
}

export interface BaseResolution {
  /** The resolution when no candidate volume is taken into account. */
  readonly fallback: ClaimResolution;
  /** Final resolution unless competition for candidates changes it. */
  readonly resolution: ClaimResolution;
  /** Unbound volumes that match (empty when the resolution is not `candidates`). */
  readonly candidates: Volume[];
}

/**
 * The unbound PersistentVolumes of the input (no claimRef, not named by a claim's volumeName), and
 * which of them match a request. Claims of the same template ask for the same thing, so the
 * matching is done once per distinct request, not once per claim.
 */
export class VolumePool {
  public readonly unbound: Volume[];
  /** Resolutions of claims that depend on their request only, by request. */
  public readonly resolutions = new Map<string, BaseResolution>();
  private readonly matches = new Map<string, { candidates: Volume[]; rejected: Volume[] }>();

  constructor(world: World, reservedByClaims: Map<string, string>) {
    this.unbound = world.volumesWithoutClaimRef.filter((v) => !reservedByClaims.has(v.o.name));
  }

  /** The unbound volumes that can bind the claim (class and selector included), and the others. */
  public match(c: ClaimRequest, wantedClass: string): { candidates: Volume[]; rejected: Volume[] } {
    if (this.unbound.length === 0) return { candidates: [], rejected: [] };
    const key = JSON.stringify([c.storageBytes, c.accessModes, c.volumeMode, c.selector, wantedClass]);
    let found = this.matches.get(key);
    if (!found) {
      found = { candidates: [], rejected: [] };
      for (const v of this.unbound) (misfits(v, c, true, wantedClass).length === 0 ? found.candidates : found.rejected).push(v);
      this.matches.set(key, found);
    }
    return found;
  }
}

/**
 * What satisfies a claim (see ResolutionKind). A claim that names no volume and that no volume
 * names in its claimRef resolves like every other claim with the same request: those share one
 * resolution.
 */
export function resolveClaim(c: ClaimRequest, world: World, pool: VolumePool): BaseResolution {
  if ((c.volumeName === undefined || c.volumeName === '') && !world.volumesByClaimRef.has(c.name)) {
    const key = JSON.stringify([c.storage, c.accessModes, c.volumeMode, c.selector, c.storageClassName]);
    let shared = pool.resolutions.get(key);
    if (!shared) {
      shared = resolve(c, world, pool);
      pool.resolutions.set(key, shared);
    }
    return shared;
  }
  return resolve(c, world, pool);
}

function resolve(c: ClaimRequest, world: World, pool: VolumePool): BaseResolution {
  const notes: string[] = [];
  if (c.storageBytes === undefined) {
    const r = unsatisfied('it requests no storage (spec.resources.requests.storage), so it cannot be created', false, notes);
    return { fallback: r, resolution: r, candidates: [] };
  }
  let effectiveClass: string | undefined = c.storageClassName;
  let classNote: string | undefined;
  if (effectiveClass === undefined && world.defaultClasses.length > 0) {
    effectiveClass = world.defaultClasses[0].name;
    classNote = `no storageClassName: the claim gets the default StorageClass "${effectiveClass}" when it is created`;
    notes.push(classNote);
  }

  // 1. A claim in the input that names its volume.
  if (c.volumeName !== undefined && c.volumeName !== '') {
    const v = world.volumeByName.get(c.volumeName);
    if (!v) {
      const r = unsatisfied(`its volumeName names PersistentVolume "${c.volumeName}", which is not in the input`, true, notes);
      return { fallback: r, resolution: r, candidates: [] };
    }
    const otherClaim = v.claimRefName !== undefined && (v.claimRefName !== c.name || (v.claimRefNamespace ?? '') !== c.namespace);
    const reasons = misfits(v, c, true, effectiveClass ?? '');
    if (otherClaim) reasons.push(`its claimRef reserves it for claim ${v.info.claimRef}`);
    if (reasons.length > 0) {
      const r = unsatisfied(`its volumeName names PersistentVolume ${v.o.name}, which cannot bind it: ${listing(reasons)}`, false, notes);
      return { fallback: r, resolution: r, candidates: [] };
    }
    const r: ClaimResolution = { kind: 'static', summary: `PersistentVolume ${v.o.name} (${describeVolume(v.info)}), named by the claim's volumeName`, volume: v.info, notes };
    return { fallback: r, resolution: r, candidates: [] };
  }

  // 2. A volume pre-bound to this claim by its claimRef.
  for (const v of world.volumesByClaimRef.get(c.name) ?? []) {
    const refNamespace = v.claimRefNamespace ?? '';
    if (refNamespace === '') {
      notes.push(`PersistentVolume ${v.o.name} names this claim in its claimRef without a namespace, so it does not match: set claimRef.namespace: ${c.namespace}`);
      continue;
    }
    if (refNamespace !== c.namespace) continue;
    if (v.claimRefUid !== undefined && v.claimRefUid !== '') {
      notes.push(`PersistentVolume ${v.o.name} is reserved for this claim, but its claimRef.uid pins it to one claim object, which a newly created claim is not: remove claimRef.uid`);
      continue;
    }
    const reasons = misfits(v, c, false, effectiveClass ?? '');
    if (reasons.length > 0) {
      notes.push(`PersistentVolume ${v.o.name} is reserved for this claim but will not be used: ${listing(reasons)}`);
      continue;
    }
    if (c.storageClassName !== undefined && v.info.storageClassName !== c.storageClassName) {
      notes.push(`PersistentVolume ${v.o.name} has storageClassName ${quoteClass(v.info.storageClassName)} and the claim ${quoteClass(c.storageClassName)}: keep them equal`);
    }
    const r: ClaimResolution = {
      kind: 'static',
      summary: `PersistentVolume ${v.o.name} (${describeVolume(v.info)}), reserved for this claim by its claimRef`,
      volume: v.info,
      notes,
    };
    return { fallback: r, resolution: r, candidates: [] };
  }

  // 3. Unbound volumes that match.
  const wantedClass = effectiveClass ?? '';
  const { candidates, rejected: misfitting } = pool.match(c, wantedClass);
  const rejected = (onlyClass: boolean): string[] => {
    const shown = onlyClass ? misfitting.filter((v) => v.info.storageClassName === wantedClass) : misfitting;
    const lines = shown.slice(0, MAX_NAMES).map((v) => `PersistentVolume ${v.o.name} cannot be used: ${listing(misfits(v, c, true, wantedClass))}`);
    if (shown.length > MAX_NAMES) lines.push(`${plural(shown.length - MAX_NAMES, 'more unbound PersistentVolume')} cannot be used either`);
    return lines;
  };

  // What satisfies the claim when no candidate volume does.
  let fallback: ClaimResolution;
  if (effectiveClass !== undefined && effectiveClass !== '') {
    const sc = world.classes.get(effectiveClass);
    if (sc) {
      fallback = {
        kind: 'storage-class',
        summary: `provisioned by StorageClass ${sc.name} (${describeClass(sc)})`,
        storageClass: sc,
        notes: [...notes, ...rejected(true)],
      };
    } else {
      fallback = unsatisfied(
        `StorageClass "${effectiveClass}" is not in the input and no PersistentVolume in the input matches. It may exist in the cluster; if it does not, the pod will stay Pending`,
        true,
        [...notes, ...rejected(false)],
      );
    }
  } else if (effectiveClass === '') {
    fallback = unsatisfied(
      'storageClassName "" turns dynamic provisioning off and no PersistentVolume without a class in the input matches (one may exist in the cluster)',
      true,
      [...notes, ...rejected(false)],
    );
  } else {
    fallback = {
      kind: 'cluster-default',
      summary: 'no storageClassName and no default StorageClass in the input: the cluster\'s default StorageClass provisions it; without one, the pod will stay Pending',
      notes: [...notes, ...rejected(false)],
    };
  }

  if (candidates.length === 0) return { fallback, resolution: fallback, candidates: [] };

  const candidateNotes = [...notes];
  if (c.storageClassName === undefined && classNote === undefined) {
    candidateNotes.push(
      'no storageClassName: if the cluster has a default StorageClass, the claim gets that class when it is created and these volumes (no class) are not considered; set storageClassName: "" to bind only to volumes without a class',
    );
  }
  const names = candidates.map((v) => v.o.name);
  const resolution: ClaimResolution = {
    kind: 'candidates',
    summary: candidates.length === 1
      ? `the unbound PersistentVolume ${names[0]} (${describeVolume(candidates[0].info)}), which has no claimRef`
      : `one of ${candidates.length} unbound PersistentVolumes (${listSome(names, ', ')}): the binder picks one arbitrarily`,
    candidates: candidates.slice(0, MAX_NAMES).map((v) => v.info),
    candidateCount: candidates.length,
    notes: candidateNotes,
  };
  return { fallback, resolution, candidates };
}

export function unsatisfied(reason: string, mayExistInCluster: boolean, notes: string[]): ClaimResolution {
  return {
    kind: 'unsatisfied',
    summary: mayExistInCluster
      ? `nothing in the input can satisfy this claim: ${reason}`
      : `nothing can satisfy this claim, the pod will stay Pending: ${reason}`,
    mayExistInCluster,
    notes,
  };
}
