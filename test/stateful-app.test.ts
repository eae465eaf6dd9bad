import { Duration, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  ClaimRetention, ContainerProbe, DisruptionBudget, LifecycleHook, LinuxCapability, Spreading, StatefulApp, StatefulAppProps,
  StorageClass, TopologySpread, UpdateStrategy,
} from '../src';
import { HARDENED_CONTAINER_SECURITY_CONTEXT } from './util/hardening';
import { findObject, freshChart, synthObjects, synthValidated, toYaml } from './util/synth';

const IMAGE = 'registry.example.com/db:1.0';

const synth = synthValidated;
const find = findObject;

function minimal(extra: Partial<StatefulAppProps> = {}): StatefulAppProps {
  return {
    container: { image: IMAGE, ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db' }],
    ...extra,
  };
}

function build(extra: Partial<StatefulAppProps> = {}, chartProps = {}) {
  const chart = freshChart(chartProps);
  const app = new StatefulApp(chart, 'db', minimal(extra));
  return { chart, app };
}

describe('StatefulApp defaults', () => {
  test('one replica: headless Service, StatefulSet wired to it, hardened pod, retained claims', () => {
    const { chart, app } = build();
    const objects = synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/db', 'StatefulSet/db']);

    const svc = find(objects, 'Service', 'db');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'db' });
    expect(svc.spec.ports).toEqual([{ name: 'sql', port: 5432 }]);
    expect(svc.spec.publishNotReadyAddresses).toBeUndefined();

    const sts = find(objects, 'StatefulSet', 'db');
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.selector.matchLabels).toEqual(svc.spec.selector);
    expect(sts.spec.template.metadata.labels).toEqual(svc.spec.selector);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.ordinals).toBeUndefined();

    // one replica: no disruption budget, no spreading
    expect(app.disruptionBudget).toBeUndefined();
    expect(sts.spec.template.spec.affinity).toBeUndefined();

    // claim template: the size survives synthesis as a quantity
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' },
    }]);

    const pod = sts.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const [c] = pod.containers;
    expect(c.name).toBe('db');
    expect(c.image).toBe(IMAGE);
    expect(c.imagePullPolicy).toBeUndefined();
    expect(c.securityContext).toEqual(HARDENED_CONTAINER_SECURITY_CONTEXT);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 5432 });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 5432 });
    expect(c.livenessProbe.initialDelaySeconds).toBe(30);
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/db' }]);

    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('more than one replica: a PodDisruptionBudget and preferred anti-affinity selecting the app\'s own pods', () => {
    const { chart } = build({ replicas: 3 });
    const objects = synth(chart);
    const sts = find(objects, 'StatefulSet', 'db');
    const pdb = find(objects, 'PodDisruptionBudget', 'db-pdb');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: sts.spec.selector.matchLabels } });

    const preferred = sts.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
    expect(preferred).toEqual([{
      weight: 100,
      podAffinityTerm: {
        topologyKey: 'kubernetes.io/hostname',
        labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['db'] }] },
      },
    }]);
    // the anti-affinity selector matches the pod template's labels
    const labels = sts.spec.template.metadata.labels;
    for (const e of preferred[0].podAffinityTerm.labelSelector.matchExpressions) {
      expect(e.values).toContain(labels[e.key]);
    }
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('network identity getters', () => {
    const { app } = build({ replicas: 3 });
    expect(app.podNames).toEqual(['db-0', 'db-1', 'db-2']);
    expect(app.podDnsNames).toEqual([
      'db-0.db.default.svc.cluster.local',
      'db-1.db.default.svc.cluster.local',
      'db-2.db.default.svc.cluster.local',
    ]);
    expect(app.serviceDnsName).toBe('db.default.svc.cluster.local');
    expect(app.claimNames('data')).toEqual(['data-db-0', 'data-db-1', 'data-db-2']);
    expect(app.podDnsName(1)).toBe('db-1.db.default.svc.cluster.local');
    expect(() => app.podName(3)).toThrow(/db: invalid ordinal 3: must be an integer from 0 to 2/);
    expect(() => app.claimNames('logs')).toThrow(/invalid claim "logs": is not a volume claim of this app \(claims: data\)/);
  });

  test('the chart namespace is used in DNS names and stamped on every object', () => {
    const { chart, app } = build({ replicas: 2 }, { namespace: 'shop' });
    expect(app.namespace).toBe('shop');
    expect(app.podDnsNames[0]).toBe('db-0.db.shop.svc.cluster.local');
    const objects = synth(chart);
    expect(objects.map(o => o.metadata.namespace)).toEqual(['shop', 'shop', 'shop']);
  });

  test('synthesis is deterministic: the same app gives byte-identical YAML', () => {
    const yaml = () => {
      const { chart } = build({ replicas: 3, clientService: {} });
      return toYaml(synthObjects(chart));
    };
    expect(yaml()).toEqual(yaml());
  });
});

