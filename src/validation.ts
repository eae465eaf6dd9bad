import { Node, IConstruct } from 'constructs';

/**
 * Builds the one error message every construct of this library uses for bad input:
 * which construct (its path), which field, the bad value, and what is allowed.
 *
 * @internal
 */
export function invalid(scope: IConstruct, field: string, value: unknown, allowed: string): Error {
  return new Error(`${Node.of(scope).path}: invalid ${field} ${show(value)}: ${allowed}`);
}

/** Renders a value for an error message. @internal */
export function show(value: unknown): string {
  if (value === undefined) {
    return '(not set)';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks an RFC 1123 DNS label (lowercase alphanumerics and '-', starting and ending alphanumeric).
 * @internal
 */
export function checkDnsLabel(scope: IConstruct, field: string, value: string, maxLength = 63): void {
  if (typeof value !== 'string' || !DNS_LABEL.test(value) || value.length > maxLength) {
    throw invalid(scope, field, value,
      `must be a DNS label of at most ${maxLength} characters: lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
}

/**
 * Checks an RFC 1035 DNS label, as Kubernetes requires for Service names.
 * @internal
 */
export function checkServiceName(scope: IConstruct, field: string, value: string): void {
  if (typeof value !== 'string' || !DNS_1035_LABEL.test(value) || value.length > 63) {
    throw invalid(scope, field, value,
      "must be a DNS-1035 label of at most 63 characters: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit");
  }
}

/**
 * Checks an RFC 1123 DNS subdomain (names of most cluster objects, e.g. PersistentVolumes).
 * @internal
 */
export function checkDnsSubdomain(scope: IConstruct, field: string, value: string): void {
  if (typeof value !== 'string' || !DNS_SUBDOMAIN.test(value) || value.length > 253) {
    throw invalid(scope, field, value,
      "must be a DNS subdomain of at most 253 characters: lowercase letters, digits, '-' and '.'");
  }
}

/** Checks an integer within bounds. @internal */
export function checkInteger(scope: IConstruct, field: string, value: number, min: number, max?: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw invalid(scope, field, value, `must be ${range}`);
  }
}

/** Checks an absolute, normalised path. @internal */
export function checkAbsolutePath(scope: IConstruct, field: string, value: string): void {
  if (typeof value !== 'string' || !value.startsWith('/') || value.split('/').includes('..')) {
    throw invalid(scope, field, value, "must be an absolute path (starting with '/', without '..')");
  }
}

const PORT_NAME = /^[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z0-9]$/;

/**
 * Checks an IANA service name, as Kubernetes requires for named ports: 1-15 characters,
 * lowercase letters, digits and single dashes (not at either end), at least one letter.
 * @internal
 */
export function checkPortName(scope: IConstruct, field: string, value: string): void {
  if (typeof value !== 'string' || value.length < 1 || value.length > 15 || !PORT_NAME.test(value) || !/[a-z]/.test(value)) {
    throw invalid(scope, field, value,
      "must be 1-15 characters of lowercase letters, digits and single '-' (not at either end), with at least one letter");
  }
}

/** Finds the first value that occurs twice. @internal */
export function firstDuplicate<T>(values: T[]): T | undefined {
  const seen = new Set<T>();
  for (const v of values) {
    if (seen.has(v)) {
      return v;
    }
    seen.add(v);
  }
  return undefined;
}
