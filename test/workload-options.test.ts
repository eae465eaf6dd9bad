import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  DisruptionBudget, DisruptionBudgetKind, StatefulAppProps, UpdateStrategy, UpdateStrategyType,
} from '../src';
import { dbApp, findObject as find, synthValidated as synth } from './util/synth';
import { mergeResources } from '../src/private/shared-options';

// The choice classes of the shared workload options (DisruptionBudget, UpdateStrategy), the quorum
// check of a StatefulApp's budget, and resources merged field by field, as a StatefulApp renders them.

const build = dbApp;

const budgets = (objects: any[]) => objects.filter(o => o.kind === 'PodDisruptionBudget');

describe('DisruptionBudget', () => {
  test('the factories say which limit they set', () => {
    const max = DisruptionBudget.maxUnavailable(2, { name: 'db-budget' });
    expect([max.kind, max.count, max.name]).toEqual([DisruptionBudgetKind.MAX_UNAVAILABLE, 2, 'db-budget']);
    const min = DisruptionBudget.minAvailable(1);
    expect([min.kind, min.count, min.name]).toEqual([DisruptionBudgetKind.MIN_AVAILABLE, 1, undefined]);
    const none = DisruptionBudget.none();
    expect([none.kind, none.count, none.name]).toEqual([DisruptionBudgetKind.NONE, undefined, undefined]);
  });

  test('maxUnavailable(n, { name }): a PDB of that name selecting the app\'s pods', () => {
    const { chart, app } = build({ replicas: 5, disruptionBudget: DisruptionBudget.maxUnavailable(2, { name: 'db-budget' }) });
    const objects = synth(chart);
    const pdb = find(objects, 'PodDisruptionBudget', 'db-budget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.metadata.labels).toEqual(app.labels);
    expect(pdb.spec).toEqual({ maxUnavailable: 2, selector: { matchLabels: find(objects, 'StatefulSet').spec.selector.matchLabels } });
    expect(app.disruptionBudget?.name).toBe('db-budget');
  });

  test('minAvailable(n): a PDB named <name>-pdb', () => {
    const { chart } = build({ replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(2) });
    expect(find(synth(chart), 'PodDisruptionBudget', 'db-pdb').spec).toEqual({
      minAvailable: 2, selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
    });
  });

  test('none(): no PDB, also with several replicas', () => {
    const { chart, app } = build({ replicas: 3, disruptionBudget: DisruptionBudget.none() });
    const objects = synth(chart);
    expect(budgets(objects)).toEqual([]);
    expect(objects.map(o => o.kind)).toEqual(['Service', 'StatefulSet']);
    expect(app.disruptionBudget).toBeUndefined();
  });

  test('default: maxUnavailable 1 with more than one replica, none with one or zero', () => {
    const pdb = (replicas: number) => budgets(synth(build({ replicas }).chart)).map(p => p.spec.maxUnavailable);
    expect(pdb(0)).toEqual([]);
    expect(pdb(1)).toEqual([]);
    expect(pdb(2)).toEqual([1]);
    expect(pdb(4)).toEqual([1]);
  });

  describe('fails on a budget that blocks drains or cannot be rendered', () => {
    const fails = (extra: Partial<StatefulAppProps>, message: string | RegExp) => expect(() => build(extra)).toThrow(message);

    test('maxUnavailable(0)', () => {
      fails({ replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(0) },
        'test/db: invalid disruptionBudget.maxUnavailable 0: a budget that allows no disruption blocks every node drain and cluster upgrade forever; use at least 1');
    });

    test('minAvailable equal to or above the replicas', () => {
      fails({ replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(3) },
        'test/db: invalid disruptionBudget.minAvailable 3: with 3 replica(s) this allows no disruption, which blocks every node drain and cluster upgrade forever; use at most 2');
      fails({ replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(4) }, /invalid disruptionBudget.minAvailable 4: with 3 replica\(s\)/);
      fails({ replicas: 1, disruptionBudget: DisruptionBudget.minAvailable(1) }, /invalid disruptionBudget.minAvailable 1: with 1 replica\(s\).*use at most 0/);
    });

    test('a count that is not a non-negative integer', () => {
      fails({ replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(1.5) },
        'test/db: invalid disruptionBudget.maxUnavailable 1.5: must be an integer >= 0');
      fails({ replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(-1) },
        'test/db: invalid disruptionBudget.minAvailable -1: must be an integer >= 0');
    });

    test('a name that is not a DNS subdomain', () => {
      fails({ replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(1, { name: 'DB Budget' }) },
        /^test\/db: invalid disruptionBudget.name "DB Budget": must be a DNS subdomain/);
    });

    test('a plain object from an untyped caller', () => {
      fails({ replicas: 3, disruptionBudget: { maxUnavailable: 1 } as any },
        'test/db: invalid disruptionBudget {"maxUnavailable":1}: must be DisruptionBudget.maxUnavailable(n), DisruptionBudget.minAvailable(n) or DisruptionBudget.none()');
      fails({ replicas: 3, disruptionBudget: { enabled: false } as any }, /invalid disruptionBudget \{"enabled":false\}: must be DisruptionBudget/);
    });
  });
});

describe('quorum: true', () => {
  const quorumApp = (replicas: number, disruptionBudget?: DisruptionBudget) => build({ quorum: true, replicas, disruptionBudget });
  const pdbSpec = (replicas: number, disruptionBudget?: DisruptionBudget) => {
    const found = budgets(synth(quorumApp(replicas, disruptionBudget).chart));
    expect(found).toHaveLength(1);
    return found[0].spec;
  };
  const selector = { matchLabels: { 'app.kubernetes.io/name': 'db' } };

  test('3 replicas: the default budget is maxUnavailable 1', () => {
    expect(pdbSpec(3)).toEqual({ maxUnavailable: 1, selector });
  });

  test('5 replicas: maxUnavailable(2) and minAvailable(3) keep the quorum and are accepted', () => {
    expect(pdbSpec(5, DisruptionBudget.maxUnavailable(2))).toEqual({ maxUnavailable: 2, selector });
    expect(pdbSpec(5, DisruptionBudget.minAvailable(3))).toEqual({ minAvailable: 3, selector });
  });

  test('3 replicas: minAvailable(2) keeps the quorum', () => {
    expect(pdbSpec(3, DisruptionBudget.minAvailable(2))).toEqual({ minAvailable: 2, selector });
  });

  test('fails on 3 replicas with maxUnavailable(2): a drain could break the quorum', () => {
    expect(() => quorumApp(3, DisruptionBudget.maxUnavailable(2))).toThrow(
      'test/db: invalid disruptionBudget.maxUnavailable 2: would let a drain break the quorum: 3 members need 2 for a quorum, '
      + 'so at most 1 may be down at once; use 1');
  });

  test('fails on 7 replicas with maxUnavailable(4), offering the range that keeps the quorum', () => {
    expect(() => quorumApp(7, DisruptionBudget.maxUnavailable(4))).toThrow(
      'test/db: invalid disruptionBudget.maxUnavailable 4: would let a drain break the quorum: 7 members need 4 for a quorum, '
      + 'so at most 3 may be down at once; use 1..3');
  });

  test('fails on 3 replicas with minAvailable(1): the quorum is 2', () => {
    expect(() => quorumApp(3, DisruptionBudget.minAvailable(1))).toThrow(
      'test/db: invalid disruptionBudget.minAvailable 1: would let a drain break the quorum: 3 members need 2 for a quorum; use at least 2');
  });

  test('fails on 2 replicas without a budget, pointing to DisruptionBudget.none()', () => {
    expect(() => quorumApp(2)).toThrow(
      'test/db: invalid disruptionBudget "(default: maxUnavailable 1)": 2 members tolerate no failure (a quorum is 2): any budget '
      + 'either lets a drain break the quorum or blocks every drain; run an odd number of members, or give DisruptionBudget.none() '
      + 'for this resize step');
  });

  test('fails on 2 replicas with an explicit budget, naming it', () => {
    expect(() => quorumApp(2, DisruptionBudget.maxUnavailable(1))).toThrow(
      /^test\/db: invalid disruptionBudget "maxUnavailable 1": 2 members tolerate no failure \(a quorum is 2\).*DisruptionBudget.none\(\)/);
    expect(() => quorumApp(2, DisruptionBudget.minAvailable(1))).toThrow(/^test\/db: invalid disruptionBudget "minAvailable 1": 2 members tolerate no failure/);
  });

  test('2 replicas with DisruptionBudget.none(): no PDB', () => {
    expect(budgets(synth(quorumApp(2, DisruptionBudget.none()).chart))).toEqual([]);
  });

  test('1 replica: no default budget; an explicit one is refused (a single member has no fault tolerance)', () => {
    expect(budgets(synth(quorumApp(1).chart))).toEqual([]);
    expect(() => quorumApp(1, DisruptionBudget.maxUnavailable(1))).toThrow(
      /^test\/db: invalid disruptionBudget "maxUnavailable 1": a single member has no fault tolerance: .*give DisruptionBudget.none\(\), or run 3 members$/);
  });

  test('without quorum, 3 replicas may allow 2 down', () => {
    const { chart } = build({ replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(2) });
    expect(find(synth(chart), 'PodDisruptionBudget').spec.maxUnavailable).toBe(2);
  });
});

describe('UpdateStrategy', () => {
  const strategy = (updateStrategy?: UpdateStrategy) => find(synth(build({ updateStrategy }).chart), 'StatefulSet').spec.updateStrategy;

  test('the factories say what they are', () => {
    const rolling = UpdateStrategy.rollingUpdate({ partition: 2, maxUnavailable: 3 });
    expect([rolling.type, rolling.partition, rolling.maxUnavailable]).toEqual([UpdateStrategyType.ROLLING_UPDATE, 2, 3]);
    const onDelete = UpdateStrategy.onDelete();
    expect([onDelete.type, onDelete.partition, onDelete.maxUnavailable]).toEqual([UpdateStrategyType.ON_DELETE, undefined, undefined]);
  });

  test('renders each form', () => {
    expect(strategy()).toEqual({ type: 'RollingUpdate' });
    expect(strategy(UpdateStrategy.rollingUpdate())).toEqual({ type: 'RollingUpdate' });
    expect(strategy(UpdateStrategy.rollingUpdate({ partition: 2 }))).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
    expect(strategy(UpdateStrategy.rollingUpdate({ partition: 0 }))).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(strategy(UpdateStrategy.rollingUpdate({ maxUnavailable: 2 }))).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } });
    expect(strategy(UpdateStrategy.onDelete())).toEqual({ type: 'OnDelete' });
  });

  test('fails on a negative partition and on maxUnavailable 0', () => {
    expect(() => build({ updateStrategy: UpdateStrategy.rollingUpdate({ partition: -1 }) })).toThrow(
      'test/db: invalid updateStrategy.partition -1: must be an integer >= 0');
    expect(() => build({ updateStrategy: UpdateStrategy.rollingUpdate({ maxUnavailable: 0 }) })).toThrow(
      'test/db: invalid updateStrategy.maxUnavailable 0: must be an integer >= 1');
  });
});

