/**
 * Benchmark of the plan command (`npm run bench:plan`).
 *
 * Generates manifests into .bench/plan/ and runs `cdk8s-stateful plan` on each, every run in a fresh
 * child process:
 *
 * - 1k and 10k StatefulSets, each with its headless Service and PodDisruptionBudget (3k and 30k
 *   objects), all in one namespace (the worst case for selector matching);
 * - the same 10k plus 30k PersistentVolumes pre-bound to the 30k claims (60k objects);
 * - 20k StatefulSets, Services and budgets (60k objects);
 * - 10k StatefulSets planned against themselves (`--against`).
 *
 * For each it prints the time of the plan (reading, parsing, analysis and rendering the text
 * report) and the child's peak RSS, next to the time js-yaml and yaml take to parse the same file.
 * The children run the plan command compiled to JavaScript, as it is published.
 * Goals: 30k objects within 3x the js-yaml parse time of the same file, peak RSS <= 400 MB, and
 * 60k objects within 2.2x the 30k time.
 *
 * Timings belong here, never in tests.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const OUT = path.join(__dirname, '..', '..', '.bench', 'plan');
const ROUNDS = Number(process.env.PLAN_BENCH_ROUNDS ?? 3);

function statefulSet(i: number): string {
  const name = `app${i}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
spec:
  clusterIP: None
  ports:
    - name: web
      port: 80
  selector:
    app.kubernetes.io/name: ${name}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
spec:
  serviceName: ${name}
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  podManagementPolicy: OrderedReady
  updateStrategy:
    type: RollingUpdate
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Retain
    whenScaled: Retain
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: ${name}
          image: nginx:1.25
          ports:
            - name: web
              containerPort: 80
          resources:
            limits: { cpu: "1", memory: 512Mi }
            requests: { cpu: 100m, memory: 256Mi }
          readinessProbe:
            tcpSocket: { port: 80 }
          volumeMounts:
            - name: data
              mountPath: /data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: ""
        resources:
          requests:
            storage: 1Gi
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}-pdb
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
---
`;
}

function volume(i: number, ordinal: number): string {
  const claim = `data-app${i}-${ordinal}`;
  return `apiVersion: v1
kind: PersistentVolume
metadata:
  name: default-${claim}
spec:
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  claimRef:
    namespace: default
    name: ${claim}
  hostPath:
    path: /data/${claim}
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - key: kubernetes.io/hostname
              operator: In
              values: [node-${ordinal}]
---
`;
}

function write(file: string, sets: number, volumes: boolean): string {
  const target = path.join(OUT, file);
  const fd = fs.openSync(target, 'w');
  for (let i = 0; i < sets; i++) fs.writeSync(fd, statefulSet(i));
  if (volumes) {
    for (let i = 0; i < sets; i++) {
      for (let o = 0; o < 3; o++) fs.writeSync(fd, volume(i, o));
    }
  }
  fs.closeSync(fd);
  return target;
}

interface Measurement {
  readonly ms: number;
  readonly rssMb: number;
  readonly detail: string;
}

/**
 * The measuring child: plain Node.js on the compiled plan command, as users run it (`lib/`), not
 * through ts-node (whose TypeScript compiler alone would add a hundred megabytes to the RSS).
 * Modules load before the clock starts; the report is counted, not kept.
 */
const CHILD = `
const fs = require('fs');
const jsYaml = require('js-yaml');
const yaml = require('yaml');
const { main } = require('./plan/cli');
const [what, ...files] = process.argv.slice(2);
let detail = '';
const start = process.hrtime.bigint();
if (what === 'js-yaml') {
  detail = jsYaml.loadAll(fs.readFileSync(files[0], 'utf8')).length + ' documents';
} else if (what === 'yaml') {
  detail = yaml.parseAllDocuments(fs.readFileSync(files[0], 'utf8')).map((d) => d.toJS()).length + ' documents';
} else {
  let bytes = 0;
  let last = '';
  const sink = (text) => { bytes += text.length; last = text; };
  const code = main(['plan', ...files], { stdout: sink, stderr: sink, cwd: process.cwd() });
  const summary = (/^(Summary: .*)$/m.exec(last) || [])[1] || last.trim().split('\\n').pop();
  detail = 'exit ' + code + ', ' + (bytes / 1e6).toFixed(1) + ' MB of text; ' + summary;
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, detail }));
`;

