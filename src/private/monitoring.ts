import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AlertRule, AlertSeverity } from '../monitoring';

// The Prometheus Operator objects (ServiceMonitor, PodMonitor, PrometheusRule) and the PromQL of
// the alerts every stateful app gets. The objects are built from the small typed interfaces below
// (the fields this library sets, named as in the CRDs of monitoring.coreos.com/v1); the tests
// validate them against the CRD schemas (@kubernetes-models/prometheus-operator).
// Not part of the public API.

/** API version of the Prometheus Operator's resources. */
export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';

/** Metadata of a monitoring object. */
export interface MonitoringMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: { [key: string]: string };
}

/** One endpoint of a ServiceMonitor (`spec.endpoints[]`) or PodMonitor (`spec.podMetricsEndpoints[]`). */
export interface ScrapeEndpoint {
  /** Name of the Service port (ServiceMonitor) or container port (PodMonitor). */
  readonly port: string;
  readonly path: string;
  /** A Prometheus duration, e.g. `30s`. */
  readonly interval?: string;
}

/** `spec` of a ServiceMonitor. */
export interface ServiceMonitorSpec {
  readonly selector: { readonly matchLabels: { [key: string]: string } };
  readonly endpoints: ScrapeEndpoint[];
}

/** `spec` of a PodMonitor. */
export interface PodMonitorSpec {
  readonly selector: { readonly matchLabels: { [key: string]: string } };
  readonly podMetricsEndpoints: ScrapeEndpoint[];
}

/** One alerting rule of a PrometheusRule group. */
export interface RenderedAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
}

/** `spec` of a PrometheusRule. */
export interface PrometheusRuleSpec {
  readonly groups: Array<{ readonly name: string; readonly rules: RenderedAlert[] }>;
}

/** A ServiceMonitor. */
export function serviceMonitor(scope: Construct, id: string, metadata: MonitoringMetadata, spec: ServiceMonitorSpec): ApiObject {
  return new ApiObject(scope, id, { apiVersion: MONITORING_API_VERSION, kind: 'ServiceMonitor', metadata, spec });
}

/** A PodMonitor. */
export function podMonitor(scope: Construct, id: string, metadata: MonitoringMetadata, spec: PodMonitorSpec): ApiObject {
  return new ApiObject(scope, id, { apiVersion: MONITORING_API_VERSION, kind: 'PodMonitor', metadata, spec });
}

/** A PrometheusRule whose spec is produced at synthesis (alerts can be added until then). */
export function prometheusRule(scope: Construct, id: string, metadata: MonitoringMetadata, spec: () => PrometheusRuleSpec): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: MONITORING_API_VERSION,
    kind: 'PrometheusRule',
    metadata,
    spec: Lazy.any({ produce: spec }),
  });
}

/** A Prometheus duration (`15m`, `1h`, `90s`) of a whole number of seconds. */
export function promDuration(d: Duration): string {
  const seconds = d.toSeconds();
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** A PromQL string literal (double-quoted, with `\` and `"` escaped). */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A regular expression that matches exactly the given names (RE2, anchored by PromQL). */
export function alternation(names: string[]): string {
  return names.map(n => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** A label matcher list, e.g. `namespace="default", pod=~"zk-0|zk-1"`. */
export function matchers(equal: { [key: string]: string }, regex: { [key: string]: string } = {}): string {
  return [
    ...Object.entries(equal).map(([k, v]) => `${k}=${promString(v)}`),
    ...Object.entries(regex).map(([k, v]) => `${k}=~${promString(v)}`),
  ].join(', ');
}

/**
 * PromQL: how many of the given pods have an `up` target, with 0 (not an empty result) when none
 * has, so that a comparison with it also fires when every pod is gone.
 */
export function podsUp(namespace: string, pods: string[]): string {
  return `(count(max by (pod) (up{${matchers({ namespace }, { pod: alternation(pods) })}}) == 1) or vector(0))`;
}

/** Renders one alert with the labels every alert of an app carries. */
export function renderAlert(rule: AlertRule, common: { [key: string]: string }): RenderedAlert {
  return {
    alert: rule.name,
    expr: rule.expression,
    for: rule.pendingFor ? promDuration(rule.pendingFor) : undefined,
    labels: { ...rule.labels, ...common, severity: rule.severity },
    annotations: { summary: rule.summary, runbook: rule.runbook },
  };
}

// ---------------------------------------------------------------------------------------------
// What kind of workload an app is, for the names and texts of its alerts.

/** How a StatefulApp's alerts speak of it. */
export interface WorkloadKind {
  /** Prefix of the alert names, e.g. `ZooKeeper` for `ZooKeeperPodNotReady`. */
  readonly alertPrefix: string;
  /** What one pod is called in texts, e.g. `server`. */
  readonly member: string;
  /** What the app is called in texts, e.g. `ZooKeeper ensemble`. */
  readonly title: string;
}

/** How a plain StatefulApp's alerts speak of it. */
export const STATEFUL_APP_KIND: WorkloadKind = { alertPrefix: 'StatefulApp', member: 'pod', title: 'StatefulApp' };

const kinds = new WeakMap<IConstruct, Map<string, WorkloadKind>>();

/** Says that the StatefulApp `childId` that `parent` is about to create is a workload of `kind`. */
export function describeChildWorkload(parent: IConstruct, childId: string, kind: WorkloadKind): void {
  let children = kinds.get(parent);
  if (!children) {
    children = new Map();
    kinds.set(parent, children);
  }
  children.set(childId, kind);
}

/** The kind of a StatefulApp: what its parent said with `describeChildWorkload`, else a StatefulApp. */
export function workloadKindOf(app: IConstruct): WorkloadKind {
  const parent = app.node.scope;
  return (parent ? kinds.get(parent)?.get(app.node.id) : undefined) ?? STATEFUL_APP_KIND;
}

/** Severity values, for checks of untyped input. */
export const SEVERITIES = Object.values(AlertSeverity) as string[];