test('UpdateStrategy: a plain object from untyped code is refused', () => {
  expect(() => build({ updateStrategy: { type: 'OnDelete' } as any })).toThrow(
    'test/db: invalid updateStrategy {"type":"OnDelete"}: must be UpdateStrategy.rollingUpdate({...}) or UpdateStrategy.onDelete()');
});

describe('resources merge field by field with the defaults', () => {
  const rendered = (resources?: kplus.ContainerResources) =>
    find(synth(build({ resources }).chart), 'StatefulSet').spec.template.spec.containers[0].resources;

  test('defaults: requests cpu 100m / memory 256Mi, limits cpu 1 / memory 512Mi', () => {
    expect(rendered()).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
  });

  test('a memory request alone keeps the default cpu request and both limits', () => {
    const { app, chart } = build({ resources: { memory: { request: Size.mebibytes(384) } } });
    const r = find(synth(chart), 'StatefulSet').spec.template.spec.containers[0].resources;
    expect(r.requests.memory).toBe('384Mi');
    expect(r.requests.cpu).toBe('100m');
    expect(r.limits.memory).toBe('512Mi');
    expect(r.limits.cpu).toBe('1');
    expect(r).toEqual({ requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    // the effective resources are readable from the app
    expect(app.resources.memory?.request?.toMebibytes()).toBe(384);
    expect(app.resources.cpu?.limit?.amount).toBe('1');
  });

  test('a cpu limit alone keeps the other three', () => {
    expect(rendered({ cpu: { limit: kplus.Cpu.units(4) } })).toEqual({
      requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '4', memory: '512Mi' },
    });
  });

  test('ephemeral storage is added beside the defaults', () => {
    expect(rendered({ ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(2) } })).toEqual({
      requests: { 'cpu': '100m', 'memory': '256Mi', 'ephemeral-storage': '1Gi' },
      limits: { 'cpu': '1', 'memory': '512Mi', 'ephemeral-storage': '2Gi' },
    });
  });

  test('fails on a request above its (default) limit, naming the field', () => {
    expect(() => build({ resources: { memory: { request: Size.gibibytes(1) } } })).toThrow(
      'test/db: invalid resources.memory.request "1Gi": is above the memory limit 512Mi; the API server refuses a request above its limit: '
      + 'lower the request or raise the limit');
    expect(() => build({ resources: { cpu: { request: kplus.Cpu.units(2) } } })).toThrow(
      'test/db: invalid resources.cpu.request "2": is above the cpu limit 1; the API server refuses a request above its limit');
    expect(() => build({ resources: { cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.millis(250) } } })).toThrow(
      /^test\/db: invalid resources.cpu.request "500m": is above the cpu limit 250m/);
  });

  test('mergeResources: each of the six values from the given resources, else from the defaults', () => {
    const defaults: kplus.ContainerResources = {
      cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
    };
    const merged = mergeResources({ memory: { limit: Size.gibibytes(1) }, ephemeralStorage: { request: Size.gibibytes(1) } }, defaults)!;
    expect(merged.cpu?.request?.amount).toBe('100m');
    expect(merged.cpu?.limit?.amount).toBe('1');
    expect(merged.memory?.request?.toMebibytes()).toBe(256);
    expect(merged.memory?.limit?.toGibibytes()).toBe(1);
    expect(merged.ephemeralStorage?.request?.toGibibytes()).toBe(1);
    expect(merged.ephemeralStorage?.limit).toBeUndefined();
    expect(mergeResources(undefined, defaults)).toBe(defaults);
    const given = { cpu: { request: kplus.Cpu.millis(10) } };
    expect(mergeResources(given, undefined)).toBe(given);
    expect(mergeResources({}, defaults)).toEqual({ ...defaults, ephemeralStorage: undefined });
  });
});
