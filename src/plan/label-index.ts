/**
 * Indexes that answer "which pods does this selector select" and "which selectors select these
 * pods" without comparing every object with every other: the plan's work per object stays
 * roughly constant however many objects share a namespace.
 */
import { LabelSelector, selectorMatches } from './k8s';

const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

interface Entry<T> {
  readonly order: number;
  readonly item: T;
  readonly labels: Record<string, string>;
}

interface LabelsOfNamespace<T> {
  readonly all: Entry<T>[];
  /** Entries by one `key=value` label. */
  readonly byPair: Map<string, Entry<T>[]>;
  /** Entries by label key. */
  readonly byKey: Map<string, Entry<T>[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value); else map.set(key, [value]);
}

/** Labelled things (pod templates) by namespace and label, for selectors to look up. */
export class LabelIndex<T> {
  private readonly namespaces = new Map<string, LabelsOfNamespace<T>>();
  private count = 0;

  public add(namespace: string, labels: Record<string, string>, item: T): void {
    let ns = this.namespaces.get(namespace);
    if (!ns) {
      ns = { all: [], byPair: new Map(), byKey: new Map() };
      this.namespaces.set(namespace, ns);
    }
    const entry = { order: this.count++, item, labels };
    ns.all.push(entry);
    for (const [k, v] of Object.entries(labels)) {
      push(ns.byPair, pairKey(k, v), entry);
      push(ns.byKey, k, entry);
    }
  }

  /** The items of the namespace whose labels the selector matches, in the order added. */
  public select(namespace: string, selector: LabelSelector): T[] {
    const ns = this.namespaces.get(namespace);
    if (!ns) return [];
    return this.candidates(ns, selector)
      .filter((e) => selectorMatches(selector, e.labels))
      .map((e) => e.item);
  }

  /** The items of the namespace a plain map selector (a Service's spec.selector) matches. */
  public selectMap(namespace: string, selector: Record<string, string>): T[] {
    return this.select(namespace, { matchLabels: selector, matchExpressions: [] });
  }

  /** The smallest set of entries that can contain every match, in the order added. */
  private candidates(ns: LabelsOfNamespace<T>, selector: LabelSelector): Entry<T>[] {
    let best: Entry<T>[] | undefined;
    const consider = (list: Entry<T>[]) => {
      if (best === undefined || list.length < best.length) best = list;
    };
    for (const [k, v] of Object.entries(selector.matchLabels)) consider(ns.byPair.get(pairKey(k, v)) ?? []);
    for (const e of selector.matchExpressions) {
      if (e.operator === 'Exists') consider(ns.byKey.get(e.key) ?? []);
      if (e.operator === 'In') {
        const union = new Set<Entry<T>>();
        for (const value of e.values) for (const x of ns.byPair.get(pairKey(e.key, value)) ?? []) union.add(x);
        consider([...union].sort((a, b) => a.order - b.order));
      }
    }
    return best ?? ns.all;
  }
}

interface SelectorsOfNamespace<T> {
  /** Selectors by one of their `key=value` requirements: they can only match labels that carry it. */
  readonly byPair: Map<string, Entry<T>[]>;
  /** Selectors without a `key=value` requirement (only expressions, or empty). */
  readonly other: Entry<T>[];
}

/** Things with a selector (budgets, Services) by namespace and selector, for labels to look up. */
export class SelectorIndex<T> {
  private readonly namespaces = new Map<string, SelectorsOfNamespace<T>>();
  private count = 0;

  public add(namespace: string, selector: LabelSelector, item: T): void {
    let ns = this.namespaces.get(namespace);
    if (!ns) {
      ns = { byPair: new Map(), other: [] };
      this.namespaces.set(namespace, ns);
    }
    const entry = { order: this.count++, item, labels: selector.matchLabels };
    const first = Object.entries(selector.matchLabels)[0];
    if (first) push(ns.byPair, pairKey(first[0], first[1]), entry);
    else ns.other.push(entry);
  }

  /**
   * The items of the namespace that may select pods with these labels, in the order added; the
   * caller checks each candidate with its own matching rule.
   */
  public candidates(namespace: string, labels: Record<string, string>): T[] {
    const ns = this.namespaces.get(namespace);
    if (!ns) return [];
    const found: Entry<T>[] = [...ns.other];
    for (const [k, v] of Object.entries(labels)) found.push(...ns.byPair.get(pairKey(k, v)) ?? []);
    return found.sort((a, b) => a.order - b.order).map((e) => e.item);
  }
}
