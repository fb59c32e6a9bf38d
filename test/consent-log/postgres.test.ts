import { openConsentStore } from '@consent-guard/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { describeStoreContract, record, type V0Row } from '../helpers/store-contract.js';

let server: PostgresServer;
let schemas = 0;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(() => server?.destroy());

/** The draft log's schema (version 0), as a site that ran it would have it. */
const V0 = `CREATE TABLE consent_log (consent_id text NOT NULL, recorded_at timestamptz NOT NULL, revision text NOT NULL,
  granted text NOT NULL, denied text NOT NULL, action text NOT NULL, source text NOT NULL)`;

async function query(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

describeStoreContract('the PostgreSQL store', {
  persistent: true,
  async place() {
    const url = await server.createSchema(`contract_${++schemas}`);
    return {
      store: () => openConsentStore(url),
      async seedV0(rows: readonly V0Row[]) {
        await query(url, V0);
        for (const row of rows) {
          await query(url, 'INSERT INTO consent_log VALUES ($1, $2, $3, $4, $5, $6, $7)', [row.consent_id, row.recorded_at, row.revision, row.granted, row.denied, row.action, row.source]);
        }
      },
      async setFutureVersion() {
        await query(url, 'UPDATE consent_guard_schema SET version = 2');
      },
    };
  },
});

describe('the PostgreSQL store with a pool', () => {
  it('should use a pool it is given, one INSERT per batch, and leave the pool open on close (and usable on a reopen)', async () => {
    const pool = new pg.Pool({ connectionString: await server.createSchema('given_pool') });
    const statements: string[] = [];
    const counting = {
      query: (text: string, values?: readonly unknown[]) => {
        statements.push(text.trim().split(/\s+/).slice(0, 2).join(' '));
        return pool.query(text, values as unknown[]);
      },
      connect: () => pool.connect(),
      end: () => pool.end(),
    };
    const store = openConsentStore(counting);
    await store.open();
    await store.write(Array.from({ length: 300 }, (_, i) => record(`p${i}`, '2026-01-01T00:00:00.000Z')));
    expect(statements.filter((s) => s === 'INSERT INTO')).toHaveLength(1);
    await store.close();
    expect((await pool.query('SELECT COUNT(*)::int AS n FROM consent_records')).rows).toEqual([{ n: 300 }]);
    await store.open();
    expect(await store.count()).toBe(300);
    await store.close();
    await pool.end();
  });
});
