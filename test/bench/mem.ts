import { App, Chart, Size } from 'cdk8s';
import { StatefulApp } from '../../src';
const g = (global as any).gc;
g(); const before = process.memoryUsage().heapUsed;
const chart = new Chart(new App(), 'c');
for (let i = 0; i < 3000; i++) {
  new StatefulApp(chart, `app${i}`, {
    replicas: 3,
    container: { image: 'nginx:1.25', ports: [{ number: 80, name: 'web' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data' }],
  });
}
g(); const built = process.memoryUsage().heapUsed;
const json = chart.toJson();
g(); const after = process.memoryUsage().heapUsed;
console.log(`built +${((built - before) / 1e6).toFixed(1)} MB (${((built - before) / 3000 / 1024).toFixed(1)} KiB/app), after synth +${((after - before) / 1e6).toFixed(1)} MB`, json.length);
