// The chart shown in README.md. test/readme/readme.test.ts checks that the README shows this code
// and that the YAML in the README is exactly what this chart synthesizes.
import { App, Chart, Size } from 'cdk8s';
import { StatefulApp } from 'cdk8s-stateful';

export function readmeChart(app: App): { chart: Chart; db: StatefulApp } {
  const chart = new Chart(app, 'orders', { namespace: 'shop' });

  const db = new StatefulApp(chart, 'orders-db', {
    replicas: 3,
    container: {
      image: 'registry.example.com/orders-db:2.1',
      ports: [{ number: 5432, name: 'sql' }],
    },
    containerSecurity: { user: 999, group: 999 },
    podSecurity: { fsGroup: 999 },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(20), mountPath: '/var/lib/orders' }],
    clientService: { name: 'orders' },
  });
  return { chart, db };
}
