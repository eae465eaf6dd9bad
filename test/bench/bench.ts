/**
 * Synthesis benchmark (`npm run bench`).
 *
 * Synthesizes N StatefulApps (headless Service, StatefulSet with one claim template, PDB) and, in the
 * same run, the same objects written as raw cdk8s ApiObjects, and prints the time of each, their ratio
 * and the peak resident memory. Goal at N = 3000: ratio <= 1.3 and peak RSS <= 300 MB.
 *
 * Run each measurement in a fresh child process so that one does not warm up or fill the heap of the
 * other; the peak RSS reported is the larger of the two children's.
 */
import { execFileSync } from 'child_process';
import { App, Chart, Size } from 'cdk8s';
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

function buildRaw(chart: Chart, n: number) {
  for (let i = 0; i < n; i++) {
    const name = `app${i}`;
    const labels = { 'app.kubernetes.io/name': name };
    new k8s.KubeService(chart, `${name}-svc`, {
      metadata: { name, labels },
      spec: { clusterIp: 'None', ports: [{ name: 'web', port: 80 }], selector: labels },
    });
    new k8s.KubeStatefulSet(chart, `${name}-sts`, {
      metadata: { name, labels },
      spec: {
        serviceName: name,
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [{
              name,
              image: 'nginx:1.25',
              ports: [{ name: 'web', containerPort: 80 }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            }],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } } },
        }],
      },
    });
    new k8s.KubePodDisruptionBudget(chart, `${name}-pdb`, {
      metadata: { name: `${name}-pdb`, labels },
      spec: { selector: { matchLabels: labels }, maxUnavailable: k8s.IntOrString.fromNumber(1) },
    });
  }
}

function measure(mode: Mode, n: number) {
  const start = process.hrtime.bigint();
  const app = new App();
  const chart = new Chart(app, 'bench');
  (mode === 'lib' ? buildLib : buildRaw)(chart, n);
  const objects = chart.toJson().length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ mode, n, ms, objects, rssMb }));
}

function child(mode: Mode, n: number): { ms: number; objects: number; rssMb: number } {
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
  const ROUNDS = 3;
  for (const size of [1000, 3000]) {
    const best = (m: Mode) => {
      const runs = Array.from({ length: ROUNDS }, () => child(m, size));
      return { ms: Math.min(...runs.map(r => r.ms)), rssMb: Math.max(...runs.map(r => r.rssMb)), objects: runs[0].objects };
    };
    const raw = best('raw');
    const lib = best('lib');
    if (raw.objects !== lib.objects) {
      throw new Error(`object counts differ: raw ${raw.objects}, StatefulApp ${lib.objects}`);
    }
    const ratio = lib.ms / raw.ms;
    console.log(`N=${size}: raw ApiObjects ${raw.ms.toFixed(0)} ms, StatefulApp ${lib.ms.toFixed(0)} ms, ratio ${ratio.toFixed(2)}, ` +
      `peak RSS ${Math.max(raw.rssMb, lib.rssMb).toFixed(0)} MB (StatefulApp ${lib.rssMb.toFixed(0)} MB), ${lib.objects} objects (best of ${ROUNDS})`);
    if (size === 3000) {
      const ok = ratio <= 1.3 && lib.rssMb <= 300;
      console.log(`goal at N=3000 (ratio <= 1.3, peak RSS <= 300 MB): ${ok ? 'met' : 'NOT met'}`);
      process.exitCode = ok ? 0 : 1;
    }
  }
}

main();
