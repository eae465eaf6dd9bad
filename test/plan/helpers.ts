import * as path from 'path';
import { main } from '../../src/plan/cli';
import { loadPaths } from '../../src/plan/load';
import { buildPlan } from '../../src/plan/model';
import { Plan, PlanOptions, StatefulSetPlan } from '../../src/plan/types';

/** The reference manifests the repository keeps for its tests. */
export const REFERENCE = path.join(__dirname, '..', 'fixtures', 'reference');

/** Hand-made manifests for the plan tests. */
export const FIXTURES = path.join(__dirname, 'fixtures');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cdk8s-stateful <args>` in-process. */
export function run(args: string[], cwd: string, stdin?: string): RunResult {
  let stdout = '';
  let stderr = '';
  const code = main(args, {
    stdout: (text) => { stdout += text; },
    stderr: (text) => { stderr += text; },
    cwd,
    readStdin: stdin === undefined ? undefined : () => stdin,
  });
  return { code, stdout, stderr };
}

/** The plan of some files, read from `cwd`. */
export function planOf(files: string[], cwd: string, options?: PlanOptions): Plan {
  return buildPlan(loadPaths(files, { cwd }), options);
}

export function statefulSet(plan: Plan, name: string): StatefulSetPlan {
  const found = plan.statefulSets.find((s) => s.name === name);
  if (!found) throw new Error(`no StatefulSet ${name} in the plan (have: ${plan.statefulSets.map((s) => s.name).join(', ')})`);
  return found;
}
