import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PodVolume, PodVolumeKind, StatefulApp } from '../src';
import { HARDENED_CONTAINER_SECURITY_CONTEXT } from './util/hardening';
import { DB_IMAGE, dbApp, findObject as find, freshChart, synthObjects, synthValidated as synth, toYaml } from './util/synth';

// What can be added to a StatefulApp after construction (env, sidecars, init containers, volumes
// and mounts, pod annotations, generated configuration files), rendered at synthesis, and the
// checks that can only run once everything has been added.

const IMAGE = DB_IMAGE;
const build = dbApp;

/** The pod spec of the app's StatefulSet, from schema-validated objects. */
function podSpec(chart: Chart): any {
  return find(synth(chart), 'StatefulSet').spec.template.spec;
}

function container(pod: any, name: string): any {
  const found = [...pod.containers, ...(pod.initContainers ?? [])].filter((c: any) => c.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

const value = (v: string) => kplus.EnvValue.fromValue(v);

describe('addEnv', () => {
  test('appends after the container\'s own variables, in the order added', () => {
    const { chart, app } = build({
      container: {
        image: IMAGE,
        ports: [{ number: 5432, name: 'sql' }],
        env: [
          { name: 'POD_IP', value: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) },
          { name: 'MODE', value: value('primary') },
        ],
      },
    });
    app.addEnv('LISTEN', value('$(POD_IP):5432'));
    app.addEnv('LOG_LEVEL', value('info'));
    expect(container(podSpec(chart), 'db').env).toEqual([
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'MODE', value: 'primary' },
      { name: 'LISTEN', value: '$(POD_IP):5432' },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
  });

  test('a container without env of its own gets the added variables only', () => {
    const { chart, app } = build();
    app.addEnv('A', value('1'));
    expect(container(podSpec(chart), 'db').env).toEqual([{ name: 'A', value: '1' }]);
  });

  test('an etcd cluster puts its own pod DNS names into ETCD_INITIAL_CLUSTER after construction', () => {
    const chart = freshChart({ namespace: 'kv' });
    const etcd = new StatefulApp(chart, 'etcd', {
      replicas: 3,
      quorum: true,
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      publishNotReadyAddresses: true,
      container: {
        image: 'quay.io/coreos/etcd:v3.5.17',
        ports: [{ number: 2379, name: 'client' }, { number: 2380, name: 'peer' }],
        env: [{ name: 'ETCD_NAME', value: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME) }],
      },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(8), mountPath: '/var/run/etcd' }],
    });
    etcd.addEnv('ETCD_INITIAL_CLUSTER', value(
      etcd.podNames.map((pod, i) => `${pod}=http://${etcd.podDnsNames[i]}:2380`).join(',')));
    etcd.addEnv('ETCD_INITIAL_ADVERTISE_PEER_URLS', value(`http://$(ETCD_NAME).${etcd.serviceDnsName}:2380`));
    etcd.addEnv('ETCD_INITIAL_CLUSTER_STATE', value('new'));

    const objects = synth(chart);
    const env = container(find(objects, 'StatefulSet', 'etcd').spec.template.spec, 'etcd').env;
    expect(env).toEqual([
      { name: 'ETCD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      {
        name: 'ETCD_INITIAL_CLUSTER',
        value: 'etcd-0=http://etcd-0.etcd.kv.svc.cluster.local:2380,'
          + 'etcd-1=http://etcd-1.etcd.kv.svc.cluster.local:2380,'
          + 'etcd-2=http://etcd-2.etcd.kv.svc.cluster.local:2380',
      },
      { name: 'ETCD_INITIAL_ADVERTISE_PEER_URLS', value: 'http://$(ETCD_NAME).etcd.kv.svc.cluster.local:2380' },
      { name: 'ETCD_INITIAL_CLUSTER_STATE', value: 'new' },
    ]);
    // quorum: 3 members tolerate one down
    expect(find(objects, 'PodDisruptionBudget', 'etcd-pdb').spec.maxUnavailable).toBe(1);
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('fails on a variable the container already has (from its props or added before)', () => {
    const { app } = build({ container: { image: IMAGE, env: [{ name: 'MODE', value: value('a') }] } });
    expect(() => app.addEnv('MODE', value('b'))).toThrow(
      /^test\/db: invalid env name "MODE": the db container already has this variable; names must be unique within a container$/);
    app.addEnv('LISTEN', value('x'));
    expect(() => app.addEnv('LISTEN', value('y'))).toThrow(/^test\/db: invalid env name "LISTEN": the db container already has this variable/);
  });

  test('fails on a name with "=" or spaces', () => {
    const { app } = build();
    expect(() => app.addEnv('A=B', value('1'))).toThrow(/^test\/db: invalid env name "A=B": must be a variable name of letters, digits, '_', '-' and '.', not starting with a digit/);
    expect(() => app.addEnv('', value('1'))).toThrow(/^test\/db: invalid env name "": must be a variable name/);
  });
});

describe('addSidecar', () => {
  test('runs beside the main container, after the sidecars of the props, hardened, with default resources and no probes', () => {
    const { chart, app } = build({ sidecars: [{ name: 'exporter', image: 'registry.example.com/exporter:1' }] });
    app.addSidecar({
      name: 'backup',
      image: 'registry.example.com/backup:2',
      args: ['--every', '1h'],
      env: [{ name: 'TARGET', value: value('s3://backups') }],
      claimMounts: [{ claim: 'data', path: '/backup/data', readOnly: true }],
    });
    const pod = podSpec(chart);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['db', 'exporter', 'backup']);
    const backup = container(pod, 'backup');
    expect(backup).toEqual({
      name: 'backup',
      image: 'registry.example.com/backup:2',
      args: ['--every', '1h'],
      env: [{ name: 'TARGET', value: 's3://backups' }],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      securityContext: HARDENED_CONTAINER_SECURITY_CONTEXT,
      volumeMounts: [{ name: 'data', mountPath: '/backup/data', readOnly: true }],
    });
  });

  test('a sidecar\'s own resources merge with the defaults and its containerSecurity relaxes only what it names', () => {
    const { chart, app } = build();
    app.addSidecar({
      name: 'proxy',
      image: 'registry.example.com/proxy:1',
      ports: [{ number: 8080, name: 'http' }],
      resources: { memory: { limit: Size.mebibytes(128), request: Size.mebibytes(64) } },
      containerSecurity: { user: 101, readOnlyRootFilesystem: false },
      writableDirectories: ['/tmp'],
    });
    const pod = podSpec(chart);
    const proxy = container(pod, 'proxy');
    expect(proxy.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } });
    expect(proxy.securityContext).toEqual({ ...HARDENED_CONTAINER_SECURITY_CONTEXT, runAsUser: 101, readOnlyRootFilesystem: false });
    // a sidecar with ports still gets no default probes: they are the main container's
    expect(proxy.readinessProbe).toBeUndefined();
    expect(proxy.livenessProbe).toBeUndefined();
    expect(proxy.volumeMounts).toEqual([{ name: 'proxy-tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'proxy-tmp', emptyDir: {} }]);
    // the main container is unchanged
    expect(container(pod, 'db').securityContext).toEqual(HARDENED_CONTAINER_SECURITY_CONTEXT);
  });

  test('fails on a name the pod already has (main container, sidecar or init container)', () => {
    const { app } = build({ sidecars: [{ name: 'exporter', image: IMAGE }], initContainers: [{ name: 'init', image: IMAGE }] });
    expect(() => app.addSidecar({ name: 'db', image: IMAGE })).toThrow(
      /^test\/db: invalid sidecars\[1\].name "db": container names must be unique within the pod$/);
    expect(() => app.addSidecar({ name: 'exporter', image: IMAGE })).toThrow(/invalid sidecars\[1\].name "exporter": container names must be unique/);
    expect(() => app.addSidecar({ name: 'init', image: IMAGE })).toThrow(/invalid sidecars\[1\].name "init": container names must be unique/);
  });

  test('fails on a sidecar that mounts a claim the app does not have', () => {
    const { app } = build();
    expect(() => app.addSidecar({ name: 'backup', image: IMAGE, claimMounts: [{ claim: 'logs', path: '/logs' }] })).toThrow(
      /^test\/db: invalid sidecars\[0\].claimMounts\[0\].claim "logs": is not a volume claim of this app \(claims: data\)$/);
  });

  test('fails on a sidecar request above its limit, naming the sidecar\'s field', () => {
    const { app } = build();
    expect(() => app.addSidecar({ name: 'backup', image: IMAGE, resources: { memory: { request: Size.gibibytes(1) } } })).toThrow(
      /^test\/db: invalid sidecars\[0\].resources.memory.request "1Gi": is above the memory limit 512Mi/);
  });
});

describe('addInitContainer', () => {
  test('runs after the init containers of the props, in the order added', () => {
    const { chart, app } = build({ initContainers: [{ name: 'first', image: 'busybox:1.36', command: ['true'] }] });
    app.addInitContainer({ name: 'second', image: 'busybox:1.36', command: ['sh', '-c', 'echo 2'] });
    app.addInitContainer({
      name: 'third',
      image: 'busybox:1.36',
      command: ['sh', '-c', 'echo 3'],
      claimMounts: [{ claim: 'data', path: '/volume', subPath: 'db' }],
    });
    const pod = podSpec(chart);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['first', 'second', 'third']);
    expect(pod.initContainers[1].command).toEqual(['sh', '-c', 'echo 2']);
    expect(pod.initContainers[2].volumeMounts).toEqual([{ name: 'data', mountPath: '/volume', subPath: 'db' }]);
    expect(pod.initContainers[2].securityContext).toEqual(HARDENED_CONTAINER_SECURITY_CONTEXT);
    expect(pod.initContainers[2].resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    // init containers are not among the containers
    expect(pod.containers.map((c: any) => c.name)).toEqual(['db']);
  });

  test('fails on a container name the pod already has', () => {
    const { app } = build({ sidecars: [{ name: 'backup', image: IMAGE }] });
    app.addInitContainer({ name: 'prepare', image: IMAGE });
    expect(() => app.addInitContainer({ name: 'prepare', image: IMAGE })).toThrow(
      /^test\/db: invalid initContainers\[1\].name "prepare": container names must be unique within the pod$/);
    expect(() => app.addInitContainer({ name: 'backup', image: IMAGE })).toThrow(/invalid initContainers\[1\].name "backup": container names must be unique/);
    expect(() => app.addInitContainer({ name: 'db', image: IMAGE })).toThrow(/invalid initContainers\[1\].name "db": container names must be unique/);
  });

  test('fails on a name that is not a DNS label', () => {
    const { app } = build();
    expect(() => app.addInitContainer({ name: 'Prepare_Data', image: IMAGE })).toThrow(
      /^test\/db: invalid initContainers\[0\].name "Prepare_Data": must be a DNS label/);
  });
});

describe('addVolume and PodVolume', () => {
  test('PodVolume factories say what they hold', () => {
    const e = PodVolume.emptyDir('cache', { memory: true, sizeLimit: Size.mebibytes(64) });
    expect([e.name, e.kind, e.memory, e.sizeLimit?.toMebibytes(), e.sourceName]).toEqual(['cache', PodVolumeKind.EMPTY_DIR, true, 64, undefined]);
    const c = PodVolume.fromConfigMap('conf', 'db-conf');
    expect([c.name, c.kind, c.sourceName]).toEqual(['conf', PodVolumeKind.CONFIG_MAP, 'db-conf']);
    const s = PodVolume.fromSecret('tls', 'db-tls');
    expect([s.name, s.kind, s.sourceName]).toEqual(['tls', PodVolumeKind.SECRET, 'db-tls']);
  });

  test('emptyDir (plain, in memory with a size limit), ConfigMap and Secret (mode 0400) volumes', () => {
    const { chart, app } = build();
    app.addVolume(PodVolume.emptyDir('scratch'));
    app.addVolume(PodVolume.emptyDir('cache', { memory: true, sizeLimit: Size.mebibytes(64) }));
    app.addVolume(PodVolume.emptyDir('spool', { sizeLimit: Size.gibibytes(2) }));
    app.addVolume(PodVolume.fromConfigMap('conf', 'db-conf'));
    app.addVolume(PodVolume.fromSecret('tls', 'db-tls'));
    app.mountVolume('scratch', '/scratch');
    app.mountVolume('cache', '/cache');
    app.mountVolume('spool', '/spool');
    app.mountVolume('conf', '/etc/db', { readOnly: true });
    app.mountVolume('tls', '/etc/tls', { readOnly: true });
    const pod = podSpec(chart);
    expect(pod.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'spool', emptyDir: { sizeLimit: '2Gi' } },
      { name: 'conf', configMap: { name: 'db-conf' } },
      { name: 'tls', secret: { secretName: 'db-tls', defaultMode: 0o400 } },
    ]);
    expect(pod.volumes[4].secret.defaultMode).toBe(256);
    expect(container(pod, 'db').volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/db' },
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'cache', mountPath: '/cache' },
      { name: 'spool', mountPath: '/spool' },
      { name: 'conf', mountPath: '/etc/db', readOnly: true },
      { name: 'tls', mountPath: '/etc/tls', readOnly: true },
    ]);
  });

  test('fails on a name the pod already has: a claim, an added volume, a writable directory\'s volume', () => {
    const { app } = build({ container: { image: IMAGE, writableDirectories: ['/tmp'] } });
    app.addVolume(PodVolume.emptyDir('cache'));
    const message = (name: string) => new RegExp(
      `^test/db: invalid volume name "${name}": the pods already have a volume \\(or claim\\) of this name; volume names must be unique$`);
    expect(() => app.addVolume(PodVolume.emptyDir('data'))).toThrow(message('data'));
    expect(() => app.addVolume(PodVolume.fromSecret('cache', 'db-tls'))).toThrow(message('cache'));
    expect(() => app.addVolume(PodVolume.emptyDir('db-tmp'))).toThrow(message('db-tmp'));
  });

  test('fails on a volume name that is not a DNS label, and a source name that is not a DNS subdomain', () => {
    const { app } = build();
    expect(() => app.addVolume(PodVolume.emptyDir('Cache_1'))).toThrow(/^test\/db: invalid volume name "Cache_1": must be a DNS label/);
    expect(() => app.addVolume(PodVolume.fromConfigMap('conf', 'DB Conf'))).toThrow(
      /^test\/db: invalid volume conf source name "DB Conf": must be a DNS subdomain/);
  });

  test('fails at synthesis on a sidecar added later whose writable directory takes an added volume\'s name', () => {
    const { chart, app } = build();
    app.addVolume(PodVolume.emptyDir('backup-tmp'));
    app.mountVolume('backup-tmp', '/scratch');
    app.addSidecar({ name: 'backup', image: IMAGE, writableDirectories: ['/tmp'] });
    expect(() => synthObjects(chart)).toThrow(
      /^test\/db: invalid volume names "backup-tmp": two volumes of the pod have this name \(a claim, a writable directory, a ConfigMap mount or an added volume\); rename one$/);
  });
});

