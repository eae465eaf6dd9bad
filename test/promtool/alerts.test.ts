/**
 * The generated PrometheusRules, checked and unit-tested by Prometheus's own promtool:
 * `promtool check rules` on every rule file the library generates in these tests and in the
 * examples, and `promtool test rules` on synthetic series: the quorum alert of ZooKeeper ensembles
 * of 3, 5 and 7 servers fires below the quorum and not at it; the Cassandra alerts follow the
 * disruption budget; the alerts every app gets fire on the app's own pods and claims only.
 *
 * Needs promtool (Debian package `prometheus`; .ci/run installs it). Without it the tests fail
 * with the install command; they never skip.
 */
import { Duration, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { addExamples } from '../../examples/examples';
import {
  AlertSeverity, CassandraRing, CassandraRingProps, DisruptionBudget, Scrape, StatefulApp, ZooKeeperEnsemble, ZooKeeperEnsembleProps,
} from '../../src';
import {
  checkRules, expandAnnotations, ExpectedAlert, InputSeries, promtool, removeDirectory, ruleDirectory, RuleTestCase, testRules, writeRuleFile,
} from '../util/promtool';
import { findObject, freshChart, synthValidated } from '../util/synth';

jest.setTimeout(60_000);

const dir = ruleDirectory();
afterAll(() => removeDirectory(dir));

/** The one PrometheusRule of a chart built by `build`, validated with every other object. */
function ruleOf(build: (scope: Construct) => void): any {
  const chart = freshChart();
  build(chart);
  const objects = synthValidated(chart);
  return findObject(objects, 'PrometheusRule');
}

function zooKeeperRule(props: ZooKeeperEnsembleProps): any {
  return ruleOf(scope => new ZooKeeperEnsemble(scope, 'zk', { ...props, metrics: { scrape: Scrape.podMonitor(), alerts: {} } }));
}

function cassandraRule(props: CassandraRingProps): any {
  return ruleOf(scope => new CassandraRing(scope, 'cass', { ...props, metrics: { scrape: Scrape.serviceMonitor(), alerts: {} } }));
}

function webRule(alerts = {}): any {
  return ruleOf(scope => {
    const app = new StatefulApp(scope, 'web', {
      replicas: 2,
      container: { image: 'registry.example.com/web:1.0', ports: [{ number: 8080, name: 'http' }, { number: 9113, name: 'metrics' }] },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data' }],
      metrics: { scrape: Scrape.annotations(), alerts },
    });
    app.addAlert({
      name: 'WebErrorsHigh',
      expression: 'sum(rate(http_requests_total{namespace="default", pod=~"web-0|web-1", code=~"5.."}[5m])) > 1',
      severity: AlertSeverity.WARNING,
      summary: 'web answers with errors.',
      runbook: 'See the logs of web-0 and web-1.',
    });
  });
}

function alertRule(rule: any, name: string): any {
  const found = rule.spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === name);
  if (!found) throw new Error(`no alert ${name} in ${rule.metadata.name}`);
  return found;
}

function alertNames(rule: any): string[] {
  return rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
}

/** An expected alert of `rule`: its labels (the series' and the rule's), and its texts expanded with `value`. */
function expected(rule: any, value: number, seriesLabels: { [key: string]: string } = {}): ExpectedAlert {
  const labels = { ...seriesLabels, ...rule.labels };
  return { exp_labels: labels, exp_annotations: expandAnnotations(rule, value, labels) };
}

/** `up` of pods `<name>-0 … <name>-(n-1)` in namespace default: the first `upCount` up, the rest down (or gone). */
function upSeries(name: string, n: number, upCount: number, downPods: 'down' | 'gone'): InputSeries[] {
  const series: InputSeries[] = [];
  for (let i = 0; i < n; i++) {
    if (i < upCount) {
      series.push({ series: `up{namespace="default", pod="${name}-${i}", job="${name}"}`, values: '1x10' });
    } else if (downPods === 'down') {
      series.push({ series: `up{namespace="default", pod="${name}-${i}", job="${name}"}`, values: '0x10' });
    }
  }
  // Targets that are not the app's pods never count: another namespace, and a pod whose name
  // only starts like the app's pods.
  series.push({ series: `up{namespace="other", pod="${name}-0", job="${name}"}`, values: '1x10' });
  series.push({ series: `up{namespace="default", pod="${name}-${n}0", job="${name}"}`, values: '1x10' });
  return series;
}

