import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm, PreferredNodeSelectorTerm, TaintEffect, Toleration,
  TolerationOperator, TopologySpread, WhenUnsatisfiable,
} from '../scheduling';
import {
  checkDnsSubdomain, checkDuration, checkEnumValue, checkInteger, checkLabelKey, checkLabelValue, ErrorScope, invalid,
} from '../validation';
import { StatefulWorkloadOptions } from '../workload-options';

// Checks and renders the scheduling options of a StatefulApp (tolerations, node selector, node
// affinity, priority class, topology spread). Not part of the public API.

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/** Checks every scheduling option of the props; throws the library's error for the first bad value. */
export function checkScheduling(errors: ErrorScope, props: StatefulWorkloadOptions): void {
  if (props.tolerations !== undefined) props.tolerations.forEach((t, i) => checkToleration(errors, `tolerations[${i}]`, t));
  if (props.nodeSelector !== undefined) {
    for (const [key, value] of Object.entries(props.nodeSelector)) {
      checkLabelKey(errors, 'nodeSelector key', key);
      checkLabelValue(errors, `nodeSelector[${JSON.stringify(key)}]`, value);
    }
  }
  if (props.requiredNodeAffinity !== undefined) {
    if (props.requiredNodeAffinity.length === 0) {
      throw invalid(errors, 'requiredNodeAffinity', props.requiredNodeAffinity,
        'give at least one term (a node must match one of them), or leave it unset');
    }
    props.requiredNodeAffinity.forEach((term, i) =>
      checkRequirements(errors, `requiredNodeAffinity[${i}].matchExpressions`, term?.matchExpressions));
  }
  if (props.preferredNodeAffinity !== undefined) {
    props.preferredNodeAffinity.forEach((term, i) => {
      checkInteger(errors, `preferredNodeAffinity[${i}].weight`, term?.weight, 1, 100);
      checkRequirements(errors, `preferredNodeAffinity[${i}].matchExpressions`, term.matchExpressions);
    });
  }
  if (props.priorityClassName !== undefined) {
    checkDnsSubdomain(errors, 'priorityClassName', props.priorityClassName);
  }
  if (props.topologySpread === undefined) return;
  props.topologySpread.forEach((s, i) => checkSpread(errors, `topologySpread[${i}]`, s));
  const keys = props.topologySpread.map(s => `${s.topologyKey}/${s.whenUnsatisfiable}`);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup !== undefined) {
    // The API server refuses two constraints with the same topologyKey and whenUnsatisfiable.
    throw invalid(errors, 'topologySpread', dup,
      'two constraints have the same topology key and whenUnsatisfiable; Kubernetes refuses that: keep one');
  }
}

function checkToleration(errors: ErrorScope, field: string, t: Toleration): void {
  if (t === null || typeof t !== 'object') {
    throw invalid(errors, field, t, 'must be a toleration: { key, operator, value, effect, tolerationSeconds }');
  }
  const operator = t.operator ?? TolerationOperator.EQUAL;
  checkEnumValue(errors, `${field}.operator`, operator, TolerationOperator, 'TolerationOperator');
  if (t.key !== undefined) {
    checkLabelKey(errors, `${field}.key`, t.key);
  } else if (operator !== TolerationOperator.EXISTS) {
    throw invalid(errors, `${field}.key`, t.key,
      'a toleration without a key tolerates every taint and needs operator TolerationOperator.EXISTS; give a key to match one taint');
  }
  if (operator === TolerationOperator.EXISTS && t.value !== undefined && t.value !== '') {
    throw invalid(errors, `${field}.value`, t.value,
      'TolerationOperator.EXISTS matches any value and takes none; remove the value, or use TolerationOperator.EQUAL');
  }
  if (t.value !== undefined) {
    checkLabelValue(errors, `${field}.value`, t.value);
  }
  if (t.effect !== undefined) {
    checkEnumValue(errors, `${field}.effect`, t.effect, TaintEffect, 'TaintEffect');
  }
  if (t.tolerationSeconds !== undefined) {
    if (t.effect !== TaintEffect.NO_EXECUTE) {
      // The API server refuses tolerationSeconds on any other effect.
      throw invalid(errors, `${field}.tolerationSeconds`, durationText(t.tolerationSeconds),
        'only a toleration of effect TaintEffect.NO_EXECUTE can limit how long the pod stays; set effect: TaintEffect.NO_EXECUTE');
    }
    checkDuration(errors, `${field}.tolerationSeconds`, t.tolerationSeconds, { unit: 'seconds', min: 0, example: 'Duration.minutes(5)' });
  }
}

function checkRequirements(errors: ErrorScope, field: string, requirements: NodeSelectorRequirement[] | undefined): void {
  if (!Array.isArray(requirements) || requirements.length === 0) {
    throw invalid(errors, field, requirements, 'give at least one requirement: an empty term matches no node');
  }
  requirements.forEach((r, i) => checkRequirement(errors, `${field}[${i}]`, r));
}

