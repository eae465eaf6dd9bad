import { Chart, ChartProps, Size } from 'cdk8s';
import { PodManagementPolicy } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NGINX_AS_ROOT } from '../nginx-as-root';
import { StatefulApp } from 'cdk8s-stateful';

/**
 * Options of the web example.
 */
export interface WebChartProps extends ChartProps {
  /** OrderedReady (the basic tutorial) or Parallel (the parallel tutorial). */
  readonly podManagementPolicy?: PodManagementPolicy;

  /** Size of each pod's volume `www` (its claim template); the tutorial's is 1Gi. */
  readonly wwwSize?: Size;

  /** Grow the existing pods' `www` claims to this size through Git (the claim's `expandTo`). */
  readonly wwwExpandTo?: Size;
}

/**
 * The Kubernetes StatefulSet tutorial: headless Service `nginx` and StatefulSet `web`,
 * two nginx pods, each with its own 1Gi volume `www`.
 */
export class WebChart extends Chart {
  public readonly app: StatefulApp;

  constructor(scope: Construct, id: string, props: WebChartProps = {}) {
    super(scope, id, props);

    this.app = new StatefulApp(this, 'web', {
      serviceName: 'nginx',
      selectorLabels: { app: 'nginx' },
      replicas: 2,
      podManagementPolicy: props.podManagementPolicy,
      container: {
        image: 'registry.k8s.io/nginx-slim:0.8',
        ports: [{ number: 80, name: 'web' }],
      },
      containerName: 'nginx',
      // nginx-slim starts its master process as root, binds port 80, switches its workers to an
      // unprivileged user and writes its pid and temporary files under the root filesystem.
      // These are exactly the settings it cannot start without; see README.md.
      containerSecurity: NGINX_AS_ROOT,
      podSecurity: { ensureNonRoot: false },
      volumeClaims: [{
        name: 'www',
        size: props.wwwSize ?? Size.gibibytes(1),
        expandTo: props.wwwExpandTo,
        mountPath: '/usr/share/nginx/html',
      }],
    });
  }
}
