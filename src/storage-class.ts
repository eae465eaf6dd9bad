import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GitOps } from './gitops';
import { registerStorageClass } from './private/chart-checks';
import { clusterScoped } from './private/cluster-scoped';
import { checkGitOps, checkPresetConflicts, registerGitOps } from './private/gitops';
import {
  checkAnnotations, checkDnsSubdomain, checkEnumValue, checkLabels, checkMountOptions, checkReclaimPolicy, invalid, isQualifiedName,
} from './validation';

/**
 * A StorageClass, by name: the one way claims choose their class. It is a `StorageClass`
 * construct of the app, a class the cluster already has (`StorageClass.fromStorageClassName`), or
 * no class at all (`StorageClass.none()`); leaving it unset means the cluster's default class.
 */
export interface IStorageClass {
  /**
   * Name of the StorageClass, as claims and PersistentVolumes refer to it.
   */
  readonly storageClassName: string;
}

/** The annotation that makes a StorageClass the cluster's default. */
const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/**
 * When a claim of a StorageClass is bound to a volume.
 *
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode
 */
export enum VolumeBindingMode {
  /**
   * Bind (and provision) as soon as the claim is created, before any pod uses it. The volume may
   * end up in a zone or on a node where the pod cannot run.
   */
  IMMEDIATE = 'Immediate',
  /**
   * Wait until a pod using the claim is scheduled, then bind or provision a volume that pod can
   * reach (its node, its zone). Needed for node-local volumes and pinned hostPath volumes.
   */
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',
}

/**
 * Properties of a StorageClass.
 */
export interface StorageClassProps {
  /**
   * Name of the StorageClass. Claims refer to it, and it cannot be changed once claims use it.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The provisioner that creates volumes for claims of this class, e.g.
   * `ebs.csi.aws.com`, `rancher.io/local-path`, `k8s-sigs.io/nfs-subdir-external-provisioner`,
   * or `StorageClass.NO_PROVISIONER` for a class whose volumes are all created by hand
   * (static hostPath or NFS volumes).
   *
   * @see https://kubernetes.io/docs/concepts/storage/storage-classes/#provisioner
   */
  readonly provisioner: string;

  /**
   * Parameters passed to the provisioner (their meaning depends on the provisioner).
   *
   * @default - none
   */
  readonly parameters?: { [key: string]: string };

  /**
   * What happens to a dynamically provisioned volume when its claim is deleted. `RETAIN` keeps the
   * volume and its data; `DELETE` deletes both. (`Recycle` is not offered: it erases the volume's
   * files, and Kubernetes has deprecated it; a `'Recycle'` string from untyped code is refused.)
   *
   * @default PersistentVolumeReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: kplus.PersistentVolumeReclaimPolicy;

  /**
   * When claims are bound to volumes.
   *
   * @default VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER
   */
  readonly volumeBindingMode?: VolumeBindingMode;

  /**
   * Let claims of this class grow by raising their request (the provisioner must support it).
   *
   * @default false
   */
  readonly allowVolumeExpansion?: boolean;

  /**
   * Mount options of the provisioned volumes, e.g. `['nfsvers=4.1']`. They are not validated by
   * Kubernetes: a wrong option makes the mount, and the pod, fail.
   *
   * @default - none
   */
  readonly mountOptions?: string[];

  /**
   * Mark this class as the cluster's default (annotation
   * `storageclass.kubernetes.io/is-default-class`): claims that name no class get it. A cluster
   * should have only one default class.
   *
   * @default false
   */
  readonly isDefault?: boolean;

  /**
   * Labels of the StorageClass.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the StorageClass.
   *
   * @default - none (`isDefault` adds `storageclass.kubernetes.io/is-default-class`)
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Annotations for a GitOps tool: `GitOps.argoCd()` or `GitOps.flux()` keep the StorageClass from
   * being pruned or deleted by the tool (Argo CD's also syncs it in the first wave).
   *
   * @default - no GitOps annotations (unless a scope has `GitOps.applyTo`)
   */
  readonly gitOps?: GitOps;
}

/**
 * A StorageClass: how volumes are provisioned for the claims that name it.
 *
 * Data is kept by default: volumes keep their data when their claim is deleted (reclaim policy
 * `Retain`), and claims are bound only when their pod is scheduled (`WaitForFirstConsumer`), so
 * volumes are created where the pod can use them. Pass the construct to a claim
 * (`VolumeClaimProps.storageClass`) rather than its name, so renaming the class cannot leave claims
 * pointing at a class that does not exist.
 *
 * A StorageClass is cluster-scoped: it never carries a namespace, also inside a chart that has one.
 *
 * For static volumes (`HostPathVolumeSet`, `NfsVolumeSet`), create a class with
 * `provisioner: StorageClass.NO_PROVISIONER` and give it to the claim: no provisioner then creates
 * volumes for these claims, and they wait for the volumes made for them.
 *
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/
 */
export class StorageClass extends Construct implements IStorageClass {
  /**
   * The provisioner name of classes whose volumes are created by hand (static PersistentVolumes).
   */
  public static readonly NO_PROVISIONER = 'kubernetes.io/no-provisioner';

