import { Testing } from 'cdk8s';
import { WordpressChart } from '../../examples/wordpress/chart';
import { WordpressStatefulSetChart } from '../../examples/wordpress-statefulset/chart';
import { expectParity, loadReference } from '../util/parity';
import { validateManifests } from '../util/schema';
import { toYaml } from '../util/synth';

// Both charts reproduce every value of the tutorial's WordPress objects, and `wordpress` also every
// value of its MySQL objects: no allowed deviations. What they add (hardening, probes, resources,
// the claims' keep annotations) is listed in examples/wordpress/README.md.

/** The literal the tutorial's kustomization puts into the Secret (`literals: [password=YOUR_PASSWORD]`). */
const TUTORIAL_LITERAL = 'YOUR_PASSWORD';
const SECRET_NAME = /PASSWORD|SECRET|TOKEN/i;

/**
 * Every place where a synthesized object would carry a password: a Secret (or any object with
 * `data`/`stringData`), an environment variable named like a password, secret or token with a
 * literal `value`, and the tutorial's literal anywhere.
 */
function literalSecrets(objects: any[]): string[] {
  const found: string[] = [];
  const visit = (value: any, where: string) => {
    if (typeof value === 'string') {
      if (value.includes(TUTORIAL_LITERAL)) {
        found.push(`${where}: the tutorial's literal password`);
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${where}[${i}]`));
      return;
    }
    if (value === null || typeof value !== 'object') {
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      if (key === 'env' && Array.isArray(v)) {
        for (const e of v as any[]) {
          if (SECRET_NAME.test(e?.name ?? '') && e?.value !== undefined) {
            found.push(`${where}.env[name=${e.name}]: literal value`);
          }
        }
      }
      visit(v, `${where}.${key}`);
    }
  };
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.name}`;
    if (o.kind === 'Secret' || o.data !== undefined || o.stringData !== undefined) {
      found.push(`${id}: holds data`);
    }
    visit(o, id);
  }
  return found;
}

/** Every environment variable of every container of the objects, with where it is. */
function envVars(objects: any[]): Array<{ object: string; container: string; name: string; value?: string; valueFrom?: any }> {
  const vars: Array<{ object: string; container: string; name: string; value?: string; valueFrom?: any }> = [];
  for (const o of objects) {
    const spec = o.spec?.template?.spec;
    for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        vars.push({ object: `${o.kind}/${o.metadata.name}`, container: c.name, ...e });
      }
    }
  }
  return vars;
}

const find = (objects: any[], kind: string, name: string) => {
  const found = objects.filter(o => o.kind === kind && o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

/** The environment of a container of a reference file, e.g. the tutorial's MySQL. */
const referenceEnv = (file: string, deployment: string) =>
  loadReference(file).find(o => o.kind === 'Deployment' && o.metadata.name === deployment).spec.template.spec.containers[0].env;

test('the literal-password check finds a Secret, a literal password variable and the tutorial literal', () => {
  const leaky = [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mysql-pass' }, stringData: { password: 'hunter2' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'db' },
      spec: {
        template: {
          spec: {
            containers: [{
              name: 'db',
              env: [
                { name: 'MYSQL_ROOT_PASSWORD', value: 'hunter2' },
                { name: 'API_TOKEN', value: 'abc' },
                { name: 'MYSQL_USER', value: 'wordpress' },
                { name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'mysql-pass', key: 'password' } } },
              ],
              args: [`--password=${TUTORIAL_LITERAL}`],
            }],
          },
        },
      },
    },
  ];
  expect(literalSecrets(leaky)).toEqual([
    'Secret/mysql-pass: holds data',
    'Deployment/db.spec.template.spec.containers[0].env[name=MYSQL_ROOT_PASSWORD]: literal value',
    'Deployment/db.spec.template.spec.containers[0].env[name=API_TOKEN]: literal value',
    "Deployment/db.spec.template.spec.containers[0].args[0]: the tutorial's literal password",
  ]);
});

