/**
 * Validation of synthesized Kubernetes objects against the official Kubernetes schema, using the
 * model classes of the `kubernetes-models` package.
 *
 * The model class is chosen from `apiVersion` + `kind`: `v1` + `Service` is
 * `kubernetes-models/v1/Service`, `apps/v1` + `StatefulSet` is `kubernetes-models/apps/v1/StatefulSet`,
 * and so on for every built-in kind the package models (Service, PersistentVolume,
 * PersistentVolumeClaim, Secret, ConfigMap, ServiceAccount, Namespace, Pod, StatefulSet, Deployment,
 * DaemonSet, PodDisruptionBudget, StorageClass, Job, Role, RoleBinding, ...). The module found must
 * export a class whose own `apiVersion` and `kind` are exactly the object's, so an unknown group,
 * version or kind (including a custom resource) is reported as an error, never skipped.
 *
 * Custom resources of the Prometheus Operator (`monitoring.coreos.com/v1` ServiceMonitor,
 * PodMonitor, PrometheusRule) and of cert-manager (`cert-manager.io/v1` Certificate) are validated
 * the same way with the models of `@kubernetes-models/prometheus-operator` and
 * `@kubernetes-models/cert-manager`, which have the same layout.
 *
 * `kubernetes-models` is published as ES modules only, which jest's CommonJS module system cannot
 * load. The models therefore run in a worker thread (plain Node.js, outside jest's module
 * registry); the test thread waits for each answer synchronously, so `validateManifests` stays a
 * plain synchronous call. The worker loads each model once and is stopped after the test file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';

/** How long one validation round may take before it is treated as a hang. */
const ANSWER_TIMEOUT_MS = 60_000;

/**
 * Code of the worker thread: receives a list of objects, answers with one entry per object,
 * either `null` (valid) or the schema problem as text.
 */
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const { port, flag, modelsDirs } = workerData;
const classes = new Map();

