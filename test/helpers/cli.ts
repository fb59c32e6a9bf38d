import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../packages/cli/src/main.js';

const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `consent-guard` binary as a user would, without a terminal. */
export function runCli(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...options.env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The CLI in this process (no start-up per case), its output collected as the binary would print it. */
export async function runMain(args: readonly string[]): Promise<CliRun> {
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  const collected = { stdout: '', stderr: '' };
  stdout.on('data', (chunk: Buffer) => (collected.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (collected.stderr += chunk.toString()));
  const code = await main(args, { stdout, stderr });
  return { code, ...collected };
}
