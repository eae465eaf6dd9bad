// The README's plan section shows the end of a real run on the test fixtures: it must stay what the
// command prints. (test/readme/readme.test.ts checks the section's other run, on an example.)
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, run } from './helpers';

const README = path.join(__dirname, '..', '..', 'README.md');

test('the resized claim template shown in README.md is the end of what the plan prints, exit 1', () => {
  const text = fs.readFileSync(README, 'utf8');
  const shown = /A claim template resized from 10Gi to 20Gi \(from the test fixtures,\n`plan ([^`]+)`\),\nexit code (\d); the end of the output:\n\n```text\n([\s\S]*?)```/.exec(text);
  expect(shown).not.toBeNull();
  const [, args, code, block] = shown!;
  const result = run(['plan', ...args.split(' ')], FIXTURES);
  expect(result.code).toBe(Number(code));
  expect(result.stderr).toBe('');
  expect(block.length).toBeGreaterThan(200);
  expect(result.stdout.endsWith(block)).toBe(true);
});

test('the README states the exit codes and --strict', () => {
  const text = fs.readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Explaining a StatefulSet before it reaches the cluster'), text.indexOf('## Benchmark'));
  expect(section).toContain('| `--strict` |');
  for (const code of ['0', '1', '2']) expect(section).toMatch(new RegExp(`^\\| ${code} \\| `, 'm'));
});
