/**
 * GitOps annotations that change what happens to an update the API server refuses: instead of a
 * failed sync, the tool deletes the object and creates it again.
 *
 * - Argo CD, `argocd.argoproj.io/sync-options` containing `Force=true`: Argo CD applies with
 *   `kubectl apply --force`, which deletes and recreates an object whose patch the API server
 *   refuses as invalid; with `Replace=true` as well it runs `kubectl replace --force`, a delete and
 *   create. `Replace=true` alone makes it `kubectl replace` the object (a PUT), which the API server
 *   refuses like the patch. (Argo CD: docs/user-guide/sync-options.md, "Replace Resource Instead
 *   Of Applying Changes" and "Force Sync"; gitops-engine pkg/sync/sync_context.go `applyObject`.)
 * - Flux, `kustomize.toolkit.fluxcd.io/force: enabled`: the kustomize-controller recreates an
 *   object whose immutable fields changed.
 */
import { obj, strMap } from './k8s';
import { LoadedObject } from './load';

export const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const FLUX_FORCE = 'kustomize.toolkit.fluxcd.io/force';

/** What a GitOps tool does with an update of this object that the API server refuses. */
export interface GitOpsHandling {
  /** True when the tool deletes and recreates the object. */
  readonly recreates: boolean;
  /** `Argo CD (argocd.argoproj.io/sync-options: Force=true)` */
  readonly by: string;
  /** One sentence for the plan. */
  readonly note: string;
}

function syncOptions(value: string): Set<string> {
  return new Set(value.split(',').map((x) => x.trim()).filter((x) => x !== ''));
}

/** The GitOps handling the object's annotations ask for, or undefined (a refused sync fails). */
export function gitOpsHandling(o: LoadedObject): GitOpsHandling | undefined {
  const annotations = strMap(obj(o.object, 'metadata'), 'annotations');
  const argo = annotations[ARGO_SYNC_OPTIONS];
  if (argo !== undefined) {
    const options = syncOptions(argo);
    const force = options.has('Force=true');
    const replace = options.has('Replace=true');
    const by = `Argo CD (${ARGO_SYNC_OPTIONS}: ${argo})`;
    if (force) {
      return {
        recreates: true,
        by,
        note: `${by} does not stop at the refusal: it deletes the ${o.kind} and creates it again (${replace ? 'kubectl replace --force' : 'kubectl apply --force'})`,
      };
    }
    if (replace) {
      return {
        recreates: false,
        by,
        note: `${by} replaces the ${o.kind} (kubectl replace), which the API server refuses like the patch: the sync fails; with Force=true as well it would delete and recreate it`,
      };
    }
  }
  if ((annotations[FLUX_FORCE] ?? '').toLowerCase() === 'enabled') {
    const by = `Flux (${FLUX_FORCE}: enabled)`;
    return { recreates: true, by, note: `${by} does not stop at the refusal: it deletes the ${o.kind} and creates it again` };
  }
  return undefined;
}

/** Flux's annotation that keeps an object when it leaves the manifests. */
export const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

/**
 * The GitOps tools whose annotations keep the object when it leaves the manifests (Argo CD
 * `Prune=false` in its sync options, Flux `prune: disabled`), as one phrase, or undefined.
 */
export function keptFromPruning(o: LoadedObject): string | undefined {
  const annotations = strMap(obj(o.object, 'metadata'), 'annotations');
  const tools: string[] = [];
  const argo = annotations[ARGO_SYNC_OPTIONS];
  if (argo !== undefined && syncOptions(argo).has('Prune=false')) tools.push(`Argo CD (${ARGO_SYNC_OPTIONS}: ${argo})`);
  if ((annotations[FLUX_PRUNE] ?? '').toLowerCase() === 'disabled') tools.push(`Flux (${FLUX_PRUNE}: disabled)`);
  return tools.length === 0 ? undefined : `${tools.join(' and ')} ${tools.length === 1 ? 'keeps' : 'keep'}`;
}
