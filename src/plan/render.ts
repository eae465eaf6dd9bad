/**
 * Output of `cdk8s-stateful plan`: readable text (default), Markdown for a pull-request
 * comment, and JSON for pipelines.
 */
import { Diff, Finding, ObjectChange, StatefulSetChange } from './diff';
import { plural } from './k8s';
import { listSome, more } from './limits';
import { markdownRackGroups, textRackGroups } from './racks';
import { ClaimPlan, InputSummary, Plan, Problem, StatefulSetPlan, VolumeInfo } from './types';

/** Everything one run reports. */
export interface Report {
  readonly plan: Plan;
  /** The comparison with the deployed manifests (`--against`), or null. */
  readonly diff: Diff | null;
  /** `--strict`: any error-level finding exits 1, not only what the API server refuses. */
  readonly strict?: boolean;
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
  const diff = report.diff;
  const findings: Finding[] = diff
    ? [...diff.problems, ...diff.statefulSets.flatMap((c) => c.findings), ...diff.objects.flatMap((c) => c.findings)]
    : [];
  const all = [...problems, ...findings];
  return {
    statefulSets: report.plan.statefulSets.length,
    pods: report.plan.statefulSets.reduce((n, s) => n + s.pods.length + s.podsOmitted, 0),
    claims: report.plan.statefulSets.reduce((n, s) => {
      const perPod = s.pods[0]?.claims.length ?? 0;
      return n + s.pods.reduce((m, p) => m + p.claims.length, 0) + s.podsOmitted * perPod;
    }, 0),
    errors: all.filter((p) => p.severity === 'error').length,
    warnings: all.filter((p) => p.severity === 'warning').length,
    refused: problems.filter((p) => p.refused).length + (diff?.refused ?? 0),
  };
}

/**
 * The exit code for a report: 1 when the API server would refuse something (with `strict`, also
 * when anything is an error), otherwise 0.
 */
export function exitCodeOf(report: Report): number {
  const s = summarize(report);
  return s.refused > 0 || (report.strict === true && s.errors > 0) ? 1 : 0;
}

// ---------------------------------------------------------------------------
// JSON

/**
 * The JSON report in pieces: the same document as `JSON.stringify(..., null, 2)` of the plan with
 * `diff`, `summary` and `exitCode`, written one StatefulSet at a time.
 */
