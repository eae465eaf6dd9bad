/**
 * Synthesis helpers for tests.
 */
import { Chart, ChartProps, Size, Testing, Yaml } from 'cdk8s';
import { validateManifests } from './schema';
import { StatefulApp, StatefulAppProps } from '../../src';

/** A new, empty chart (id `test`) in its own `Testing.app()`. */
export function freshChart(props?: ChartProps): Chart {
  return new Chart(Testing.app(), 'test', props);
}

/** The image of the test app `db`. */
export const DB_IMAGE = 'registry.example.com/db:1.0';

/**
 * A StatefulApp `db` in a fresh chart: one container port 5432 (`sql`) and a 10Gi claim `data`
 * mounted at /var/lib/db, with `extra` props on top.
 */
export function dbApp(extra: Partial<StatefulAppProps> = {}): { chart: Chart; app: StatefulApp } {
  const chart = freshChart();
  const app = new StatefulApp(chart, 'db', {
    container: { image: DB_IMAGE, ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db' }],
    ...extra,
  });
  return { chart, app };
}

/**
 * The Kubernetes objects of a chart, as plain JSON. This runs the app's validations
 * (`Node.of(...).addValidation`), so invalid input throws here, as it would in `cdk8s synth`.
 */
export function synthObjects(chart: Chart): any[] {
  return Testing.synth(chart);
}

/** The objects of a chart (see `synthObjects`), each validated against the Kubernetes schema. */
export function synthValidated(chart: Chart): any[] {
  const objects = synthObjects(chart);
  validateManifests(objects);
  return objects;
}

/** All objects as one multi-document YAML string, exactly as `cdk8s synth` writes it. */
export function toYaml(objects: any[]): string {
  return Yaml.stringify(...objects);
}

/** The one object of the given kind (and name): fails the test unless there is exactly one. */
export function findObject(objects: any[], kind: string, name?: string): any {
  const found = objects.filter(o => o.kind === kind && (name === undefined || o.metadata?.name === name));
  expect(found).toHaveLength(1);
  return found[0];
}
