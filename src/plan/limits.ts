/**
 * Bounds on what the plan lists, so that a valid but huge input (`replicas: 2147483647`, thousands
 * of candidate volumes) gives a bounded, summarised answer instead of exhausting memory.
 */
import { listing } from './k8s';

/** Pods planned one by one per StatefulSet (in start order); the rest are counted. */
export const MAX_PODS = 500;

/** Names written out in one sentence or list before "and N more". */
export const MAX_NAMES = 10;

/** How a count of names not written out is said. */
export function more(count: number): string {
  return `${count.toLocaleString('en-US')} more`;
}

/**
 * `a, b and c`, or with more than MAX_NAMES names (or a `total` larger than the names given)
 * `a, b, ... j and 990 more`. With `separator` the names are joined by it instead, and the
 * rest is said as `, ... and 990 more`.
 */
export function listSome(names: string[], separator?: string, total: number = names.length): string {
  const shown = names.slice(0, MAX_NAMES);
  const rest = total - shown.length;
  if (separator !== undefined) return rest > 0 ? `${shown.join(separator)}${separator}... and ${more(rest)}` : shown.join(separator);
  return rest > 0 ? `${shown.join(', ')} and ${more(rest)}` : listing(shown);
}
