// The chart of README.md's walk-through "Growing a volume through Git", at each of its steps.
// test/readme/readme.test.ts checks that the README shows this code and the real `plan --against`
// output of each step.
import { App, Chart, Size } from 'cdk8s';
import { GitOps, StatefulApp, StorageClass, VolumeClaimProps } from 'cdk8s-stateful';

/** The steps of the walk-through: deployed at 10Gi, grown to 50Gi with expandTo, template raised to 50Gi. */
export type GrowStep = 'deployed' | 'expanded' | 'raised';

export function growChart(app: App, step: GrowStep): Chart {
  const chart = new Chart(app, 'orders', { namespace: 'shop' });
  const ssd = new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com', allowVolumeExpansion: true });

  const claims: { [step: string]: VolumeClaimProps } = {
    deployed: { name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/orders', storageClass: ssd },
    expanded: { name: 'data', size: Size.gibibytes(10), expandTo: Size.gibibytes(50), mountPath: '/var/lib/orders', storageClass: ssd },
    raised: { name: 'data', size: Size.gibibytes(50), mountPath: '/var/lib/orders', storageClass: ssd },
  };

  new StatefulApp(chart, 'orders-db', {
    replicas: 3,
    container: { image: 'registry.example.com/orders-db:2.1', ports: [{ number: 5432, name: 'sql' }] },
    containerSecurity: { user: 999, group: 999 },
    podSecurity: { fsGroup: 999 },
    gitOps: GitOps.argoCd(),
    volumeClaims: [claims[step]],
  });
  return chart;
}
