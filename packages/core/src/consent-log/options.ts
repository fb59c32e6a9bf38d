import { closest } from '../suggest.js';
import { memoryStore } from './memory.js';
import { assertInstalled } from './optional.js';
import { postgresStore, type PgPoolLike } from './postgres.js';
import { sqliteStore } from './sqlite.js';
import type { ConsentStore } from './store.js';

export interface ConsentLogOptions {
  /**
   * `"memory"`, a SQLite file (`"./consent.db"` or `"sqlite:./consent.db"`), a PostgreSQL
   * connection string (`"postgres://…"`), a `pg.Pool`, or your own `ConsentStore`.
   */
  readonly store: string | PgPoolLike | ConsentStore;
  /** Record an HMAC-SHA256 of the client IP (as the framework's trust-proxy setting sees it) with this site secret. */
  readonly hashIp?: { readonly secret: string } | undefined;
  /** Delete records older than this many days (checked at start, then hourly). @default keep all */
  readonly retentionDays?: number | undefined;
  /** Records waiting for the store at most; more are dropped and reported. @default 10000 */
  readonly queueSize?: number | undefined;
  /** Records per write. @default 500 */
  readonly batchSize?: number | undefined;
  /** How long a record may wait for a batch to fill. @default 200 */
  readonly flushIntervalMs?: number | undefined;
}

export interface ResolvedLogOptions {
  readonly store: ConsentStore;
  readonly hashIpSecret: string | undefined;
  readonly retentionDays: number | undefined;
  readonly queueSize: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
}

const KNOWN = ['store', 'hashIp', 'retentionDays', 'queueSize', 'batchSize', 'flushIntervalMs'];
const STORE_METHODS = ['open', 'write', 'byConsentId', 'export', 'count', 'deleteBefore', 'close'] as const;

/** Checks `consentLog` at startup (TypeErrors that say how to fix it); undefined when the log is off. */
export function resolveLogOptions(value: unknown): ResolvedLogOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null) throw new TypeError('option consentLog must be an object such as { store: "./consent.db" }, or false');
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN.includes(key)) {
      const match = closest(key, KNOWN);
      throw new TypeError(`option consentLog received an unknown key \`${key}\`.${match ? ` Did you mean \`${match}\`?` : ''}`);
    }
  }
  const { store, hashIp, retentionDays, queueSize = 10_000, batchSize = 500, flushIntervalMs = 200 } = given;
  if (hashIp !== undefined && (typeof hashIp !== 'object' || hashIp === null || typeof (hashIp as { secret?: unknown }).secret !== 'string' || (hashIp as { secret: string }).secret.length < 16)) {
    throw new TypeError('option consentLog.hashIp must be { secret } with a secret of at least 16 characters (leave it out to record no IP hash)');
  }
  return {
    store: openConsentStore(store as ConsentLogOptions['store']),
    hashIpSecret: (hashIp as { secret: string } | undefined)?.secret,
    retentionDays: retentionDays === undefined ? undefined : integer('retentionDays', retentionDays, 1, 100 * 365),
    queueSize: integer('queueSize', queueSize, 1, 10_000_000),
    batchSize: integer('batchSize', batchSize, 1, 10_000),
    flushIntervalMs: integer('flushIntervalMs', flushIntervalMs, 0, 60_000),
  };
}

/**
 * The store `consentLog.store` names: a string — `memory`, `postgres://…` /
 * `postgresql://…`, `sqlite:<file>` or a file path —, a `pg.Pool`, or a `ConsentStore` as
 * is. Checks that the package it needs is installed; nothing is opened yet (`open()`).
 */
export function openConsentStore(store: ConsentLogOptions['store']): ConsentStore {
  if (typeof store === 'string') return storeFromSpec(store);
  if (typeof store === 'object' && store !== null) {
    const object = store as unknown as Record<string, unknown>;
    if (STORE_METHODS.every((method) => typeof object[method] === 'function')) return store as ConsentStore;
    // A pg.Pool (or anything with its query/connect/end).
    if (['query', 'connect', 'end'].every((method) => typeof object[method] === 'function')) return postgresStore(store as PgPoolLike);
    const missing = STORE_METHODS.filter((method) => typeof object[method] !== 'function');
    throw new TypeError(`option consentLog.store: an object must be a pg.Pool or a ConsentStore; this one lacks ${missing.join(', ')}`);
  }
  throw new TypeError('option consentLog.store is required: "memory", a SQLite file path, a postgres:// connection string, a pg.Pool or a ConsentStore');
}

function storeFromSpec(spec: string): ConsentStore {
  if (spec === 'memory') return memoryStore();
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    assertInstalled('pg', 'PostgreSQL');
    return postgresStore(spec);
  }
  const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
  if (path === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new TypeError(`option consentLog.store: "${spec.slice(0, 80)}" is neither "memory", a SQLite file path nor a postgres:// connection string`);
  }
  assertInstalled('better-sqlite3', 'SQLite');
  return sqliteStore(path);
}

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`option consentLog.${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return value;
}
