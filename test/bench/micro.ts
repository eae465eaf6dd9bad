import { App, Chart, Size } from 'cdk8s';
import { StatefulApp } from '../../src';
function build(chart: Chart, n: number) {
  const apps: any[] = [];
  for (let i = 0; i < n; i++) {
    apps.push(new StatefulApp(chart, `app${i}`, {
      replicas: 3,
      container: { image: 'nginx:1.25', ports: [{ number: 80, name: 'web' }] },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data' }],
    }));
  }
  return apps;
}
const N = 3000;
const R = 10;
const res: Record<string, number[]> = {};
const time = (label: string, f: () => void) => { const t = process.hrtime.bigint(); f(); (res[label] ??= []).push(Number(process.hrtime.bigint() - t) / 1e6); };
for (let r = 0; r < R; r++) {
  let apps: any[] = [];
  time('construct', () => { apps = build(new Chart(new App(), 'c'), N); });
  time('renderSpec', () => { for (const a of apps) a.renderSpec(); });
  time('validateLate', () => { for (const a of apps) a.validateLate(); });
  time('chartValidate', () => { const c = (apps[0].node.scope); for (const v of (c.node as any)._validations) v.validate(); });
}
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(14), 'min', Math.min(...v).toFixed(1), 'median', v.sort((a, b) => a - b)[Math.floor(v.length / 2)].toFixed(1));
