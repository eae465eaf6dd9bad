import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { StatefulApp, StatefulAppProps } from '../src';
import { errorScopeOf, FieldScope, invalid, reportChildErrorsAs } from '../src/validation';
import { findObject as find, freshChart, synthObjects, synthValidated as synth } from './util/synth';

// FieldScope and reportChildErrorsAs: a construct built from a StatefulApp reports the app's errors
// under its own path and with the field names its user wrote.

interface TinyPatternProps {
  readonly image?: string;
  readonly storageSize?: Size;
  readonly replicas?: number;
  readonly dataDirectory?: string;
  /** Leave the data claim unmounted (for a late check). */
  readonly unmounted?: boolean;
}

/** A pattern in miniature: a StatefulApp with its own names for some of the app's fields. */
class TinyPattern extends Construct {
  public readonly app: StatefulApp;

  constructor(scope: Construct, id: string, props: TinyPatternProps = {}) {
    super(scope, id);
    reportChildErrorsAs(this, 'App', {
      'container.image': 'image',
      'volumeClaims[0].size': 'storageSize',
      'volumeClaims[0].mountPath': 'dataDirectory',
      'volumeClaims': 'dataVolume',
    });
    const appProps: StatefulAppProps = {
      name: id,
      replicas: props.replicas,
      container: { image: props.image ?? 'registry.example.com/kv:1.0', ports: [{ number: 6379, name: 'kv' }] },
      volumeClaims: [{
        name: 'data',
        size: props.storageSize ?? Size.gibibytes(1),
        mountPath: props.unmounted ? undefined : props.dataDirectory ?? '/data',
      }],
    };
    this.app = new StatefulApp(this, 'App', appProps);
  }
}

describe('reportChildErrorsAs', () => {
  test('an error of the inner app names the pattern\'s path and the pattern\'s field', () => {
    expect(() => new TinyPattern(freshChart(), 'kv', { storageSize: Size.gibibytes(0) })).toThrow(
      /^test\/kv: invalid storageSize "0Gi": must be greater than zero, e.g. Size.gibibytes\(1\)$/);
    expect(() => new TinyPattern(freshChart(), 'kv', { image: '' })).toThrow(
      /^test\/kv: invalid image "": must be a non-empty image reference/);
    expect(() => new TinyPattern(freshChart(), 'kv', { dataDirectory: 'data' })).toThrow(
      /^test\/kv: invalid dataDirectory "data": must be an absolute path/);
  });

  test('a field without an alias keeps its name, still under the pattern\'s path', () => {
    expect(() => new TinyPattern(freshChart(), 'kv', { replicas: -1 })).toThrow(/^test\/kv: invalid replicas -1: must be an integer >= 0$/);
  });

  test('a late check of the inner app (at synthesis) speaks the same way', () => {
    const chart = freshChart();
    new TinyPattern(chart, 'kv', { unmounted: true });
    expect(() => synthObjects(chart)).toThrow(/^test\/kv: invalid dataVolume "data": claim is mounted nowhere/);
  });

  test('an add method called on the inner app later reports under the pattern too', () => {
    const pattern = new TinyPattern(freshChart(), 'kv');
    expect(() => pattern.app.mountVolume('logs', '/logs')).toThrow(/^test\/kv: invalid volume "logs": is neither a claim/);
  });

  test('only the registered child: another StatefulApp of the same parent reports under its own path', () => {
    const pattern = new TinyPattern(freshChart(), 'kv');
    expect(() => new StatefulApp(pattern, 'Other', { name: 'other', replicas: -1, container: { image: 'x:1' } })).toThrow(
      /^test\/kv\/Other: invalid replicas -1/);
  });

  test('a valid pattern synthesizes normally', () => {
    const chart = freshChart();
    new TinyPattern(chart, 'kv', { replicas: 3 });
    expect(find(synth(chart), 'StatefulSet').spec.replicas).toBe(3);
  });

  test('errorScopeOf: the FieldScope of a registered child, the construct itself otherwise', () => {
    const pattern = new TinyPattern(freshChart(), 'kv');
    const scope = errorScopeOf(pattern.app);
    expect(scope).toBeInstanceOf(FieldScope);
    expect((scope as FieldScope).owner).toBe(pattern);
    expect(errorScopeOf(pattern)).toBe(pattern);
  });
});

describe('FieldScope', () => {
  const owner = new Construct(freshChart(), 'zk');
  const scope = new FieldScope(owner, {
    'container': 'server',
    'container.image': 'image',
    'volumeClaims[0]': 'data',
    'volumeClaims[0].size': 'storageSize',
  });

  test('replaces the longest matching prefix, keeping the rest of the field', () => {
    expect(scope.field('container.image')).toBe('image');
    expect(scope.field('container.ports[0].name')).toBe('server.ports[0].name');
    expect(scope.field('volumeClaims[0].size')).toBe('storageSize');
    expect(scope.field('volumeClaims[0].mountPath')).toBe('data.mountPath');
    expect(scope.field('container')).toBe('server');
  });

  test('a prefix matches whole field names only', () => {
    // `container.image` is not a prefix of `container.imagePullPolicy`
    expect(scope.field('container.imagePullPolicy')).toBe('server.imagePullPolicy');
    expect(scope.field('containerName')).toBe('containerName');
    expect(scope.field('volumeClaims[1].size')).toBe('volumeClaims[1].size');
    expect(scope.field('replicas')).toBe('replicas');
  });

  test('invalid() with a FieldScope: the owner\'s path, the aliased field, the value, the fix', () => {
    expect(invalid(scope, 'volumeClaims[0].size', '0Gi', 'must be greater than zero').message).toBe(
      'test/zk: invalid storageSize "0Gi": must be greater than zero');
  });
});
