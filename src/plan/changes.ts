/**
 * The data structure of `plan --against`: what changes between the deployed manifests and the new
 * ones, object by object, and which changes the API server refuses (also the `diff` of `--json`).
 */
import { Problem, Severity } from './types';

/** A change the API server refuses on update. */
export interface Refusal {
  /** The field, e.g. `volumeClaimTemplates[datadir]` or `spec.hostPath`. */
  readonly field: string;
  /** What changed, e.g. `claim template datadir: storage 10Gi -> 20Gi`. */
  readonly change: string;
  readonly message: string;
  /** What to do instead, step by step. */
  readonly fix: string[];
  /** The Kubernetes validation the rule follows, e.g. `ValidateStatefulSetUpdate`. */
  readonly rule: string;
}

/** A risk of an accepted change (or of a refused one), with what to do about it. */
export interface Finding {
  readonly severity: Severity;
  readonly message: string;
  readonly fix?: string;
}

export interface TemplateChange {
  /** The changed paths inside spec.template, with old and new values. */
  readonly changed: string[];
  /** Pods that restart, in order (at most 500). */
  readonly restarts: string[];
  readonly message: string;
}

export interface ScaleChange {
  readonly replicasBefore: number;
  readonly replicasAfter: number;
  readonly startBefore: number;
  readonly startAfter: number;
  /** Pods created, in start order (at most 500). */
  readonly added: string[];
  /** Pods removed, in removal order (highest ordinal first; at most 500). */
  readonly removed: string[];
  readonly message: string;
}

export type ChangeStatus = 'added' | 'removed' | 'changed' | 'unchanged';

/** The change of one object, matched by kind, namespace and name. */
export interface ObjectChange {
  readonly kind: string;
  /** '' for cluster-scoped kinds (PersistentVolume, StorageClass). */
  readonly namespace: string;
  readonly name: string;
  readonly status: ChangeStatus;
  readonly refusals: Refusal[];
  /** Accepted changes, one line each. */
  readonly other: string[];
  /** Risks of the change (day-2 operations), and what to do. */
  readonly findings: Finding[];
  /**
   * When a GitOps annotation makes the sync tool delete and recreate the object instead of failing
   * on a refusal: what that deletes. Null otherwise.
   */
  readonly recreate: string | null;
  /** For added and removed objects. */
  readonly message: string | null;
}

export interface StatefulSetChange extends ObjectChange {
  readonly template: TemplateChange | null;
  readonly scale: ScaleChange | null;
}

/** A change of an object with nothing found yet: the fields given replace the empty ones. */
export function emptyChange(kind: string, namespace: string, name: string, status: ChangeStatus): ObjectChange {
  return { kind, namespace, name, status, refusals: [], other: [], findings: [], recreate: null, message: null };
}

export interface Diff {
  /** The files of the deployed manifests. */
  readonly againstFiles: string[];
  /** Every StatefulSet of either side. */
  readonly statefulSets: StatefulSetChange[];
  /** The other kinds compared (PersistentVolumes, PersistentVolumeClaims, StorageClasses, Services, PodDisruptionBudgets): changed, added and removed ones. */
  readonly objects: ObjectChange[];
  /** Unchanged objects of the other kinds, counted by kind. */
  readonly unchanged: Record<string, number>;
  /** Problems of the deployed manifests themselves (an object defined twice). */
  readonly problems: Problem[];
  /** Number of changes the API server refuses. */
  readonly refused: number;
}

export const REFUSED = 'the API server refuses the update, so the sync will fail';
