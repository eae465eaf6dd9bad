import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { GitOps, GitOpsTool } from '../gitops';
import { ErrorScope, invalid } from '../validation';

// The annotations of the GitOps presets, and how a preset reaches the objects of a construct (or
// of a whole chart) at synthesis. Not part of the public API.

/** Argo CD's per-object sync options. */
const ARGO_CD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Argo CD's sync wave: lower waves are applied, and healthy, before higher ones. */
const ARGO_CD_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
/** Flux kustomize-controller's per-object garbage-collection switch. */
const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

/** Objects that hold data or decide where it lives: never pruned, never deleted by the tool. */
const KEEP_KINDS = new Set(['StorageClass', 'PersistentVolume', 'PersistentVolumeClaim']);

/** Argo CD sync waves by kind: storage, configuration and Services first, then the StatefulSet, then budgets and policies. */
const ARGO_CD_WAVES: { [kind: string]: string } = {
  StorageClass: '-1',
  PersistentVolume: '-1',
  PersistentVolumeClaim: '-1',
  ConfigMap: '-1',
  Service: '-1',
  StatefulSet: '0',
  PodDisruptionBudget: '1',
  NetworkPolicy: '1',
};

/** The annotations that keep an object from being pruned or deleted by the tool. */
export function keepAnnotations(tool: GitOpsTool): { [key: string]: string } {
  // Argo CD: https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/ (No Prune Resources,
  // No Resource Deletion; several options are joined with ','). Flux:
  // https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
  return tool === GitOpsTool.ARGO_CD ? { [ARGO_CD_SYNC_OPTIONS]: 'Prune=false,Delete=false' } : { [FLUX_PRUNE]: 'disabled' };
}

/** Annotations that keep a claim from being pruned or deleted by either tool. */
export function keepAnnotationsOfEveryTool(): { [key: string]: string } {
  return { ...keepAnnotations(GitOpsTool.ARGO_CD), ...keepAnnotations(GitOpsTool.FLUX) };
}

/** The annotations a preset of the tool puts on an object of the kind. */
export function gitOpsAnnotations(tool: GitOpsTool, kind: string): { [key: string]: string } {
  const annotations: { [key: string]: string } = KEEP_KINDS.has(kind) ? keepAnnotations(tool) : {};
  if (tool === GitOpsTool.ARGO_CD && Object.prototype.hasOwnProperty.call(ARGO_CD_WAVES, kind)) {
    annotations[ARGO_CD_SYNC_WAVE] = ARGO_CD_WAVES[kind];
  }
  return annotations;
}

/** How the user wrote the preset, for messages. */
export function describeGitOps(preset: GitOps): string {
  return preset.tool === GitOpsTool.ARGO_CD ? 'GitOps.argoCd()' : 'GitOps.flux()';
}

/** Checks that an option holds a preset (untyped callers can pass anything). */
export function checkGitOps(errors: ErrorScope, field: string, preset: GitOps | undefined): void {
  if (preset !== undefined && !(preset instanceof GitOps)) {
    throw invalid(errors, field, preset, 'must be GitOps.argoCd() or GitOps.flux()');
  }
}

const presets = new WeakMap<IConstruct, GitOps>();
/** Whether any construct was ever given a preset (a WeakMap cannot tell): if not, no scope needs looking up. */
let anyPreset = false;

/** The preset given to this construct itself, if any. */
export function gitOpsOf(construct: IConstruct): GitOps | undefined {
  return presets.get(construct);
}

/** The preset that applies to a construct: its own, else that of the nearest scope that has one. */
export function effectiveGitOps(construct: IConstruct): GitOps | undefined {
  if (!anyPreset) return undefined;
  const scopes = construct.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const preset = presets.get(scopes[i]);
    if (preset !== undefined) return preset;
  }
  return undefined;
}

/**
 * Gives `owner` a preset: at synthesis (a validation, which runs before any object is rendered),
 * every ApiObject under it gets the preset's annotations for its kind. Errors are reported under
 * `errors` and `field` (where the user chose the preset).
 */
export function registerGitOps(owner: IConstruct, preset: GitOps, errors: ErrorScope, field: string): void {
  presets.set(owner, preset);
  anyPreset = true;
  owner.node.addValidation({
    validate: () => {
      applyGitOps(owner, preset, errors, field);
      return [];
    },
  });
}

function applyGitOps(owner: IConstruct, preset: GitOps, errors: ErrorScope, field: string): void {
  for (const c of owner.node.findAll()) {
    const other = presets.get(c);
    if (c !== owner && other !== undefined && other.tool !== preset.tool) {
      throw invalid(errors, field, describeGitOps(preset),
        `${c.node.path} has ${describeGitOps(other)}: one tool manages these objects; give them one preset`);
    }
    if (!ApiObject.isApiObject(c)) continue;
    const wanted = preset.annotationsFor(c.kind);
    if (Object.keys(wanted).length === 0) continue;
    const existing: { [key: string]: string } = c.metadata.toJson().annotations ?? {};
    for (const [key, value] of Object.entries(wanted)) {
      if (existing[key] === undefined) {
        c.metadata.addAnnotation(key, value);
      } else if (existing[key] !== value) {
        throw invalid(errors, field, describeGitOps(preset), conflict(key, value, `${c.kind} ${c.name}`, existing[key]));
      }
    }
  }
}

/** The message of a preset annotation that an annotation of the user contradicts. */
export function conflict(key: string, value: string, object: string, given: string, givenBy?: string): string {
  return `sets annotation ${key}: "${value}" on ${object}, which ${givenBy ?? 'already has'} "${given}"; `
    + 'remove that annotation or choose no preset';
}

/**
 * Checks annotations the user gave an object against a preset, before anything is rendered.
 * `annotations` maps each key to its value and the field that set it.
 */
export function checkPresetConflicts(errors: ErrorScope, field: string, preset: GitOps | undefined, object: string,
  wanted: { [key: string]: string }, given: { [key: string]: { value: string; field: string } }): void {
  if (preset === undefined) return;
  for (const [key, value] of Object.entries(wanted)) {
    const user = given[key];
    if (user !== undefined && user.value !== value) {
      throw invalid(errors, field, describeGitOps(preset), conflict(key, value, object, user.value, `${user.field} sets to`));
    }
  }
}
