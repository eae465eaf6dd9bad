import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  alternation, matchers, MonitoringMetadata, podMonitor, promDuration, prometheusRule, RenderedAlert, renderAlert, serviceMonitor,
  SEVERITIES, WorkloadKind,
} from './monitoring';
import { ContainerState } from './render-container';
import { AlertOptions, AlertRule, AlertSeverity, MetricsOptions, Scrape, ScrapeKind } from '../monitoring';
import { checkAbsolutePath, checkDnsSubdomain, checkDuration, checkInteger, checkLabels, ErrorScope, invalid } from '../validation';

// A StatefulApp's metrics endpoint, scrape configuration and PrometheusRule. Not part of the
// public API: StatefulApp calls it with what it knows of itself.

/** The metrics of an app once its options are checked and its defaults applied. */
export interface ResolvedMetrics {
  /** Port number of the endpoint. */
  readonly port: number;
  /** Name of the container port (and Service port) of the endpoint. */
  readonly portName: string;
  readonly path: string;
  readonly scrape: Scrape;
  readonly alerts?: AlertOptions;
}

/** The pod annotations of `Scrape.annotations()`. */
export const SCRAPE_ANNOTATIONS = ['prometheus.io/scrape', 'prometheus.io/port', 'prometheus.io/path'];

/** Port name an app's metrics port has when it is not given a port number. */
export const METRICS_PORT_NAME = 'metrics';

/**
 * Checks `metrics` and finds its port among the ports of the given containers (the main container
 * and the sidecars given at construction): the one with the given number, else the one named
 * `metrics`.
 */
export function resolveMetrics(errors: ErrorScope, metrics: MetricsOptions | undefined, containers: ContainerState[]): ResolvedMetrics | undefined {
  if (metrics === undefined) return undefined;
  if (metrics === null || typeof metrics !== 'object') {
    throw invalid(errors, 'metrics', metrics, 'must be an object of MetricsOptions, e.g. { scrape: Scrape.podMonitor(), alerts: {} }');
  }
  const scrape = metrics.scrape ?? Scrape.none();
  if (!(scrape instanceof Scrape)) {
    throw invalid(errors, 'metrics.scrape', scrape,
      'must be Scrape.serviceMonitor(), Scrape.podMonitor(), Scrape.annotations() or Scrape.none()');
  }
  const path = metrics.path ?? '/metrics';
  checkAbsolutePath(errors, 'metrics.path', path);
  if (/\s/.test(path)) {
    throw invalid(errors, 'metrics.path', path, 'must be a URL path without spaces, e.g. "/metrics"');
  }
  // The monitor object's own name and labels, and Prometheus's scrape interval in whole seconds.
  if (scrape.name !== undefined) checkDnsSubdomain(errors, 'metrics.scrape.name', scrape.name);
  checkLabels(errors, 'metrics.scrape.labels', scrape.labels);
  checkDuration(errors, 'metrics.scrape.interval', scrape.interval, { unit: 'seconds', min: 1, example: 'Duration.seconds(30)' });
  const ports = containers.flatMap(c => (c.props.ports ?? []).map(p => ({ container: c.name, port: p })));
  let found;
  if (metrics.port !== undefined) {
    checkInteger(errors, 'metrics.port', metrics.port, 1, 65535);
    found = ports.find(p => p.port.number === metrics.port && (p.port.protocol ?? kplus.Protocol.TCP) === kplus.Protocol.TCP);
    if (!found) {
      throw invalid(errors, 'metrics.port', metrics.port,
        `is not a TCP port of the main container or of a sidecar given at construction (ports: ${describePorts(ports)}); `
        + `declare it on the container that serves the metrics, e.g. ports: [{ number: ${metrics.port}, name: 'metrics' }]`);
    }
    if (found.port.name === undefined) {
      throw invalid(errors, 'metrics.port', metrics.port,
        `the port of container ${found.container} has no name; name it (e.g. 'metrics'): the Service and the scrape configuration refer to it by name`);
    }
  } else {
    found = ports.find(p => p.port.name === METRICS_PORT_NAME);
    if (!found) {
      throw invalid(errors, 'metrics.port', metrics.port,
        `no container port is named '${METRICS_PORT_NAME}' (ports: ${describePorts(ports)}); give the port number the app serves its metrics on, `
        + `or name that port '${METRICS_PORT_NAME}'`);
    }
  }
  if (metrics.alerts !== undefined) {
    checkAlertOptions(errors, metrics.alerts);
  }
  return { port: found.port.number, portName: found.port.name!, path, scrape, alerts: metrics.alerts };
}

