// Quantities, int-or-percent values and label selectors as the plan reads them.
import {
  formatSelector,
  parseQuantity,
  readIntOrPercent,
  readSelector,
  sameQuantity,
  scaleIntOrPercent,
  selectorMatches,
} from '../../src/plan/k8s';

test.each([
  ['10Gi', 10 * 2 ** 30],
  ['1024Mi', 2 ** 30],
  ['500M', 5e8],
  ['1.5Gi', 1.5 * 2 ** 30],
  ['1e3', 1000],
  ['250m', 0.25],
  [7, 7],
])('parseQuantity(%j)', (text, bytes) => {
  expect(parseQuantity(text)).toBe(bytes);
});

test('parseQuantity rejects what is not a quantity', () => {
  expect(parseQuantity('ten gigs')).toBeUndefined();
  expect(parseQuantity('10GB')).toBeUndefined();
  expect(parseQuantity(undefined)).toBeUndefined();
});

test('sameQuantity compares amounts, not spellings', () => {
  expect(sameQuantity('1Gi', '1024Mi')).toBe(true);
  expect(sameQuantity('1G', '1Gi')).toBe(false);
  expect(sameQuantity(undefined, undefined)).toBe(true);
  expect(sameQuantity('1Gi', undefined)).toBe(false);
});

test('int-or-percent values scale like Kubernetes', () => {
  const pct = readIntOrPercent({ v: '30%' }, 'v')!;
  expect(pct).toEqual({ value: 30, percent: true, text: '30%' });
  expect(scaleIntOrPercent(pct, 5, true)).toBe(2);
  expect(scaleIntOrPercent(pct, 5, false)).toBe(1);
  expect(readIntOrPercent({ v: 2 }, 'v')).toEqual({ value: 2, percent: false, text: '2' });
  expect(readIntOrPercent({ v: 'two' }, 'v')).toBeUndefined();
});

test('label selectors with matchLabels and matchExpressions', () => {
  const selector = readSelector({
    selector: {
      matchLabels: { app: 'db' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['sql', 'cache'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    },
  }, 'selector')!;
  expect(formatSelector(selector)).toBe('app=db,tier in (sql,cache),!canary');
  expect(selectorMatches(selector, { app: 'db', tier: 'sql' })).toBe(true);
  expect(selectorMatches(selector, { app: 'db', tier: 'web' })).toBe(false);
  expect(selectorMatches(selector, { app: 'db', tier: 'sql', canary: 'yes' })).toBe(false);
  expect(selectorMatches(readSelector({ s: {} }, 's')!, { any: 'thing' })).toBe(true);
  expect(readSelector({}, 's')).toBeUndefined();
});
