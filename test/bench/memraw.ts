import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
class RawStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): any {
    const json = super.toJson();
    json.spec.volumeClaimTemplates = json.spec.volumeClaimTemplates.map((t: any) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t }));
    return json;
  }
}

/** x, written by hand as raw cdk8s ApiObjects (the generated `k8s` classes), field by
 * field: what a user would write without the library. `main` checks that both builders synthesize
 * identical YAML before it measures anything.
 */
export function buildRaw(chart: Chart, n: number) {
  const q = (v: string) => k8s.Quantity.fromString(v);
  for (let i = 0; i < n; i++) {
    const name = `app${i}`;
    const labels = { 'app.kubernetes.io/name': name };
    new k8s.KubeService(chart, `${name}-svc`, {
      metadata: { name, labels },
      spec: { clusterIp: 'None', ports: [{ name: 'web', port: 80 }], selector: labels },
    });
    new RawStatefulSet(chart, `${name}-sts`, {
      metadata: { name, labels },
      spec: {
        serviceName: name,
        replicas: 3,
        selector: { matchLabels: labels },
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [{
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [name] }] },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                }],
              },
            },
            containers: [{
              name,
              image: 'nginx:1.25',
              ports: [{ name: 'web', containerPort: 80 }],
              resources: {
                requests: { cpu: q('100m'), memory: q('256Mi') },
                limits: { cpu: q('1'), memory: q('512Mi') },
              },
              readinessProbe: { failureThreshold: 3, tcpSocket: { port: k8s.IntOrString.fromNumber(80) } },
              livenessProbe: { failureThreshold: 6, initialDelaySeconds: 30, tcpSocket: { port: k8s.IntOrString.fromNumber(80) } },
              securityContext: {
                runAsNonRoot: true,
                privileged: false,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            }],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: q('1Gi') } }, volumeMode: 'Filesystem' },
        }],
      },
    });
    new k8s.KubePodDisruptionBudget(chart, `${name}-pdb`, {
      metadata: { name: `${name}-pdb`, labels },
      spec: { selector: { matchLabels: labels }, maxUnavailable: k8s.IntOrString.fromNumber(1) },
    });
  }
}


const g = (global as any).gc;
g(); const before = process.memoryUsage().heapUsed;
const chart = new Chart(new App(), 'c');
buildRaw(chart, 3000);
g(); const built = process.memoryUsage().heapUsed;
const json = chart.toJson();
g(); const after = process.memoryUsage().heapUsed;
console.log(`raw built +${((built - before) / 1e6).toFixed(1)} MB (${((built - before) / 3000 / 1024).toFixed(1)} KiB/app), after synth +${((after - before) / 1e6).toFixed(1)} MB`, json.length);
