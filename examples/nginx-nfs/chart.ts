import { Chart, ChartProps, Size } from 'cdk8s';
import { ImagePullPolicy, PersistentVolumeAccessMode } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NGINX_AS_ROOT } from '../nginx-as-root';
import { NfsVolumeSet, StatefulApp, StorageClass, VolumePaths } from 'cdk8s-stateful';

/**
 * nginx on static NFS volumes: five NFS PersistentVolumes `pv-nfs-001..005` on
 * `192.168.1.34:/data/volumes/v1..v5`, headless Service `nginx-svc` and StatefulSet
 * `nginx-statefulset` (5 replicas, claim `nginxdata` 5Gi). Pod `nginx-statefulset-<i>` always gets
 * export `v<i+1>`: each volume is pre-bound to its pod's claim.
 */
export class NginxNfsChart extends Chart {
  public readonly app: StatefulApp;
  public readonly volumes: NfsVolumeSet;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // No provisioner serves this class: the claims wait for the volumes made for them.
    const storage = new StorageClass(this, 'nginx-nfs', { provisioner: StorageClass.NO_PROVISIONER });

    this.app = new StatefulApp(this, 'nginx-statefulset', {
      serviceName: 'nginx-svc',
      selectorLabels: { app: 'nginx-pod' },
      replicas: 5,
      container: {
        image: 'nginx:1.12',
        imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
        ports: [{ number: 80, name: 'http' }],
      },
      containerName: 'nginx',
      // nginx:1.12 starts its master process as root, binds port 80, switches its workers to the
      // nginx user and writes its pid and cache files under the root filesystem. These are the
      // settings it cannot start without; see README.md.
      containerSecurity: NGINX_AS_ROOT,
      podSecurity: { ensureNonRoot: false },
      volumeClaims: [{ name: 'nginxdata', size: Size.gibibytes(5), mountPath: '/usr/share/nginx/html', storageClass: storage }],
    });

    this.volumes = new NfsVolumeSet(this, 'volumes', {
      app: this.app,
      claim: 'nginxdata',
      server: '192.168.1.34',
      paths: VolumePaths.of([1, 2, 3, 4, 5].map(i => `/data/volumes/v${i}`)),
      volumeNames: [1, 2, 3, 4, 5].map(i => `pv-nfs-00${i}`),
      accessModes: [PersistentVolumeAccessMode.READ_WRITE_ONCE, PersistentVolumeAccessMode.READ_WRITE_MANY],
    });
    // the reference's per-volume label
    this.volumes.volumes.forEach((pv, i) => pv.metadata.addLabel('name', `pv00${i + 1}`));
  }
}
