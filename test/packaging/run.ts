import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment a user's shell would give: without the npm_* variables that `npm test`
 * passes to its scripts (npm_config_local_prefix would make a fixture's npm work on this
 * repository) and without what vitest sets for its own workers.
 */
const USER_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_|init_cwd$|node_options$|node_env$|vitest)/i.test(key)),
);

/** Runs a command to its end; never rejects, the exit code tells. */
export function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: USER_ENV, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Like `run`, but a non-zero exit is an error that shows what the command printed. */
export async function runOk(command: string, args: readonly string[], cwd: string): Promise<Run> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

export interface Started<T> {
  readonly child: ChildProcess;
  /** The first line the program printed on stdout, parsed as JSON. */
  readonly ready: T;
}

/** Starts a long-running `node` program and waits for the JSON line that says it is ready. */
export async function startNode<T>(script: string, cwd: string): Promise<Started<T>> {
  const child = spawn(process.execPath, [script], { cwd, env: USER_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const first = once(lines, 'line') as Promise<[string]>;
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${script} exited ${String(code)} before it was ready\n${stderr}`);
  });
  const [line] = await Promise.race([first, exited]);
  exited.catch(() => {}); // the program is stopped by the caller later; that exit is expected
  return { child, ready: JSON.parse(line) as T };
}
