// The NetworkPolicy chart shown in README.md. test/readme/readme.test.ts checks that the README
// shows this code, that the YAML in the README is the policies this chart synthesizes, and that the
// reachability table is what `cdk8s-stateful plan --markdown` prints for it.
import { App, Chart } from 'cdk8s';
import { PortRole, StatefulApp, ZooKeeperEnsemble } from 'cdk8s-stateful';

export function networkChart(app: App): Chart {
  const chart = new Chart(app, 'streaming', { namespace: 'streaming' });

  const zk = new ZooKeeperEnsemble(chart, 'zk');
  const kafka = new StatefulApp(chart, 'kafka', {
    replicas: 3,
    container: {
      image: 'apache/kafka:3.9.0',
      ports: [{ number: 9092, name: 'broker' }, { number: 9093, name: 'controller' }],
    },
    portRoles: { controller: PortRole.PEER },
  });
  zk.allowClientsFrom(kafka);
  return chart;
}