describe('example wordpress (the tutorial, MySQL and WordPress as Deployments)', () => {
  const objects = Testing.synth(new WordpressChart(Testing.app(), 'wordpress'));

  test('reproduces every value of both reference files', () => {
    expectParity('wordpress-mysql.yaml', objects, []);
    expectParity('wordpress.yaml', objects, []);
  });

  test('yields exactly the tutorial objects: no Secret, nothing else', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/wordpress-mysql',
      'PersistentVolumeClaim/mysql-pv-claim',
      'Deployment/wordpress-mysql',
      'Service/wordpress',
      'PersistentVolumeClaim/wp-pv-claim',
      'Deployment/wordpress',
    ]);
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
  });

  test('contains no password: every password variable refers to the Secret mysql-pass', () => {
    expect(literalSecrets(objects)).toEqual([]);
    const passwords = envVars(objects).filter(e => /PASSWORD/.test(e.name));
    expect(passwords.map(e => `${e.object}/${e.container}/${e.name}`)).toEqual([
      'Deployment/wordpress-mysql/mysql/MYSQL_ROOT_PASSWORD',
      'Deployment/wordpress-mysql/mysql/MYSQL_PASSWORD',
      'Deployment/wordpress/wordpress/WORDPRESS_DB_PASSWORD',
    ]);
    for (const e of passwords) {
      expect(e.value).toBeUndefined();
      expect(e.valueFrom).toEqual({ secretKeyRef: { name: 'mysql-pass', key: 'password' } });
    }
  });

  test('selects pods by the tutorial labels, one pod each, Recreate', () => {
    for (const [name, tier] of [['wordpress-mysql', 'mysql'], ['wordpress', 'frontend']]) {
      const selector = { app: 'wordpress', tier };
      const svc = find(objects, 'Service', name);
      const deploy = find(objects, 'Deployment', name);
      expect(svc.spec.selector).toEqual(selector);
      expect(deploy.spec.selector).toEqual({ matchLabels: selector });
      expect(deploy.spec.template.metadata.labels).toMatchObject(selector);
      // two pods on one ReadWriteOnce claim would be two MySQL servers on one data directory
      expect(deploy.spec.replicas).toBe(1);
      expect(deploy.spec.strategy).toEqual({ type: 'Recreate' });
    }
    expect(find(objects, 'Service', 'wordpress-mysql').spec.clusterIP).toBe('None');
    expect(find(objects, 'Service', 'wordpress').spec.type).toBe('LoadBalancer');
  });

  test('claims request exactly 20Gi, are mounted where the tutorial mounts them, and are kept', () => {
    for (const [claim, deployment, volume, path] of [
      ['mysql-pv-claim', 'wordpress-mysql', 'mysql-persistent-storage', '/var/lib/mysql'],
      ['wp-pv-claim', 'wordpress', 'wordpress-persistent-storage', '/var/www/html'],
    ]) {
      const pvc = find(objects, 'PersistentVolumeClaim', claim);
      expect(pvc.spec.resources.requests.storage).toBe('20Gi');
      expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
      expect(pvc.metadata.ownerReferences).toBeUndefined();
      expect(pvc.metadata.annotations).toEqual({
        'argocd.argoproj.io/sync-options': 'Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      });
      const pod = find(objects, 'Deployment', deployment).spec.template.spec;
      expect(pod.volumes).toContainEqual({ name: volume, persistentVolumeClaim: { claimName: claim, readOnly: false } });
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume, mountPath: path });
    }
  });

  test('runs both images as their own unprivileged user with a read-only root filesystem', () => {
    for (const [name, uid, writable] of [
      ['wordpress-mysql', 999, ['/var/run/mysqld', '/tmp']],
      ['wordpress', 33, ['/var/run/apache2', '/var/lock/apache2', '/tmp']],
    ] as Array<[string, number, string[]]>) {
      const pod = find(objects, 'Deployment', name).spec.template.spec;
      const c = pod.containers[0];
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true, fsGroup: uid, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      const emptyDirs = pod.volumes.filter((v: any) => v.emptyDir).map((v: any) => v.name);
      const writableMounts = c.volumeMounts.filter((m: any) => emptyDirs.includes(m.name)).map((m: any) => m.mountPath);
      expect(writableMounts).toEqual(writable);
      expect(c.imagePullPolicy).toBe('IfNotPresent');
      expect(c.startupProbe).toEqual({ tcpSocket: { port: c.ports[0].containerPort }, periodSeconds: 10, failureThreshold: 30 });
      expect(c.resources.limits).toBeDefined();
    }
    // Apache binds port 80 as www-data: the one relaxation, a namespaced safe sysctl
    expect(find(objects, 'Deployment', 'wordpress').spec.template.spec.securityContext.sysctls)
      .toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    expect(find(objects, 'Deployment', 'wordpress-mysql').spec.template.spec.securityContext.sysctls).toBeUndefined();
  });

  test('takes the Secret name and key from its props', () => {
    const custom = Testing.synth(new WordpressChart(Testing.app(), 'wordpress', {
      passwordSecretName: 'wordpress-db', passwordSecretKey: 'mysql-password',
    }));
    const passwords = envVars(custom).filter(e => /PASSWORD/.test(e.name));
    expect(passwords).toHaveLength(3);
    for (const e of passwords) {
      expect(e.valueFrom).toEqual({ secretKeyRef: { name: 'wordpress-db', key: 'mysql-password' } });
    }
    expect(literalSecrets(custom)).toEqual([]);
  });

  test('synthesizes byte-identical YAML twice', () => {
    expect(toYaml(Testing.synth(new WordpressChart(Testing.app(), 'wordpress')))).toEqual(toYaml(objects));
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});

