#!/usr/bin/env node
import { main } from './main.js';

try {
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
} catch (error) {
  // A bug, not a mistake of the caller's: say so in one line (the stack with DEBUG set).
  process.stderr.write(`consent-guard: unexpected error: ${(error as Error).message}\n`);
  if (process.env.DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
}