describe('mountVolume', () => {
  test('a claim into a sidecar, read-only, and an added volume with a subPath', () => {
    const { chart, app } = build();
    app.addSidecar({ name: 'backup', image: 'registry.example.com/backup:2' });
    app.mountVolume('data', '/backup/data', { container: 'backup', readOnly: true });
    app.addVolume(PodVolume.fromConfigMap('conf', 'db-conf'));
    app.mountVolume('conf', '/etc/db/db.conf', { subPath: 'db.conf', readOnly: true });
    app.mountVolume('conf', '/etc/backup', { container: 'backup', subPath: 'backup/conf.d' });
    const pod = podSpec(chart);
    expect(container(pod, 'backup').volumeMounts).toEqual([
      { name: 'data', mountPath: '/backup/data', readOnly: true },
      { name: 'conf', mountPath: '/etc/backup', subPath: 'backup/conf.d' },
    ]);
    expect(container(pod, 'db').volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/db' },
      { name: 'conf', mountPath: '/etc/db/db.conf', subPath: 'db.conf', readOnly: true },
    ]);
  });

  test('a claim without a mountPath mounted only with mountVolume is mounted somewhere', () => {
    const { chart, app } = build({
      sidecars: [{ name: 'agent', image: IMAGE }],
      volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db' }, { name: 'logs', size: Size.gibibytes(1) }],
    });
    app.mountVolume('logs', '/logs', { container: 'agent' });
    expect(container(podSpec(chart), 'agent').volumeMounts).toEqual([{ name: 'logs', mountPath: '/logs' }]);
  });

  test('into an init container', () => {
    const { chart, app } = build({ initContainers: [{ name: 'restore', image: IMAGE }] });
    app.mountVolume('data', '/restore', { container: 'restore' });
    expect(container(podSpec(chart), 'restore').volumeMounts).toEqual([{ name: 'data', mountPath: '/restore' }]);
  });

  test('fails on an unknown volume, listing the ones the app has', () => {
    const { app } = build();
    app.addVolume(PodVolume.emptyDir('cache'));
    expect(() => app.mountVolume('logs', '/logs')).toThrow(
      /^test\/db: invalid volume "logs": is neither a claim nor a volume added with addVolume \(have: data, cache\)$/);
  });

  test.each(['/etc', '../etc', 'conf/../../etc', '..'])('fails on the subPath %p (absolute or with "..")', (subPath) => {
    const { app } = build();
    expect(() => app.mountVolume('data', '/x', { subPath })).toThrow(
      new RegExp(`^test/db: invalid subPath ${JSON.stringify(subPath).replace(/[.*/()]/g, '\\$&')}: must be a path inside the volume: relative \\(not starting with '/'\\), without '\\.\\.'`));
  });

  test('fails on a mount path that is not absolute', () => {
    const { app } = build();
    expect(() => app.mountVolume('data', 'backup')).toThrow(/^test\/db: invalid mount path "backup": must be an absolute path/);
  });

  test('fails on an unknown container, listing the pod\'s containers', () => {
    const { app } = build({ sidecars: [{ name: 'backup', image: IMAGE }] });
    expect(() => app.mountVolume('data', '/x', { container: 'nginx' })).toThrow(
      /^test\/db: invalid container "nginx": is not a container of the app \(have: db, backup\)$/);
  });

  test('fails at synthesis on two volumes mounted on one path, naming both volumes', () => {
    const { chart, app } = build();
    app.addVolume(PodVolume.emptyDir('cache'));
    app.mountVolume('cache', '/var/lib/db/');
    expect(() => synthObjects(chart)).toThrow(
      /^test\/db: invalid mountVolume\("cache"\) path "\/var\/lib\/db\/": the db container already mounts volume "data" at \/var\/lib\/db \(volumeClaims\[0\].mountPath\); volume "cache" cannot be mounted there too: mount each at its own path$/);
  });

  test('fails at synthesis on two mounts on one path in a sidecar, naming the sidecar', () => {
    const { chart, app } = build({ sidecars: [{ name: 'backup', image: IMAGE, writableDirectories: ['/backup'] }] });
    app.mountVolume('data', '/backup', { container: 'backup' });
    expect(() => synthObjects(chart)).toThrow(
      /^test\/db: invalid sidecars\[0\].writableDirectories\[0\] "\/backup": the backup container already mounts volume "data" at \/backup \(mountVolume\("data"\) path\); volume "backup-backup" cannot be mounted there too/);
  });

  test('a claim mounted nowhere at construction can still be mounted before synthesis', () => {
    const { chart, app } = build({ volumeClaims: [{ name: 'data', size: Size.gibibytes(1) }] });
    expect(() => synthObjects(chart)).toThrow(/invalid volumeClaims "data": claim is mounted nowhere/);
    app.mountVolume('data', '/var/lib/db');
    expect(container(podSpec(chart), 'db').volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/db' }]);
  });
});