  /**
   * A StorageClass the cluster already has (created outside this app), by name.
   */
  public static fromStorageClassName(storageClassName: string): IStorageClass {
    checkDnsSubdomain('StorageClass.fromStorageClassName()', 'storageClassName', storageClassName);
    return { storageClassName };
  }

  /**
   * No StorageClass: claims ask for volumes without a class (`storageClassName: ""`), which turns
   * off the cluster's default class for them, so only static volumes without a class bind. For the
   * cluster's default class, leave `storageClass` unset instead.
   */
  public static none(): IStorageClass {
    return { storageClassName: '' };
  }

  /** Name of the StorageClass. */
  public readonly storageClassName: string;
  /** The StorageClass object. */
  public readonly apiObject: ApiObject;
  /** Whether claims of this class may grow by raising their request. */
  public readonly allowVolumeExpansion: boolean;
  /** When claims of this class are bound to volumes. */
  public readonly volumeBindingMode: VolumeBindingMode;

  constructor(scope: Construct, id: string, props: StorageClassProps) {
    super(scope, id);
    this.storageClassName = props.name ?? id;
    checkDnsSubdomain(this, 'name', this.storageClassName);
    // validateProvisioner: a qualified name, checked in lowercase.
    if (typeof props.provisioner !== 'string' || !isQualifiedName(props.provisioner.toLowerCase())) {
      throw invalid(this, 'provisioner', props.provisioner,
        'must be a provisioner name ([prefix/]name: letters, digits, \'-\', \'_\' and \'.\', at most 63 after the optional DNS prefix), '
        + `e.g. "ebs.csi.aws.com", or StorageClass.NO_PROVISIONER ("${StorageClass.NO_PROVISIONER}") for volumes created by hand`);
    }
    checkParameters(this, props.parameters);
    const reclaimPolicy = props.reclaimPolicy ?? kplus.PersistentVolumeReclaimPolicy.RETAIN;
    checkReclaimPolicy(this, 'reclaimPolicy', reclaimPolicy);
    const bindingMode = props.volumeBindingMode ?? VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER;
    checkEnumValue(this, 'volumeBindingMode', bindingMode, VolumeBindingMode, 'VolumeBindingMode');
    this.volumeBindingMode = bindingMode;
    checkMountOptions(this, 'mountOptions', props.mountOptions);
    checkLabels(this, 'labels', props.labels);
    checkAnnotations(this, 'annotations', props.annotations);
    const annotations = { ...props.annotations };
    if (props.isDefault) {
      const given = annotations[DEFAULT_CLASS_ANNOTATION];
      if (given !== undefined && given !== 'true') {
        throw invalid(this, `annotations[${JSON.stringify(DEFAULT_CLASS_ANNOTATION)}]`, given,
          'contradicts isDefault: true, which sets it to "true"; leave the annotation out');
      }
      annotations[DEFAULT_CLASS_ANNOTATION] = 'true';
    }
    checkGitOps(this, 'gitOps', props.gitOps);
    checkPresetConflicts(this, 'gitOps', props.gitOps, `StorageClass ${this.storageClassName}`, props.gitOps?.annotationsFor('StorageClass') ?? {},
      Object.fromEntries(Object.entries(props.annotations ?? {}).map(([k, v]) => [k, { value: v, field: 'annotations' }])));
    this.allowVolumeExpansion = props.allowVolumeExpansion ?? false;

    this.apiObject = new k8s.KubeStorageClass(this, 'Resource', {
      metadata: {
        name: this.storageClassName,
        labels: props.labels !== undefined && Object.keys(props.labels).length > 0 ? { ...props.labels } : undefined,
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
      provisioner: props.provisioner,
      parameters: props.parameters,
      reclaimPolicy,
      volumeBindingMode: bindingMode,
      allowVolumeExpansion: this.allowVolumeExpansion,
      mountOptions: props.mountOptions,
    });
    clusterScoped(this.apiObject);
    registerStorageClass(this, { errors: this, isDefault: props.isDefault ?? false, objects: [[this.apiObject, 'name']] });
    if (props.gitOps !== undefined) {
      registerGitOps(this, props.gitOps, this, 'gitOps');
    }
  }
}

/** The most a StorageClass's parameters may hold, keys and values (`maxProvisionerParameterSize`). */
const PARAMETERS_MAX_BYTES = 256 * 1024;

/** Checks provisioner parameters as the API server does (`validateParameters`): non-empty keys, string values, at most 256 KiB. */
function checkParameters(scope: Construct, parameters: { [key: string]: string } | undefined): void {
  if (parameters === undefined) return;
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw invalid(scope, 'parameters', parameters, 'must be a map of parameter names to string values, e.g. { type: "gp3" }');
  }
  let bytes = 0;
  for (const [key, value] of Object.entries(parameters)) {
    if (key === '') {
      throw invalid(scope, 'parameters key', key, 'must not be empty');
    }
    if (typeof value !== 'string') {
      throw invalid(scope, `parameters[${JSON.stringify(key)}]`, value, 'must be a string (quote numbers and booleans, e.g. "3000")');
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > PARAMETERS_MAX_BYTES) {
    throw invalid(scope, 'parameters', `${bytes} bytes`, `the parameters of a StorageClass may hold at most ${PARAMETERS_MAX_BYTES} bytes`);
  }
}