describe('StatefulApp customised', () => {
  function customised() {
    const chart = freshChart();
    const secret = kplus.Secret.fromSecretName(chart, 'pw', 'db-pass');
    const config = kplus.ConfigMap.fromConfigMapName(chart, 'cfg', 'db-config');
    const app = new StatefulApp(chart, 'app', {
      name: 'orders',
      namespace: 'prod',
      clusterDomain: 'k8s.example.org',
      serviceName: 'orders-hs',
      selectorLabels: { app: 'orders', tier: 'db' },
      labels: { team: 'payments' },
      replicas: 5,
      startOrdinal: 1,
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      updateStrategy: UpdateStrategy.rollingUpdate({ partition: 3, maxUnavailable: 2 }),
      minReady: Duration.seconds(10),
      revisionHistoryLimit: 5,
      claimRetentionWhenScaled: ClaimRetention.DELETE,
      claimRetentionWhenDeleted: ClaimRetention.RETAIN,
      disruptionBudget: DisruptionBudget.minAvailable(3, { name: 'orders-budget' }),
      spreadAcrossNodes: Spreading.REQUIRED,
      topologySpread: [TopologySpread.acrossZones()],
      publishNotReadyAddresses: true,
      clientService: { name: 'orders', ports: [{ name: 'sql', port: 5432 }], type: kplus.ServiceType.CLUSTER_IP },
      podSecurity: { user: 999, group: 999, fsGroup: 999 },
      terminationGracePeriod: Duration.minutes(2),
      serviceAccountName: 'orders',
      automountServiceAccountToken: true,
      containerName: 'db',
      resources: {
        cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) },
        memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
      },
      containerSecurity: { user: 999, group: 999, addCapabilities: [LinuxCapability.IPC_LOCK] },
      container: {
        image: IMAGE,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: ['db-server'],
        args: ['--data', '/var/lib/db'],
        workingDir: '/var/lib/db',
        env: [
          { name: 'POD_IP', value: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) },
          { name: 'LISTEN', value: kplus.EnvValue.fromValue('$(POD_IP):5432') },
          { name: 'PASSWORD', value: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) },
          { name: 'MODE', value: kplus.EnvValue.fromConfigMap(config, 'mode') },
        ],
        ports: [{ number: 5432, name: 'sql' }, { number: 7000, name: 'peer' }],
        readiness: ContainerProbe.exec(['db-ready'], { initialDelay: Duration.seconds(5) }),
        liveness: ContainerProbe.tcp(5432),
        startup: ContainerProbe.exec(['db-started'], { failureThreshold: 30 }),
        preStop: LifecycleHook.exec(['db-ctl', 'drain']),
        writableDirectories: ['/tmp', '/var/run/db'],
        claimMounts: [{ claim: 'wal', path: '/var/lib/wal' }],
      },
      sidecars: [{
        name: 'backup',
        image: 'registry.example.com/backup:2',
        claimMounts: [{ claim: 'data', path: '/backup/data', readOnly: true }],
      }],
      initContainers: [{
        name: 'init-perms',
        image: 'busybox:1.36',
        command: ['sh', '-c', 'true'],
        claimMounts: [{ claim: 'data', path: '/var/lib/db', subPath: 'db' }],
      }],
      volumeClaims: [
        { name: 'data', size: Size.gibibytes(50), mountPath: '/var/lib/db', storageClass: StorageClass.fromStorageClassName('fast-ssd') },
        { name: 'wal', size: Size.mebibytes(1536), accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD] },
      ],
    });
    return { chart, app };
  }

  test('every option reaches the manifests', () => {
    const { chart, app } = customised();
    const objects = synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/orders-hs', 'Service/orders', 'StatefulSet/orders', 'PodDisruptionBudget/orders-budget',
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('prod');
      expect(o.metadata.labels).toEqual({ team: 'payments', app: 'orders', tier: 'db' });
    }
    const hs = find(objects, 'Service', 'orders-hs');
    expect(hs.spec.clusterIP).toBe('None');
    expect(hs.spec.publishNotReadyAddresses).toBe(true);
    expect(hs.spec.ports).toEqual([{ name: 'sql', port: 5432 }, { name: 'peer', port: 7000 }]);
    expect(hs.spec.selector).toEqual({ app: 'orders', tier: 'db' });

    const client = find(objects, 'Service', 'orders');
    expect(client.spec.type).toBe('ClusterIP');
    expect(client.spec.clusterIP).toBeUndefined();
    expect(client.spec.ports).toEqual([{ name: 'sql', port: 5432 }]);
    expect(client.spec.selector).toEqual(hs.spec.selector);

    const sts = find(objects, 'StatefulSet', 'orders');
    const spec = sts.spec;
    expect(spec.serviceName).toBe('orders-hs');
    expect(spec.replicas).toBe(5);
    expect(spec.ordinals).toEqual({ start: 1 });
    expect(spec.selector.matchLabels).toEqual({ app: 'orders', tier: 'db' });
    expect(spec.podManagementPolicy).toBe('Parallel');
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 3, maxUnavailable: 2 } });
    expect(spec.minReadySeconds).toBe(10);
    expect(spec.revisionHistoryLimit).toBe(5);
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
    expect(spec.volumeClaimTemplates).toEqual([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '50Gi' } }, volumeMode: 'Filesystem' },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'wal' },
        spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '1536Mi' } }, volumeMode: 'Filesystem' },
      },
    ]);

    const pod = spec.template.spec;
    expect(pod.serviceAccountName).toBe('orders');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.terminationGracePeriodSeconds).toBe(120);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' },
    });
    const term = { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['orders'] }, { key: 'tier', operator: 'In', values: ['db'] }] }, topologyKey: 'kubernetes.io/hostname' };
    expect(pod.affinity).toEqual({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } });
    expect(pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'orders', tier: 'db' } },
    }]);

    const [db, backup] = pod.containers;
    expect(db.name).toBe('db');
    expect(db.imagePullPolicy).toBe('IfNotPresent');
    expect(db.command).toEqual(['db-server']);
    expect(db.args).toEqual(['--data', '/var/lib/db']);
    expect(db.workingDir).toBe('/var/lib/db');
    expect(db.env).toEqual([
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'LISTEN', value: '$(POD_IP):5432' },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db-pass', key: 'password' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'db-config', key: 'mode' } } },
    ]);
    expect(db.ports).toEqual([{ containerPort: 5432, name: 'sql' }, { containerPort: 7000, name: 'peer' }]);
    expect(db.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(db.readinessProbe.exec).toEqual({ command: ['db-ready'] });
    expect(db.readinessProbe.initialDelaySeconds).toBe(5);
    expect(db.livenessProbe.tcpSocket).toEqual({ port: 5432 });
    expect(db.startupProbe).toMatchObject({ exec: { command: ['db-started'] }, failureThreshold: 30 });
    expect(db.lifecycle.preStop).toEqual({ exec: { command: ['db-ctl', 'drain'] } });
    expect(db.securityContext).toMatchObject({
      runAsUser: 999,
      runAsGroup: 999,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['IPC_LOCK'] },
    });
    expect(db.volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/db' },
      { name: 'wal', mountPath: '/var/lib/wal' },
      { name: 'db-tmp', mountPath: '/tmp' },
      { name: 'db-var-run-db', mountPath: '/var/run/db' },
    ]);
    expect(pod.volumes).toEqual([{ name: 'db-tmp', emptyDir: {} }, { name: 'db-var-run-db', emptyDir: {} }]);

    // sidecars get no default probes; init containers run first
    expect(backup.name).toBe('backup');
    expect(backup.readinessProbe).toBeUndefined();
    expect(backup.volumeMounts).toEqual([{ name: 'data', mountPath: '/backup/data', readOnly: true }]);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['init-perms']);
    expect(pod.initContainers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/db', subPath: 'db' }]);

    const pdb = find(objects, 'PodDisruptionBudget', 'orders-budget');
    expect(pdb.spec).toEqual({ minAvailable: 3, selector: { matchLabels: { app: 'orders', tier: 'db' } } });

    // identity getters honour namespace, cluster domain and start ordinal
    expect(app.podNames).toEqual(['orders-1', 'orders-2', 'orders-3', 'orders-4', 'orders-5']);
    expect(app.podDnsNames[0]).toBe('orders-1.orders-hs.prod.svc.k8s.example.org');
    expect(app.claimNames('wal')[4]).toBe('wal-orders-5');
    expect(app.clientServiceName).toBe('orders');

    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('on-delete updates, no spreading, no budget, no default probes', () => {
    const { chart } = build({
      replicas: 3,
      updateStrategy: UpdateStrategy.onDelete(),
      spreadAcrossNodes: Spreading.NONE,
      disruptionBudget: DisruptionBudget.none(),
      defaultProbes: false,
    });
    const objects = synth(chart);
    expect(objects.map(o => o.kind)).toEqual(['Service', 'StatefulSet']);
    const sts = find(objects, 'StatefulSet');
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.spec.template.spec.affinity).toBeUndefined();
    expect(sts.spec.template.spec.containers[0].readinessProbe).toBeUndefined();
    expect(sts.spec.template.spec.containers[0].livenessProbe).toBeUndefined();
  });

  test('a client Service defaults to the headless Service\'s ports and the name <name>-client', () => {
    const { chart } = build({ clientService: {} });
    const client = find(synth(chart), 'Service', 'db-client');
    expect(client.spec).toEqual({ type: 'ClusterIP', ports: [{ name: 'sql', port: 5432 }], selector: { 'app.kubernetes.io/name': 'db' } });
  });

  test('explicit headless Service ports, e.g. a different name for the same container port', () => {
    const { chart } = build({ servicePorts: [{ name: 'postgres', port: 5432, targetPort: 5432 }] });
    const svc = find(synth(chart), 'Service', 'db');
    expect(svc.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 5432 }]);
  });

  test('a budget given for a single replica is created as asked, with the opt-in for a budget that protects nothing', () => {
    const { chart } = build({ disruptionBudget: DisruptionBudget.maxUnavailable(1, { allowAllPodsDown: true }) });
    expect(find(synth(chart), 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });
});