describe('addPodAnnotation', () => {
  test('adds to the pod template, beside podAnnotations', () => {
    const { chart, app } = build({ podAnnotations: { 'prometheus.io/scrape': 'true' } });
    app.addPodAnnotation('prometheus.io/port', '9187');
    app.addPodAnnotation('backup.velero.io/backup-volumes', 'data');
    const objects = synth(chart);
    expect(find(objects, 'StatefulSet').spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9187',
      'backup.velero.io/backup-volumes': 'data',
    });
    // pod annotations only: the StatefulSet's own metadata and the Service have none
    expect(find(objects, 'StatefulSet').metadata.annotations).toBeUndefined();
    expect(find(objects, 'Service').metadata.annotations).toBeUndefined();
  });

  test('fails on a key the pods already have, or an empty key', () => {
    const { app } = build({ podAnnotations: { 'prometheus.io/scrape': 'true' } });
    app.addPodAnnotation('prometheus.io/port', '9187');
    expect(() => app.addPodAnnotation('prometheus.io/scrape', 'false')).toThrow(
      /^test\/db: invalid pod annotation "prometheus.io\/scrape": must be a new, non-empty annotation key$/);
    expect(() => app.addPodAnnotation('prometheus.io/port', '9188')).toThrow(/invalid pod annotation "prometheus.io\/port": must be a new/);
    expect(() => app.addPodAnnotation('', 'x')).toThrow(/invalid pod annotation "": must be a new, non-empty annotation key/);
  });
});

