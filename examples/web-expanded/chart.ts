import { ChartProps, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { WebChart } from '../web/chart';

/**
 * The StatefulSet tutorial (`web`) after its volumes were grown from 1Gi to 5Gi through Git: the
 * claim `www` gets `expandTo: Size.gibibytes(5)`, so the chart declares the claims `www-web-0` and
 * `www-web-1` at 5Gi, while the StatefulSet, and its claim template of 1Gi, stay exactly as in `web`.
 */
export class WebExpandedChart extends WebChart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { ...props, wwwExpandTo: Size.gibibytes(5) });
  }
}
