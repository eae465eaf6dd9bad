/**
 * Small helpers to read plain Kubernetes objects (as parsed from YAML) safely:
 * typed accessors, label selectors, quantities and int-or-percent values.
 */
import { labelsMatch } from '../private/identity';

/** A parsed YAML mapping. */
export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The mapping at `key`, or an empty mapping. */
export function obj(parent: unknown, key: string): Obj {
  if (!isObj(parent)) return {};
  const value = parent[key];
  return isObj(value) ? value : {};
}

/** The mapping at `key`, or undefined when it is absent or not a mapping. */
export function optObj(parent: unknown, key: string): Obj | undefined {
  if (!isObj(parent)) return undefined;
  const value = parent[key];
  return isObj(value) ? value : undefined;
}

/** The list at `key`, or an empty list. */
export function arr(parent: unknown, key: string): unknown[] {
  if (!isObj(parent)) return [];
  const value = parent[key];
  return Array.isArray(value) ? value : [];
}

/** The string at `key` (numbers and booleans are converted), or undefined. */
export function str(parent: unknown, key: string): string | undefined {
  if (!isObj(parent)) return undefined;
  const value = parent[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The integer at `key` (numeric strings are accepted), or undefined. */
export function int(parent: unknown, key: string): number | undefined {
  if (!isObj(parent)) return undefined;
  const value = parent[key];
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return parseInt(value, 10);
  return undefined;
}

/** A value as text: strings as they are, other scalars as written, mappings and lists as JSON. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** A string-to-string map at `key` (labels, annotations, selectors). */
export function strMap(parent: unknown, key: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(parent, key))) {
    if (v === null || v === undefined) continue;
    result[k] = text(v);
  }
  return result;
}

/** A list of strings at `key`. */
export function strList(parent: unknown, key: string): string[] {
  return arr(parent, key).filter((v) => v !== null && v !== undefined).map(text);
}

// ---------------------------------------------------------------------------
// Label selectors

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: string[];
}

/** A metav1.LabelSelector (matchLabels + matchExpressions). */
export interface LabelSelector {
  readonly matchLabels: Record<string, string>;
  readonly matchExpressions: SelectorRequirement[];
}

/** Reads a metav1.LabelSelector; undefined when the field is absent. */
export function readSelector(parent: unknown, key: string): LabelSelector | undefined {
  const raw = optObj(parent, key);
  if (!raw) return undefined;
  return {
    matchLabels: strMap(raw, 'matchLabels'),
    matchExpressions: arr(raw, 'matchExpressions').filter(isObj).map((e) => ({
      key: str(e, 'key') ?? '',
      operator: str(e, 'operator') ?? '',
      values: strList(e, 'values'),
    })),
  };
}

/** Whether every expression has a known operator (the API server cannot evaluate the others). */
export function selectorIsValid(selector: LabelSelector): boolean {
  return selector.matchExpressions.every((e) => ['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator));
}

/** True when the selector has no requirement at all (it then selects everything). */
export function selectorIsEmpty(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

/** Whether a metav1.LabelSelector matches the labels (an empty selector matches everything). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Whether a plain map selector (Service spec.selector) matches the labels. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return labelsMatch(selector, labels);
}

/** `app=zk,tier in (a,b)` */
export function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions) {
    switch (e.operator) {
      case 'In': parts.push(`${e.key} in (${e.values.join(',')})`); break;
      case 'NotIn': parts.push(`${e.key} notin (${e.values.join(',')})`); break;
      case 'Exists': parts.push(e.key); break;
      case 'DoesNotExist': parts.push(`!${e.key}`); break;
      default: parts.push(`${e.key} ${e.operator} (${e.values.join(',')})`);
    }
  }
  return parts.length === 0 ? '(empty selector)' : parts.join(',');
}

/** `app=zk,tier=db` */
export function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? '(no labels)' : parts.join(',');
}

// ---------------------------------------------------------------------------
// Quantities and int-or-percent values

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * Parses a Kubernetes quantity (`10Gi`, `500M`, `1.5e3`) into a plain number
 * (bytes for storage). Returns undefined when the value is not a quantity.
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?\s*$/.exec(value);
  if (!m) return undefined;
  const base = parseFloat(m[1]);
  if (m[2]) return base * Math.pow(10, parseInt(m[2].slice(1), 10));
  if (m[3]) return base * (BINARY[m[3]] ?? DECIMAL[m[3]]);
  return base;
}

/** Whether two quantities denote the same amount (`1Gi` and `1024Mi` do). */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const qa = parseQuantity(a);
  const qb = parseQuantity(b);
  if (qa === undefined || qb === undefined) return a === b;
  return Math.abs(qa - qb) <= Math.max(Math.abs(qa), Math.abs(qb)) * 1e-12;
}

/** An int-or-string field (`1`, `"50%"`). */
export interface IntOrPercent {
  readonly value: number;
  readonly percent: boolean;
  readonly text: string;
}

export function readIntOrPercent(parent: unknown, key: string): IntOrPercent | undefined {
  if (!isObj(parent)) return undefined;
  const raw = parent[key];
  if (typeof raw === 'number' && Number.isFinite(raw)) {
    return { value: Math.trunc(raw), percent: false, text: String(raw) };
  }
  if (typeof raw === 'string') {
    const pct = /^\s*(\d+)%\s*$/.exec(raw);
    if (pct) return { value: parseInt(pct[1], 10), percent: true, text: raw.trim() };
    if (/^\s*\d+\s*$/.test(raw)) return { value: parseInt(raw, 10), percent: false, text: raw.trim() };
  }
  return undefined;
}

/**
 * Scales an int-or-percent against a total the way Kubernetes does
 * (intstr.GetScaledValueFromIntOrPercent): percentages are rounded up when `roundUp`.
 */
export function scaleIntOrPercent(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (!value.percent) return value.value;
  const exact = (value.value * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

// ---------------------------------------------------------------------------
// Misc

/** Canonical JSON (object keys sorted) for deep comparison. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObj(value)) {
    const out: Obj = {};
    for (const key of Object.keys(value).sort()) {
      if (value[key] === undefined) continue;
      out[key] = sortKeys(value[key]);
    }
    return out;
  }
  return value;
}

/** `1 pod`, `2 pods` */
export function plural(count: number, singular: string, pluralForm?: string): string {
  return `${count} ${count === 1 ? singular : pluralForm ?? `${singular}s`}`;
}

/** `a`, `a and b`, `a, b and c` */
export function listing(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
