import { ApiObject, Chart, ChartProps, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { EnvVariable } from 'cdk8s-stateful';

/**
 * Options of both WordPress charts.
 */
export interface WordpressChartProps extends ChartProps {
  /**
   * Name of the Secret that holds the database password. The charts only refer to it: create it
   * in the cluster (see README.md), never in the repository.
   *
   * @default 'mysql-pass'
   */
  readonly passwordSecretName?: string;

  /**
   * Key of the password in that Secret.
   *
   * @default 'password'
   */
  readonly passwordSecretKey?: string;
}

/** Label of every object of the tutorial. */
const APP_LABELS = { app: 'wordpress' };
/** Labels, and selector, of the MySQL pods. */
export const MYSQL_SELECTOR = { app: 'wordpress', tier: 'mysql' };
/** Labels, and selector, of the WordPress pods. */
const FRONTEND_SELECTOR = { app: 'wordpress', tier: 'frontend' };

export const MYSQL_NAME = 'wordpress-mysql';
export const MYSQL_IMAGE = 'mysql:8.0';
export const MYSQL_PORT = 3306;
export const MYSQL_DATA_DIR = '/var/lib/mysql';
/** The `mysql` user and group of the mysql:8.0 image (`groupadd --gid 999`, `useradd --uid 999`). */
export const MYSQL_UID = 999;
/** Where mysqld keeps its socket and pid file, and its temporary files: the only paths it writes outside the data directory. */
export const MYSQL_WRITABLE_DIRECTORIES = ['/var/run/mysqld', '/tmp'];

const WORDPRESS_NAME = 'wordpress';
const WORDPRESS_IMAGE = 'wordpress:6.2.1-apache';
const WORDPRESS_PORT = 80;
const WORDPRESS_DOCUMENT_ROOT = '/var/www/html';
/** The `www-data` user and group of the Debian-based wordpress image. */
const WORDPRESS_UID = 33;

export const CLAIM_SIZE = Size.gibibytes(20);

/**
 * Claims are kept when a GitOps tool prunes or deletes the app: removing a claim from the
 * repository must never delete a database.
 */
const KEEP_CLAIM_ANNOTATIONS = {
  'argocd.argoproj.io/sync-options': 'Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

export const MYSQL_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
  memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
};

const WORDPRESS_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
};

/**
 * The first start initializes the database (or copies WordPress into its volume) before the port
 * opens; a liveness probe must not kill the container during that. Up to five minutes.
 */
export function startupProbe(port: number): kplus.Probe {
  return kplus.Probe.fromTcpSocket({ port, periodSeconds: STARTUP_PERIOD, failureThreshold: STARTUP_FAILURES });
}

/** Period of the startup probes. */
export const STARTUP_PERIOD = Duration.seconds(10);
/** Failures the startup probes allow: five minutes at `STARTUP_PERIOD`. */
export const STARTUP_FAILURES = 30;

/**
 * The tutorial's MySQL environment: both the root password and the password of the `wordpress`
 * user come from the Secret.
 */
export function mysqlEnv(password: kplus.EnvValue): EnvVariable[] {
  return [
    { name: 'MYSQL_ROOT_PASSWORD', value: password },
    { name: 'MYSQL_DATABASE', value: kplus.EnvValue.fromValue('wordpress') },
    { name: 'MYSQL_USER', value: kplus.EnvValue.fromValue('wordpress') },
    { name: 'MYSQL_PASSWORD', value: password },
  ];
}

/** A list of environment variables as the map cdk8s-plus takes (it keeps the order). */
function envMap(env: EnvVariable[]): { [name: string]: kplus.EnvValue } {
  const map: { [name: string]: kplus.EnvValue } = {};
  for (const e of env) {
    map[e.name] = e.value;
  }
  return map;
}

/** The password, from the Secret the charts refer to. */
export function passwordEnv(scope: Construct, props: WordpressChartProps): kplus.EnvValue {
  const secret = kplus.Secret.fromSecretName(scope, 'mysql-pass', props.passwordSecretName ?? 'mysql-pass');
  return kplus.EnvValue.fromSecretValue({ secret, key: props.passwordSecretKey ?? 'password' });
}

