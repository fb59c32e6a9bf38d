import { Worker } from 'node:worker_threads';
import { assertInstalled } from './optional.js';
import type { ConsentRecord } from './record.js';
import type { Call, Reply } from './sqlite-worker.js';
import type { ConsentStore, RecordRange } from './store.js';

export { SQLITE_SCHEMA_VERSION } from './sqlite-database.js';

const WORKER = new URL(import.meta.url.endsWith('.ts') ? './sqlite-worker.ts' : './sqlite-worker.js', import.meta.url);

/** The worker: the built file; run from source (the test runner), the TypeScript one through tsx's loader. */
function spawn(path: string): Worker {
  if (!WORKER.pathname.endsWith('.ts')) return new Worker(WORKER, { workerData: { path } });
  // An eval'd worker resolves bare names from the working directory: the repository's root.
  const load = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER.href)}); })`;
  return new Worker(load, { eval: true, workerData: { path } });
}

/**
 * One SQLite file, in WAL mode (readers such as the CLI do not block the site's writes),
 * through better-sqlite3 in a worker thread: its calls are synchronous, and a batch or a
 * checkpoint run on the site's thread would hold up every response meanwhile.
 */
export function sqliteStore(path: string): ConsentStore {
  let thread: Thread | undefined;
  const call = (request: Call): Promise<unknown> => {
    if (!thread) return Promise.reject(new Error('the SQLite consent store is not open'));
    return thread.call(request);
  };
  const range = ({ since, until }: RecordRange = {}): [number | undefined, number | undefined] => [since?.getTime(), until?.getTime()];
  return {
    async open() {
      if (thread?.alive) return;
      assertInstalled('better-sqlite3', 'SQLite');
      thread = await Thread.start(path);
    },
    async write(records) {
      await call({ op: 'write', args: [records] });
    },
    byConsentId: async (consentId) => (await call({ op: 'byConsentId', args: [consentId] })) as ConsentRecord[],
    async *export(within) {
      const [since, until] = range(within);
      let after: [number, number] | undefined;
      do {
        const page = (await call({ op: 'page', args: [{ since, until, after }] })) as { records: ConsentRecord[]; next: [number, number] | undefined };
        yield* page.records;
        after = page.next;
      } while (after);
    },
    count: async (within) => (await call({ op: 'count', args: range(within) })) as number,
    deleteBefore: async (time) => (await call({ op: 'deleteBefore', args: [time.getTime()] })) as number,
    async close() {
      await thread?.close();
      thread = undefined;
    },
  };
}

/** The worker and its calls in flight. It keeps the process alive only while a call is. */
class Thread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #next = 1;
  alive = true;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: Reply) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.result);
    });
    const fail = (error: Error) => {
      this.alive = false;
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SQLite consent store's thread stopped (exit code ${code})`)));
  }

  /** A thread with the database open (schema created or migrated), or the reason it could not open. */
  static async start(path: string): Promise<Thread> {
    const worker = spawn(path);
    const thread = new Thread(worker);
    worker.ref();
    await new Promise((resolve, reject) => thread.#pending.set(0, { resolve, reject }));
    return thread;
  }

  call(call: Call): Promise<unknown> {
    if (!this.alive) return Promise.reject(new Error('the SQLite consent store\'s thread has stopped'));
    const id = this.#next++;
    this.#worker.ref();
    this.#worker.postMessage({ id, call });
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
  }

  async close(): Promise<void> {
    if (!this.alive) return;
    await this.call({ op: 'close', args: [] });
    await this.#worker.terminate();
  }
}