describe('StatefulApp fails at synth time on bad input', () => {
  const fails = (extra: Partial<StatefulAppProps>, message: RegExp) =>
    expect(() => build(extra)).toThrow(message);
  // Checks that depend on what may still be added after construction run at synthesis: the
  // constructor accepts the props, synthesis refuses them.
  const failsAtSynth = (extra: Partial<StatefulAppProps>, message: RegExp) => {
    const { chart } = build(extra);
    expect(() => synthObjects(chart)).toThrow(message);
  };

  test('fails on negative replicas', () => {
    fails({ replicas: -1 }, /test\/db: invalid replicas -1: must be an integer >= 0/);
  });

  test('fails on non-integer replicas', () => {
    fails({ replicas: 1.5 }, /invalid replicas 1.5: must be an integer >= 0/);
  });

  test('fails on a name that is not a DNS label', () => {
    fails({ name: 'My_DB' }, /invalid name "My_DB": must be a DNS label of at most 52 characters/);
  });

  test('fails on a name longer than 52 characters', () => {
    const long = 'a'.repeat(53);
    fails({ name: long }, new RegExp(`invalid name "${long}": must be a DNS label of at most 52 characters`));
  });

  test('fails on an empty image', () => {
    fails({ container: { image: '' } }, /invalid container.image "": must be a non-empty image reference/);
  });

  test('fails on two claims with the same name', () => {
    fails({
      volumeClaims: [
        { name: 'data', size: Size.gibibytes(1), mountPath: '/a' },
        { name: 'data', size: Size.gibibytes(1), mountPath: '/b' },
      ],
    }, /invalid volumeClaims "data": claim names must be unique/);
  });

  test('fails on a claim size of zero', () => {
    fails({ volumeClaims: [{ name: 'data', size: Size.gibibytes(0), mountPath: '/a' }] },
      /invalid volumeClaims\[0\].size "0Gi": must be greater than zero/);
  });

  test('negative claim sizes cannot be expressed: cdk8s Size refuses them', () => {
    expect(() => Size.gibibytes(-1)).toThrow(/negative/i);
  });

  test('fails on a mount path that is not absolute', () => {
    fails({ volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: 'var/lib/db' }] },
      /invalid volumeClaims\[0\].mountPath "var\/lib\/db": must be an absolute path/);
  });

  test('fails at synthesis on two mounts at the same path, naming both volumes', () => {
    failsAtSynth({
      container: { image: IMAGE, writableDirectories: ['/var/lib/db'] },
    }, /^test\/db: invalid container.writableDirectories\[0\] "\/var\/lib\/db": the db container already mounts volume "data" at \/var\/lib\/db \(volumeClaims\[0\].mountPath\); volume "db-var-lib-db" cannot be mounted there too: mount each at its own path$/);
  });

  test('fails at synthesis on a claim mounted nowhere', () => {
    failsAtSynth({ volumeClaims: [{ name: 'data', size: Size.gibibytes(1) }] },
      /^test\/db: invalid volumeClaims "data": claim is mounted nowhere: give it a mountPath, mount it with a container's claimMounts, or call mountVolume$/);
  });

  test('fails on a mount of an unknown claim', () => {
    fails({ container: { image: IMAGE, claimMounts: [{ claim: 'logs', path: '/logs' }] } },
      /invalid container.claimMounts\[0\].claim "logs": is not a volume claim of this app \(claims: data\)/);
  });

  test.each(['Web_Port', 'a-very-long-port-name', '80', 'web--x', '-web', ''])('fails on the port name %p', (name) => {
    fails({ container: { image: IMAGE, ports: [{ number: 80, name }] } },
      /invalid container.ports\[0\].name .*: must be 1-15 characters of lowercase letters, digits and single '-'.*at least one letter/);
  });

  test('fails on duplicate port names', () => {
    fails({ container: { image: IMAGE, ports: [{ number: 80, name: 'web' }, { number: 81, name: 'web' }] } },
      /invalid container.ports "web": port names must be unique/);
  });

  test('fails on duplicate port numbers', () => {
    fails({ container: { image: IMAGE, ports: [{ number: 80, name: 'web' }, { number: 80, name: 'http' }] } },
      /invalid container.ports "80\/TCP": port numbers must be unique/);
  });

  test('fails on a negative partition', () => {
    fails({ updateStrategy: UpdateStrategy.rollingUpdate({ partition: -1 }) },
      /invalid updateStrategy.partition -1: must be an integer >= 0/);
  });

  test('fails on a plain budget object from an untyped caller (the old { maxUnavailable, minAvailable } form)', () => {
    // A budget is either max-unavailable, min-available or none by type; untyped code can still
    // pass the old object with both fields, and must not get one of them silently.
    fails({ replicas: 3, disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } as any },
      /^test\/db: invalid disruptionBudget \{"minAvailable":1,"maxUnavailable":1\}: must be DisruptionBudget.maxUnavailable\(n\), DisruptionBudget.minAvailable\(n\) or DisruptionBudget.none\(\)$/);
  });

  test('fails on a budget that allows no disruption (maxUnavailable 0)', () => {
    fails({ replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(0) },
      /invalid disruptionBudget.maxUnavailable 0: a budget that allows no disruption blocks every node drain/);
  });

  test('fails on a budget that allows no disruption (minAvailable = replicas)', () => {
    fails({ replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(3) },
      /invalid disruptionBudget.minAvailable 3: with 3 replica\(s\) this allows no disruption, which blocks every node drain.*use at most 2/);
  });

  test('fails on duplicate environment variable names', () => {
    fails({
      container: {
        image: IMAGE,
        env: [{ name: 'MODE', value: kplus.EnvValue.fromValue('a') }, { name: 'MODE', value: kplus.EnvValue.fromValue('b') }],
      },
    }, /invalid container.env "MODE": environment variable names must be unique/);
  });

  test('fails on a service name that is not a DNS-1035 label', () => {
    fails({ serviceName: '1db' }, /invalid serviceName "1db": must be a DNS-1035 label/);
  });

  test('fails on a sidecar without a name', () => {
    // `name` is required by type; untyped callers can still leave it out.
    fails({ sidecars: [{ image: IMAGE } as any] }, /invalid sidecars\[0\].name \(not set\): sidecars and init containers need a name/);
  });

  test('fails on a client Service named like the headless Service', () => {
    fails({ clientService: { name: 'db' } }, /invalid clientService.name "db": must differ from the headless Service name/);
  });
});

