import { ZooKeeperEnsemble, ZooKeeperEnsembleProps, ZooKeeperImage, Scrape } from '../src';
import { findObject, freshChart, synthValidated, toYaml } from './util/synth';

// ZooKeeperEnsemble's metrics: ZooKeeper's Prometheus metrics provider, the port on the pods and
// the headless Service, and the ensemble's alerts. promtool runs the alerts in test/promtool/.

function ensemble(props: ZooKeeperEnsembleProps) {
  const chart = freshChart();
  const zk = new ZooKeeperEnsemble(chart, 'zk', props);
  return { chart, zk };
}

const PROVIDER = 'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';

describe('ZooKeeperEnsemble metrics defaults', () => {
  test('without metrics, zoo.cfg has no metrics provider and the pods no metrics port', () => {
    const { chart, zk } = ensemble({});
    const objects = synthValidated(chart);
    expect(zk.metricsPort).toBeUndefined();
    expect(zk.zooCfg).not.toContain('metricsProvider');
    expect(findObject(objects, 'StatefulSet').spec.template.spec.containers[0].ports.map((p: any) => p.name))
      .toEqual(['client', 'server', 'leader-election']);
  });

  test('metrics: {} turns on the provider on port 7000, on the pods and the headless Service, not the client Service', () => {
    const { chart, zk } = ensemble({ metrics: {} });
    const objects = synthValidated(chart);
    expect(zk.metricsPort).toBe(7000);
    expect(zk.app.metricsPort).toBe(7000);
    expect(zk.zooCfg).toContain(`\n${PROVIDER}\nmetricsProvider.httpPort=7000\n`);
    expect(findObject(objects, 'ConfigMap').data['zoo.cfg']).toBe(zk.zooCfg);
    expect(findObject(objects, 'StatefulSet').spec.template.spec.containers[0].ports).toContainEqual({ containerPort: 7000, name: 'metrics' });
    expect(findObject(objects, 'Service', 'zk-hs').spec.ports).toEqual([
      { name: 'server', port: 2888 }, { name: 'leader-election', port: 3888 }, { name: 'metrics', port: 7000 },
    ]);
    expect(findObject(objects, 'Service', 'zk-cs').spec.ports).toEqual([{ name: 'client', port: 2181 }]);
    expect(objects.filter(o => o.kind.endsWith('Monitor') || o.kind === 'PrometheusRule')).toEqual([]);
  });

  test('alerts: {} gives the ensemble\'s alerts first, with a quorum of 2 for 3 servers', () => {
    const { chart } = ensemble({ metrics: { alerts: {} } });
    const rule = findObject(synthValidated(chart), 'PrometheusRule', 'zk-alerts');
    const alerts = rule.spec.groups[0].rules;
    expect(alerts.map((a: any) => [a.alert, a.labels.severity, a.for])).toEqual([
      ['ZooKeeperBelowQuorum', 'critical', '1m'],
      ['ZooKeeperNoLeader', 'critical', '2m'],
      ['ZooKeeperOutstandingRequestsHigh', 'warning', '10m'],
      ['ZooKeeperLatencyHigh', 'warning', '10m'],
      ['ZooKeeperPodNotReady', 'warning', '15m'],
      ['ZooKeeperVolumeNearlyFull', 'warning', '5m'],
      ['ZooKeeperPodRestarting', 'warning', undefined],
    ]);
    expect(alerts[0].expr).toBe('(count(max by (pod) (up{namespace="default", pod=~"zk-0|zk-1|zk-2"}) == 1) or vector(0)) < 2');
    expect(alerts[0].annotations.summary).toBe('Only {{ $value }} of the 3 servers of ZooKeeper ensemble zk (namespace default) are up; a quorum needs 2.');
    expect(alerts[0].annotations.runbook).toContain('Do not delete their claims (datadir-zk-0, datadir-zk-1, datadir-zk-2)');
    expect(alerts[1].expr).toBe('(count(leader_uptime{namespace="default", pod=~"zk-0|zk-1|zk-2"} > 0) or vector(0)) < 1');
    expect(alerts[2].expr).toBe('outstanding_requests{namespace="default", pod=~"zk-0|zk-1|zk-2"} > 10');
    expect(alerts[3].expr).toBe('avg_latency{namespace="default", pod=~"zk-0|zk-1|zk-2"} > 100');
    expect(alerts[4].annotations.summary).toBe('Server {{ $labels.pod }} of ZooKeeper ensemble zk (namespace default) has not been ready for 15m.');
  });

  test.each([[1, 1], [3, 2], [5, 3], [7, 4]])('the quorum alert of %i server(s) needs %i', (replicas, quorum) => {
    const { chart } = ensemble({ replicas, metrics: { alerts: {} } });
    const alert = findObject(synthValidated(chart), 'PrometheusRule').spec.groups[0].rules[0];
    expect(alert.alert).toBe('ZooKeeperBelowQuorum');
    expect(alert.expr).toMatch(new RegExp(`\\) < ${quorum}$`));
    expect(alert.annotations.summary).toContain(`of the ${replicas} servers`);
  });
});