/** Checks one node selector requirement: its key, operator, and values as the operator needs them. */
export function checkRequirement(errors: ErrorScope, field: string, r: NodeSelectorRequirement): void {
  checkLabelKey(errors, `${field}.key`, r?.key);
  checkEnumValue(errors, `${field}.operator`, r.operator, NodeSelectorOperator, 'NodeSelectorOperator');
  const values = r.values ?? [];
  switch (r.operator) {
    case NodeSelectorOperator.IN:
    case NodeSelectorOperator.NOT_IN:
      if (values.length === 0) {
        throw invalid(errors, `${field}.values`, r.values, `operator ${r.operator} needs at least one value`);
      }
      values.forEach((v, i) => checkLabelValue(errors, `${field}.values[${i}]`, v));
      break;
    case NodeSelectorOperator.EXISTS:
    case NodeSelectorOperator.DOES_NOT_EXIST:
      if (values.length > 0) {
        throw invalid(errors, `${field}.values`, r.values, `operator ${r.operator} takes no values; remove them`);
      }
      break;
    default:
      if (values.length !== 1 || typeof values[0] !== 'string' || !INTEGER.test(values[0])) {
        throw invalid(errors, `${field}.values`, r.values, `operator ${r.operator} takes exactly one integer value, e.g. ["8"]`);
      }
  }
}

function checkSpread(errors: ErrorScope, field: string, s: TopologySpread): void {
  if (!(s instanceof TopologySpread)) {
    throw invalid(errors, field, s,
      'must be TopologySpread.acrossZones(), TopologySpread.acrossNodes() or TopologySpread.acrossDomainsOf(key)');
  }
  checkLabelKey(errors, `${field}.topologyKey`, s.topologyKey);
  checkInteger(errors, `${field}.maxSkew`, s.maxSkew, 1);
  checkEnumValue(errors, `${field}.whenUnsatisfiable`, s.whenUnsatisfiable, WhenUnsatisfiable, 'WhenUnsatisfiable');
  if (s.minDomains !== undefined) {
    checkInteger(errors, `${field}.minDomains`, s.minDomains, 1);
    if (s.whenUnsatisfiable !== WhenUnsatisfiable.DO_NOT_SCHEDULE) {
      throw invalid(errors, `${field}.minDomains`, s.minDomains,
        'only applies with whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE (Kubernetes refuses it otherwise)');
    }
  }
}

function durationText(d: unknown): unknown {
  return d instanceof Duration ? `${d.toSeconds({ integral: false })}s` : d;
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** The tolerations of the pod spec. */
export function renderTolerations(tolerations: Toleration[] | undefined): k8s.Toleration[] | undefined {
  if (!tolerations || tolerations.length === 0) return undefined;
  return tolerations.map(t => ({
    key: t.key,
    operator: t.operator ?? TolerationOperator.EQUAL,
    value: t.value,
    effect: t.effect,
    tolerationSeconds: t.tolerationSeconds?.toSeconds(),
  }));
}

function renderRequirements(requirements: NodeSelectorRequirement[]): k8s.NodeSelectorRequirement[] {
  return requirements.map(r => ({ key: r.key, operator: r.operator, values: r.values && r.values.length > 0 ? [...r.values] : undefined }));
}

/** The node affinity of the pod spec, or undefined when there is none. */
export function renderNodeAffinity(
  required: NodeSelectorTerm[] | undefined,
  preferred: PreferredNodeSelectorTerm[] | undefined,
): k8s.NodeAffinity | undefined {
  const hasRequired = required !== undefined && required.length > 0;
  const hasPreferred = preferred !== undefined && preferred.length > 0;
  if (!hasRequired && !hasPreferred) return undefined;
  return {
    requiredDuringSchedulingIgnoredDuringExecution: hasRequired ? {
      nodeSelectorTerms: required.map(t => ({ matchExpressions: renderRequirements(t.matchExpressions) })),
    } : undefined,
    preferredDuringSchedulingIgnoredDuringExecution: hasPreferred ? preferred.map(t => ({
      weight: t.weight,
      preference: { matchExpressions: renderRequirements(t.matchExpressions) },
    })) : undefined,
  };
}

/** The topology spread constraints of the pod spec, each selecting the app's pods by `selectorLabels`. */
export function renderTopologySpread(
  spreads: TopologySpread[] | undefined,
  selectorLabels: { [key: string]: string },
): k8s.TopologySpreadConstraint[] | undefined {
  if (!spreads || spreads.length === 0) return undefined;
  return spreads.map(s => ({
    maxSkew: s.maxSkew,
    topologyKey: s.topologyKey,
    whenUnsatisfiable: s.whenUnsatisfiable,
    labelSelector: { matchLabels: selectorLabels },
    minDomains: s.minDomains,
  }));
}

/**
 * Every node selector term of `terms` with `extra` added to it (a node must then meet `extra` and
 * one of the terms); one term of `extra` alone when there are no terms.
 */
export function requireInEveryTerm(terms: NodeSelectorTerm[] | undefined, extra: NodeSelectorRequirement[]): NodeSelectorTerm[] {
  if (!terms || terms.length === 0) return [{ matchExpressions: extra }];
  return terms.map(t => ({ matchExpressions: [...(t.matchExpressions ?? []), ...extra] }));
}
