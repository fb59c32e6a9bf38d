import { requireOptional } from './optional.js';
import { CONSENT_RECORD_FORMAT, type ConsentRecord } from './record.js';
import { EXPORT_PAGE, type ConsentStore, type RecordRange } from './store.js';

/** The schema version this code writes (table `consent_guard_schema`). */
export const POSTGRES_SCHEMA_VERSION = 1;

/** What the store uses of a `pg.Pool`: pass your own pool, or a connection string. */
export interface PgPoolLike {
  query(text: string, values?: readonly unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
}
interface PgClientLike {
  query(text: string, values?: readonly unknown[]): Promise<{ rows: unknown[] }>;
  release(error?: Error | boolean): void;
}

// Any 64-bit constant works; it only has to be the same in every instance of the site.
const MIGRATION_LOCK = '7283920147362837001';
const COLUMNS = 'seq, consent_id, time, revision, granted, denied, action, source, locale, user_agent, ip_hash';
const CREATE_V1 = `
  CREATE TABLE consent_records (
    seq bigserial PRIMARY KEY,
    consent_id text NOT NULL,
    time timestamptz NOT NULL,
    revision text NOT NULL,
    granted jsonb NOT NULL,
    denied jsonb NOT NULL,
    action text NOT NULL,
    source text NOT NULL,
    locale text,
    user_agent text,
    ip_hash text,
    format smallint NOT NULL
  );
  CREATE INDEX consent_records_by_id ON consent_records (consent_id, time);
  CREATE INDEX consent_records_by_time ON consent_records (time, seq);`;
// Version 0, the draft log: comma-separated ids, no locale, user agent or IP hash.
const FROM_V0 = `
  INSERT INTO consent_records (consent_id, time, revision, granted, denied, action, source, format)
  SELECT consent_id, date_trunc('milliseconds', recorded_at), revision,
    COALESCE(to_jsonb(string_to_array(NULLIF(granted, ''), ',')), '[]'), COALESCE(to_jsonb(string_to_array(NULLIF(denied, ''), ',')), '[]'),
    action, source, ${CONSENT_RECORD_FORMAT}
  FROM consent_log ORDER BY recorded_at;
  DROP TABLE consent_log;`;
const INSERT = `
  INSERT INTO consent_records (consent_id, time, revision, granted, denied, action, source, locale, user_agent, ip_hash, format)
  SELECT consent_id, time, revision, granted::jsonb, denied::jsonb, action, source, locale, user_agent, ip_hash, format
  FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::smallint[])
    AS t (consent_id, time, revision, granted, denied, action, source, locale, user_agent, ip_hash, format)`;

interface Row {
  seq: string;
  consent_id: string;
  time: Date;
  revision: string;
  granted: string[];
  denied: string[];
  action: ConsentRecord['action'];
  source: string;
  locale: string | null;
  user_agent: string | null;
  ip_hash: string | null;
}

/**
 * PostgreSQL, for many instances of a site: each batch is one INSERT; the schema is created
 * or migrated on open under an advisory lock, so instances starting together do it once.
 * A pool passed in stays the caller's (not ended on close).
 */
export function postgresStore(connection: string | PgPoolLike): ConsentStore {
  let pool: PgPoolLike | undefined = typeof connection === 'string' ? undefined : connection;
  let migrated = false;
  const ready = async (): Promise<PgPoolLike> => {
    if (pool) return pool;
    const { default: pg } = await requireOptional<typeof import('pg')>('pg', 'PostgreSQL');
    const own = new pg.Pool({ connectionString: connection as string, max: 4, connectionTimeoutMillis: 5000, query_timeout: 30_000 });
    // An idle client losing its server emits 'error' on the pool; the next query reports it.
    own.on('error', () => {});
    pool = own;
    return own;
  };
  return {
    async open() {
      if (migrated) return;
      await migrate(await ready());
      migrated = true;
    },
    async write(records) {
      const column = <T>(pick: (record: ConsentRecord) => T) => records.map(pick);
      await (await ready()).query(INSERT, [
        column((r) => r.consentId),
        column((r) => r.time),
        column((r) => r.revision),
        column((r) => JSON.stringify(r.granted)),
        column((r) => JSON.stringify(r.denied)),
        column((r) => r.action),
        column((r) => r.source),
        column((r) => r.locale),
        column((r) => r.userAgent),
        column((r) => r.ipHash),
        column((r) => r.format),
      ]);
    },
    async byConsentId(consentId) {
      const { rows } = await (await ready()).query(`SELECT ${COLUMNS} FROM consent_records WHERE consent_id = $1 ORDER BY time, seq`, [consentId]);
      return (rows as Row[]).map(toRecord);
    },
    async *export(range) {
      const db = await ready();
      const [within, values] = rangeClause(range);
      let after: readonly [Date, string] | undefined;
      for (;;) {
        const next = after ? ` AND (time, seq) > ($${values.length + 1}, $${values.length + 2})` : '';
        const { rows } = await db.query(`SELECT ${COLUMNS} FROM consent_records WHERE ${within}${next} ORDER BY time, seq LIMIT ${EXPORT_PAGE}`, after ? [...values, ...after] : values);
        for (const row of rows as Row[]) yield toRecord(row);
        const last = rows.at(-1) as Row | undefined;
        if (!last || rows.length < EXPORT_PAGE) return;
        after = [last.time, last.seq];
      }
    },
    async count(range) {
      const [within, values] = rangeClause(range);
      const { rows } = await (await ready()).query(`SELECT COUNT(*)::int AS n FROM consent_records WHERE ${within}`, values);
      return (rows[0] as { n: number }).n;
    },
    async deleteBefore(time) {
      return (await (await ready()).query('DELETE FROM consent_records WHERE time < $1', [time])).rowCount ?? 0;
    },
    async close() {
      if (typeof connection !== 'string') return;
      await pool?.end();
      pool = undefined;
    },
  };
}

async function migrate(pool: PgPoolLike): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Instances starting together wait here; the first migrates, the others find it done.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS consent_guard_schema (version integer NOT NULL)');
    const { rows } = await client.query('SELECT version FROM consent_guard_schema');
    const version = (rows[0] as { version: number } | undefined)?.version ?? 0;
    if (version > POSTGRES_SCHEMA_VERSION) {
      throw new Error(`the consent log's schema is version ${version}, newer than this consent-guard knows (${POSTGRES_SCHEMA_VERSION}): upgrade consent-guard`);
    }
    if (version < POSTGRES_SCHEMA_VERSION) {
      await client.query(CREATE_V1);
      const { rows: v0 } = await client.query("SELECT to_regclass('consent_log') IS NOT NULL AS present");
      if ((v0[0] as { present: boolean }).present) await client.query(FROM_V0);
      await client.query('DELETE FROM consent_guard_schema');
      await client.query('INSERT INTO consent_guard_schema (version) VALUES ($1)', [POSTGRES_SCHEMA_VERSION]);
    }
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    client.release(true);
    throw error;
  }
}

function rangeClause(range: RecordRange = {}): [string, Date[]] {
  const conditions = ['TRUE'];
  const values: Date[] = [];
  if (range.since) conditions.push(`time >= $${values.push(range.since)}`);
  if (range.until) conditions.push(`time < $${values.push(range.until)}`);
  return [conditions.join(' AND '), values];
}

function toRecord(row: Row): ConsentRecord {
  return {
    format: CONSENT_RECORD_FORMAT,
    consentId: row.consent_id,
    time: row.time.toISOString(),
    revision: row.revision,
    granted: row.granted,
    denied: row.denied,
    action: row.action,
    source: row.source,
    locale: row.locale,
    userAgent: row.user_agent,
    ipHash: row.ip_hash,
  };
}