describe('ZooKeeperEnsemble metrics customised', () => {
  test('a port, a PodMonitor, a namespace and selector labels of its own', () => {
    const chart = freshChart({ namespace: 'coord' });
    const zk = new ZooKeeperEnsemble(chart, 'zk', {
      replicas: 5,
      selectorLabels: { app: 'zk' },
      metrics: { port: 7070, scrape: Scrape.podMonitor({ labels: { release: 'prom' } }), alerts: { alertLabels: { team: 'platform' } } },
    });
    const objects = synthValidated(chart);
    expect(zk.zooCfg).toContain('metricsProvider.httpPort=7070\n');
    expect(findObject(objects, 'PodMonitor', 'zk')).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'zk', namespace: 'coord', labels: { release: 'prom', app: 'zk' } },
      spec: { selector: { matchLabels: { app: 'zk' } }, podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }] },
    });
    const alerts = findObject(objects, 'PrometheusRule', 'zk-alerts').spec.groups[0].rules;
    expect(alerts[0].expr).toBe('(count(max by (pod) (up{namespace="coord", pod=~"zk-0|zk-1|zk-2|zk-3|zk-4"}) == 1) or vector(0)) < 3');
    expect(alerts[0].labels).toEqual({ team: 'platform', namespace: 'coord', statefulset: 'zk', severity: 'critical' });
    expect(alerts[0].annotations.runbook).toContain('kubectl -n coord get pods -l app=zk');
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('a standalone server has no leader alert', () => {
    const { chart } = ensemble({ replicas: 1, metrics: { alerts: {} } });
    const names = findObject(synthValidated(chart), 'PrometheusRule').spec.groups[0].rules.map((a: any) => a.alert);
    expect(names).not.toContain('ZooKeeperNoLeader');
    expect(names[0]).toBe('ZooKeeperBelowQuorum');
  });
});

describe('ZooKeeperEnsemble metrics fails on bad input', () => {
  test('fails with the tutorial image, which has no metrics provider', () => {
    expect(() => ensemble({ image: ZooKeeperImage.kubernetesZookeeper(), metrics: {} })).toThrow(
      /test\/zk: invalid metrics \{\}: the tutorial image runs ZooKeeper 3.4.10, which has no Prometheus metrics provider \(ZooKeeper has one from 3.6 on\); use ZooKeeperImage.official\(\)/);
  });

  test('fails on a metrics port that collides with another port', () => {
    expect(() => ensemble({ metrics: { port: 2181 } })).toThrow(
      /test\/zk: invalid metrics.port 2181: collides with clientPort \(2181\): the metrics provider needs a port of its own/);
    expect(() => ensemble({ electionPort: 7000, metrics: {} })).toThrow(/invalid metrics.port 7000: collides with electionPort \(7000\)/);
  });

  test('fails on a metrics port out of range', () => {
    expect(() => ensemble({ metrics: { port: 0 } })).toThrow(/invalid metrics.port 0: must be an integer from 1 to 65535/);
  });

  test('fails on a path other than /metrics', () => {
    expect(() => ensemble({ metrics: { path: '/prom' } })).toThrow(/invalid metrics.path "\/prom": ZooKeeper's metrics provider serves \/metrics only/);
  });

  test('errors of the inner app are reported under the ensemble\'s path', () => {
    expect(() => ensemble({ metrics: { alerts: { volumeFullPercent: 100 } } }))
      .toThrow(/^test\/zk: invalid metrics.alerts.volumeFullPercent 100: must be an integer from 1 to 99$/);
  });
});