export function* jsonChunks(report: Report): Generator<string> {
  const { statefulSets, ...rest } = report.plan;
  const fields: [string, unknown][] = Object.entries(rest);
  const keys = Object.keys(report.plan);
  const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`);
  const tail: [string, unknown][] = [['diff', report.diff], ['summary', summarize(report)], ['exitCode', exitCodeOf(report)]];
  const before = fields.filter(([k]) => keys.indexOf(k) < keys.indexOf('statefulSets'));
  const after = fields.filter(([k]) => keys.indexOf(k) > keys.indexOf('statefulSets'));
  const field = ([k, v]: [string, unknown]) => `  ${JSON.stringify(k)}: ${indent(JSON.stringify(v, null, 2), '  ')}`;
  yield `{\n${before.map(field).join(',\n')}${before.length > 0 ? ',\n' : ''}  "statefulSets": [`;
  let first = true;
  for (const s of statefulSets) {
    yield `${first ? '' : ','}\n    ${indent(JSON.stringify(s, null, 2), '    ')}`;
    first = false;
  }
  yield `${statefulSets.length > 0 ? '\n  ' : ''}],\n${[...after, ...tail].map(field).join(',\n')}\n}\n`;
}

export function renderJson(report: Report): string {
  return [...jsonChunks(report)].join('');
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
  if (input.withoutKind > 0) parts.push(`${plural(input.withoutKind, 'YAML document')} without a kind`);
  const others = input.notObjects - input.withoutKind;
  if (others > 0) {
    const where = input.notObjectDocuments.map((d) => `${d.file}:${d.line} is ${d.what}`);
    parts.push(`${plural(others, 'YAML document')} that ${others === 1 ? 'is' : 'are'} not a Kubernetes object (${listSome(where, '; ', others)})`);
  }
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
  if (s.podsOmitted > 0) out.push(`    ... ${more(s.podsOmitted)} pods, named the same way`);
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

/** `StatefulSet data/db`, `PersistentVolume pv-1` */
function changeSubject(c: ObjectChange): string {
  return c.namespace === '' ? `${c.kind} ${c.name}` : `${c.kind} ${c.namespace}/${c.name}`;
}

function textChange(c: ObjectChange): string[] {
  const out: string[] = [];
  const refused = c.refusals.length === 0 ? ''
    : c.recreate ? ' -- REFUSED by the API server, then DELETED AND RECREATED by the GitOps tool'
      : ' -- REFUSED: the sync will fail';
  out.push(`  ${changeSubject(c)}: ${c.status}${refused}`);
  if (c.message) out.push(`    ${c.message}`);
  for (const r of c.refusals) {
    out.push(`    error: ${r.change}: ${r.message} [${r.rule}]`);
    out.push('      instead:');
    r.fix.forEach((step, i) => out.push(`        ${i + 1}. ${step}`));
  }
  const sts = c.kind === 'StatefulSet' ? (c as StatefulSetChange) : undefined;
  if (sts?.template) {
    out.push(`    ${sts.template.message}`);
    for (const path of sts.template.changed.slice(0, 12)) out.push(`      changed: ${path}`);
    if (sts.template.changed.length > 12) out.push(`      ... and ${sts.template.changed.length - 12} more`);
  }
  if (sts?.scale) out.push(`    ${sts.scale.message}`);
  for (const o of c.other) out.push(`    ${o}`);
  for (const f of sortFindings(c.findings)) {
    out.push(`    ${f.severity}: ${f.message}`);
    if (f.fix) out.push(`      fix: ${f.fix}`);
  }
  return out;
}

function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

function diffCounts(changes: ObjectChange[], unchanged = 0): string {
  const count = (status: string) => changes.filter((c) => c.status === status).length;
  return `${count('changed')} changed, ${count('added')} added, ${count('removed')} removed, ${count('unchanged') + unchanged} unchanged`;
}

/** The other kinds compared, or undefined when there are none on either side. */
function otherCounts(diff: Diff): string | undefined {
  const unchanged = Object.values(diff.unchanged).reduce((a, b) => a + b, 0);
  if (diff.objects.length === 0 && unchanged === 0) return undefined;
  return `${diffCounts(diff.objects, unchanged)} (PersistentVolumes, PersistentVolumeClaims, StorageClasses, Services, PodDisruptionBudgets)`;
}

/**
 * The text report in pieces (a header, then one piece per StatefulSet and section), so that a
 * large report is written as it is made instead of being held whole in memory.
 */
export function* textChunks(report: Report): Generator<string> {
  const { plan, diff } = report;
  const lines = (out: string[]) => `${out.join('\n')}\n`;
  const head: string[] = [];
  head.push(`cdk8s-stateful plan: ${inputLine(plan.input)}`);
  head.push(`  read: ${countKinds(plan.input.read) || 'nothing the plan reads'}`);
  const skipped = skippedLine(plan.input);
  if (skipped) head.push(`  ${skipped}`);
  head.push('');
  if (plan.statefulSets.length === 0) {
    head.push('No StatefulSet in the input.');
    head.push('');
  }
  yield lines(head);
  for (const s of plan.statefulSets) yield lines([...textStatefulSet(s), '']);
  const racks = textRackGroups(plan.racks);
  if (racks.length > 0) yield lines(racks);
  if (plan.problems.length > 0) {
    const out = ['Other problems:'];
    for (const p of sortProblems(plan.problems)) out.push(...problemLines(p, '  ', true));
    yield lines([...out, '']);
  }
  if (diff) {
    const out = [`Against ${againstLine(diff)} (the deployed manifests): ${diffCounts(diff.statefulSets)}`];
    const others = otherCounts(diff);
    if (others) out.push(`  other objects: ${others}`);
    for (const p of sortProblems(diff.problems)) out.push(...problemLines(p, '  ', true));
    yield lines(out);
    for (const c of [...diff.statefulSets, ...diff.objects]) {
      if (c.status !== 'unchanged') yield lines(textChange(c));
    }
    yield '\n';
  }
  yield lines([summaryLine(report)]);
}

export function renderText(report: Report): string {
  return [...textChunks(report)].join('');
}

function againstLine(diff: Diff): string {
  if (diff.againstFiles.length === 0) return 'nothing (no YAML file)';
  return diff.againstFiles.length === 1 ? diff.againstFiles[0] : plural(diff.againstFiles.length, 'file');
}

function summaryLine(report: Report): string {
  const s = summarize(report);
  const head = `Summary: ${plural(s.statefulSets, 'StatefulSet')}, ${plural(s.pods, 'pod')}, ${plural(s.claims, 'claim')}; ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`;
  const tail = s.refused > 0
    ? `${s.refused} refused by the API server: applying will fail (exit code 1)`
    : report.strict && s.errors > 0
      ? `nothing the API server refuses, but --strict fails on ${s.errors === 1 ? 'the error' : `the ${s.errors} errors`} (exit code 1)`
      : 'nothing the API server refuses';
  return `${head}; ${tail}.`;
}

// ---------------------------------------------------------------------------
// Markdown

/** Text for Markdown, safe inside a table cell: no line breaks, `|` and HTML escaped. */
function md(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A code span, safe inside a table cell (GitHub ends a cell at `|` even inside backticks). */
function code(text: string): string {
  return `\`${text.replace(/`/g, '\'').replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')}\``;
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
    if (s.podsOmitted > 0) out.push(`| ... | ${more(s.podsOmitted)} pods, named the same way | | |`);
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

