/**
 * The plan's data structure: what `cdk8s-stateful plan` says about each StatefulSet, as plain data
 * (also the JSON written by `--json`).
 */
import { NotAnObject, SourceRef } from './load';

/** Version of the JSON document written by `--json`. */
export const PLAN_FORMAT_VERSION = 1;

export interface PlanOptions {
  /** The cluster's DNS domain. @default cluster.local */
  readonly clusterDomain?: string;
}

export type Severity = 'error' | 'warning';

/** Something wrong or risky found while reading the manifests. */
export interface Problem {
  readonly severity: Severity;
  /** What the problem is about, e.g. `StatefulSet default/redis`. */
  readonly subject: string;
  readonly message: string;
  /** How to fix it. */
  readonly fix?: string;
  /** True when the API server refuses the object as written. */
  readonly refused: boolean;
  readonly source?: SourceRef;
}

/** What was read. */
export interface InputSummary {
  readonly files: string[];
  /** Number of Kubernetes objects read (List items counted one by one). */
  readonly objects: number;
  /** Objects used by the plan, by kind. */
  readonly read: Record<string, number>;
  /** Objects of kinds the plan does not know: counted and skipped, by kind. */
  readonly skipped: Record<string, number>;
  /** YAML documents that are not Kubernetes objects (no kind): skipped. */
  readonly notObjects: number;
  /** Of those, the mappings without a kind. */
  readonly withoutKind: number;
  /** The others (lists and scalars), with where they are and what they are: the first ten. */
  readonly notObjectDocuments: NotAnObject[];
}

/** A PersistentVolume from the input. */
export interface VolumeInfo {
  readonly name: string;
  /** `hostPath /data/data1`, `nfs 192.168.1.34:/data/volumes/v1`, `local /mnt/disk`, `csi driver (handle)` */
  readonly source: string;
  /** The node(s) its nodeAffinity requires, or null when it has none. */
  readonly node: string | null;
  readonly capacity: string | null;
  readonly accessModes: string[];
  /** '' when the volume has no class. */
  readonly storageClassName: string;
  readonly reclaimPolicy: string;
  /** `namespace/name` of the claim its claimRef reserves it for, or null. */
  readonly claimRef: string | null;
}

/** A StorageClass from the input. */
export interface StorageClassInfo {
  readonly name: string;
  readonly provisioner: string;
  readonly volumeBindingMode: string;
  readonly reclaimPolicy: string;
  readonly allowVolumeExpansion: boolean;
  readonly isDefault: boolean;
}

/**
 * What will satisfy a claim:
 * - `static`: a PersistentVolume reserved for this claim (claimRef, or the claim's volumeName);
 * - `candidates`: unbound PersistentVolumes that match; the binder picks one;
 * - `storage-class`: provisioned by a StorageClass in the input;
 * - `cluster-default`: no class named and no default class in the input: the cluster's default class;
 * - `unsatisfied`: nothing in the input can satisfy it; the pod stays Pending.
 */
export type ResolutionKind = 'static' | 'candidates' | 'storage-class' | 'cluster-default' | 'unsatisfied';

export interface ClaimResolution {
  readonly kind: ResolutionKind;
  /** One sentence: what satisfies the claim, or why nothing does. */
  readonly summary: string;
  /** For `static`. */
  readonly volume?: VolumeInfo;
  /** For `candidates`: the volumes the binder may pick from. */
  readonly candidates?: VolumeInfo[];
  /** For `candidates`: how many there are (`candidates` lists at most the first ten). */
  readonly candidateCount?: number;
  /** For `storage-class`. */
  readonly storageClass?: StorageClassInfo;
  /** For `unsatisfied`: whether something not in the input (in the cluster) may still satisfy it. */
  readonly mayExistInCluster?: boolean;
  /** Volumes considered and not used, and other remarks. */
  readonly notes: string[];
}

