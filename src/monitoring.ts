import { Duration } from 'cdk8s';

/**
 * How Prometheus finds an app's metrics endpoint.
 */
export enum ScrapeKind {
  /** Nothing is generated: the endpoint is served, and scraping is configured elsewhere. */
  NONE = 'None',
  /** A Prometheus Operator `ServiceMonitor` on the app's headless Service. */
  SERVICE_MONITOR = 'ServiceMonitor',
  /** A Prometheus Operator `PodMonitor` on the app's pods. */
  POD_MONITOR = 'PodMonitor',
  /** The `prometheus.io/scrape`, `prometheus.io/port` and `prometheus.io/path` pod annotations. */
  ANNOTATIONS = 'Annotations',
}

/**
 * Options of a ServiceMonitor or PodMonitor.
 */
export interface MonitorOptions {
  /**
   * Name of the ServiceMonitor or PodMonitor.
   *
   * @default - the app's name
   */
  readonly name?: string;

  /**
   * More labels of the ServiceMonitor or PodMonitor, for the `serviceMonitorSelector` or
   * `podMonitorSelector` of the Prometheus that should pick it up (kube-prometheus-stack selects
   * `release: <its release name>` by default).
   *
   * @default - the app's labels only
   */
  readonly labels?: { [key: string]: string };

  /**
   * How often Prometheus scrapes each pod.
   *
   * @default - Prometheus's global scrape interval
   */
  readonly interval?: Duration;
}

/**
 * How Prometheus is told to scrape an app's metrics endpoint. The generated objects select the
 * app's own selector labels, so they cannot drift from the StatefulSet's pods.
 *
 * @see https://prometheus-operator.dev/docs/developer/getting-started/
 */
export class Scrape {
  /**
   * A Prometheus Operator `ServiceMonitor` that selects the app's headless Service (by the app's
   * selector labels) and scrapes the metrics port of every pod behind it, ready or not.
   */
  public static serviceMonitor(options: MonitorOptions = {}): Scrape {
    return new Scrape(ScrapeKind.SERVICE_MONITOR, options.name, options.labels, options.interval);
  }

  /**
   * A Prometheus Operator `PodMonitor` that selects the app's pods by its selector labels and
   * scrapes their metrics port.
   */
  public static podMonitor(options: MonitorOptions = {}): Scrape {
    return new Scrape(ScrapeKind.POD_MONITOR, options.name, options.labels, options.interval);
  }

  /**
   * The pod annotations `prometheus.io/scrape: "true"`, `prometheus.io/port` and
   * `prometheus.io/path`, which the usual plain-Prometheus `kubernetes-pods` scrape job reads
   * (see docs/observability.md). No Prometheus Operator is needed.
   */
  public static annotations(): Scrape {
    return new Scrape(ScrapeKind.ANNOTATIONS);
  }

  /**
   * Nothing: the metrics endpoint is served and Prometheus is configured elsewhere.
   */
  public static none(): Scrape {
    return new Scrape(ScrapeKind.NONE);
  }

  private constructor(
    /** Which kind of scrape configuration. */
    public readonly kind: ScrapeKind,
    /** Name of the ServiceMonitor or PodMonitor. */
    public readonly name?: string,
    /** More labels of the ServiceMonitor or PodMonitor. */
    public readonly labels?: { [key: string]: string },
    /** Scrape interval. */
    public readonly interval?: Duration) {}
}

/**
 * Severity of an alert: the `severity` label Alertmanager routes on.
 */
export enum AlertSeverity {
  /** Service is down or data is at risk now: page someone. */
  CRITICAL = 'critical',
  /** Something degrades and needs attention soon. */
  WARNING = 'warning',
  /** For information only. */
  INFO = 'info',
}

/**
 * The PrometheusRule of an app: its alerts, with thresholds computed from the app (pod names,
 * claim names, quorum, disruption budget).
 */
