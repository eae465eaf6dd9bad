import { PodManagementPolicy } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { WebChart } from '../web/chart';

/**
 * The StatefulSet tutorial's parallel variant: the same app, with all pods started and stopped at once.
 */
export class WebParallelChart extends WebChart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { podManagementPolicy: PodManagementPolicy.PARALLEL });
  }
}
