/**
 * Output of `cdk8s-stateful plan`: readable text (default), Markdown for a pull-request
 * comment, and JSON for pipelines.
 */
import { Diff, StatefulSetChange } from './diff';
import { plural } from './k8s';
import { ClaimPlan, InputSummary, Plan, Problem, StatefulSetPlan, VolumeInfo } from './model';
import { markdownRackGroups, textRackGroups } from './racks';

/** Everything one run reports. */
export interface Report {
  readonly plan: Plan;
  /** The comparison with the deployed manifests (`--against`), or null. */
  readonly diff: Diff | null;
}

export interface Summary {
  readonly statefulSets: number;
  readonly pods: number;
  readonly claims: number;
  readonly errors: number;
  readonly warnings: number;
  /** Objects or changes the API server refuses. */
  readonly refused: number;
}

export function allProblems(plan: Plan): Problem[] {
  return [...plan.statefulSets.flatMap((s) => s.problems), ...plan.problems];
}

export function summarize(report: Report): Summary {
  const problems = allProblems(report.plan);
  return {
    statefulSets: report.plan.statefulSets.length,
    pods: report.plan.statefulSets.reduce((n, s) => n + s.pods.length, 0),
    claims: report.plan.statefulSets.reduce((n, s) => n + s.pods.reduce((m, p) => m + p.claims.length, 0), 0),
    errors: problems.filter((p) => p.severity === 'error').length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
    refused: problems.filter((p) => p.refused).length + (report.diff?.refused ?? 0),
  };
}

