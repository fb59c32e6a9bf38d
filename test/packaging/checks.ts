import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { ROOT } from './pack.js';
import { run } from './run.js';

/** publint's messages on a tarball, suggestions included, warnings counted as errors. */
export async function publintMessages(tarball: string): Promise<string[]> {
  const bytes = await readFile(tarball);
  const tarballBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const { messages, pkg } = await publint({ pack: { tarball: tarballBuffer }, level: 'suggestion', strict: true });
  return messages.map((message) => `${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`);
}

/**
 * The one attw problem that does not apply to these packages. They are ESM only, for Node
 * >= 20.19, where `require()` of an ES module works (none of them uses top-level await):
 * the CommonJS fixture proves it. attw's TypeScript (5.6) predates TypeScript's support for
 * that, so it still reports a require that resolves to ESM.
 */
export const NOT_A_PROBLEM = 'CJSResolvesToESM';

/** @arethetypeswrong/cli's problems on a tarball, one line each. */
export async function attwProblems(tarball: string): Promise<string[]> {
  const attw = join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');
  // --no-definitely-typed: the packages carry their own types; this also keeps attw off the network.
  const { stdout, stderr } = await run(process.execPath, [attw, tarball, '--format', 'json', '--no-definitely-typed'], ROOT);
  if (!stdout.startsWith('{')) throw new Error(`attw failed on ${tarball}\n${stdout}\n${stderr}`);
  const { problems } = JSON.parse(stdout) as { problems?: Record<string, { kind: string; entrypoint?: string; resolutionKind?: string }[]> };
  return Object.values(problems ?? {})
    .flat()
    .map((problem) => `${problem.kind} at ${problem.entrypoint ?? '?'} (${problem.resolutionKind ?? 'any resolution'})`);
}