function mdChange(c: ObjectChange): string[] {
  const out: string[] = [];
  const refused = c.refusals.length === 0 ? ''
    : c.recreate ? ' — **refused by the API server, then deleted and recreated by the GitOps tool**'
      : ' — **refused: the sync will fail**';
  out.push(`#### ${c.kind} ${code(c.namespace === '' ? c.name : `${c.namespace}/${c.name}`)}: ${c.status}${refused}`);
  out.push('');
  if (c.message) out.push(`- ${md(c.message)}`);
  for (const r of c.refusals) {
    out.push(`- **Error**: ${md(r.change)}: ${md(r.message)} (${code(r.rule)}). Instead:`);
    r.fix.forEach((step, i) => out.push(`  ${i + 1}. ${md(step)}`));
  }
  const sts = c.kind === 'StatefulSet' ? (c as StatefulSetChange) : undefined;
  if (sts?.template) {
    out.push(`- ${md(sts.template.message)}`);
    for (const path of sts.template.changed.slice(0, 12)) out.push(`  - ${code(path)}`);
    if (sts.template.changed.length > 12) out.push(`  - ... and ${sts.template.changed.length - 12} more`);
  }
  if (sts?.scale) out.push(`- ${md(sts.scale.message)}`);
  for (const o of c.other) out.push(`- ${md(o)}`);
  for (const f of sortFindings(c.findings)) {
    out.push(`- ${f.severity === 'error' ? '**Error**' : '**Warning**'}: ${md(f.message)}${f.fix ? `<br>*Fix:* ${md(f.fix)}` : ''}`);
  }
  out.push('');
  return out;
}

/** The Markdown report in pieces (see textChunks). */
export function* markdownChunks(report: Report): Generator<string> {
  const { plan, diff } = report;
  let first = true;
  const piece = (out: string[]) => {
    const text = `${first ? '' : '\n'}${out.join('\n')}`;
    first = false;
    return text;
  };
  const out: string[] = [];
  out.push('## cdk8s-stateful plan');
  out.push('');
  const s = summarize(report);
  const strict = report.strict && s.errors > 0 ? ' --strict fails on the errors.' : '';
  out.push(s.refused > 0
    ? `**${s.refused} refused by the API server: applying will fail.** ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}.`
    : `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}; nothing the API server refuses.${strict}`);
  out.push('');
  const skipped = skippedLine(plan.input);
  out.push(`Read ${md(inputLine(plan.input))}: ${countKinds(plan.input.read) || 'nothing the plan reads'}.${skipped ? ` ${md(skipped[0].toUpperCase() + skipped.slice(1))}.` : ''}`);
  out.push('');
  if (diff) {
    out.push(`### Changes against the deployed manifests (${diffCounts(diff.statefulSets)})`);
    out.push('');
    const others = otherCounts(diff);
    if (others) {
      out.push(`Other objects: ${others}.`);
      out.push('');
    }
    if (diff.problems.length > 0) {
      for (const p of sortProblems(diff.problems)) out.push(mdProblem(p, true));
      out.push('');
    }
  }
  yield piece(out);
  if (diff) {
    for (const c of [...diff.statefulSets, ...diff.objects]) {
      if (c.status !== 'unchanged') yield piece(mdChange(c));
    }
  }
  if (plan.statefulSets.length === 0) yield piece(['No StatefulSet in the input.', '']);
  for (const st of plan.statefulSets) yield piece(mdStatefulSet(st));
  const racks = markdownRackGroups(plan.racks, md);
  if (racks.length > 0) yield piece(racks);
  if (plan.problems.length > 0) {
    const problems = ['### Other problems', ''];
    for (const p of sortProblems(plan.problems)) problems.push(mdProblem(p, true));
    problems.push('');
    yield piece(problems);
  }
}

export function renderMarkdown(report: Report): string {
  return [...markdownChunks(report)].join('');
}