/** A tutorial claim: ReadWriteOnce, 20Gi, kept by GitOps tools. */
function claim(scope: Construct, name: string): kplus.PersistentVolumeClaim {
  return new kplus.PersistentVolumeClaim(scope, name, {
    metadata: { name, labels: APP_LABELS, annotations: KEEP_CLAIM_ANNOTATIONS },
    accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
    // cdk8s-plus renders the request in whole Gi (`toGibibytes() + 'Gi'`): 20Gi stays 20Gi.
    storage: CLAIM_SIZE,
  });
}

/**
 * A one-pod Deployment of the tutorial: selector and pod labels are exactly the tutorial's (no
 * cdk8s-plus selector label), `Recreate` so the old pod releases the ReadWriteOnce claim before
 * the new one mounts it, and one replica (cdk8s-plus would default to two: two pods on one claim).
 */
function tutorialDeployment(scope: Construct, name: string, selector: { [key: string]: string },
  podSecurity: kplus.PodSecurityContextProps): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, name, {
    metadata: { name, labels: APP_LABELS },
    select: false,
    podMetadata: { labels: selector },
    replicas: 1,
    strategy: kplus.DeploymentStrategy.recreate(),
    automountServiceAccountToken: false,
    securityContext: podSecurity,
  });
  deployment.select(kplus.LabelSelector.of({ labels: selector }));
  return deployment;
}

/**
 * The two settings of the restricted Pod Security Standard that cdk8s-plus-27 cannot express: a
 * seccomp profile, and dropping the capability `ALL` (its `Capability` enum lists single
 * capabilities only). Call after the Deployment's only container is added.
 */
function restrict(deployment: kplus.Deployment) {
  ApiObject.of(deployment).addJsonPatch(
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
    JsonPatch.add('/spec/template/spec/containers/0/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
}

/** Container security of both images: a fixed non-root user, nothing else allowed (see also `restrict`). */
function containerSecurity(uid: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: uid,
    group: uid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
  };
}

/**
 * A tutorial Service, selecting the pods by the tutorial's labels (a cdk8s-plus workload as
 * selector would select its own `cdk8s.io/metadata.addr` label instead).
 */
function tutorialService(scope: Construct, id: string, name: string, selector: { [key: string]: string },
  props: kplus.ServiceProps): kplus.Service {
  const service = new kplus.Service(scope, id, { ...props, metadata: { name, labels: APP_LABELS } });
  for (const [key, value] of Object.entries(selector)) {
    service.selectLabel(key, value);
  }
  return service;
}

/** Mounts an emptyDir at each directory the container must write besides its claim. */
function mountWritableDirectories(scope: Construct, container: kplus.Container, prefix: string, directories: string[]) {
  for (const dir of directories) {
    const name = `${prefix}-${dir.replace(/^\/+/, '').replace(/[^a-z0-9]+/g, '-')}`;
    container.mount(dir, kplus.Volume.fromEmptyDir(scope, name, name));
  }
}

/**
 * WordPress (`wordpress.yaml`): Service `wordpress` (LoadBalancer, port 80), claim `wp-pv-claim`
 * and Deployment `wordpress`, connecting to MySQL at the host `dbHost`.
 */
export class WordpressFrontend extends Construct {
  public readonly service: kplus.Service;
  public readonly claim: kplus.PersistentVolumeClaim;
  public readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, dbHost: string, password: kplus.EnvValue) {
    super(scope, id);

    this.service = tutorialService(this, 'service', WORDPRESS_NAME, FRONTEND_SELECTOR, {
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [{ port: WORDPRESS_PORT }],
    });
    this.claim = claim(this, 'wp-pv-claim');
    this.deployment = tutorialDeployment(this, WORDPRESS_NAME, FRONTEND_SELECTOR, {
      ensureNonRoot: true,
      fsGroup: WORDPRESS_UID,
      fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      // Apache binds port 80 as www-data: let unprivileged processes of this pod's own network
      // namespace bind low ports. A "safe" sysctl, allowed by every Pod Security Standard.
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
    });
    const container = this.deployment.addContainer({
      name: 'wordpress',
      image: WORDPRESS_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      envVariables: envMap([
        { name: 'WORDPRESS_DB_HOST', value: kplus.EnvValue.fromValue(dbHost) },
        { name: 'WORDPRESS_DB_PASSWORD', value: password },
        { name: 'WORDPRESS_DB_USER', value: kplus.EnvValue.fromValue('wordpress') },
      ]),
      ports: [{ number: WORDPRESS_PORT, name: 'wordpress' }],
      resources: WORDPRESS_RESOURCES,
      startup: startupProbe(WORDPRESS_PORT),
      readiness: kplus.Probe.fromTcpSocket({ port: WORDPRESS_PORT }),
      liveness: kplus.Probe.fromTcpSocket({ port: WORDPRESS_PORT, failureThreshold: 6 }),
      securityContext: containerSecurity(WORDPRESS_UID),
    });
    container.mount(WORDPRESS_DOCUMENT_ROOT,
      kplus.Volume.fromPersistentVolumeClaim(this, 'wordpress-persistent-storage', this.claim, { name: 'wordpress-persistent-storage' }));
    // apache2-foreground removes its pid file in /var/run/apache2 and keeps its mutex in
    // /var/lock/apache2; PHP writes uploads and sessions to /tmp.
    mountWritableDirectories(this, container, 'wordpress', ['/var/run/apache2', '/var/lock/apache2', '/tmp']);
    restrict(this.deployment);
  }
}