function expectPass(result: { status: number; output: string }): void {
  expect({ status: result.status, output: result.output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
}

describe('promtool check rules', () => {
  test('promtool is installed and runs', () => {
    const { status, output } = promtool(['--version'], dir);
    expect(status).toBe(0);
    expect(output).toMatch(/promtool, version \d+\.\d+/);
  });

  test.each([1, 3, 5, 7])('the rules of a ZooKeeper ensemble of %i server(s)', replicas => {
    const rule = zooKeeperRule({ replicas });
    expect(checkRules(dir, writeRuleFile(dir, rule, `zk-${replicas}.rules.yaml`))).toMatch(/SUCCESS: \d+ rules found/);
  });

  test.each([1, 3, 5])('the rules of a Cassandra ring of %i node(s)', replicas => {
    const rule = cassandraRule({ replicas });
    expect(checkRules(dir, writeRuleFile(dir, rule, `cass-${replicas}.rules.yaml`))).toMatch(/SUCCESS: \d+ rules found/);
  });

  test('the rules of a StatefulApp with an alert of its own', () => {
    const rule = webRule({ alertLabels: { team: 'web' } });
    expect(checkRules(dir, writeRuleFile(dir, rule))).toContain('SUCCESS: 4 rules found');
  });

  test('the rules of every example', () => {
    const app = Testing.app();
    const rules = addExamples(app).flatMap(chart => Testing.synth(chart).filter(o => o.kind === 'PrometheusRule')
      .map(rule => ({ chart: chart.node.id, rule })));
    expect(rules.map(r => r.chart)).toEqual(expect.arrayContaining(['zookeeper-monitoring', 'cassandra-monitoring']));
    for (const { chart, rule } of rules) {
      expect(checkRules(dir, writeRuleFile(dir, rule, `example-${chart}-${rule.metadata.name}.rules.yaml`))).toMatch(/SUCCESS/);
    }
  });

  test('a broken rule file is reported (the check can fail)', () => {
    const rule = zooKeeperRule({});
    const broken = JSON.parse(JSON.stringify(rule));
    broken.spec.groups[0].rules[0].expr = 'count(up{namespace="default"} <';
    const file = writeRuleFile(dir, broken, 'broken.rules.yaml');
    expect(() => checkRules(dir, file)).toThrow(/promtool check rules broken.rules.yaml failed[\s\S]*parse error/);
  });
});

describe('ZooKeeperBelowQuorum: the quorum is computed from the number of servers', () => {
  // [servers, quorum]: a majority, written out here rather than computed.
  const ensembles: Array<[number, number]> = [[3, 2], [5, 3], [7, 4]];

  test.each(ensembles)('%i servers: quorum %i', (servers, quorum) => {
    const rule = zooKeeperRule({ replicas: servers });
    const file = writeRuleFile(dir, rule, `zk-quorum-${servers}.rules.yaml`);
    const alert = alertRule(rule, 'ZooKeeperBelowQuorum');
    expect(alert.labels).toEqual({ namespace: 'default', statefulset: 'zk', severity: 'critical' });
    const cases: RuleTestCase[] = [];
    for (let up = servers; up >= 0; up--) {
      for (const downPods of ['down', 'gone'] as const) {
        cases.push({
          name: `${servers} servers, ${up} up, the others ${downPods}`,
          series: upSeries('zk', servers, up, downPods),
          evalTime: '5m',
          alerts: { ZooKeeperBelowQuorum: up < quorum ? [expected(alert, up)] : [] },
        });
      }
    }
    expectPass(testRules(dir, file, cases));
    // What the issue asks for in so many words, for each size.
    expect(cases.filter(c => c.alerts.ZooKeeperBelowQuorum.length > 0).map(c => c.name)).toContain(`${servers} servers, ${quorum - 1} up, the others down`);
    expect(cases.filter(c => c.alerts.ZooKeeperBelowQuorum.length === 0).map(c => c.name)).toContain(`${servers} servers, ${quorum} up, the others down`);
  });

  test('the test fails when the expected alert is wrong (promtool test rules can fail)', () => {
    const rule = zooKeeperRule({ replicas: 3 });
    const file = writeRuleFile(dir, rule, 'zk-wrong.rules.yaml');
    const result = testRules(dir, file, [{
      name: '3 servers, 2 up, wrongly expected to fire',
      series: upSeries('zk', 3, 2, 'down'),
      evalTime: '5m',
      alerts: { ZooKeeperBelowQuorum: [expected(alertRule(rule, 'ZooKeeperBelowQuorum'), 2)] },
    }]);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/FAILED/);
  });

  test('a standalone server: the alert fires when it is down, and there is no leader alert', () => {
    const rule = zooKeeperRule({ replicas: 1 });
    expect(alertNames(rule)).not.toContain('ZooKeeperNoLeader');
    const alert = alertRule(rule, 'ZooKeeperBelowQuorum');
    expectPass(testRules(dir, writeRuleFile(dir, rule, 'zk-standalone.rules.yaml'), [
      { name: 'up', series: upSeries('zk', 1, 1, 'down'), evalTime: '5m', alerts: { ZooKeeperBelowQuorum: [] } },
      { name: 'down', series: upSeries('zk', 1, 0, 'down'), evalTime: '5m', alerts: { ZooKeeperBelowQuorum: [expected(alert, 0)] } },
    ]));
  });
});

describe('ZooKeeper server alerts', () => {
  const rule = zooKeeperRule({ replicas: 3 });
  const file = writeRuleFile(dir, rule, 'zk-servers.rules.yaml');

  test('ZooKeeperNoLeader fires when no server of the ensemble reports leader_uptime', () => {
    const alert = alertRule(rule, 'ZooKeeperNoLeader');
    const leader = (pod: string, ns = 'default') => ({ series: `leader_uptime{namespace="${ns}", pod="${pod}"}`, values: '60000+60000x10' });
    expectPass(testRules(dir, file, [
      { name: 'zk-1 leads', series: [leader('zk-1')], evalTime: '5m', alerts: { ZooKeeperNoLeader: [] } },
      { name: 'no leader metric at all', series: [], evalTime: '5m', alerts: { ZooKeeperNoLeader: [expected(alert, 0)] } },
      {
        name: 'only another namespace\'s zk-1 leads',
        series: [leader('zk-1', 'other')],
        evalTime: '5m',
        alerts: { ZooKeeperNoLeader: [expected(alert, 0)] },
      },
    ]));
  });

  test('outstanding requests and latency above their thresholds fire per server', () => {
    const outstanding = alertRule(rule, 'ZooKeeperOutstandingRequestsHigh');
    const latency = alertRule(rule, 'ZooKeeperLatencyHigh');
    const labels = { namespace: 'default', pod: 'zk-2' };
    expectPass(testRules(dir, file, [{
      name: 'zk-2 is slow, zk-0 is fine',
      series: [
        { series: 'outstanding_requests{namespace="default", pod="zk-2"}', values: '50x20' },
        { series: 'outstanding_requests{namespace="default", pod="zk-0"}', values: '3x20' },
        { series: 'avg_latency{namespace="default", pod="zk-2"}', values: '250x20' },
        { series: 'avg_latency{namespace="default", pod="zk-0"}', values: '2x20' },
      ],
      evalTime: '15m',
      alerts: {
        ZooKeeperOutstandingRequestsHigh: [expected(outstanding, 50, labels)],
        ZooKeeperLatencyHigh: [expected(latency, 250, labels)],
      },
    }]));
  });
});

describe('Cassandra alerts follow the disruption budget', () => {
  test.each<[number, string, DisruptionBudget | undefined, number]>([
    [3, 'the default budget (maxUnavailable 1)', undefined, 1],
    [5, 'maxUnavailable 2', DisruptionBudget.maxUnavailable(2), 2],
    [5, 'minAvailable 4', DisruptionBudget.minAvailable(4), 1],
  ])('%i nodes, %s', (nodes, _budgetName, budget, tolerance) => {
    const rule = cassandraRule({ replicas: nodes, disruptionBudget: budget });
    const down = alertRule(rule, 'CassandraNodeDown');
    const beyond = alertRule(rule, 'CassandraNodesDownBeyondBudget');
    const cases: RuleTestCase[] = [];
    for (let up = nodes; up >= 0; up--) {
      cases.push({
        name: `${nodes} nodes, ${up} up`,
        series: upSeries('cass', nodes, up, 'down'),
        evalTime: '10m',
        alerts: {
          CassandraNodeDown: up < nodes ? [expected(down, up)] : [],
          CassandraNodesDownBeyondBudget: nodes - up > tolerance ? [expected(beyond, up)] : [],
        },
      });
    }
    expectPass(testRules(dir, writeRuleFile(dir, rule, `cass-budget-${nodes}-${tolerance}.rules.yaml`), cases));
    expect(beyond.annotations.summary).toContain(`more than the ${tolerance} the disruption budget allows`);
  });

  test('without a budget there is no budget alert', () => {
    const rule = cassandraRule({ replicas: 3, disruptionBudget: DisruptionBudget.none() });
    expect(alertNames(rule)).toEqual(['CassandraNodeDown', 'CassandraPodNotReady', 'CassandraVolumeNearlyFull', 'CassandraPodRestarting']);
  });
});

describe('the alerts every app gets, on its own pods and claims', () => {
  test('pod not ready for long, volume nearly full, restarts; and an alert of the app\'s own', () => {
    const rule = webRule();
    expect(alertNames(rule)).toEqual(['WebErrorsHigh', 'StatefulAppPodNotReady', 'StatefulAppVolumeNearlyFull', 'StatefulAppPodRestarting']);
    const notReady = alertRule(rule, 'StatefulAppPodNotReady');
    const full = alertRule(rule, 'StatefulAppVolumeNearlyFull');
    const restarting = alertRule(rule, 'StatefulAppPodRestarting');
    const ready = (pod: string, condition: string, values: string, ns = 'default') =>
      ({ series: `kube_pod_status_ready{namespace="${ns}", pod="${pod}", condition="${condition}"}`, values });
    const volume = (claim: string, available: number, ns = 'default') => [
      { series: `kubelet_volume_stats_available_bytes{namespace="${ns}", persistentvolumeclaim="${claim}"}`, values: `${available}x30` },
      { series: `kubelet_volume_stats_capacity_bytes{namespace="${ns}", persistentvolumeclaim="${claim}"}`, values: '100x30' },
    ];
    const restarts = (pod: string, values: string) =>
      ({ series: `kube_pod_container_status_restarts_total{namespace="default", pod="${pod}", container="web"}`, values });
    const series = [
      ready('web-0', 'true', '0x30'), ready('web-0', 'false', '1x30'),
      ready('web-1', 'true', '1x30'), ready('web-1', 'false', '0x30'),
      // not the app's: another namespace, another app
      ready('web-1', 'true', '0x30', 'other'), ready('webapp-0', 'true', '0x30'),
      ...volume('data-web-0', 10), ...volume('data-web-1', 50), ...volume('data-web-1', 1, 'other'), ...volume('data-webapp-0', 1),
      restarts('web-1', '0x10 4x20'), restarts('web-0', '0x10 1x20'),
    ];
    expectPass(testRules(dir, writeRuleFile(dir, rule), [
      {
        name: 'not yet long enough',
        series,
        evalTime: '10m',
        alerts: { StatefulAppPodNotReady: [] },
      },
      {
        name: 'web-0 not ready for 20 minutes, data-web-0 90% full, web-1 restarted 4 times',
        series,
        evalTime: '30m',
        alerts: {
          StatefulAppPodNotReady: [expected(notReady, 0, { namespace: 'default', pod: 'web-0' })],
          StatefulAppVolumeNearlyFull: [expected(full, 90, { namespace: 'default', persistentvolumeclaim: 'data-web-0' })],
          StatefulAppPodRestarting: [expected(restarting, 4, { namespace: 'default', pod: 'web-1', container: 'web' })],
        },
      },
    ]));
    expect(notReady.annotations.runbook).toContain('kubectl -n default get pvc data-web-0 data-web-1');
  });

  test('the thresholds of metrics.alerts are used', () => {
    const rule = webRule({ volumeFullPercent: 95, restartsPerHour: 10, notReadyFor: Duration.minutes(5) });
    expect(alertRule(rule, 'StatefulAppPodNotReady').for).toBe('5m');
    const volume = [
      { series: 'kubelet_volume_stats_available_bytes{namespace="default", persistentvolumeclaim="data-web-0"}', values: '10x30' },
      { series: 'kubelet_volume_stats_capacity_bytes{namespace="default", persistentvolumeclaim="data-web-0"}', values: '100x30' },
    ];
    expectPass(testRules(dir, writeRuleFile(dir, rule, 'web-thresholds.rules.yaml'), [{
      name: '90% full is below 95%; 4 restarts are below 10',
      series: [
        ...volume,
        { series: 'kube_pod_container_status_restarts_total{namespace="default", pod="web-1", container="web"}', values: '0x10 4x20' },
      ],
      evalTime: '30m',
      alerts: { StatefulAppVolumeNearlyFull: [], StatefulAppPodRestarting: [] },
    }]));
  });
});
