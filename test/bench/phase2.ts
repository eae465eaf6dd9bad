import { App, Chart, Size, Lazy } from 'cdk8s';
import { Node } from 'constructs';
import { StatefulApp } from '../../src';
const dep = require('cdk8s/lib/dependency');
const times: Record<string, number> = {};
function wrap(obj: any, name: string, label: string) {
  const orig = obj[name];
  obj[name] = function (this: any, ...args: any[]) {
    const t = process.hrtime.bigint();
    try { return orig.apply(this, args); } finally { times[label] = (times[label] ?? 0) + Number(process.hrtime.bigint() - t) / 1e6; }
  };
}
function build(chart: Chart, n: number) {
  for (let i = 0; i < n; i++) {
    new StatefulApp(chart, `app${i}`, {
      replicas: 3,
      container: { image: 'nginx:1.25', ports: [{ number: 80, name: 'web' }] },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data' }],
    });
  }
}
build(new Chart(new App(), 'warm'), 1);
wrap(Node.prototype, 'validate', 'validate');
wrap(Lazy.prototype, 'produce', 'lazy');
const OrigDG = dep.DependencyGraph;
dep.DependencyGraph = function (...a: any[]) { const t = process.hrtime.bigint(); const g = new OrigDG(...a); times.depgraph = (times.depgraph ?? 0) + Number(process.hrtime.bigint() - t) / 1e6; return g; };
const t0 = process.hrtime.bigint();
const chart = new Chart(new App(), 'bench');
build(chart, Number(process.env.N ?? 3000));
const t1 = process.hrtime.bigint();
chart.toJson();
const t2 = process.hrtime.bigint();
console.log(JSON.stringify({ build: Number(t1 - t0) / 1e6, synth: Number(t2 - t1) / 1e6, ...times }));
