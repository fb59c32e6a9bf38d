import type { Database } from 'better-sqlite3';
import { requireOptional } from './optional.js';
import { CONSENT_RECORD_FORMAT, type ConsentRecord } from './record.js';
import { EXPORT_PAGE, type ConsentStore, type RecordRange } from './store.js';

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

/** One SQLite file, in WAL mode (readers such as the CLI do not block the site's writes). */
export function sqliteStore(path: string): ConsentStore {
  let db: Database | undefined;
  const opened = () => {
    if (!db) throw new Error('the SQLite consent store is not open');
    return db;
  };
  const bounds = (range: RecordRange = {}) => [range.since?.getTime() ?? Number.MIN_SAFE_INTEGER, range.until?.getTime() ?? Number.MAX_SAFE_INTEGER];
  return {
    async open() {
      if (db) return;
      const { default: Sqlite } = await requireOptional<{ default: typeof import('better-sqlite3') }>('better-sqlite3', 'sqlite');
      const database = new Sqlite(path);
      try {
        database.pragma('journal_mode = WAL');
        database.pragma('busy_timeout = 5000');
        database.pragma('synchronous = NORMAL');
        migrate(database);
      } catch (error) {
        database.close();
        throw error;
      }
      db = database;
    },
    async write(records) {
      const insert = opened().prepare(
        'INSERT INTO consent_records (consent_id, time, revision, granted, denied, action, source, locale, user_agent, ip_hash, format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      opened().transaction(() => {
        for (const r of records) {
          insert.run(r.consentId, Date.parse(r.time), r.revision, JSON.stringify(r.granted), JSON.stringify(r.denied), r.action, r.source, r.locale, r.userAgent, r.ipHash, r.format);
        }
      })();
    },
    async byConsentId(consentId) {
      return (opened().prepare(`SELECT ${COLUMNS} FROM consent_records WHERE consent_id = ? ORDER BY time, seq`).all(consentId) as Row[]).map(toRecord);
    },
    async *export(range) {
      const [since, until] = bounds(range);
      const page = opened().prepare(`SELECT ${COLUMNS} FROM consent_records WHERE time >= ? AND time < ? AND (time > ? OR (time = ? AND seq > ?)) ORDER BY time, seq LIMIT ${EXPORT_PAGE}`);
      let after = [Number.MIN_SAFE_INTEGER, 0];
      for (;;) {
        const rows = page.all(since, until, after[0], after[0], after[1]) as Row[];
        for (const row of rows) yield toRecord(row);
        const last = rows.at(-1);
        if (!last || rows.length < EXPORT_PAGE) return;
        after = [last.time, last.seq];
      }
    },
    async count(range) {
      return (opened().prepare('SELECT COUNT(*) AS n FROM consent_records WHERE time >= ? AND time < ?').get(...bounds(range)) as { n: number }).n;
    },
    async deleteBefore(time) {
      return opened().prepare('DELETE FROM consent_records WHERE time < ?').run(time.getTime()).changes;
    },
    async close() {
      db?.close();
      db = undefined;
    },
  };
}

function migrate(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SQLITE_SCHEMA_VERSION) return;
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new Error(`the consent log's schema is version ${version}, newer than this consent-guard knows (${SQLITE_SCHEMA_VERSION}): upgrade consent-guard`);
  }
  db.transaction(() => {
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
