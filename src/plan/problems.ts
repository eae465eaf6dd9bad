/**
 * Problems not tied to one StatefulSet: Services and budgets that select nothing, risky volumes.
 */
import { budgetSelection } from './disruption';
import { formatLabels, formatSelector, obj, readSelector, str, strMap } from './k8s';
import { LoadedObject } from './load';
import { Problem } from './types';
import { validateBudget, validateStringMaps } from './validate';
import { namespaceOf, ref, World } from './world';

export function globalProblems(world: World): Problem[] {
  const problems: Problem[] = [];
  // Values the API server cannot decode into its maps of strings.
  const objects: LoadedObject[] = [...world.services, ...world.claims, ...world.volumes.map((v) => v.o), ...world.storageClasses];
  for (const o of objects) {
    const subject = o.kind === 'PersistentVolume' || o.kind === 'StorageClass' ? `${o.kind} ${o.name}` : ref(o.kind, o);
    for (const r of validateStringMaps(o.kind, o.object)) {
      problems.push({ severity: 'error', subject, message: `${r.message}: the API server refuses it`, fix: r.fix, refused: true, source: o.source });
    }
  }
  for (const s of world.services) {
    const spec = obj(s.object, 'spec');
    if (str(spec, 'type') === 'ExternalName') continue;
    const selector = strMap(spec, 'selector');
    if (Object.keys(selector).length === 0) continue;
    const selected = world.podLabels.selectMap(namespaceOf(s), selector);
    if (selected.length === 0) {
      problems.push({
        severity: 'warning',
        subject: ref('Service', s),
        message: `its selector ${formatLabels(selector)} selects no pods in the input: it gets no endpoints`,
        fix: 'make the selector equal to the labels of the pods it serves',
        refused: false,
        source: s.source,
      });
    }
  }
  for (const b of world.budgets) {
    // What the API server refuses when the budget is created (or updated).
    for (const r of validateBudget(b.object)) {
      problems.push({ severity: 'error', subject: ref('PodDisruptionBudget', b), message: `${r.message}: the API server refuses it`, fix: r.fix, refused: true, source: b.source });
    }
    const selector = readSelector(obj(b.object, 'spec'), 'selector');
    const { selected } = budgetSelection(b, world);
    if (selected.length === 0) {
      problems.push({
        severity: 'warning',
        subject: ref('PodDisruptionBudget', b),
        message: selector ? `its selector ${formatSelector(selector)} selects no pods in the input: it protects nothing` : 'it has no selector: it protects nothing',
        fix: 'make the selector match the labels of the pods it protects',
        refused: false,
        source: b.source,
      });
    }
  }
  for (const v of world.volumes) {
    const subject = `PersistentVolume ${v.o.name}`;
    if (v.info.source.startsWith('hostPath ') && v.info.node === null) {
      problems.push({
        severity: 'warning',
        subject,
        message: `a hostPath volume without nodeAffinity: a pod using it can be scheduled on any node and sees that node's ${v.info.source.slice('hostPath '.length)}, so its data does not follow it`,
        fix: 'add spec.nodeAffinity requiring the node that holds the data (or use a local volume)',
        refused: false,
        source: v.o.source,
      });
    }
    if (v.info.reclaimPolicy === 'Recycle') {
      problems.push({
        severity: 'warning',
        subject,
        message: 'reclaim policy Recycle (deprecated): when its claim is released, the volume is wiped (rm -rf) and its data is lost',
        fix: 'use persistentVolumeReclaimPolicy: Retain',
        refused: false,
        source: v.o.source,
      });
    }
  }
  return problems;
}
