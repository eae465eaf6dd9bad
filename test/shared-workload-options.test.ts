import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  CassandraRing, DisruptionBudget, GitOps, NodeSelectorOperator, Scrape, Spreading, StatefulApp, StatefulWorkloadOptions,
  StorageClass, TaintEffect, TopologySpread, UpdateStrategy, ZooKeeperEnsemble,
} from '../src';
import { findObject, freshChart, synthValidated } from './util/synth';

// The options every stateful workload has are one set (StatefulWorkloadOptions), accepted under the
// same names by StatefulApp, ZooKeeperEnsemble and CassandraRing. The same object is given to all
// three, and each rendered field is checked in each.

const SHARED: StatefulWorkloadOptions = {
  name: 'store',
  namespace: 'storage',
  replicas: 3,
  serviceName: 'store-peers',
  containerName: 'store-main',
  labels: { team: 'storage' },
  podAnnotations: { 'example.com/owner': 'storage-team' },
  resources: {
    cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(2) },
    memory: { request: Size.gibibytes(2), limit: Size.gibibytes(4) },
  },
  containerSecurity: { user: 2000, group: 2000 },
  podSecurity: { user: 3000, group: 3000, fsGroup: 3000 },
  storageClass: StorageClass.fromStorageClassName('fast-ssd'),
  disruptionBudget: DisruptionBudget.maxUnavailable(1, { name: 'store-budget' }),
  spreadAcrossNodes: Spreading.NONE,
  topologySpread: [TopologySpread.acrossZones()],
  updateStrategy: UpdateStrategy.rollingUpdate({ partition: 1 }),
  terminationGracePeriod: Duration.minutes(2),
  serviceAccountName: 'store-sa',
  automountServiceAccountToken: true,
  clientService: { type: kplus.ServiceType.NODE_PORT },
  annotations: { 'example.com/team': 'storage' },
  objectMetadata: {
    clientService: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } },
    volumeClaims: { labels: { tier: 'data' } },
  },
  gitOps: GitOps.argoCd(),
  tolerations: [{ key: 'dedicated', value: 'storage', effect: TaintEffect.NO_SCHEDULE }],
  nodeSelector: { 'kubernetes.io/arch': 'amd64' },
  requiredNodeAffinity: [{ matchExpressions: [{ key: 'node.example.com/disk', operator: NodeSelectorOperator.IN, values: ['ssd'] }] }],
  preferredNodeAffinity: [{ weight: 50, matchExpressions: [{ key: 'node.example.com/spot', operator: NodeSelectorOperator.DOES_NOT_EXIST }] }],
  priorityClassName: 'storage-critical',
  createServiceAccount: true,
  metrics: { scrape: Scrape.podMonitor(), alerts: {} },
};