function describePorts(ports: Array<{ container: string; port: kplus.ContainerPort }>): string {
  return ports.map(p => `${p.container} ${p.port.number}${p.port.name ? ` (${p.port.name})` : ''}`).join(', ') || 'none';
}

function checkAlertOptions(errors: ErrorScope, alerts: AlertOptions): void {
  if (alerts === null || typeof alerts !== 'object') {
    throw invalid(errors, 'metrics.alerts', alerts, 'must be an object of AlertOptions; give {} for the defaults');
  }
  if (alerts.name !== undefined) {
    checkDnsSubdomain(errors, 'metrics.alerts.name', alerts.name);
  }
  checkLabels(errors, 'metrics.alerts.labels', alerts.labels);
  for (const [key, value] of Object.entries(alerts.alertLabels ?? {})) {
    // Prometheus label names: letters, digits and '_', not starting with a digit.
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key)) {
      throw invalid(errors, 'metrics.alerts.alertLabels key', key, "must be a Prometheus label name: letters, digits and '_', not starting with a digit, e.g. \"team\"");
    }
    if (typeof value !== 'string') {
      throw invalid(errors, `metrics.alerts.alertLabels[${JSON.stringify(key)}]`, value, 'must be a string');
    }
  }
  if (alerts.volumeFullPercent !== undefined) {
    checkInteger(errors, 'metrics.alerts.volumeFullPercent', alerts.volumeFullPercent, 1, 99);
  }
  if (alerts.restartsPerHour !== undefined) {
    checkInteger(errors, 'metrics.alerts.restartsPerHour', alerts.restartsPerHour, 1);
  }
  if (alerts.notReadyFor !== undefined) {
    if (!(alerts.notReadyFor instanceof Duration)) {
      throw invalid(errors, 'metrics.alerts.notReadyFor', alerts.notReadyFor, 'must be a Duration, e.g. Duration.minutes(10)');
    }
    const seconds = alerts.notReadyFor.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw invalid(errors, 'metrics.alerts.notReadyFor', alerts.notReadyFor.toHumanString(), 'must be a whole number of seconds, at least 1');
    }
  }
  for (const key of Object.keys(alerts.alertLabels ?? {})) {
    if (RESERVED_ALERT_LABELS.includes(key)) {
      throw invalid(errors, 'metrics.alerts.alertLabels', key,
        `is a label every alert of the app sets itself (${RESERVED_ALERT_LABELS.join(', ')}); use another key`);
    }
  }
}

const RESERVED_ALERT_LABELS = ['severity', 'namespace', 'statefulset'];
const ALERT_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** What an app tells its monitoring about itself. */
export interface MonitoredApp {
  /** The StatefulApp, scope of the monitoring objects. */
  readonly scope: Construct;
  readonly errors: ErrorScope;
  readonly kind: WorkloadKind;
  readonly name: string;
  /** Namespace of the pods (for the alerts' selectors and texts). */
  readonly namespace: string;
  readonly selectorLabels: { [key: string]: string };
  readonly podNames: string[];
  readonly containerName: string;
  /** Names of every claim of every pod. */
  readonly claimNames: string[];
  /** Metadata of an object of the app, with the given name. */
  readonly metadata: (name: string) => MonitoringMetadata;
}

/** The ServiceMonitor or PodMonitor and the PrometheusRule of a StatefulApp. */
export class AppMonitoring {
  /** The ServiceMonitor or PodMonitor, if any. */
  public readonly monitor?: ApiObject;
  /** The PrometheusRule, if any. */
  public readonly rule?: ApiObject;
  private readonly alerts: AlertRule[] = [];

