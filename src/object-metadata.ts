/**
 * Labels and annotations of one Kubernetes object.
 *
 * Keys are qualified names (`[prefix/]name`: the name at most 63 letters, digits, '-', '_' and
 * '.', the optional prefix a DNS subdomain); label values are empty or at most 63 such characters;
 * annotation values are any text. Bad keys and values are refused at synth time.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
 */
export interface ObjectMetadataOptions {
  /**
   * Labels of the object, beside the construct's own. A label that would change a selector label
   * of the app is refused: selectors are derived from the selector labels alone.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the object. An annotation given here wins over one of the same key in the
   * construct's `annotations` (which go on every object).
   *
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * Labels and annotations of each object a stateful workload makes, for what one kind of object
 * needs (e.g. the annotations a cloud load balancer reads from the client Service).
 */
export interface WorkloadMetadataOptions {
  /**
   * The StatefulSet (not its pods: `podAnnotations` and `labels` are the pods').
   *
   * @default - none
   */
  readonly statefulSet?: ObjectMetadataOptions;

  /**
   * The governing headless Service.
   *
   * @default - none
   */
  readonly headlessService?: ObjectMetadataOptions;

  /**
   * The client Service, e.g. the annotations of an external load balancer
   * (`service.beta.kubernetes.io/aws-load-balancer-type: nlb`, ...).
   *
   * @default - none
   */
  readonly clientService?: ObjectMetadataOptions;

  /**
   * The PodDisruptionBudget.
   *
   * @default - none
   */
  readonly disruptionBudget?: ObjectMetadataOptions;

  /**
   * The ConfigMap of the generated configuration files.
   *
   * @default - none
   */
  readonly configMap?: ObjectMetadataOptions;

  /**
   * The ServiceAccount the app creates (`createServiceAccount`).
   *
   * @default - none
   */
  readonly serviceAccount?: ObjectMetadataOptions;

  /**
   * The ServiceMonitor or PodMonitor and the PrometheusRule of `metrics` (e.g. the label a
   * Prometheus selects its monitors and rules by, such as `release: prometheus`).
   *
   * @default - none
   */
  readonly monitoring?: ObjectMetadataOptions;

  /**
   * Every volume claim template, and the claims a claim's `expandTo` declares. The StatefulSet
   * copies a template's labels and annotations to the claims it creates. Claim templates cannot
   * change once the StatefulSet exists: choose these when the app is first deployed (a later
   * change needs the procedure `cdk8s-stateful plan --against` prints). The app's `labels` and
   * `annotations` are not put on claim templates, for the same reason.
   *
   * @default - none
   */
  readonly volumeClaims?: ObjectMetadataOptions;
}
