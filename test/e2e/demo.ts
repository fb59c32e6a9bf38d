// The demo apps as the README starts them (`node examples/<framework>-demo/server.js`),
// each with its tracker stand-in, and other sites run the same way, on ports the system picks.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `proxy`: the demo site as a PHP application behind consent-guard's reverse proxy. */
export type DemoFramework = 'express' | 'koa' | 'fastify' | 'proxy';

/** The secret the demos run with under test, for tests that sign a consent cookie of their own. */
export const DEMO_SECRET = 'e2e-secret-0123456789abcdef0123456789';

export interface Demo {
  readonly origin: string;
  stop(): Promise<void>;
}

const STARTED = / on (http:\/\/localhost:\d+)/;

// Every site started and not yet stopped, so that a suite whose setup failed half-way (no
// browser, say) still stops the ones that did start: its afterAll calls stopSites().
const running = new Set<ChildProcess>();

export function startDemo(framework: DemoFramework, env: Record<string, string> = {}): Promise<Demo> {
  return startSite(fileURLToPath(new URL(`../../examples/${framework}-demo/server.js`, import.meta.url)), env);
}

/** Runs `script`, a server that logs "… on http://localhost:<port>" once it listens. */
export function startSite(script: string, env: Record<string, string> = {}): Promise<Demo> {
  const name = script.split('/').slice(-2).join('/');
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: '0', CONSENT_SECRET: DEMO_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start within 20 s:\n${output}`)), 20_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(error);
    };
    const exited = (code: number | null) => fail(new Error(`${name} exited with ${code}:\n${output}`));
    child.once('exit', exited);
    child.stderr.on('data', (data: Buffer) => (output += data));
    // Read stdout to the end: the demo logs every report, and a full pipe would stall it.
    child.stdout.on('data', (data: Buffer) => {
      if (output.length < 100_000) output += data;
      const started = STARTED.exec(output);
      if (!started) return;
      clearTimeout(timer);
      child.off('exit', exited);
      resolve({ origin: started[1]!, stop: () => stop(child) });
    });
  });
}

/** Stops every site this test file started that is still running. */
export function stopSites(): Promise<void> {
  return Promise.all([...running].map(stop)).then(() => undefined);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}
