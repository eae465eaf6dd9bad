import { Duration, Size } from 'cdk8s';
import { ContainerProbe, ContainerProps, LifecycleHook, ProbeAction, StatefulApp, StatefulAppProps } from '../src';
import { findObject as find, freshChart, synthValidated as synth } from './util/synth';

// ContainerProbe and LifecycleHook: the library's own value classes for probes and hooks, rendered
// into the container without cdk8s-plus internals.

const IMAGE = 'registry.example.com/db:1.0';

function build(container: Partial<ContainerProps> = {}, extra: Partial<StatefulAppProps> = {}) {
  const chart = freshChart();
  const app = new StatefulApp(chart, 'db', {
    container: { image: IMAGE, ports: [{ number: 5432, name: 'sql' }, { number: 8080, name: 'http' }], ...container },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/var/lib/db' }],
    ...extra,
  });
  return { chart, app };
}

/** The rendered main container. */
function main(container: Partial<ContainerProps> = {}, extra: Partial<StatefulAppProps> = {}): any {
  return find(synth(build(container, extra).chart), 'StatefulSet').spec.template.spec.containers[0];
}

describe('ContainerProbe', () => {
  test('the factories say what they probe', () => {
    const tcp = ContainerProbe.tcp(5432, { initialDelay: Duration.seconds(5) });
    expect([tcp.action, tcp.port, tcp.path, tcp.command]).toEqual([ProbeAction.TCP_SOCKET, 5432, undefined, undefined]);
    expect(tcp.options.initialDelay?.toSeconds()).toBe(5);
    const http = ContainerProbe.httpGet('/healthz', 8080);
    expect([http.action, http.port, http.path]).toEqual([ProbeAction.HTTP_GET, 8080, '/healthz']);
    const exec = ContainerProbe.exec(['pg_isready']);
    expect([exec.action, exec.port, exec.command]).toEqual([ProbeAction.EXEC, undefined, ['pg_isready']]);
  });

  test('tcp: a TCP socket probe, failureThreshold 3 unless given', () => {
    const c = main({ readiness: ContainerProbe.tcp(5432), liveness: ContainerProbe.tcp(5432, { initialDelay: Duration.seconds(15) }) });
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 5432 }, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 5432 }, initialDelaySeconds: 15, failureThreshold: 3 });
  });

  test('httpGet: path and port, every timing option', () => {
    const c = main({
      readiness: ContainerProbe.httpGet('/ready', 8080, {
        initialDelay: Duration.seconds(10),
        period: Duration.seconds(5),
        timeout: Duration.seconds(2),
        failureThreshold: 4,
        successThreshold: 2,
      }),
    });
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 8080 },
      initialDelaySeconds: 10,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 4,
      successThreshold: 2,
    });
  });

  test('exec: the command without a shell; a startup probe', () => {
    const c = main({
      liveness: ContainerProbe.exec(['sh', '-c', 'pg_isready -h 127.0.0.1'], { period: Duration.minutes(1) }),
      startup: ContainerProbe.exec(['db-started'], { failureThreshold: 30 }),
    });
    expect(c.livenessProbe).toEqual({ exec: { command: ['sh', '-c', 'pg_isready -h 127.0.0.1'] }, periodSeconds: 60, failureThreshold: 3 });
    expect(c.startupProbe).toEqual({ exec: { command: ['db-started'] }, failureThreshold: 30 });
  });

  test('default probes of the main container: TCP on its first port; liveness after 30 s with 6 failures', () => {
    const c = main();
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 5432 }, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 5432 }, initialDelaySeconds: 30, failureThreshold: 6 });
    expect(c.startupProbe).toBeUndefined();
  });

  test('a probe of its own replaces only that default', () => {
    const c = main({ readiness: ContainerProbe.httpGet('/ready', 8080) });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080 }, failureThreshold: 3 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 5432 }, initialDelaySeconds: 30, failureThreshold: 6 });
  });

  test('defaultProbes: false, or no ports: no default probes', () => {
    const off = main({}, { defaultProbes: false });
    expect(off.readinessProbe).toBeUndefined();
    expect(off.livenessProbe).toBeUndefined();
    const noPorts = main({ ports: [] });
    expect(noPorts.readinessProbe).toBeUndefined();
    expect(noPorts.livenessProbe).toBeUndefined();
  });

  test('a sidecar\'s probes are rendered the same way', () => {
    const { chart, app } = build();
    app.addSidecar({ name: 'exporter', image: IMAGE, ports: [{ number: 9187, name: 'metrics' }], readiness: ContainerProbe.httpGet('/metrics', 9187) });
    const sidecar = find(synth(chart), 'StatefulSet').spec.template.spec.containers[1];
    expect(sidecar.readinessProbe).toEqual({ httpGet: { path: '/metrics', port: 9187 }, failureThreshold: 3 });
  });

  describe('fails on a probe that cannot work', () => {
    test('a port outside 1..65535', () => {
      expect(() => build({ readiness: ContainerProbe.tcp(0) })).toThrow('test/db: invalid container.readiness.port 0: must be an integer from 1 to 65535');
      expect(() => build({ liveness: ContainerProbe.httpGet('/', 70000) })).toThrow(
        'test/db: invalid container.liveness.port 70000: must be an integer from 1 to 65535');
    });

    test('an exec probe without a command', () => {
      expect(() => build({ startup: ContainerProbe.exec([]) })).toThrow(
        'test/db: invalid container.startup.command []: give the command to run, e.g. ["sh", "-c", "pg_isready"]');
    });

    test('a failure or success threshold below 1', () => {
      expect(() => build({ readiness: ContainerProbe.tcp(5432, { failureThreshold: 0 }) })).toThrow(
        'test/db: invalid container.readiness.failureThreshold 0: must be an integer >= 1');
      expect(() => build({ readiness: ContainerProbe.tcp(5432, { successThreshold: 0 }) })).toThrow(
        'test/db: invalid container.readiness.successThreshold 0: must be an integer >= 1');
    });

    test('a sidecar\'s probe, naming the sidecar', () => {
      const { app } = build();
      expect(() => app.addSidecar({ name: 'exporter', image: IMAGE, liveness: ContainerProbe.tcp(-1) })).toThrow(
        'test/db: invalid sidecars[0].liveness.port -1: must be an integer from 1 to 65535');
    });
  });
});

