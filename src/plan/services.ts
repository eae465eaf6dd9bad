/**
 * Services: the governing Service of a StatefulSet.
 */
import { AddProblem } from './disruption';
import { formatLabels, mapSelectorMatches, obj, str, strMap } from './k8s';
import { listSome } from './limits';
import { LoadedObject } from './load';
import { Draft } from './statefulset';
import { GoverningServicePlan } from './types';
import { nsKey, World } from './world';

/** The StatefulSet's governing Service: found, headless, selecting its pods. */
export function planGoverningService(d: Draft, world: World, problem: AddProblem): GoverningServicePlan | null {
  let governingService: GoverningServicePlan | null = null;
  if (d.serviceName === '') {
    problem('warning', 'no serviceName: the pods get no stable DNS names', 'create a headless Service (clusterIP: None) selecting the pods and set spec.serviceName to its name');
  } else {
    const svc = world.serviceByName.get(nsKey(d.namespace, d.serviceName));
    const others = world.serviceSelectors.candidates(d.namespace, d.podLabels).filter((s) => s !== svc
      && str(obj(s.object, 'spec'), 'clusterIP') === 'None'
      && serviceSelects(s, d.podLabels));
    const hint = others.length > 0
      ? `the headless Service ${listSome(others.map((s) => s.name), ', ')} selects these pods: set serviceName: ${others[0].name}, or rename that Service to ${d.serviceName}`
      : `create a Service named ${d.serviceName} with clusterIP: None selecting ${formatLabels(d.podLabels)}`;
    if (!svc) {
      governingService = { name: d.serviceName, found: false, headless: false, selectsPods: false };
      problem('error', `serviceName ${d.serviceName} has no headless Service: no Service named ${d.serviceName} is in namespace ${d.namespace} of the input, so unless it exists in the cluster the pods get no DNS records`, hint);
    } else {
      const headless = str(obj(svc.object, 'spec'), 'clusterIP') === 'None';
      const selects = serviceSelects(svc, d.podLabels);
      governingService = { name: d.serviceName, found: true, headless, selectsPods: selects };
      if (!headless) {
        problem('error', `Service ${d.serviceName} (the serviceName) is not headless (spec.clusterIP is not None): the pods get no per-pod DNS records`, `set clusterIP: None on Service ${d.serviceName} (clusterIP cannot change on an existing Service: delete and recreate it)`);
      }
      if (!selects) {
        const selector = strMap(obj(svc.object, 'spec'), 'selector');
        const selected = Object.keys(selector).length > 0 ? world.podLabels.selectMap(d.namespace, selector) : [];
        const what = selected.length > 0 ? `it selects ${listSome(selected.map((w) => `${w.kind} ${w.name}`))} instead` : 'it selects nothing in the input';
        problem(
          'error',
          `Service ${d.serviceName} (the serviceName) does not select these pods (selector ${Object.keys(selector).length ? formatLabels(selector) : 'none'}, pod labels ${formatLabels(d.podLabels)}): ${what}, so the pods get no DNS records`,
          `make the Service's selector ${formatLabels(d.podLabels)}`,
        );
      }
    }
  }

  return governingService;
}

export function serviceSelects(svc: LoadedObject, labels: Record<string, string>): boolean {
  const selector = strMap(obj(svc.object, 'spec'), 'selector');
  return Object.keys(selector).length > 0 && mapSelectorMatches(selector, labels);
}