/** The exit code for a report: 1 when the API server would refuse something, otherwise 0. */
export function exitCodeOf(report: Report): number {
  return summarize(report).refused > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------
// JSON

export function renderJson(report: Report): string {
  const summary = summarize(report);
  return `${JSON.stringify({ ...report.plan, diff: report.diff, summary, exitCode: exitCodeOf(report) }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------
// Text

/** `StatefulSets`, `StorageClasses`, `NetworkPolicies` (kinds that already end in s stay). */
function pluralKind(kind: string): string {
  if (/(ss|x|ch|sh)$/.test(kind)) return `${kind}es`;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  if (kind.endsWith('s')) return kind;
  return `${kind}s`;
}

function countKinds(counts: Record<string, number>): string {
  return Object.entries(counts).map(([kind, n]) => `${n} ${n === 1 ? kind : pluralKind(kind)}`).join(', ');
}

function inputLine(input: InputSummary): string {
  const files = input.files.length === 1 ? input.files[0] : plural(input.files.length, 'file');
  return `${plural(input.objects, 'object')} from ${files}`;
}

function skippedLine(input: InputSummary): string | undefined {
  const parts: string[] = [];
  if (Object.keys(input.skipped).length > 0) parts.push(`${countKinds(input.skipped)} (kinds the plan does not read)`);
  if (input.notObjects > 0) parts.push(`${plural(input.notObjects, 'YAML document')} without a kind`);
  return parts.length > 0 ? `skipped: ${parts.join('; ')}` : undefined;
}

function claimLine(c: ClaimPlan): string {
  const details = [c.storage ?? 'no storage', c.accessModes.join(',') || 'no access modes'];
  if (c.storageClassName !== null) details.push(`class ${c.storageClassName === '' ? '""' : c.storageClassName}`);
  const inInput = c.inInput ? ' [PersistentVolumeClaim in the input]' : '';
  return `claim ${c.name} (${details.join(', ')})${inInput}: ${c.resolution.summary}`;
}

function volumeLine(v: VolumeInfo): string {
  const parts = [v.source, v.node ?? 'no node affinity', v.capacity ?? 'no capacity', v.accessModes.join(',') || 'no access modes'];
  parts.push(v.storageClassName === '' ? 'no class' : `class ${v.storageClassName}`);
  parts.push(`reclaimPolicy ${v.reclaimPolicy}`);
  if (v.claimRef) parts.push(`claimRef ${v.claimRef}`);
  return `${v.name}: ${parts.join(', ')}`;
}

function problemLines(p: Problem, indent: string, withSubject: boolean): string[] {
  const where = p.source ? ` (${p.source.file}:${p.source.line})` : '';
  const head = `${indent}${p.severity}${p.refused ? ' (refused by the API server)' : ''}: ${withSubject ? `${p.subject}${where}: ` : ''}${p.message}`;
  return p.fix ? [head, `${indent}  fix: ${p.fix}`] : [head];
}

function sortProblems(problems: Problem[]): Problem[] {
  const rank = (p: Problem) => (p.refused ? 0 : p.severity === 'error' ? 1 : 2);
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

function textStatefulSet(s: StatefulSetPlan): string[] {
  const out: string[] = [];
  out.push(`StatefulSet ${s.namespace}/${s.name} (${s.source.file}:${s.source.line})`);
  const start = s.startOrdinal !== 0 ? `, ordinals from ${s.startOrdinal}` : '';
  out.push(`  ${plural(s.replicas, 'replica')}, serviceName ${s.serviceName || '(none)'}, ${s.podManagementPolicy}${start}`);
  out.push('');
  out.push(`  Pods, in start order (${s.startMessage}):`);
  const seenNotes = new Set<string>();
  s.pods.forEach((p, i) => {
    out.push(`    ${i + 1}. ${p.name}  ${p.dnsName ?? '(no DNS name: no serviceName)'}`);
    for (const c of p.claims) {
      out.push(`       ${claimLine(c)}`);
      for (const note of c.resolution.notes) {
        if (seenNotes.has(note)) continue;
        seenNotes.add(note);
        out.push(`         note: ${note}`);
      }
    }
  });
  if (s.pods.length > 0 && s.pods[0].claims.length === 0) out.push('    (no volumeClaimTemplates: the pods keep no data of their own)');
  if (s.volumes.length > 0) {
    out.push('  PersistentVolumes these claims can bind:');
    for (const v of s.volumes) out.push(`    ${volumeLine(v)}`);
  }
  out.push('  Disruption:');
  out.push(`    ${s.disruption.message}`);
  if (s.disruption.quorum) out.push(`    ${s.disruption.quorum.message}`);
  out.push('  Updates:');
  out.push(`    ${s.update.message}`);
  out.push('  Scale down:');
  out.push(`    ${s.scaleDown.message}`);
  out.push(`    ${s.scaleDown.deleteMessage}`);
  if (s.problems.length > 0) {
    out.push('  Problems:');
    for (const p of sortProblems(s.problems)) out.push(...problemLines(p, '    ', false));
  } else {
    out.push('  Problems: none found');
  }
  return out;
}

function textChange(c: StatefulSetChange): string[] {
  const out: string[] = [];
  const refused = c.refusals.length > 0 ? ' -- REFUSED: the sync will fail' : '';
  out.push(`  StatefulSet ${c.namespace}/${c.name}: ${c.status}${refused}`);
  if (c.message) out.push(`    ${c.message}`);
  for (const r of c.refusals) {
    out.push(`    error: ${r.change}: ${r.message}`);
    out.push('      instead:');
    r.fix.forEach((step, i) => out.push(`        ${i + 1}. ${step}`));
  }
  if (c.template) {
    out.push(`    ${c.template.message}`);
    for (const path of c.template.changed.slice(0, 12)) out.push(`      changed: ${path}`);
    if (c.template.changed.length > 12) out.push(`      ... and ${c.template.changed.length - 12} more`);
  }
  if (c.scale) out.push(`    ${c.scale.message}`);
  for (const o of c.other) out.push(`    ${o}`);
  return out;
}

function diffCounts(diff: Diff): string {
  const count = (status: string) => diff.statefulSets.filter((c) => c.status === status).length;
  return `${count('changed')} changed, ${count('added')} added, ${count('removed')} removed, ${count('unchanged')} unchanged`;
}

export function renderText(report: Report): string {
  const { plan, diff } = report;
  const out: string[] = [];
  out.push(`cdk8s-stateful plan: ${inputLine(plan.input)}`);
  out.push(`  read: ${countKinds(plan.input.read) || 'nothing the plan reads'}`);
  const skipped = skippedLine(plan.input);
  if (skipped) out.push(`  ${skipped}`);
  out.push('');
  if (plan.statefulSets.length === 0) {
    out.push('No StatefulSet in the input.');
    out.push('');
  }
  for (const s of plan.statefulSets) {
    out.push(...textStatefulSet(s));
    out.push('');
  }
  out.push(...textRackGroups(plan.racks));
  if (plan.problems.length > 0) {
    out.push('Other problems:');
    for (const p of sortProblems(plan.problems)) out.push(...problemLines(p, '  ', true));
    out.push('');
  }
  if (diff) {
    out.push(`Against ${diff.againstFiles.length === 1 ? diff.againstFiles[0] : plural(diff.againstFiles.length, 'file')} (the deployed manifests): ${diffCounts(diff)}`);
    for (const c of diff.statefulSets) {
      if (c.status === 'unchanged') continue;
      out.push(...textChange(c));
    }
    out.push('');
  }
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

function summaryLine(report: Report): string {
  const s = summarize(report);
  const head = `Summary: ${plural(s.statefulSets, 'StatefulSet')}, ${plural(s.pods, 'pod')}, ${plural(s.claims, 'claim')}; ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`;
  const tail = s.refused > 0
    ? `${s.refused} refused by the API server: applying will fail (exit code 1)`
    : 'nothing the API server refuses';
  return `${head}; ${tail}.`;
}

// ---------------------------------------------------------------------------
// Markdown

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, '\'')}\``;
}

function mdProblem(p: Problem, withSubject: boolean): string {
  const label = p.refused ? '**Error (refused by the API server)**' : p.severity === 'error' ? '**Error**' : '**Warning**';
  const subject = withSubject ? `${md(p.subject)}: ` : '';
  return `- ${label}: ${subject}${md(p.message)}${p.fix ? `<br>*Fix:* ${md(p.fix)}` : ''}`;
}

function mdStatefulSet(s: StatefulSetPlan): string[] {
  const out: string[] = [];
  out.push(`### StatefulSet ${code(`${s.namespace}/${s.name}`)}`);
  out.push('');
  const start = s.startOrdinal !== 0 ? ` · ordinals from ${s.startOrdinal}` : '';
  out.push(`${code(`${s.source.file}:${s.source.line}`)} · ${plural(s.replicas, 'replica')} · serviceName ${s.serviceName ? code(s.serviceName) : '(none)'} · ${s.podManagementPolicy}${start}`);
  out.push('');
  out.push(`**Pods, in start order**: ${md(s.startMessage)}`);
  out.push('');
  if (s.pods.length > 0) {
    out.push('| # | Pod | DNS name | Claims |');
    out.push('|---|---|---|---|');
    s.pods.forEach((p, i) => {
      const claims = p.claims.map((c) => md(claimLine(c))).join('<br>') || 'none';
      out.push(`| ${i + 1} | ${code(p.name)} | ${p.dnsName ? code(p.dnsName) : '(none)'} | ${claims} |`);
    });
    out.push('');
  }
  const notes = [...new Set(s.pods.flatMap((p) => p.claims.flatMap((c) => c.resolution.notes)))];
  if (notes.length > 0) {
    out.push('Notes:');
    for (const n of notes) out.push(`- ${md(n)}`);
    out.push('');
  }
  if (s.volumes.length > 0) {
    out.push('**PersistentVolumes these claims can bind**');
    out.push('');
    for (const v of s.volumes) out.push(`- ${md(volumeLine(v))}`);
    out.push('');
  }
  out.push(`**Disruption**: ${md(s.disruption.message)}${s.disruption.quorum ? `<br>${md(s.disruption.quorum.message)}` : ''}`);
  out.push('');
  out.push(`**Updates**: ${md(s.update.message)}`);
  out.push('');
  out.push(`**Scale down**: ${md(s.scaleDown.message)}<br>${md(s.scaleDown.deleteMessage)}`);
  out.push('');
  if (s.problems.length > 0) {
    out.push('**Problems**');
    out.push('');
    for (const p of sortProblems(s.problems)) out.push(mdProblem(p, false));
  } else {
    out.push('**Problems**: none found');
  }
  out.push('');
  return out;
}

function mdChange(c: StatefulSetChange): string[] {
  const out: string[] = [];
  const refused = c.refusals.length > 0 ? ' — **refused: the sync will fail**' : '';
  out.push(`#### StatefulSet ${code(`${c.namespace}/${c.name}`)}: ${c.status}${refused}`);
  out.push('');
  if (c.message) out.push(`- ${md(c.message)}`);
  for (const r of c.refusals) {
    out.push(`- **Error**: ${md(r.change)}: ${md(r.message)}. Instead:`);
    r.fix.forEach((step, i) => out.push(`  ${i + 1}. ${md(step)}`));
  }
  if (c.template) {
    out.push(`- ${md(c.template.message)}`);
    for (const path of c.template.changed.slice(0, 12)) out.push(`  - ${code(path)}`);
    if (c.template.changed.length > 12) out.push(`  - ... and ${c.template.changed.length - 12} more`);
  }
  if (c.scale) out.push(`- ${md(c.scale.message)}`);
  for (const o of c.other) out.push(`- ${md(o)}`);
  out.push('');
  return out;
}

export function renderMarkdown(report: Report): string {
  const { plan, diff } = report;
  const out: string[] = [];
  out.push('## cdk8s-stateful plan');
  out.push('');
  const s = summarize(report);
  out.push(s.refused > 0
    ? `**${s.refused} refused by the API server: applying will fail.** ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}.`
    : `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}; nothing the API server refuses.`);
  out.push('');
  const skipped = skippedLine(plan.input);
  out.push(`Read ${md(inputLine(plan.input))}: ${countKinds(plan.input.read) || 'nothing the plan reads'}.${skipped ? ` ${md(skipped[0].toUpperCase() + skipped.slice(1))}.` : ''}`);
  out.push('');
  if (diff) {
    out.push(`### Changes against the deployed manifests (${diffCounts(diff)})`);
    out.push('');
    for (const c of diff.statefulSets) {
      if (c.status === 'unchanged') continue;
      out.push(...mdChange(c));
    }
  }
  if (plan.statefulSets.length === 0) {
    out.push('No StatefulSet in the input.');
    out.push('');
  }
  for (const st of plan.statefulSets) out.push(...mdStatefulSet(st));
  out.push(...markdownRackGroups(plan.racks, md));
  if (plan.problems.length > 0) {
    out.push('### Other problems');
    out.push('');
    for (const p of sortProblems(plan.problems)) out.push(mdProblem(p, true));
    out.push('');
  }
  return `${out.join('\n')}`;
}