async function modelClass(apiVersion, kind) {
  const id = apiVersion + '/' + kind;
  if (classes.has(id)) return classes.get(id);
  let cls;
  if (/^([a-z0-9][a-z0-9.-]*\\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    for (const modelsDir of modelsDirs) {
      const file = path.join(modelsDir, ...apiVersion.split('/'), kind + '.js');
      if (cls || !fs.existsSync(file)) continue;
      const mod = await import(pathToFileURL(file).href);
      const candidate = mod[kind];
      if (typeof candidate === 'function' && candidate.apiVersion === apiVersion && candidate.kind === kind) cls = candidate;
    }
  }
  classes.set(id, cls);
  return cls;
}

async function check(obj) {
  const cls = await modelClass(obj.apiVersion, obj.kind);
  if (!cls) return 'unknown apiVersion/kind ' + JSON.stringify(obj.apiVersion) + '/' + JSON.stringify(obj.kind) + ': no kubernetes-models schema for it';
  try {
    new cls(obj).validate();
    return null;
  } catch (e) {
    return 'schema: ' + (e && e.message ? e.message : String(e));
  }
}

port.on('message', async (objects) => {
  let reply;
  try {
    const results = [];
    for (const obj of objects) results.push(await check(obj));
    reply = { results };
  } catch (e) {
    reply = { fatal: String(e && e.stack ? e.stack : e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface SchemaWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

let current: SchemaWorker | undefined;

/**
 * Finds `node_modules/<pkg>` from this file upwards (the model packages export no CommonJS entry
 * to resolve).
 */
function modelsDirectory(pkg: string): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', ...pkg.split('/'));
    if (fs.existsSync(path.join(candidate, 'package.json'))) {
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`${pkg} is not installed: no node_modules/${pkg} above ${__dirname} (run npm ci)`);
    }
    dir = parent;
  }
}

/** The model packages, searched in order: Kubernetes' own kinds, then the Prometheus Operator's, then cert-manager's. */
const MODEL_PACKAGES = ['kubernetes-models', '@kubernetes-models/prometheus-operator', '@kubernetes-models/cert-manager'];

function schemaWorker(): SchemaWorker {
  if (!current) {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, flag, modelsDirs: MODEL_PACKAGES.map(modelsDirectory) },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    current = { worker, port: port1, flag };
  }
  return current;
}

/** Stops the worker thread (it is started again on the next validation). */
export async function stopSchemaWorker(): Promise<void> {
  const w = current;
  current = undefined;
  if (w) {
    w.port.close();
    await w.worker.terminate();
  }
}

// Stop the worker when the test file ends, so worker threads do not pile up in jest's processes.
if (typeof afterAll === 'function') {
  afterAll(stopSchemaWorker);
}

/** Asks the worker for the schema problem of each object (`null` = valid), waiting synchronously. */
function schemaResults(objects: any[]): Array<string | null> {
  if (objects.length === 0) {
    return [];
  }
  const w = schemaWorker();
  Atomics.store(w.flag, 0, 0);
  w.port.postMessage(objects);
  const state = Atomics.wait(w.flag, 0, 0, ANSWER_TIMEOUT_MS);
  const message = receiveMessageOnPort(w.port);
  if (!message) {
    void stopSchemaWorker();
    throw new Error(`schema validation worker gave no answer (${state === 'timed-out' ? `timed out after ${ANSWER_TIMEOUT_MS} ms` : state})`);
  }
  const reply = message.message as { results?: Array<string | null>; fatal?: string };
  if (reply.fatal !== undefined || !reply.results) {
    throw new Error(`schema validation worker failed: ${reply.fatal}`);
  }
  return reply.results;
}

/** `Kind/name` of an object for messages, with placeholders where fields are missing. */
export function describeObject(obj: any): string {
  const kind = typeof obj?.kind === 'string' ? obj.kind : '<no kind>';
  const name = typeof obj?.metadata?.name === 'string' ? obj.metadata.name : '<no name>';
  return `${kind}/${name}`;
}

/**
 * Returns every problem of the given objects, one line each, naming the object
 * (`#index Kind/name`) and the problem. An empty list means all objects are valid.
 */
export function manifestProblems(objects: any[]): string[] {
  if (!Array.isArray(objects)) {
    return [`expected an array of Kubernetes objects, got ${typeof objects}`];
  }
  const problems: Array<{ index: number; text: string }> = [];
  const toValidate: Array<{ index: number; obj: any }> = [];
  objects.forEach((obj, index) => {
    const label = `#${index} ${describeObject(obj)}`;
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      problems.push({ index, text: `${label}: not an object (${JSON.stringify(obj)})` });
      return;
    }
    const missing = [];
    if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') missing.push('apiVersion');
    if (typeof obj.kind !== 'string' || obj.kind === '') missing.push('kind');
    if (typeof obj.metadata?.name !== 'string' || obj.metadata.name === '') missing.push('metadata.name');
    if (missing.length > 0) {
      problems.push({ index, text: `${label}: missing ${missing.join(', ')}` });
      return;
    }
    toValidate.push({ index, obj });
  });
  const results = schemaResults(toValidate.map(entry => entry.obj));
  results.forEach((result, i) => {
    if (result !== null) {
      const { index, obj } = toValidate[i];
      problems.push({ index, text: `#${index} ${describeObject(obj)}: ${result}` });
    }
  });
  return problems.sort((a, b) => a.index - b.index).map(p => p.text);
}

/**
 * Throws if any object lacks apiVersion, kind or metadata.name, has an apiVersion/kind without a
 * schema, or does not match its schema. The error lists every problem (see `manifestProblems`).
 */
export function validateManifests(objects: any[]): void {
  const problems = manifestProblems(objects);
  if (problems.length > 0) {
    throw new Error(`${problems.length} invalid Kubernetes object(s):\n- ${problems.join('\n- ')}`);
  }
}
