/**
 * Synthesis helpers for tests.
 */
import { Chart, ChartProps, Testing, Yaml } from 'cdk8s';
import { validateManifests } from './schema';

/** A new, empty chart (id `test`) in its own `Testing.app()`. */
export function freshChart(props?: ChartProps): Chart {
  return new Chart(Testing.app(), 'test', props);
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