/** One PersistentVolumeClaim a pod uses. */
export interface ClaimPlan {
  /** The volumeClaimTemplate's name. */
  readonly template: string;
  /** `<template>-<statefulset>-<ordinal>` */
  readonly name: string;
  readonly storage: string | null;
  readonly accessModes: string[];
  /** storageClassName as written; null when not set. */
  readonly storageClassName: string | null;
  /** True when a PersistentVolumeClaim of that name is in the input (the StatefulSet then uses it as it is). */
  readonly inInput: boolean;
  readonly resolution: ClaimResolution;
}

export interface PodPlan {
  readonly ordinal: number;
  readonly name: string;
  /** `<pod>.<serviceName>.<namespace>.svc.<clusterDomain>`, or null without serviceName. */
  readonly dnsName: string | null;
  readonly claims: ClaimPlan[];
}

export interface GoverningServicePlan {
  readonly name: string;
  readonly found: boolean;
  readonly headless: boolean;
  readonly selectsPods: boolean;
}

export interface BudgetPlan {
  readonly name: string;
  /** `maxUnavailable: 1`, `minAvailable: 50%` */
  readonly rule: string;
  /** Pods the budget counts (every workload in the input whose pods it selects). */
  readonly expectedPods: number;
  /** Voluntary disruptions allowed when all those pods are healthy. */
  readonly allowedDisruptions: number;
  /** Other workloads whose pods the budget also selects. */
  readonly alsoSelects: string[];
}

export interface QuorumPlan {
  readonly servers: number;
  /** floor(n/2)+1 */
  readonly quorum: number;
  readonly budgetKeepsQuorum: boolean;
  readonly message: string;
}

export interface DisruptionPlan {
  readonly budgets: BudgetPlan[];
  /** Allowed voluntary disruptions when all pods are healthy; null when no budget limits them. */
  readonly allowedDisruptions: number | null;
  /** Whether a node drain can evict these pods. */
  readonly drain: 'proceeds' | 'blocks' | 'unlimited' | 'no-pods';
  readonly message: string;
  /** For ZooKeeper-shaped apps (port 2888 or 3888, or a zookeeper image). */
  readonly quorum: QuorumPlan | null;
}

export interface UpdatePlan {
  readonly strategy: string;
  readonly partition: number;
  readonly maxUnavailable: string | null;
  /** Pods a template change rolls, in order. */
  readonly rolls: string[];
  /** Pods a template change does not roll (below the partition, or all with OnDelete). */
  readonly untouched: string[];
  readonly message: string;
}

export interface ScaleDownPlan {
  /** Pods in the order a scale down removes them (highest ordinal first). */
  readonly order: string[];
  readonly whenScaled: string;
  readonly whenDeleted: string;
  readonly message: string;
  readonly deleteMessage: string;
}

export interface StatefulSetPlan {
  readonly namespace: string;
  readonly name: string;
  readonly source: SourceRef;
  readonly replicas: number;
  readonly serviceName: string;
  readonly podManagementPolicy: string;
  readonly startOrdinal: number;
  readonly podLabels: Record<string, string>;
  readonly governingService: GoverningServicePlan | null;
  /** How the pods start. */
  readonly startMessage: string;
  /** The pods in start order (at most the first 500; see podsOmitted). */
  readonly pods: PodPlan[];
  /** Pods beyond the ones listed (replicas above 500), counted but not planned one by one. */
  readonly podsOmitted: number;
  /** Every PersistentVolume that one of the claims may bind. */
  readonly volumes: VolumeInfo[];
  readonly disruption: DisruptionPlan;
  readonly update: UpdatePlan;
  readonly scaleDown: ScaleDownPlan;
  readonly problems: Problem[];
}

import type { RackGroupPlan } from './racks';

export interface Plan {
  readonly version: number;
  readonly clusterDomain: string;
  readonly input: InputSummary;
  readonly statefulSets: StatefulSetPlan[];
  /** StatefulSets that share a governing Service (the racks of a ring), grouped. */
  readonly racks: RackGroupPlan[];
  /** Problems not tied to one StatefulSet (Services, budgets and volumes). */
  readonly problems: Problem[];
}