describe('example wordpress-statefulset (MySQL as a StatefulApp)', () => {
  const chart = new WordpressStatefulSetChart(Testing.app(), 'wordpress-statefulset');
  const objects = Testing.synth(chart);

  test('keeps every value of the WordPress reference', () => {
    expectParity('wordpress.yaml', objects, []);
  });

  test('yields a headless Service and a StatefulSet for MySQL, and the tutorial WordPress objects', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/wordpress-mysql',
      'StatefulSet/wordpress-mysql',
      'Service/wordpress',
      'PersistentVolumeClaim/wp-pv-claim',
      'Deployment/wordpress',
    ]);
  });

  test('validates against the Kubernetes schema', () => {
    validateManifests(objects);
  });

  test('contains no password: every password variable refers to the Secret mysql-pass', () => {
    expect(literalSecrets(objects)).toEqual([]);
    const passwords = envVars(objects).filter(e => /PASSWORD/.test(e.name));
    expect(passwords.map(e => `${e.object}/${e.container}/${e.name}`)).toEqual([
      'StatefulSet/wordpress-mysql/mysql/MYSQL_ROOT_PASSWORD',
      'StatefulSet/wordpress-mysql/mysql/MYSQL_PASSWORD',
      'Deployment/wordpress/wordpress/WORDPRESS_DB_PASSWORD',
    ]);
    for (const e of passwords) {
      expect(e.value).toBeUndefined();
      expect(e.valueFrom).toEqual({ secretKeyRef: { name: 'mysql-pass', key: 'password' } });
    }
  });

  test('MySQL is one StatefulSet pod with its own 20Gi claim, the tutorial environment, and a Service WordPress reaches', () => {
    const svc = find(objects, 'Service', 'wordpress-mysql');
    const sts = find(objects, 'StatefulSet', 'wordpress-mysql');
    const selector = { app: 'wordpress', tier: 'mysql' };
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.selector).toEqual(selector);
    expect(svc.spec.ports).toEqual([{ name: 'mysql', port: 3306 }]);
    expect(sts.spec.serviceName).toBe('wordpress-mysql');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.selector).toEqual({ matchLabels: selector });
    expect(sts.spec.template.metadata.labels).toEqual(selector);
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'mysql-persistent-storage' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, volumeMode: 'Filesystem' },
    }]);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(chart.mysql.claimNames('mysql-persistent-storage')).toEqual(['mysql-persistent-storage-wordpress-mysql-0']);
    const c = sts.spec.template.spec.containers[0];
    expect(c.image).toBe('mysql:8.0');
    expect(c.env).toEqual(referenceEnv('wordpress-mysql.yaml', 'wordpress-mysql'));
    expect(c.ports).toEqual([{ containerPort: 3306, name: 'mysql' }]);
    expect(c.volumeMounts).toContainEqual({ name: 'mysql-persistent-storage', mountPath: '/var/lib/mysql' });
    // WordPress connects to the StatefulSet's governing Service, as it connected to the Deployment's
    const wp = find(objects, 'Deployment', 'wordpress').spec.template.spec.containers[0];
    expect(wp.env).toContainEqual({ name: 'WORDPRESS_DB_HOST', value: svc.metadata.name });
    // one replica: no disruption budget (it could only block node drains)
    expect(objects.filter(o => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('runs MySQL as uid/gid 999 with fsGroup 999, a read-only root filesystem and writable /var/run/mysqld and /tmp', () => {
    const pod = find(objects, 'StatefulSet', 'wordpress-mysql').spec.template.spec;
    const c = pod.containers[0];
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, fsGroup: 999, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    const emptyDirs = pod.volumes.filter((v: any) => v.emptyDir).map((v: any) => v.name);
    expect(c.volumeMounts.filter((m: any) => emptyDirs.includes(m.name)).map((m: any) => m.mountPath)).toEqual(['/var/run/mysqld', '/tmp']);
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 3306 }, periodSeconds: 10, failureThreshold: 30 });
    expect(pod.terminationGracePeriodSeconds).toBe(60);
  });

  test('deploys the same WordPress objects as the tutorial chart', () => {
    const tutorial = Testing.synth(new WordpressChart(Testing.app(), 'wordpress'));
    const withoutAddress = (o: any) => {
      const copy = JSON.parse(JSON.stringify(o));
      // cdk8s-plus labels pods with their construct path, which differs between the two charts
      delete copy.spec?.template?.metadata?.labels?.['cdk8s.io/metadata.addr'];
      return copy;
    };
    for (const [kind, name] of [['Service', 'wordpress'], ['PersistentVolumeClaim', 'wp-pv-claim'], ['Deployment', 'wordpress']]) {
      expect(withoutAddress(find(objects, kind, name))).toEqual(withoutAddress(find(tutorial, kind, name)));
    }
  });

  test('synthesizes byte-identical YAML twice', () => {
    expect(toYaml(Testing.synth(new WordpressStatefulSetChart(Testing.app(), 'wordpress-statefulset')))).toEqual(toYaml(objects));
  });

  test('matches the snapshot', () => {
    expect(toYaml(objects)).toMatchSnapshot();
  });
});
