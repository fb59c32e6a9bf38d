// The SQLite store's thread: it owns the database and answers the store's calls, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteDatabase } from './sqlite-database.js';

export type Call =
  | { readonly op: 'write'; readonly args: Parameters<SqliteDatabase['write']> }
  | { readonly op: 'byConsentId'; readonly args: Parameters<SqliteDatabase['byConsentId']> }
  | { readonly op: 'page'; readonly args: Parameters<SqliteDatabase['page']> }
  | { readonly op: 'count'; readonly args: Parameters<SqliteDatabase['count']> }
  | { readonly op: 'deleteBefore'; readonly args: Parameters<SqliteDatabase['deleteBefore']> }
  | { readonly op: 'close'; readonly args: Parameters<SqliteDatabase['close']> };

export type Reply = { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: string };

const { default: Sqlite } = (await import('better-sqlite3')) as { default: typeof import('better-sqlite3') };
const port = parentPort!;
let db: SqliteDatabase;
try {
  db = new SqliteDatabase(Sqlite, (workerData as { path: string }).path);
  port.postMessage({ id: 0, result: 'open' } satisfies Reply);
} catch (error) {
  port.postMessage({ id: 0, error: (error as Error).message } satisfies Reply);
  process.exit(1);
}

port.on('message', ({ id, call }: { id: number; call: Call }) => {
  try {
    const result = (db[call.op] as (...args: Call['args']) => unknown).apply(db, call.args);
    port.postMessage({ id, result } satisfies Reply);
  } catch (error) {
    port.postMessage({ id, error: (error as Error).message } satisfies Reply);
  }
  if (call.op === 'close') port.close();
});