const CONSTRUCTS: Array<[string, (scope: Construct) => void, string]> = [
  ['StatefulApp', scope => new StatefulApp(scope, 'w', {
    ...SHARED,
    container: { image: 'registry.example.com/store:1.0', ports: [{ number: 7000, name: 'peer' }, { number: 9100, name: 'metrics' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data' }],
  }), 'store-client'],
  ['ZooKeeperEnsemble', scope => new ZooKeeperEnsemble(scope, 'w', SHARED), 'store-cs'],
  ['CassandraRing', scope => new CassandraRing(scope, 'w', SHARED), 'store-client'],
];

interface Rendered {
  readonly objects: any[];
  readonly sts: any;
  readonly pod: any;
  readonly container: any;
  readonly clientServiceName: string;
}

function render(create: (scope: Construct) => void, clientServiceName: string): Rendered {
  const chart: Chart = freshChart();
  create(chart);
  const objects = synthValidated(chart);
  const sts = findObject(objects, 'StatefulSet', 'store');
  return { objects, sts, pod: sts.spec.template.spec, container: sts.spec.template.spec.containers[0], clientServiceName };
}

const CHECKS: Array<[keyof StatefulWorkloadOptions, (r: Rendered) => void]> = [
  ['labels', r => {
    for (const o of r.objects) {
      expect({ object: `${o.kind}/${o.metadata.name}`, team: o.metadata.labels?.team })
        .toEqual({ object: `${o.kind}/${o.metadata.name}`, team: 'storage' });
    }
    expect(r.sts.spec.template.metadata.labels.team).toBe('storage');
    // labels are not selectors
    expect(r.sts.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'store' });
  }],
  ['namespace', r => {
    expect(r.objects.map(o => o.metadata.namespace)).toEqual(r.objects.map(() => 'storage'));
  }],
  ['serviceName', r => {
    const headless = findObject(r.objects, 'Service', 'store-peers');
    expect(headless.spec.clusterIP).toBe('None');
    expect(r.sts.spec.serviceName).toBe('store-peers');
  }],
  ['containerName', r => {
    expect(r.container.name).toBe('store-main');
  }],
  ['spreadAcrossNodes', r => {
    // Spreading.NONE: no pod anti-affinity (the node affinity of the other options stays)
    expect(r.pod.affinity.podAntiAffinity).toBeUndefined();
  }],
  ['automountServiceAccountToken', r => {
    expect(r.pod.automountServiceAccountToken).toBe(true);
  }],
  ['podAnnotations', r => {
    expect(r.sts.spec.template.metadata.annotations['example.com/owner']).toBe('storage-team');
  }],
  ['resources', r => {
    expect(r.container.resources).toEqual({ requests: { cpu: '250m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
  }],
  ['containerSecurity', r => {
    expect(r.container.securityContext).toMatchObject({
      runAsUser: 2000, runAsGroup: 2000, runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false,
    });
  }],
  ['podSecurity', r => {
    expect(r.pod.securityContext).toMatchObject({
      runAsUser: 3000, runAsGroup: 3000, fsGroup: 3000, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
  }],
  ['storageClass', r => {
    expect(r.sts.spec.volumeClaimTemplates.map((t: any) => t.spec.storageClassName)).toEqual(['fast-ssd']);
  }],
  ['disruptionBudget', r => {
    const pdb = findObject(r.objects, 'PodDisruptionBudget', 'store-budget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'store' } } });
  }],
  ['topologySpread', r => {
    expect(r.pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'store' } },
    }]);
  }],
  ['updateStrategy', r => {
    expect(r.sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 1 } });
  }],
  ['terminationGracePeriod', r => {
    expect(r.pod.terminationGracePeriodSeconds).toBe(120);
  }],
  ['serviceAccountName', r => {
    expect(r.pod.serviceAccountName).toBe('store-sa');
  }],
  ['clientService', r => {
    const cs = findObject(r.objects, 'Service', r.clientServiceName);
    expect(cs.spec.type).toBe('NodePort');
    expect(cs.spec.selector).toEqual({ 'app.kubernetes.io/name': 'store' });
  }],
  ['tolerations', r => {
    expect(r.pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'storage', effect: 'NoSchedule' }]);
  }],
  ['nodeSelector', r => {
    expect(r.pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
  }],
  ['requiredNodeAffinity', r => {
    expect(r.pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.example.com/disk', operator: 'In', values: ['ssd'] }] }],
    });
  }],
  ['preferredNodeAffinity', r => {
    expect(r.pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 50, preference: { matchExpressions: [{ key: 'node.example.com/spot', operator: 'DoesNotExist' }] } },
    ]);
  }],
  ['priorityClassName', r => {
    expect(r.pod.priorityClassName).toBe('storage-critical');
  }],
  ['createServiceAccount', r => {
    const sa = findObject(r.objects, 'ServiceAccount', 'store-sa');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(r.objects.filter(o => o.kind === 'ServiceAccount')).toHaveLength(1);
  }],
  ['replicas', r => {
    expect(r.sts.spec.replicas).toBe(3);
  }],
  ['annotations', r => {
    for (const o of r.objects) {
      expect({ object: `${o.kind}/${o.metadata.name}`, team: o.metadata.annotations?.['example.com/team'] })
        .toEqual({ object: `${o.kind}/${o.metadata.name}`, team: 'storage' });
    }
    // not the pods, not the claim templates
    expect(r.sts.spec.template.metadata.annotations['example.com/team']).toBeUndefined();
    expect(r.sts.spec.volumeClaimTemplates[0].metadata.annotations['example.com/team']).toBeUndefined();
  }],
  ['objectMetadata', r => {
    const cs = findObject(r.objects, 'Service', r.clientServiceName);
    expect(cs.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('nlb');
    expect(findObject(r.objects, 'Service', 'store-peers').metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBeUndefined();
    expect(r.sts.spec.volumeClaimTemplates[0].metadata.labels).toEqual({ tier: 'data' });
  }],
  ['gitOps', r => {
    const wave = (o: any) => o.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect(r.objects.map(o => [o.kind, wave(o)])).toEqual(r.objects.map(o => [o.kind, {
      Service: '-1', ConfigMap: '-1', StatefulSet: '0', PodDisruptionBudget: '1',
    }[o.kind as string]]));
    expect(r.sts.spec.volumeClaimTemplates[0].metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
  }],
  ['metrics', r => {
    const port = r.container.ports.find((p: any) => p.name === 'metrics');
    expect(port).toBeDefined();
    expect(findObject(r.objects, 'Service', 'store-peers').spec.ports).toContainEqual({ name: 'metrics', port: port.containerPort });
    expect(findObject(r.objects, 'PodMonitor', 'store').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'store' } },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }],
    });
    const rule = findObject(r.objects, 'PrometheusRule', 'store-alerts');
    expect(rule.spec.groups[0].rules.map((a: any) => a.labels.statefulset)).toEqual(rule.spec.groups[0].rules.map(() => 'store'));
  }],
];

describe('the shared workload options reach StatefulApp, ZooKeeperEnsemble and CassandraRing alike', () => {
  const rendered = new Map(CONSTRUCTS.map(([kind, create, cs]) => [kind, render(create, cs)]));

  test.each(CONSTRUCTS.flatMap(([kind]) => CHECKS.map(([option, check]) => [kind, option, check] as const)))(
    '%s renders %s', (kind, _option, check) => {
      check(rendered.get(kind)!);
    });

  test('the table checks every option given', () => {
    expect(CHECKS.map(([option]) => option).sort()).toEqual(Object.keys(SHARED).filter(k => k !== 'name').sort());
  });
});