export interface AlertOptions {
  /**
   * Name of the PrometheusRule.
   *
   * @default - `<name>-alerts`
   */
  readonly name?: string;

  /**
   * More labels of the PrometheusRule, for the `ruleSelector` of the Prometheus that should load
   * it (kube-prometheus-stack selects `release: <its release name>` by default).
   *
   * @default - the app's labels only
   */
  readonly labels?: { [key: string]: string };

  /**
   * More labels of every alert, e.g. `team: storage` for Alertmanager's routing. They cannot
   * replace `severity`, `namespace` or `statefulset`, which every alert carries.
   *
   * @default - none
   */
  readonly alertLabels?: { [key: string]: string };

  /**
   * How long a pod may stay not ready before the pod-not-ready alert fires.
   *
   * @default Duration.minutes(15)
   */
  readonly notReadyFor?: Duration;

  /**
   * Percentage of a claim's capacity in use at which the volume-nearly-full alert fires, from 1 to 99.
   *
   * @default 85
   */
  readonly volumeFullPercent?: number;

  /**
   * Container restarts within one hour at which the restart alert fires.
   *
   * @default 3
   */
  readonly restartsPerHour?: number;
}

/**
 * Prometheus metrics of an app: which port and path serve them, how Prometheus is told to scrape
 * them, and which alerts are generated.
 *
 * The endpoint: a StatefulApp names its own (a port of its main container or of a sidecar given
 * at construction); a ZooKeeperEnsemble turns on ZooKeeper's built-in Prometheus metrics provider;
 * a CassandraRing runs the Prometheus JMX exporter as a Java agent in the Cassandra JVM. The port is
 * on the pods and on the headless Service (never on the client Service, so that a ServiceMonitor
 * scrapes every pod exactly once).
 *
 * @see docs/observability.md
 */
export interface MetricsOptions {
  /**
   * Port number of the metrics endpoint.
   *
   * @default - a StatefulApp: the container port named `metrics` (of the main container or a
   * sidecar); a ZooKeeperEnsemble: 7000 (ZooKeeper's default `metricsProvider.httpPort`); a
   * CassandraRing: 9404
   */
  readonly port?: number;

  /**
   * HTTP path of the metrics endpoint (a StatefulApp only: ZooKeeper's provider and the JMX
   * exporter serve `/metrics`).
   *
   * @default '/metrics'
   */
  readonly path?: string;

  /**
   * How Prometheus is told to scrape the endpoint.
   *
   * @default Scrape.none()
   */
  readonly scrape?: Scrape;

  /**
   * Generate a PrometheusRule with the app's alerts. Give `{}` for the defaults.
   *
   * The alerts read the target labels `namespace` and `pod` (which ServiceMonitors and
   * PodMonitors add, and the usual `kubernetes-pods` job too), kube-state-metrics
   * (`kube_pod_status_ready`, `kube_pod_container_status_restarts_total`) and the kubelet's
   * volume statistics (`kubelet_volume_stats_*`).
   *
   * @default - no PrometheusRule
   */
  readonly alerts?: AlertOptions;
}

/**
 * An alerting rule of an app's PrometheusRule.
 */
export interface AlertRule {
  /**
   * Name of the alert (`alert:`), in Prometheus's style, e.g. `RedisReplicationBroken`.
   */
  readonly name: string;

  /**
   * The PromQL expression; the alert fires for every series it returns.
   */
  readonly expression: string;

  /**
   * How long the expression must hold before the alert fires (`for:`).
   *
   * @default - at once
   */
  readonly pendingFor?: Duration;

  /**
   * Severity (the `severity` label).
   */
  readonly severity: AlertSeverity;

  /**
   * One line on what is wrong (the `summary` annotation). May use `{{ $labels.pod }}` and
   * `{{ $value }}`.
   */
  readonly summary: string;

  /**
   * What it means and what to do, with the app's own names (the `runbook` annotation).
   */
  readonly runbook: string;

  /**
   * More labels of the alert.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}
