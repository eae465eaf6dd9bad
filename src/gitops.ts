import { IConstruct } from 'constructs';
import { describeGitOps, gitOpsAnnotations, gitOpsOf, keepAnnotations, registerGitOps } from './private/gitops';
import { invalid } from './validation';

/**
 * The GitOps tool a preset is made for.
 */
export enum GitOpsTool {
  /** Argo CD. */
  ARGO_CD = 'ArgoCD',
  /** Flux (kustomize-controller). */
  FLUX = 'Flux',
}

/**
 * Annotations for a GitOps tool, on the objects the library makes: a preset keeps storage
 * (StorageClasses, PersistentVolumes, PersistentVolumeClaims and the StatefulSet's claim templates)
 * from ever being pruned or deleted by the tool, and, for Argo CD, orders the sync.
 *
 * - `GitOps.argoCd()`: `argocd.argoproj.io/sync-options: Prune=false,Delete=false` on
 *   StorageClasses, PersistentVolumes, PersistentVolumeClaims and claim templates (Argo CD neither
 *   prunes them when they leave Git nor deletes them with the Application), and
 *   `argocd.argoproj.io/sync-wave`: `-1` for StorageClasses, PersistentVolumes,
 *   PersistentVolumeClaims, ConfigMaps and Services, `0` for StatefulSets, `1` for
 *   PodDisruptionBudgets and NetworkPolicies (each wave is applied and healthy before the next).
 * - `GitOps.flux()`: `kustomize.toolkit.fluxcd.io/prune: disabled` on the same storage objects
 *   (Flux's garbage collection leaves them alone). Flux has no per-object waves: split the
 *   manifests into Kustomizations with `dependsOn` instead (see the README).
 *
 * Use it as the `gitOps` option of a construct (`StatefulApp`, `ZooKeeperEnsemble`,
 * `CassandraRing`, `StorageClass`, the static volume sets), or for every object of a chart with
 * `GitOps.applyTo(chart, GitOps.argoCd())`. The annotations are added at synthesis, so objects added
 * to a construct after it was created get them too. An annotation the user set with the same key
 * and another value is refused, and so are two different presets on the same objects.
 *
 * Claim templates cannot change once a StatefulSet exists: choosing a preset for an app that is
 * already deployed changes its claim templates, which needs the procedure `cdk8s-stateful plan
 * --against` prints (orphan-delete the StatefulSet, then apply).
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
 */
export class GitOps {
  /**
   * The Argo CD preset: storage objects are never pruned or deleted
   * (`argocd.argoproj.io/sync-options: Prune=false,Delete=false`), and the sync is ordered in waves
   * (`argocd.argoproj.io/sync-wave`): storage, ConfigMaps and Services (-1), StatefulSets (0),
   * budgets and policies (1).
   */
  public static argoCd(): GitOps {
    return new GitOps(GitOpsTool.ARGO_CD);
  }

  /**
   * The Flux preset: storage objects are never garbage-collected
   * (`kustomize.toolkit.fluxcd.io/prune: disabled`).
   */
  public static flux(): GitOps {
    return new GitOps(GitOpsTool.FLUX);
  }

  /**
   * Applies a preset to every object under `scope` (usually a chart), at synthesis: the objects of
   * this library's constructs and any other `ApiObject` (by its kind). Constructs under the scope
   * that were given a different preset are refused.
   *
   * @param scope the chart (or any construct) whose objects get the annotations
   * @param preset `GitOps.argoCd()` or `GitOps.flux()`
   */
  public static applyTo(scope: IConstruct, preset: GitOps): void {
    const where = 'GitOps.applyTo()';
    if (!(preset instanceof GitOps)) {
      throw invalid(where, 'preset', preset, 'must be GitOps.argoCd() or GitOps.flux()');
    }
    const existing = gitOpsOf(scope);
    if (existing !== undefined && existing.tool !== preset.tool) {
      throw invalid(scope, 'GitOps.applyTo() preset', describeGitOps(preset),
        `${scope.node.path || 'the app'} already has ${describeGitOps(existing)}: one tool manages these objects; apply one preset`);
    }
    if (existing === undefined) {
      registerGitOps(scope, preset, scope, 'GitOps.applyTo() preset');
    }
  }

  private constructor(
    /** The tool the preset is made for. */
    public readonly tool: GitOpsTool) {}

  /**
   * The annotations that keep an object from being pruned or deleted by the tool; the preset puts
   * them on StorageClasses, PersistentVolumes, PersistentVolumeClaims and claim templates.
   */
  public get keepAnnotations(): { [key: string]: string } {
    return keepAnnotations(this.tool);
  }

  /**
   * The annotations the preset puts on an object of the given kind (e.g. `StatefulSet`); none for
   * kinds it leaves alone.
   */
  public annotationsFor(kind: string): { [key: string]: string } {
    return gitOpsAnnotations(this.tool, kind);
  }
}
