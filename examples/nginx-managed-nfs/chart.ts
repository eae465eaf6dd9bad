import { Chart, ChartProps, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { NGINX_AS_ROOT } from '../nginx-as-root';
import { StatefulApp, StorageClass } from 'cdk8s-stateful';

/**
 * nginx with dynamically provisioned NFS volumes: headless Service `linux-headless`, StatefulSet
 * `nginx-web-sts-vct` (3 replicas) whose claims `data` (2Gi) come from the StorageClass
 * `managed-nfs-storage` the cluster already has, and the client Service `nginx-web-sts-svc`.
 */
export class NginxManagedNfsChart extends Chart {
  public readonly app: StatefulApp;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    this.app = new StatefulApp(this, 'nginx-web-sts-vct', {
      serviceName: 'linux-headless',
      selectorLabels: { apps: 'nginx' },
      replicas: 3,
      container: {
        image: 'harbor.myharbor.com/myharbor/nginx:v1.0-my',
        // The port the Services send to; naming it gives the pods TCP readiness and liveness probes.
        ports: [{ number: 80, name: 'web' }],
      },
      containerName: 'nginx-web-01',
      // An image built on nginx: its master process starts as root, binds port 80, switches its
      // workers to another user and writes pid and cache files under the root filesystem.
      // These are the settings it cannot start without; see README.md.
      containerSecurity: NGINX_AS_ROOT,
      podSecurity: { ensureNonRoot: false },
      clientService: { name: 'nginx-web-sts-svc', ports: [{ port: 80, targetPort: 80 }] },
      volumeClaims: [{
        name: 'data',
        size: Size.gibibytes(2),
        mountPath: '/usr/share/nginx/html',
        storageClass: StorageClass.fromStorageClassName('managed-nfs-storage'),
      }],
    });
  }
}
