/**
 * Synthesis benchmark (`npm run bench`).
 *
 * Synthesizes N StatefulApps (headless Service, StatefulSet with one claim template, PDB) and, in the
 * same run, the same objects written as raw cdk8s ApiObjects (checked to be identical), and prints the time of each, their ratio
 * and the peak resident memory. Goal at N = 3000: ratio <= 1.3 and peak RSS <= 300 MB.
 *
 * Each measurement runs in a fresh child process so that one does not warm up or fill the heap of the
 * other; the peak RSS reported is the larger of the two children's. The timed window starts after a
 * one-app warm-up that loads the modules (reported separately), and ends when all objects are
 * synthesized to JSON. The raw and StatefulApp runs alternate, round by round, so that a machine
 * that slows down or speeds up during the benchmark affects both alike; the best time of each counts.
 */
import { execFileSync } from 'child_process';
import { App, Chart, Size, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { StatefulApp } from '../../src';

type Mode = 'lib' | 'raw';

function buildLib(chart: Chart, n: number) {
  for (let i = 0; i < n; i++) {
    new StatefulApp(chart, `app${i}`, {
      replicas: 3,
      container: { image: 'nginx:1.25', ports: [{ number: 80, name: 'web' }] },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data' }],
    });
  }
}

/**
 * A raw StatefulSet whose claim templates carry apiVersion and kind, as the API server stores them
 * (and as StatefulApp writes them): the generated `toJson` drops both, so they are added after it.
 */
class RawStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): any {
    const json = super.toJson();
    json.spec.volumeClaimTemplates = json.spec.volumeClaimTemplates.map((t: any) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t }));
    return json;
  }
}

/**
 * The same objects, written by hand as raw cdk8s ApiObjects (the generated `k8s` classes), field by
 * field: what a user would write without the library. `main` checks that both builders synthesize
 * identical YAML before it measures anything.
 */
function buildRaw(chart: Chart, n: number) {
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

/** Both builders must produce the same manifests, or the comparison means nothing. */
function checkSameOutput() {
  const yaml = (build: (chart: Chart, n: number) => void) => {
    const chart = new Chart(new App(), 'check');
    build(chart, 3);
    return Yaml.stringify(...chart.toJson());
  };
  if (yaml(buildLib) !== yaml(buildRaw)) {
    throw new Error('the raw ApiObjects differ from what StatefulApp synthesizes: fix buildRaw before comparing times');
  }
}

function measure(mode: Mode, n: number) {
  // Warm-up outside the timed window: the first use loads modules lazily (cdk8s-plus-27 loads its
  // submodules on first access), a one-off cost of a few hundred milliseconds per process that is
  // not synthesis work. It is reported separately as warmMs.
  const warmStart = process.hrtime.bigint();
  const warmApp = new App();
  (mode === 'lib' ? buildLib : buildRaw)(new Chart(warmApp, 'warm'), 1);
  const warmMs = Number(process.hrtime.bigint() - warmStart) / 1e6;

  const start = process.hrtime.bigint();
  const app = new App();
  const chart = new Chart(app, 'bench');
  (mode === 'lib' ? buildLib : buildRaw)(chart, n);
  const objects = chart.toJson().length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ mode, n, ms, warmMs, objects, rssMb }));
}

function child(mode: Mode, n: number): { ms: number; warmMs: number; objects: number; rssMb: number } {
  const out = execFileSync(process.execPath, [...process.execArgv, __filename, mode, String(n)], {
    encoding: 'utf-8',
  });
  return JSON.parse(out);
}

function main() {
  const [mode, n] = process.argv.slice(2);
  if (mode) {
    measure(mode as Mode, Number(n));
    return;
  }
  checkSameOutput();
  console.log('StatefulApp and the raw ApiObjects synthesize identical YAML');
  const ROUNDS = 5;
  for (const size of [1000, 3000]) {
    const runs: { [mode in Mode]: Array<ReturnType<typeof child>> } = { raw: [], lib: [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.raw.push(child('raw', size));
      runs.lib.push(child('lib', size));
    }
    const best = (m: Mode) => ({
      ms: Math.min(...runs[m].map(r => r.ms)),
      warmMs: Math.min(...runs[m].map(r => r.warmMs)),
      rssMb: Math.max(...runs[m].map(r => r.rssMb)),
      objects: runs[m][0].objects,
    });
    const raw = best('raw');
    const lib = best('lib');
    if (raw.objects !== lib.objects) {
      throw new Error(`object counts differ: raw ${raw.objects}, StatefulApp ${lib.objects}`);
    }
    const ratio = lib.ms / raw.ms;
    console.log(`N=${size}: raw ApiObjects ${raw.ms.toFixed(0)} ms, StatefulApp ${lib.ms.toFixed(0)} ms, ratio ${ratio.toFixed(2)}, ` +
      `peak RSS ${Math.max(raw.rssMb, lib.rssMb).toFixed(0)} MB (StatefulApp ${lib.rssMb.toFixed(0)} MB), ${lib.objects} objects (best of ${ROUNDS}); ` +
      `first-use module loading, not timed: raw ${raw.warmMs.toFixed(0)} ms, StatefulApp ${lib.warmMs.toFixed(0)} ms`);
    if (size === 3000) {
      const ok = ratio <= 1.3 && lib.rssMb <= 300;
      console.log(`goal at N=3000 (ratio <= 1.3, peak RSS <= 300 MB): ${ok ? 'met' : 'NOT met'}`);
      process.exitCode = ok ? 0 : 1;
    }
  }
}

main();