test('a probe and a hook keep the command they were given: changing the array later does not change the YAML', () => {
  const command = ['pg_isready', '-q'];
  const probe = ContainerProbe.exec(command);
  const hookCommand = ['sh', '-c', 'pg_ctl stop'];
  const hook = LifecycleHook.exec(hookCommand);
  command.push('--extra');
  hookCommand[2] = 'rm -rf /';
  const rendered = main({ readiness: probe, preStop: hook });
  expect(rendered.readinessProbe.exec.command).toEqual(['pg_isready', '-q']);
  expect(rendered.lifecycle.preStop.exec.command).toEqual(['sh', '-c', 'pg_ctl stop']);
});

describe('LifecycleHook', () => {
  test('the factories say what they do', () => {
    const exec = LifecycleHook.exec(['nodetool', 'drain']);
    expect([exec.action, exec.command, exec.port]).toEqual([ProbeAction.EXEC, ['nodetool', 'drain'], undefined]);
    const http = LifecycleHook.httpGet('/shutdown', 8080);
    expect([http.action, http.path, http.port]).toEqual([ProbeAction.HTTP_GET, '/shutdown', 8080]);
  });

  test('exec as preStop', () => {
    const c = main({ preStop: LifecycleHook.exec(['db-ctl', 'drain']) }, { terminationGracePeriod: Duration.minutes(5) });
    expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['db-ctl', 'drain'] } } });
  });

  test('httpGet as preStop', () => {
    const c = main({ preStop: LifecycleHook.httpGet('/shutdown', 8080) });
    expect(c.lifecycle).toEqual({ preStop: { httpGet: { path: '/shutdown', port: 8080 } } });
  });

  test('no hook: no lifecycle', () => {
    expect(main().lifecycle).toBeUndefined();
  });
});
