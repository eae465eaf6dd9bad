#!/usr/bin/env node
/**
 * The `cdk8s-stateful` executable: `cdk8s-stateful plan [options] [files or folders...]`.
 */
import * as fs from 'fs';
import { main } from './cli';

process.exitCode = main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  readStdin: () => fs.readFileSync(0, 'utf8'),
});
