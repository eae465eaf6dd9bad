import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AlertSeverity, MetricsOptions, Scrape, ScrapeKind, StatefulApp, StatefulAppProps } from '../src';
import { findObject, freshChart, synthValidated, toYaml } from './util/synth';

// The metrics option of a StatefulApp: the user's own port and path, the scrape configuration and
// the PrometheusRule. ZooKeeperEnsemble and CassandraRing are covered in their own files.

const CONTAINER = {
  image: 'registry.example.com/web:1.0',
  ports: [{ number: 8080, name: 'http' }, { number: 9113, name: 'metrics' }],
};

function web(metrics: MetricsOptions | undefined, extra: Partial<StatefulAppProps> = {}) {
  const chart = freshChart();
  const app = new StatefulApp(chart, 'web', {
    replicas: 3,
    container: CONTAINER,
    volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data' }],
    clientService: {},
    metrics,
    ...extra,
  });
  return { chart, app };
}

describe('StatefulApp metrics defaults', () => {
  test('no metrics: no metrics objects, and the client Service keeps every port of the headless Service', () => {
    const { chart, app } = web(undefined);
    const objects = synthValidated(chart);
    expect(objects.map(o => o.kind)).not.toEqual(expect.arrayContaining(['ServiceMonitor']));
    expect(objects.filter(o => /Monitor|PrometheusRule/.test(o.kind))).toEqual([]);
    expect(app.metricsPort).toBeUndefined();
    expect(findObject(objects, 'Service', 'web-client').spec.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
    expect(() => app.addAlert({ name: 'X', expression: 'up == 0', severity: AlertSeverity.INFO, summary: 's', runbook: 'r' }))
      .toThrow(/test\/web: invalid metrics \(not set\): the app has no metrics: give metrics \(with alerts: \{\}\) to add alerts/);
  });

  test('metrics: {} finds the port named metrics; it is on the headless Service and not on the client Service; nothing else is made', () => {
    const { chart, app } = web({});
    const objects = synthValidated(chart);
    expect(app.metricsPort).toBe(9113);
    expect(app.metricsMonitor).toBeUndefined();
    expect(app.prometheusRule).toBeUndefined();
    expect(findObject(objects, 'Service', 'web').spec.ports).toEqual([{ name: 'http', port: 8080 }, { name: 'metrics', port: 9113 }]);
    expect(findObject(objects, 'Service', 'web-client').spec.ports).toEqual([{ name: 'http', port: 8080 }]);
    expect(objects.map(o => o.kind).sort()).toEqual(['PodDisruptionBudget', 'Service', 'Service', 'StatefulSet']);
    expect(findObject(objects, 'StatefulSet').spec.template.metadata.annotations).toBeUndefined();
  });

  test('alerts: {} gives a PrometheusRule <name>-alerts with the alerts every app gets, labelled with the app', () => {
    const { chart, app } = web({ alerts: {} });
    const objects = synthValidated(chart);
    const rule = findObject(objects, 'PrometheusRule', 'web-alerts');
    expect(app.prometheusRule).toBeDefined();
    expect(rule.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'web' });
    expect(rule.spec.groups).toHaveLength(1);
    expect(rule.spec.groups[0].name).toBe('default.web');
    const alerts = rule.spec.groups[0].rules;
    expect(alerts.map((a: any) => [a.alert, a.for, a.labels])).toEqual([
      ['StatefulAppPodNotReady', '15m', { namespace: 'default', statefulset: 'web', severity: 'warning' }],
      ['StatefulAppVolumeNearlyFull', '5m', { namespace: 'default', statefulset: 'web', severity: 'warning' }],
      ['StatefulAppPodRestarting', undefined, { namespace: 'default', statefulset: 'web', severity: 'warning' }],
    ]);
    expect(alerts[0].expr).toBe(
      'max by (namespace, pod) (kube_pod_status_ready{namespace="default", pod=~"web-0|web-1|web-2", condition="true"}) == 0');
    expect(alerts[1].expr).toBe(
      '(1 - kubelet_volume_stats_available_bytes{namespace="default", persistentvolumeclaim=~"data-web-0|data-web-1|data-web-2"} '
      + '/ kubelet_volume_stats_capacity_bytes{namespace="default", persistentvolumeclaim=~"data-web-0|data-web-1|data-web-2"}) * 100 > 85');
    expect(alerts[2].expr).toBe('increase(kube_pod_container_status_restarts_total{namespace="default", pod=~"web-0|web-1|web-2"}[1h]) >= 3');
    for (const a of alerts) {
      expect(Object.keys(a.annotations).sort()).toEqual(['runbook', 'summary']);
      expect(a.annotations.runbook).toContain('kubectl -n default');
    }
    expect(alerts[1].annotations.runbook).toContain("The app's claims: data-web-0, data-web-1, data-web-2.");
  });

  test('an app without claims gets no volume alert', () => {
    const chart = freshChart();
    new StatefulApp(chart, 'cache', { container: CONTAINER, metrics: { alerts: {} } });
    const rule = findObject(synthValidated(chart), 'PrometheusRule', 'cache-alerts');
    expect(rule.spec.groups[0].rules.map((a: any) => a.alert)).toEqual(['StatefulAppPodNotReady', 'StatefulAppPodRestarting']);
  });
});

