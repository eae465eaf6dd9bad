#!/usr/bin/env node
/**
 * The `cdk8s-stateful` executable: `cdk8s-stateful plan [options] [files or folders...]`.
 */
import * as fs from 'fs';
import { main } from './cli';

// A reader that stops early (`cdk8s-stateful plan | head`) closes the pipe: stop quietly, with the
// exit code already decided, instead of failing on the next write.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    process.stderr.write(`cdk8s-stateful plan: error: cannot write the output (${e.code ?? e.message})\n`);
    process.exit(2);
  });
}

// main() reports its own failures; anything else that escapes is reported on one line too, and
// exits 2 (never 1, which means "refused", and never with a stack trace).
process.on('uncaughtException', (e) => {
  try {
    process.stderr.write(`cdk8s-stateful plan: error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`.replace(/\n(?!$)/g, ' '));
  } finally {
    process.exit(2);
  }
});

process.exitCode = main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  readStdin: () => fs.readFileSync(0, 'utf8'),
});