  constructor(private readonly app: MonitoredApp, private readonly metrics: ResolvedMetrics) {
    const scrape = metrics.scrape;
    if (scrape.kind === ScrapeKind.SERVICE_MONITOR || scrape.kind === ScrapeKind.POD_MONITOR) {
      const monitorName = scrape.name ?? app.name;
      checkDnsSubdomain(app.errors, 'metrics.scrape.name', monitorName);
      const base = app.metadata(monitorName);
      const metadata = { ...base, labels: { ...scrape.labels, ...base.labels } };
      const endpoint = {
        port: metrics.portName,
        path: metrics.path,
        interval: scrape.interval ? promDuration(scrape.interval) : undefined,
      };
      const selector = { matchLabels: { ...app.selectorLabels } };
      this.monitor = scrape.kind === ScrapeKind.SERVICE_MONITOR
        ? serviceMonitor(app.scope, 'ServiceMonitor', metadata, { selector, endpoints: [endpoint] })
        : podMonitor(app.scope, 'PodMonitor', metadata, { selector, podMetricsEndpoints: [endpoint] });
    }
    if (metrics.alerts) {
      const options = metrics.alerts;
      const ruleName = options.name ?? `${app.name}-alerts`;
      const base = app.metadata(ruleName);
      this.rule = prometheusRule(app.scope, 'PrometheusRule', { ...base, labels: { ...options.labels, ...base.labels } },
        () => ({ groups: [{ name: `${app.namespace}.${app.name}`, rules: this.renderAlerts() }] }));
    }
  }

  /** The pod annotations of `Scrape.annotations()`, if chosen. */
  public podAnnotations(): { [key: string]: string } {
    if (this.metrics.scrape.kind !== ScrapeKind.ANNOTATIONS) return {};
    return {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': `${this.metrics.port}`,
      'prometheus.io/path': this.metrics.path,
    };
  }

  /** Adds an alert to the PrometheusRule, before the alerts every app gets. */
  public addAlert(rule: AlertRule): void {
    const errors = this.app.errors;
    if (!this.rule) {
      throw invalid(errors, 'metrics.alerts', undefined, 'the app has no PrometheusRule: give metrics.alerts ({} for the defaults) to add alerts');
    }
    if (!rule || typeof rule.name !== 'string' || !ALERT_NAME.test(rule.name)) {
      throw invalid(errors, 'alert name', rule?.name, "must be a metric-style name: letters, digits, '_' and ':', not starting with a digit");
    }
    if ([...this.alerts, ...this.commonAlerts()].some(a => a.name === rule.name)) {
      throw invalid(errors, 'alert name', rule.name, 'the app already has an alert of this name; alert names must be unique');
    }
    if (typeof rule.expression !== 'string' || rule.expression.trim() === '') {
      throw invalid(errors, `alert ${rule.name} expression`, rule.expression, 'must be a non-empty PromQL expression');
    }
    if (!SEVERITIES.includes(rule.severity)) {
      throw invalid(errors, `alert ${rule.name} severity`, rule.severity, `must be one of ${SEVERITIES.map(s => `"${s}"`).join(', ')} (AlertSeverity)`);
    }
    for (const key of Object.keys(rule.labels ?? {})) {
      if (RESERVED_ALERT_LABELS.includes(key)) {
        throw invalid(errors, `alert ${rule.name} labels`, key, `is set by the app (${RESERVED_ALERT_LABELS.join(', ')}); use another key`);
      }
    }
    this.alerts.push(rule);
  }

  private renderAlerts(): RenderedAlert[] {
    const common = { ...this.metrics.alerts?.alertLabels, namespace: this.app.namespace, statefulset: this.app.name };
    return [...this.alerts, ...this.commonAlerts()].map(rule => renderAlert(rule, common));
  }

