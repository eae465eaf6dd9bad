/**
 * Updates and scale down: which pods a template change rolls, and in which order pods are removed.
 */
import { int, obj, readIntOrPercent, str } from './k8s';
import { listSome, MAX_PODS } from './limits';
import { Draft } from './statefulset';
import { ScaleDownPlan, UpdatePlan } from './types';
import { podName } from '../private/identity';

/**
 * Names of the pods at positions `from` down to `to` (inclusive, `from >= to`), highest first, at
 * most MAX_PODS of them. A position is the ordinal minus ordinals.start.
 */
export function podsDownFrom(name: string, start: number, from: number, to: number): string[] {
  const names: string[] = [];
  for (let i = from; i >= to && names.length < MAX_PODS; i--) names.push(podName(name, start + i));
  return names;
}

/** Names of the pods at positions `from` up to `to` (inclusive), lowest first, at most MAX_PODS. */
export function podsUpFrom(name: string, start: number, from: number, to: number): string[] {
  const names: string[] = [];
  for (let i = from; i <= to && names.length < MAX_PODS; i++) names.push(podName(name, start + i));
  return names;
}

export function planUpdate(d: Draft): UpdatePlan {
  const strategy = obj(d.spec, 'updateStrategy');
  const type = str(strategy, 'type') || 'RollingUpdate';
  const rolling = obj(strategy, 'rollingUpdate');
  const partition = Math.max(0, int(rolling, 'partition') ?? 0);
  const maxUnavailable = readIntOrPercent(rolling, 'maxUnavailable');
  const n = d.name === '' ? 0 : d.replicas;

  if (type === 'OnDelete') {
    return {
      strategy: type,
      partition,
      maxUnavailable: null,
      rolls: [],
      untouched: podsUpFrom(d.name, d.startOrdinal, 0, n - 1),
      message: 'OnDelete: a template change rolls nothing by itself; each pod gets the new template only when it is deleted (kubectl delete pod)',
    };
  }
  // The controller compares the partition with the pod's position (ordinal - ordinals.start).
  const rollCount = Math.max(0, n - partition);
  const keptCount = Math.min(n, partition);
  const rolls = podsDownFrom(d.name, d.startOrdinal, n - 1, partition);
  const untouched = podsUpFrom(d.name, d.startOrdinal, 0, keptCount - 1);
  const startNote = d.startOrdinal !== 0 && partition > 0 ? ` (the partition counts from ordinals.start ${d.startOrdinal})` : '';
  let message: string;
  if (n === 0) {
    message = 'RollingUpdate: no pods to roll';
  } else if (rollCount === 0) {
    message = `RollingUpdate with partition ${partition}${startNote}: a template change rolls no pod (the partition is at or above replicas ${d.replicas}); lower the partition to roll`;
  } else {
    const each = 'each pod is deleted and recreated, and the next one waits until it is Running and Ready';
    message = rollCount === 1
      ? `RollingUpdate${partition > 0 ? ` with partition ${partition}` : ''}${startNote}: a template change rolls ${rolls[0]}: it is deleted and recreated`
      : `RollingUpdate${partition > 0 ? ` with partition ${partition}` : ''}${startNote}: a template change rolls ${listSome(rolls, ', ', rollCount)} in this order (highest ordinal first), one at a time; ${each}`;
    if (keptCount > 0) message += `. ${listSome(untouched, undefined, keptCount)} ${keptCount === 1 ? 'keeps' : 'keep'} the old template until the partition is lowered`;
    if (maxUnavailable) {
      message += `. rollingUpdate.maxUnavailable ${maxUnavailable.text}: where the MaxUnavailableStatefulSet feature is enabled, up to that many pods roll at once`;
    }
  }
  return { strategy: type, partition, maxUnavailable: maxUnavailable?.text ?? null, rolls, untouched, message };
}

export function planScaleDown(d: Draft, whenScaled: string, whenDeleted: string): ScaleDownPlan {
  const n = d.name === '' ? 0 : d.replicas;
  const order = podsDownFrom(d.name, d.startOrdinal, n - 1, 0);
  const templates = new Set(d.claims.flat().map((c) => c.template));
  let message: string;
  if (order.length === 0) {
    message = 'no pods to remove';
  } else {
    const how = d.podManagementPolicy === 'Parallel'
      ? 'Parallel: all removed pods terminate at once'
      : 'OrderedReady: one at a time, each after the previous one has terminated, and not while any pod is unhealthy';
    message = `a scale down removes the highest ordinal first: ${listSome(order, ', ', n)} (${how})`;
    if (templates.size > 0) {
      message += whenScaled === 'Delete'
        ? '. whenScaled: Delete: the claims of removed pods are deleted, and with them the data unless their volumes are retained'
        : '. whenScaled: Retain: the claims of removed pods (and their data) are kept; scaling up again reattaches them';
    }
  }
  let deleteMessage: string;
  if (templates.size === 0) {
    deleteMessage = 'deleting the StatefulSet deletes its pods (it has no claims)';
  } else if (whenDeleted === 'Delete') {
    deleteMessage = 'deleting the StatefulSet deletes its pods and its claims (whenDeleted: Delete)';
  } else {
    deleteMessage = 'deleting the StatefulSet deletes its pods and keeps their claims (whenDeleted: Retain)';
  }
  return { order, whenScaled, whenDeleted, message, deleteMessage };
}