describe('StatefulApp metrics customised', () => {
  test('a port of a sidecar, a path, a ServiceMonitor with a name, labels and interval, alert options, and an alert of its own', () => {
    const chart = freshChart({ namespace: 'shop' });
    const app = new StatefulApp(chart, 'redis', {
      replicas: 2,
      labels: { team: 'shop' },
      container: { image: 'redis:7.4', ports: [{ number: 6379, name: 'redis' }] },
      sidecars: [{ name: 'exporter', image: 'oliver006/redis_exporter:v1.66.0', ports: [{ number: 9121, name: 'exporter' }] }],
      volumeClaims: [{ name: 'data', size: Size.gibibytes(5), mountPath: '/data' }],
      metrics: {
        port: 9121,
        path: '/scrape',
        scrape: Scrape.serviceMonitor({ name: 'redis-metrics', labels: { release: 'prom' }, interval: Duration.seconds(15) }),
        alerts: {
          name: 'redis-rules',
          labels: { release: 'prom' },
          alertLabels: { team: 'shop' },
          notReadyFor: Duration.minutes(5),
          volumeFullPercent: 90,
          restartsPerHour: 5,
        },
      },
    });
    app.addAlert({
      name: 'RedisReplicationBroken',
      expression: 'redis_connected_slaves{namespace="shop", pod="redis-0"} < 1',
      pendingFor: Duration.seconds(90),
      severity: AlertSeverity.CRITICAL,
      summary: 'redis-0 has no replica.',
      runbook: 'See redis-1.',
      labels: { component: 'replication' },
    });
    const objects = synthValidated(chart);
    expect(app.metricsPort).toBe(9121);
    expect(findObject(objects, 'Service', 'redis').spec.ports).toEqual([{ name: 'redis', port: 6379 }, { name: 'exporter', port: 9121 }]);
    const monitor = findObject(objects, 'ServiceMonitor', 'redis-metrics');
    expect(monitor.metadata).toEqual({
      name: 'redis-metrics', namespace: 'shop', labels: { 'release': 'prom', 'team': 'shop', 'app.kubernetes.io/name': 'redis' },
    });
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } },
      endpoints: [{ port: 'exporter', path: '/scrape', interval: '15s' }],
    });
    const rule = findObject(objects, 'PrometheusRule', 'redis-rules');
    expect(rule.metadata.labels).toEqual({ 'release': 'prom', 'team': 'shop', 'app.kubernetes.io/name': 'redis' });
    const alerts = rule.spec.groups[0].rules;
    expect(rule.spec.groups[0].name).toBe('shop.redis');
    expect(alerts[0]).toEqual({
      alert: 'RedisReplicationBroken',
      expr: 'redis_connected_slaves{namespace="shop", pod="redis-0"} < 1',
      for: '90s',
      labels: { component: 'replication', team: 'shop', namespace: 'shop', statefulset: 'redis', severity: 'critical' },
      annotations: { summary: 'redis-0 has no replica.', runbook: 'See redis-1.' },
    });
    expect(alerts.map((a: any) => a.for)).toEqual(['90s', '5m', '5m', undefined]);
    expect(alerts[2].expr).toMatch(/\* 100 > 90$/);
    expect(alerts[3].expr).toMatch(/\[1h\]\) >= 5$/);
    expect(alerts[1].expr).toContain('pod=~"redis-0|redis-1"');
    expect(alerts[1].annotations.runbook).toContain('kubectl -n shop logs {{ $labels.pod }} -c redis');
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('a PodMonitor selects the pods by the selector labels and scrapes the container port by name', () => {
    const { chart, app } = web({ scrape: Scrape.podMonitor() }, { selectorLabels: { app: 'web', tier: 'front' } });
    const objects = synthValidated(chart);
    expect(app.metricsMonitor).toBeDefined();
    expect(findObject(objects, 'PodMonitor', 'web').spec).toEqual({
      selector: { matchLabels: { app: 'web', tier: 'front' } },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }],
    });
  });

  test('Scrape.annotations() sets the prometheus.io pod annotations beside the others', () => {
    const { chart, app } = web({ scrape: Scrape.annotations(), path: '/stats' }, { podAnnotations: { 'example.com/a': 'b' } });
    const sts = findObject(synthValidated(chart), 'StatefulSet');
    expect(sts.spec.template.metadata.annotations).toEqual({
      'example.com/a': 'b', 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9113', 'prometheus.io/path': '/stats',
    });
    expect(() => app.addPodAnnotation('prometheus.io/port', '1')).toThrow(/invalid pod annotation "prometheus.io\/port": must be a new/);
  });

  test('Scrape.none() is the default and is accepted explicitly', () => {
    const { chart } = web({ scrape: Scrape.none() });
    expect(synthValidated(chart).filter(o => o.kind.endsWith('Monitor'))).toEqual([]);
    expect(Scrape.none().kind).toBe(ScrapeKind.NONE);
  });

  test('a servicePorts list without the metrics port gets it; one that names it keeps it', () => {
    const given = web({}, { servicePorts: [{ name: 'http', port: 80, targetPort: 8080 }] });
    expect(findObject(synthValidated(given.chart), 'Service', 'web').spec.ports)
      .toEqual([{ name: 'http', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9113 }]);
    const named = web({}, { servicePorts: [{ name: 'metrics', port: 9113 }], clientService: undefined });
    expect(findObject(synthValidated(named.chart), 'Service', 'web').spec.ports).toEqual([{ name: 'metrics', port: 9113 }]);
    expect(() => web({}, { servicePorts: [{ name: 'metrics', port: 9113 }] })).toThrow(
      /invalid clientService.ports \[\]: give at least one port \(the headless Service has only the metrics port, which stays off the client Service\)/);
  });

  test('the disruption tolerance is what the budget allows', () => {
    expect(web(undefined).app.disruptionTolerance).toBe(1);
    expect(web(undefined, { replicas: 1 }).app.disruptionTolerance).toBeUndefined();
  });
});