  /** The alerts every app gets: pods not ready for long, claims nearly full, restarts. */
  private commonAlerts(): AlertRule[] {
    const app = this.app;
    const options = this.metrics.alerts ?? {};
    const prefix = app.kind.alertPrefix;
    const ns = app.namespace;
    const where = `${app.kind.title} ${app.name} (namespace ${ns})`;
    const pods = matchers({ namespace: ns }, { pod: alternation(app.podNames) });
    const notReadyFor = options.notReadyFor ?? Duration.minutes(15);
    const fullPercent = options.volumeFullPercent ?? 85;
    const restarts = options.restartsPerHour ?? 3;
    const kubectl = `kubectl -n ${ns}`;
    const selector = Object.entries(app.selectorLabels).map(([k, v]) => `${k}=${v}`).join(',');
    const alerts: AlertRule[] = [{
      name: `${prefix}PodNotReady`,
      expression: `max by (namespace, pod) (kube_pod_status_ready{${pods}, condition="true"}) == 0`,
      pendingFor: notReadyFor,
      severity: AlertSeverity.WARNING,
      summary: `${cap(app.kind.member)} {{ $labels.pod }} of ${where} has not been ready for ${promDuration(notReadyFor)}.`,
      runbook: `The ${app.kind.member} {{ $labels.pod }} of ${where} is not ready, so it receives no traffic through the Services, `
        + `and the StatefulSet ${app.name} updates no other pod until it is. See why: \`${kubectl} describe pod {{ $labels.pod }}\` `
        + `(events: scheduling, probes) and \`${kubectl} logs {{ $labels.pod }} -c ${app.containerName}\`. Pending: no node fits its `
        + 'requests or anti-affinity, or its claim is not bound'
        + (app.claimNames.length > 0 ? ` (\`${kubectl} get pvc ${app.claimNames.join(' ')}\`)` : '')
        + `. Running but not ready: its readiness probe fails. All pods: \`${kubectl} get pods -l ${selector}\`.`,
    }];
    if (app.claimNames.length > 0) {
      const claims = matchers({ namespace: ns }, { persistentvolumeclaim: alternation(app.claimNames) });
      alerts.push({
        name: `${prefix}VolumeNearlyFull`,
        expression: `(1 - kubelet_volume_stats_available_bytes{${claims}} / kubelet_volume_stats_capacity_bytes{${claims}}) * 100 > ${fullPercent}`,
        pendingFor: Duration.minutes(5),
        severity: AlertSeverity.WARNING,
        summary: `Claim {{ $labels.persistentvolumeclaim }} of ${where} is {{ $value | printf "%.0f" }}% full.`,
        runbook: `The volume of claim {{ $labels.persistentvolumeclaim }} of ${where} is more than ${fullPercent}% full; when it is `
          + `full the ${app.kind.member} fails its writes. Free space, or grow the claim: \`${kubectl} edit pvc {{ $labels.persistentvolumeclaim }}\` `
          + 'and raise spec.resources.requests.storage (its StorageClass must allow volume expansion), then raise the size in the app '
          + `as well, for ${app.kind.member}s created later. Never delete the claim: it holds the data. The app's claims: ${app.claimNames.join(', ')}.`,
      });
    }
    alerts.push({
      name: `${prefix}PodRestarting`,
      expression: `increase(kube_pod_container_status_restarts_total{${pods}}[1h]) >= ${restarts}`,
      severity: AlertSeverity.WARNING,
      summary: `Container {{ $labels.container }} of {{ $labels.pod }} (${where}) restarted {{ $value | printf "%.0f" }} times in the last hour.`,
      runbook: `The container {{ $labels.container }} of {{ $labels.pod }} of ${where} keeps restarting. Read the log of the crashed run: `
        + `\`${kubectl} logs {{ $labels.pod }} -c {{ $labels.container }} --previous\`, and its last state: \`${kubectl} describe pod {{ $labels.pod }}\`. `
        + 'OOMKilled: raise the memory limit (resources.memory.limit) or lower the heap. Killed by its liveness probe: the probe '
        + 'is too strict for a slow start (give a startup probe) or the process hangs.',
    });
    return alerts;
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
