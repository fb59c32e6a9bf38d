// Benchmark servers (server.js), each in a child process, and what they say over IPC.
import { fork } from 'node:child_process';

/** Starts one variant of server.js (or of `script`); resolves to its process and port. */
export function startServer(variant, args = [], script = new URL('./server.js', import.meta.url)) {
  return new Promise((resolve, reject) => {
    const child = fork(script, [variant, ...args]);
    child.once('message', ({ port }) => resolve({ child, port }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
  });
}

/** The server's CPU time (µs) and requests so far; or, with 'log', its consent log's counters after a flush. */
export function ask(child, question = 'stats') {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(question);
  });
}