test('a StatefulApp needs a chart', () => {
  expect(() => new StatefulApp(Testing.app(), 'db', minimal())).toThrow(/cannot find a parent chart/);
});

describe('StatefulApp rendered defaults', () => {
  // What unset options render to (security contexts, default probes, update strategy, claim
  // retention, resources) is made once and shared by every app: a change to one app's output must
  // never reach another app, or a later synthesis.
  test('a JSON patch on one app changes that app only, and synthesizing again gives the first result', () => {
    const chart = freshChart();
    const a = new StatefulApp(chart, 'a', minimal({ replicas: 3 }));
    new StatefulApp(chart, 'b', minimal({ replicas: 3 }));
    const before = synthObjects(chart);
    const patch = (path: string, value: unknown) => a.statefulSet.addJsonPatch(JsonPatch.replace(path, value));
    patch('/spec/template/spec/containers/0/securityContext/capabilities/drop/0', 'NET_RAW');
    patch('/spec/template/spec/containers/0/readinessProbe/tcpSocket/port', 1);
    patch('/spec/template/spec/containers/0/resources/limits/memory', '1Gi');
    patch('/spec/template/spec/securityContext/seccompProfile/type', 'Unconfined');
    patch('/spec/updateStrategy/type', 'OnDelete');
    patch('/spec/persistentVolumeClaimRetentionPolicy/whenDeleted', 'Delete');

    const patched = synthObjects(chart);
    const aSet = find(patched, 'StatefulSet', 'a');
    expect(aSet.spec.template.spec.containers[0].securityContext.capabilities.drop).toEqual(['NET_RAW']);
    expect(aSet.spec.updateStrategy.type).toBe('OnDelete');
    // The other app, and a synthesis without the patches, are unchanged.
    expect(find(patched, 'StatefulSet', 'b')).toEqual(find(before, 'StatefulSet', 'b'));
    const fresh = freshChart();
    new StatefulApp(fresh, 'a', minimal({ replicas: 3 }));
    expect(find(synthObjects(fresh), 'StatefulSet', 'a')).toEqual(find(before, 'StatefulSet', 'a'));
    const bSpec = find(patched, 'StatefulSet', 'b').spec;
    expect(bSpec.template.spec.containers[0].securityContext.capabilities.drop).toEqual(['ALL']);
    expect(bSpec.template.spec.containers[0].readinessProbe.tcpSocket.port).toBe(5432);
    expect(bSpec.template.spec.containers[0].resources.limits.memory).toBe('512Mi');
    expect(bSpec.template.spec.securityContext.seccompProfile.type).toBe('RuntimeDefault');
    expect(bSpec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(bSpec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });
});
