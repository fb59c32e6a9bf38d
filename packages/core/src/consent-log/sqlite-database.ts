import type { Database } from 'better-sqlite3';
import { CONSENT_RECORD_FORMAT, type ConsentRecord } from './record.js';
import { EXPORT_PAGE } from './store.js';

/** The schema version this code writes (`PRAGMA user_version`). */
export const SQLITE_SCHEMA_VERSION = 1;

const COLUMNS = 'seq, consent_id, time, revision, granted, denied, action, source, locale, user_agent, ip_hash, format';
const CREATE_V1 = `
  CREATE TABLE consent_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    consent_id TEXT NOT NULL,
    time INTEGER NOT NULL, -- ms since the epoch
    revision TEXT NOT NULL,
    granted TEXT NOT NULL, -- JSON array of category ids
    denied TEXT NOT NULL,
    action TEXT NOT NULL,
    source TEXT NOT NULL,
    locale TEXT,
    user_agent TEXT,
    ip_hash TEXT,
    format INTEGER NOT NULL
  );
  CREATE INDEX consent_records_by_id ON consent_records (consent_id, time);
  CREATE INDEX consent_records_by_time ON consent_records (time, seq);`;

// Version 0, the draft log (comma-separated ids, ISO text times, no locale, user agent or
// IP hash), is copied into version 1 and dropped.
const FROM_V0 = `
  INSERT INTO consent_records (consent_id, time, revision, granted, denied, action, source, format)
  SELECT consent_id,
    CAST(ROUND((julianday(recorded_at) - 2440587.5) * 86400000) AS INTEGER),
    revision,
    CASE granted WHEN '' THEN '[]' ELSE '["' || REPLACE(granted, ',', '","') || '"]' END,
    CASE denied WHEN '' THEN '[]' ELSE '["' || REPLACE(denied, ',', '","') || '"]' END,
    action, source, ${CONSENT_RECORD_FORMAT}
  FROM consent_log ORDER BY recorded_at;
  DROP TABLE consent_log;`;

interface Row {
  seq: number;
  consent_id: string;
  time: number;
  revision: string;
  granted: string;
  denied: string;
  action: ConsentRecord['action'];
  source: string;
  locale: string | null;
  user_agent: string | null;
  ip_hash: string | null;
}

/** The page of `export` after the record `after` (time, seq), oldest first. */
export interface PageQuery {
  readonly since: number | undefined;
  readonly until: number | undefined;
  readonly after: readonly [number, number] | undefined;
}

/**
 * The SQLite consent log, synchronous (better-sqlite3): it runs in the store's worker
 * thread, so that a batch or a WAL checkpoint never holds up the site's event loop.
 */
export class SqliteDatabase {
  readonly #db: Database;

  constructor(Sqlite: typeof import('better-sqlite3'), path: string) {
    const db = new Sqlite(path);
    try {
      // Set first: several instances opening one file at once wait for each other's locks.
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
  }

  write(records: readonly ConsentRecord[]): void {
    const insert = this.#db.prepare(
      'INSERT INTO consent_records (consent_id, time, revision, granted, denied, action, source, locale, user_agent, ip_hash, format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#db.transaction(() => {
      for (const r of records) {
        insert.run(r.consentId, Date.parse(r.time), r.revision, JSON.stringify(r.granted), JSON.stringify(r.denied), r.action, r.source, r.locale, r.userAgent, r.ipHash, r.format);
      }
    })();
  }

  byConsentId(consentId: string): ConsentRecord[] {
    return (this.#db.prepare(`SELECT ${COLUMNS} FROM consent_records WHERE consent_id = ? ORDER BY time, seq`).all(consentId) as Row[]).map(toRecord);
  }

  /** Up to EXPORT_PAGE records, and the key to ask for the next page with (undefined: that was the last). */
  page({ since, until, after }: PageQuery): { records: ConsentRecord[]; next: [number, number] | undefined } {
    const [from, to] = bounds(since, until);
    const [time, seq] = after ?? [Number.MIN_SAFE_INTEGER, 0];
    const rows = this.#db
      .prepare(`SELECT ${COLUMNS} FROM consent_records WHERE time >= ? AND time < ? AND (time > ? OR (time = ? AND seq > ?)) ORDER BY time, seq LIMIT ${EXPORT_PAGE}`)
      .all(from, to, time, time, seq) as Row[];
    const last = rows.at(-1);
    return { records: rows.map(toRecord), next: last && rows.length === EXPORT_PAGE ? [last.time, last.seq] : undefined };
  }

  count(since: number | undefined, until: number | undefined): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM consent_records WHERE time >= ? AND time < ?').get(...bounds(since, until)) as { n: number }).n;
  }

  deleteBefore(time: number): number {
    return this.#db.prepare('DELETE FROM consent_records WHERE time < ?').run(time).changes;
  }

  close(): void {
    this.#db.close();
  }
}

function bounds(since: number | undefined, until: number | undefined): [number, number] {
  return [since ?? Number.MIN_SAFE_INTEGER, until ?? Number.MAX_SAFE_INTEGER];
}

function migrate(db: Database): void {
  // The version is read under the write lock (an immediate transaction): of several
  // instances starting together, the first migrates and the others find it done.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === SQLITE_SCHEMA_VERSION) return;
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new Error(`the consent log's schema is version ${version}, newer than this consent-guard knows (${SQLITE_SCHEMA_VERSION}): upgrade consent-guard`);
    }
    db.exec(CREATE_V1);
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'consent_log'").get()) db.exec(FROM_V0);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
  }).immediate();
}

function toRecord(row: Row): ConsentRecord {
  return {
    format: CONSENT_RECORD_FORMAT,
    consentId: row.consent_id,
    time: new Date(row.time).toISOString(),
    revision: row.revision,
    granted: JSON.parse(row.granted) as string[],
    denied: JSON.parse(row.denied) as string[],
    action: row.action,
    source: row.source,
    locale: row.locale,
    userAgent: row.user_agent,
    ipHash: row.ip_hash,
  };
}