/**
 * The Kubernetes tutorial "Deploying WordPress and MySQL with Persistent Volumes", as it is
 * (`wordpress-mysql.yaml` and `wordpress.yaml`): MySQL and WordPress, each a one-pod Deployment
 * with a 20Gi claim and a Service. The password comes from the Secret `mysql-pass`, which is
 * referenced, never synthesized.
 */
export class WordpressChart extends Chart {
  public readonly mysqlService: kplus.Service;
  public readonly mysqlClaim: kplus.PersistentVolumeClaim;
  public readonly mysqlDeployment: kplus.Deployment;
  public readonly frontend: WordpressFrontend;

  constructor(scope: Construct, id: string, props: WordpressChartProps = {}) {
    super(scope, id, props);
    const password = passwordEnv(this, props);

    this.mysqlService = tutorialService(this, 'mysql-service', MYSQL_NAME, MYSQL_SELECTOR, {
      clusterIP: 'None',
      ports: [{ port: MYSQL_PORT }],
    });
    this.mysqlClaim = claim(this, 'mysql-pv-claim');
    this.mysqlDeployment = tutorialDeployment(this, MYSQL_NAME, MYSQL_SELECTOR, {
      ensureNonRoot: true,
      fsGroup: MYSQL_UID,
      fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
    });
    const mysql = this.mysqlDeployment.addContainer({
      name: 'mysql',
      image: MYSQL_IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      envVariables: envMap(mysqlEnv(password)),
      ports: [{ number: MYSQL_PORT, name: 'mysql' }],
      resources: MYSQL_RESOURCES,
      startup: startupProbe(MYSQL_PORT),
      readiness: kplus.Probe.fromTcpSocket({ port: MYSQL_PORT }),
      liveness: kplus.Probe.fromTcpSocket({ port: MYSQL_PORT, failureThreshold: 6 }),
      securityContext: containerSecurity(MYSQL_UID),
    });
    mysql.mount(MYSQL_DATA_DIR,
      kplus.Volume.fromPersistentVolumeClaim(this, 'mysql-persistent-storage', this.mysqlClaim, { name: 'mysql-persistent-storage' }));
    mountWritableDirectories(this, mysql, 'mysql', MYSQL_WRITABLE_DIRECTORIES);
    restrict(this.mysqlDeployment);

    this.frontend = new WordpressFrontend(this, 'frontend', MYSQL_NAME, password);
  }
}