describe('addConfigFile', () => {
  const checksum = (objects: any[]) => find(objects, 'StatefulSet').spec.template.metadata.annotations['checksum/config'];

  test('keeps the files in the ConfigMap <name>-config, mounts their directory read-only, and annotates the pods with a checksum', () => {
    const chart = freshChart({ namespace: 'shop' });
    const app = new StatefulApp(chart, 'db', {
      labels: { team: 'payments' },
      container: { image: IMAGE, ports: [{ number: 5432, name: 'sql' }] },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db' }],
    });
    expect(app.configMap).toBeUndefined();
    app.addConfigFile('/etc/db/db.conf', 'listen=0.0.0.0\nport=5432\n');
    app.addConfigFile('/etc/db/log.conf', 'level=info\n');
    expect(app.configMap?.name).toBe('db-config');

    const objects = synth(chart);
    // the ConfigMap is written before the StatefulSet whose pods mount it
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/db', 'ConfigMap/db-config', 'StatefulSet/db']);
    const cm = find(objects, 'ConfigMap', 'db-config');
    expect(cm.metadata).toEqual({ name: 'db-config', namespace: 'shop', labels: { 'team': 'payments', 'app.kubernetes.io/name': 'db' } });
    expect(cm.data).toEqual({ 'db.conf': 'listen=0.0.0.0\nport=5432\n', 'log.conf': 'level=info\n' });

    const sts = find(objects, 'StatefulSet', 'db');
    const pod = sts.spec.template.spec;
    // one directory: the whole ConfigMap, no items
    expect(pod.volumes).toEqual([{ name: 'db-etc-db', configMap: { name: 'db-config' } }]);
    expect(container(pod, 'db').volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/db' },
      { name: 'db-etc-db', mountPath: '/etc/db', readOnly: true },
    ]);
    expect(sts.spec.template.metadata.annotations).toEqual({ 'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('the checksum changes when a file\'s content changes, and is stable otherwise (also across the order files are added in)', () => {
    const sum = (files: Array<[string, string]>) => {
      const { chart, app } = build();
      files.forEach(([path, content]) => app.addConfigFile(path, content));
      return checksum(synth(chart));
    };
    const base = sum([['/etc/db/db.conf', 'port=5432\n'], ['/etc/db/log.conf', 'level=info\n']]);
    expect(sum([['/etc/db/db.conf', 'port=5432\n'], ['/etc/db/log.conf', 'level=info\n']])).toBe(base);
    expect(sum([['/etc/db/log.conf', 'level=info\n'], ['/etc/db/db.conf', 'port=5432\n']])).toBe(base);
    expect(sum([['/etc/db/db.conf', 'port=5433\n'], ['/etc/db/log.conf', 'level=info\n']])).not.toBe(base);
    expect(sum([['/etc/db/db.conf', 'port=5432\n'], ['/etc/db/log.conf', 'level=debug\n']])).not.toBe(base);
    expect(sum([['/etc/db/db.conf', 'port=5432\n']])).not.toBe(base);
    // content moved from one file to another, and a renamed file, are changes too
    expect(sum([['/etc/db/db.conf', 'port=5432\nlevel=info\n'], ['/etc/db/log.conf', '']])).not.toBe(base);
    expect(sum([['/etc/db/db.conf', 'port=5432\n'], ['/etc/db/logging.conf', 'level=info\n']])).not.toBe(base);
  });

  test('the ConfigMap and the checksum are rendered at synthesis: a file added after a first synthesis is in both', () => {
    const { chart, app } = build();
    app.addConfigFile('/etc/db/db.conf', 'port=5432\n');
    const before = checksum(synth(chart));
    app.addConfigFile('/etc/db/extra.conf', 'x=1\n');
    const objects = synth(chart);
    expect(checksum(objects)).not.toBe(before);
    expect(find(objects, 'ConfigMap', 'db-config').data).toEqual({ 'db.conf': 'port=5432\n', 'extra.conf': 'x=1\n' });
  });

  test('two directories: each gets only its own files (items)', () => {
    const { chart, app } = build();
    app.addConfigFile('/etc/db/db.conf', 'port=5432\n');
    app.addConfigFile('/etc/db/hba.conf', 'local all all trust\n');
    app.addConfigFile('/etc/logging/log.conf', 'level=info\n');
    const objects = synth(chart);
    expect(find(objects, 'ConfigMap', 'db-config').data).toEqual({
      'db.conf': 'port=5432\n', 'hba.conf': 'local all all trust\n', 'log.conf': 'level=info\n',
    });
    const pod = find(objects, 'StatefulSet').spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: 'db-etc-db', configMap: { name: 'db-config', items: [{ key: 'db.conf', path: 'db.conf' }, { key: 'hba.conf', path: 'hba.conf' }] } },
      { name: 'db-etc-logging', configMap: { name: 'db-config', items: [{ key: 'log.conf', path: 'log.conf' }] } },
    ]);
    expect(container(pod, 'db').volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/db' },
      { name: 'db-etc-db', mountPath: '/etc/db', readOnly: true },
      { name: 'db-etc-logging', mountPath: '/etc/logging', readOnly: true },
    ]);
  });

  test('into a sidecar, with a configMapName of its own', () => {
    const { chart, app } = build({ configMapName: 'db-files', sidecars: [{ name: 'exporter', image: IMAGE }] });
    app.addConfigFile('/etc/exporter/queries.yaml', 'pg_up: {}\n', { container: 'exporter' });
    const objects = synth(chart);
    expect(find(objects, 'ConfigMap', 'db-files').data).toEqual({ 'queries.yaml': 'pg_up: {}\n' });
    const pod = find(objects, 'StatefulSet').spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'exporter-etc-exporter', configMap: { name: 'db-files' } }]);
    expect(container(pod, 'exporter').volumeMounts).toEqual([{ name: 'exporter-etc-exporter', mountPath: '/etc/exporter', readOnly: true }]);
    expect(container(pod, 'db').volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/db' }]);
  });

  test('a pod annotation and a file together: both annotations', () => {
    const { chart, app } = build({ podAnnotations: { 'prometheus.io/scrape': 'true' } });
    app.addConfigFile('/etc/db/db.conf', 'port=5432\n');
    expect(find(synth(chart), 'StatefulSet').spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  test.each([
    ['db.conf', 'must be an absolute path'],
    ['/etc/../db.conf', 'must be an absolute path'],
    ['/etc/db/', "must end in a file name of letters, digits, '-', '_' and '.'"],
    ['/etc/db/my conf', "must end in a file name of letters, digits, '-', '_' and '.'"],
  ])('fails on the path %p', (path, reason) => {
    const { app } = build();
    expect(() => app.addConfigFile(path, 'x')).toThrow(`test/db: invalid config file path ${JSON.stringify(path)}: ${reason}`);
  });

  test('fails on a file name the app already has, also in another directory (one ConfigMap holds them all)', () => {
    const { app } = build();
    app.addConfigFile('/etc/db/db.conf', 'a');
    const message = (path: string) =>
      `test/db: invalid config file path "${path}": the app already has a configuration file of this name; file names must be unique`;
    expect(() => app.addConfigFile('/etc/db/db.conf', 'b')).toThrow(message('/etc/db/db.conf'));
    expect(() => app.addConfigFile('/etc/other/db.conf', 'b')).toThrow(message('/etc/other/db.conf'));
  });

  test('fails on an unknown container', () => {
    const { app } = build();
    expect(() => app.addConfigFile('/etc/db/db.conf', 'a', { container: 'nginx' })).toThrow(
      /^test\/db: invalid container "nginx": is not a container of the app \(have: db\)$/);
  });

  test('fails at synthesis on a file directory where a claim is mounted', () => {
    const { chart, app } = build();
    app.addConfigFile('/var/lib/db/db.conf', 'a');
    expect(() => synthObjects(chart)).toThrow(
      /^test\/db: invalid config file path "\/var\/lib\/db": the db container already mounts volume "data" at \/var\/lib\/db \(volumeClaims\[0\].mountPath\); volume "db-var-lib-db" cannot be mounted there too/);
  });

  test('fails at synthesis when the user sets checksum/config too (it would be overwritten silently)', () => {
    const given = build({ podAnnotations: { 'checksum/config': 'abc' } });
    given.app.addConfigFile('/etc/db/db.conf', 'a');
    expect(() => synthObjects(given.chart)).toThrow(
      /^test\/db: invalid podAnnotations "checksum\/config": is the annotation addConfigFile sets to the checksum of the configuration files \(so a change rolls the pods\); use another key$/);
    const added = build();
    added.app.addPodAnnotation('checksum/config', 'abc');
    added.app.addConfigFile('/etc/db/db.conf', 'a');
    expect(() => synthObjects(added.chart)).toThrow(/^test\/db: invalid pod annotation "checksum\/config": is the annotation addConfigFile sets/);
  });

  test('fails on a configMapName that is not a DNS subdomain', () => {
    expect(() => build({ configMapName: 'DB Files' })).toThrow(/^test\/db: invalid configMapName "DB Files": must be a DNS subdomain/);
  });
});
