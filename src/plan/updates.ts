/**
 * Updates and scale down: which pods a template change rolls, and in which order pods are removed.
 */
import { AddProblem } from './disruption';
import { int, listing, obj, readIntOrPercent, str } from './k8s';
import { Draft } from './statefulset';
import { ScaleDownPlan, UpdatePlan } from './types';

export function planUpdate(d: Draft, problem: AddProblem): UpdatePlan {
  const strategy = obj(d.spec, 'updateStrategy');
  const type = str(strategy, 'type') ?? 'RollingUpdate';
  const rolling = obj(strategy, 'rollingUpdate');
  const partition = int(rolling, 'partition') ?? 0;
  const maxUnavailable = readIntOrPercent(rolling, 'maxUnavailable');
  const names = d.pods.map((p) => p.name);

  if (type === 'OnDelete') {
    return {
      strategy: type,
      partition,
      maxUnavailable: null,
      rolls: [],
      untouched: names,
      message: 'OnDelete: a template change rolls nothing by itself; each pod gets the new template only when it is deleted (kubectl delete pod)',
    };
  }
  if (type !== 'RollingUpdate') {
    problem('error', `updateStrategy.type "${type}" is not valid: the API server refuses it`, 'use RollingUpdate or OnDelete', true);
  }
  // The controller compares the partition with the pod's position (ordinal - ordinals.start).
  const rolls = d.pods.filter((_, i) => i >= partition).map((p) => p.name).reverse();
  const untouched = d.pods.filter((_, i) => i < partition).map((p) => p.name);
  const startNote = d.startOrdinal !== 0 && partition > 0 ? ` (the partition counts from ordinals.start ${d.startOrdinal})` : '';
  let message: string;
  if (d.pods.length === 0) {
    message = 'RollingUpdate: no pods to roll';
  } else if (rolls.length === 0) {
    message = `RollingUpdate with partition ${partition}${startNote}: a template change rolls no pod (the partition is at or above replicas ${d.replicas}); lower the partition to roll`;
  } else {
    const each = 'each pod is deleted and recreated, and the next one waits until it is Running and Ready';
    message = rolls.length === 1
      ? `RollingUpdate${partition > 0 ? ` with partition ${partition}` : ''}${startNote}: a template change rolls ${rolls[0]}: it is deleted and recreated`
      : `RollingUpdate${partition > 0 ? ` with partition ${partition}` : ''}${startNote}: a template change rolls ${rolls.join(', ')} in this order (highest ordinal first), one at a time; ${each}`;
    if (untouched.length > 0) message += `. ${listing(untouched)} ${untouched.length === 1 ? 'keeps' : 'keep'} the old template until the partition is lowered`;
    if (maxUnavailable) {
      message += `. rollingUpdate.maxUnavailable ${maxUnavailable.text}: where the MaxUnavailableStatefulSet feature is enabled, up to that many pods roll at once`;
    }
  }
  return { strategy: type, partition, maxUnavailable: maxUnavailable?.text ?? null, rolls, untouched, message };
}

export function planScaleDown(d: Draft, whenScaled: string, whenDeleted: string): ScaleDownPlan {
  const order = d.pods.map((p) => p.name).reverse();
  const templates = [...new Set(d.claims.flat().map((c) => c.template))];
  let message: string;
  if (order.length === 0) {
    message = 'no pods to remove';
  } else {
    const how = d.podManagementPolicy === 'Parallel'
      ? 'Parallel: all removed pods terminate at once'
      : 'OrderedReady: one at a time, each after the previous one has terminated, and not while any pod is unhealthy';
    message = `a scale down removes the highest ordinal first: ${order.join(', ')} (${how})`;
    if (templates.length > 0) {
      message += whenScaled === 'Delete'
        ? '. whenScaled: Delete: the claims of removed pods are deleted, and with them the data unless their volumes are retained'
        : '. whenScaled: Retain: the claims of removed pods (and their data) are kept; scaling up again reattaches them';
    }
  }
  let deleteMessage: string;
  if (templates.length === 0) {
    deleteMessage = 'deleting the StatefulSet deletes its pods (it has no claims)';
  } else if (whenDeleted === 'Delete') {
    deleteMessage = 'deleting the StatefulSet deletes its pods and its claims (whenDeleted: Delete)';
  } else {
    deleteMessage = 'deleting the StatefulSet deletes its pods and keeps their claims (whenDeleted: Retain)';
  }
  return { order, whenScaled, whenDeleted, message, deleteMessage };
}