describe('StatefulApp metrics fails on bad input', () => {
  const fails = (metrics: MetricsOptions, message: RegExp, extra: Partial<StatefulAppProps> = {}) =>
    expect(() => web(metrics, extra)).toThrow(message);

  test('fails when no port is named metrics and none is given', () => {
    fails({}, /test\/web: invalid metrics.port \(not set\): no container port is named 'metrics' \(ports: web 8080 \(http\)\); give the port number/,
      { container: { image: 'nginx:1.27', ports: [{ number: 8080, name: 'http' }] } });
  });

  test('fails on a port that no container declares', () => {
    fails({ port: 9999 }, /invalid metrics.port 9999: is not a TCP port of the main container or of a sidecar given at construction \(ports: web 8080 \(http\), web 9113 \(metrics\)\); declare it/);
  });

  test('fails on a port without a name', () => {
    fails({ port: 9100 }, /invalid metrics.port 9100: the port of container web has no name; name it/,
      { container: { image: 'nginx:1.27', ports: [{ number: 9100 }] } });
  });

  test('fails on a port out of range', () => {
    fails({ port: 70000 }, /invalid metrics.port 70000: must be an integer from 1 to 65535/);
  });

  test('fails on a relative path', () => {
    fails({ path: 'metrics' }, /invalid metrics.path "metrics": must be an absolute path/);
  });

  test('fails on a scrape that is not a Scrape', () => {
    fails({ scrape: { kind: 'ServiceMonitor' } as any }, /invalid metrics.scrape \{"kind":"ServiceMonitor"\}: must be Scrape.serviceMonitor\(\), Scrape.podMonitor\(\)/);
  });

  test('fails on a monitor name that is not a DNS subdomain', () => {
    fails({ scrape: Scrape.podMonitor({ name: 'Web Metrics' }) }, /invalid metrics.scrape.name "Web Metrics": must be a DNS subdomain/);
  });

  test('fails on a client Service that carries the metrics port beside a ServiceMonitor (double scrape)', () => {
    fails({ scrape: Scrape.serviceMonitor() }, /invalid clientService.ports "metrics": is the metrics port, which the ServiceMonitor scrapes through the headless Service; on the client Service as well, Prometheus would scrape every pod twice/,
      { clientService: { ports: [{ name: 'metrics', port: 9113 }] } });
  });

  test('fails on a service port that has the metrics port\'s name but another target', () => {
    fails({}, /invalid servicePorts "metrics": is the name of the metrics port 9113, but this Service port targets 8080/,
      { servicePorts: [{ name: 'metrics', port: 8080 }] });
  });

  test('fails on a service port that has the metrics port\'s number under another name', () => {
    fails({}, /invalid servicePorts 9113: Service port stats has the number of the metrics port; name it 'metrics' or leave it out/,
      { servicePorts: [{ name: 'stats', port: 9113 }] });
  });

  test('fails on a prometheus.io annotation given beside Scrape.annotations()', () => {
    fails({ scrape: Scrape.annotations() }, /invalid podAnnotations "prometheus.io\/scrape": is set by metrics.scrape/,
      { podAnnotations: { 'prometheus.io/scrape': 'false' } });
  });

  test.each<[string, object, RegExp]>([
    ['volumeFullPercent 0', { volumeFullPercent: 0 }, /invalid metrics.alerts.volumeFullPercent 0: must be an integer from 1 to 99/],
    ['volumeFullPercent 100', { volumeFullPercent: 100 }, /invalid metrics.alerts.volumeFullPercent 100: must be an integer from 1 to 99/],
    ['restartsPerHour 0', { restartsPerHour: 0 }, /invalid metrics.alerts.restartsPerHour 0: must be an integer >= 1/],
    ['notReadyFor 500ms', { notReadyFor: Duration.millis(500) }, /invalid metrics.alerts.notReadyFor "500 millis": must be a whole number of seconds, at least 1/],
    ['alertLabels severity', { alertLabels: { severity: 'page' } }, /invalid metrics.alerts.alertLabels "severity": is a label every alert of the app sets itself/],
    ['a name that is not a DNS subdomain', { name: 'Rules!' }, /invalid metrics.alerts.name "Rules!": must be a DNS subdomain/],
  ])('fails on alert options: %s', (_name, alerts, message) => {
    fails({ alerts }, message);
  });

  describe('addAlert', () => {
    const rule = { name: 'WebDown', expression: 'up == 0', severity: AlertSeverity.CRITICAL, summary: 's', runbook: 'r' };

    test('fails without metrics.alerts', () => {
      expect(() => web({}).app.addAlert(rule)).toThrow(/invalid metrics.alerts \(not set\): the app has no PrometheusRule: give metrics.alerts/);
    });

    test('fails on a name that is not a metric-style name', () => {
      expect(() => web({ alerts: {} }).app.addAlert({ ...rule, name: 'web down' }))
        .toThrow(/invalid alert name "web down": must be a metric-style name/);
    });

    test('fails on a name the app already has', () => {
      const { app } = web({ alerts: {} });
      app.addAlert(rule);
      expect(() => app.addAlert(rule)).toThrow(/invalid alert name "WebDown": the app already has an alert of this name/);
      expect(() => app.addAlert({ ...rule, name: 'StatefulAppPodNotReady' })).toThrow(/invalid alert name "StatefulAppPodNotReady": the app already has/);
    });

    test('fails on an empty expression, a bad severity and a reserved label', () => {
      const { app } = web({ alerts: {} });
      expect(() => app.addAlert({ ...rule, expression: ' ' })).toThrow(/invalid alert WebDown expression " ": must be a non-empty PromQL expression/);
      expect(() => app.addAlert({ ...rule, severity: 'page' as AlertSeverity }))
        .toThrow(/invalid alert WebDown severity "page": must be one of "critical", "warning", "info"/);
      expect(() => app.addAlert({ ...rule, labels: { statefulset: 'x' } })).toThrow(/invalid alert WebDown labels "statefulset": is set by the app/);
    });
  });

  test('a UDP port of that number is not the metrics port', () => {
    fails({ port: 9113 }, /invalid metrics.port 9113: is not a TCP port/,
      { container: { image: 'x:1', ports: [{ number: 9113, name: 'metrics', protocol: kplus.Protocol.UDP }] } });
  });
});