/** Compiles the plan command (src/plan and the identity module) to JavaScript next to the child. */
function compile(): string {
  const dir = path.join(OUT, 'js');
  const src = path.join(__dirname, '..', '..', 'src');
  const files = [
    ...fs.readdirSync(path.join(src, 'plan')).filter((f) => f.endsWith('.ts')).map((f) => path.join('plan', f)),
    path.join('private', 'identity.ts'),
  ];
  for (const file of files) {
    const out = path.join(dir, file.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const source = fs.readFileSync(path.join(src, file), 'utf8');
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    const js = ts.transpileModule(source, { compilerOptions });
    fs.writeFileSync(out, js.outputText);
  }
  const script = path.join(dir, 'child.js');
  fs.writeFileSync(script, CHILD);
  return script;
}

let childScript = '';

function child(what: string, files: string[]): Measurement {
  const out = execFileSync(process.execPath, [childScript, what, ...files], {
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out);
}

function best(what: string, files: string[]): Measurement {
  const runs = Array.from({ length: ROUNDS }, () => child(what, files));
  return {
    ms: Math.min(...runs.map(r => r.ms)),
    rssMb: Math.max(...runs.map(r => r.rssMb)),
    detail: runs[0].detail,
  };
}

function mb(file: string): string {
  return `${(fs.statSync(file).size / 1e6).toFixed(1)} MB`;
}

function main(): void {
  fs.mkdirSync(OUT, { recursive: true });
  childScript = compile();
  const small = write('sets-1k.yaml', 1000, false);
  const large = write('sets-10k.yaml', 10000, false);
  const bound = write('sets-10k-volumes-30k.yaml', 10000, true);
  const double = write('sets-20k.yaml', 20000, false);

  const results: { [key: string]: Measurement } = {};
  const report = (label: string, file: string, objects: number, args: string[] = []) => {
    const plan = best('plan', [file, ...args]);
    const jsYaml = best('js-yaml', [file]);
    const yaml = best('yaml', [file]);
    results[label] = plan;
    console.log(`${label}: ${objects} objects, ${mb(file)}${args.length ? ` (plan ${args.join(' ')})` : ''}`);
    console.log(`  plan ${plan.ms.toFixed(0)} ms, peak RSS ${plan.rssMb.toFixed(0)} MB (${plan.detail})`);
    console.log(`  parse only: js-yaml ${jsYaml.ms.toFixed(0)} ms, yaml ${yaml.ms.toFixed(0)} ms; plan / js-yaml ${(plan.ms / jsYaml.ms).toFixed(2)}, plan / yaml ${(plan.ms / yaml.ms).toFixed(2)}`);
    return { plan, jsYaml };
  };

  console.log(`cdk8s-stateful plan benchmark (best time and largest peak RSS of ${ROUNDS} fresh processes each)`);
  report('1k sets', small, 3000);
  const at30k = report('10k sets', large, 30000);
  const withVolumes = report('10k sets + 30k pre-bound volumes', bound, 60000);
  const at60k = report('20k sets', double, 60000);
  const against = report('10k sets against themselves', large, 30000, ['--against', large]);

  const ratio30k = at30k.plan.ms / at30k.jsYaml.ms;
  const rss = Math.max(...Object.values(results).map(r => r.rssMb));
  const growVolumes = withVolumes.plan.ms / at30k.plan.ms;
  const growSets = at60k.plan.ms / at30k.plan.ms;
  console.log('');
  console.log(`30k objects: ${ratio30k.toFixed(2)}x the js-yaml parse time (goal <= 3): ${ratio30k <= 3 ? 'met' : 'NOT met'}`);
  console.log(`peak RSS of all runs: ${rss.toFixed(0)} MB (goal <= 400): ${rss <= 400 ? 'met' : 'NOT met'}`);
  console.log(`60k vs 30k objects: ${growVolumes.toFixed(2)}x with 30k volumes, ${growSets.toFixed(2)}x with 20k sets (goal <= 2.2): ${Math.max(growVolumes, growSets) <= 2.2 ? 'met' : 'NOT met'}`);
  console.log(`--against itself, 10k sets: ${(against.plan.ms / at30k.plan.ms).toFixed(2)}x the plan alone`);
  process.exitCode = ratio30k <= 3 && rss <= 400 && Math.max(growVolumes, growSets) <= 2.2 ? 0 : 1;
}

main();
