import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConsentStore } from '@consent-guard/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeStoreContract, record, type V0Row } from '../helpers/store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'consent-guard-sqlite-'));
let files = 0;

/** The draft log's schema (version 0), as a site that ran it would have it. */
const V0 = `CREATE TABLE consent_log (consent_id TEXT NOT NULL, recorded_at TEXT NOT NULL, revision TEXT NOT NULL,
  granted TEXT NOT NULL, denied TEXT NOT NULL, action TEXT NOT NULL, source TEXT NOT NULL)`;

function withDatabase(path: string, use: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    use(db);
  } finally {
    db.close();
  }
}

describeStoreContract('the SQLite store', {
  persistent: true,
  async place() {
    const path = join(dir, `consent-${++files}.db`);
    return {
      store: () => openConsentStore(`sqlite:${path}`),
      async seedV0(rows: readonly V0Row[]) {
        withDatabase(path, (db) => {
          db.exec(V0);
          const insert = db.prepare('INSERT INTO consent_log VALUES (@consent_id, @recorded_at, @revision, @granted, @denied, @action, @source)');
          for (const row of rows) insert.run(row);
        });
      },
      async setFutureVersion() {
        withDatabase(path, (db) => db.pragma('user_version = 2'));
      },
    };
  },
});

describe('the SQLite store on disk', () => {
  it('should put the database in WAL mode and accept a plain file path', async () => {
    const path = join(dir, 'plain.db');
    const store = openConsentStore(path);
    await store.open();
    await store.write([record('a', '2026-01-01T00:00:00.000Z')]);
    await store.close();
    withDatabase(path, (db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(db.prepare('SELECT consent_id, time, granted FROM consent_records').all()).toEqual([{ consent_id: 'a', time: Date.parse('2026-01-01T00:00:00.000Z'), granted: '["essential","marketing"]' }]);
    });
  });

  it('should write on a thread of its own: the site\'s event loop turns while a batch is written', async () => {
    const store = openConsentStore(join(dir, 'thread.db'));
    await store.open();
    // Written on this thread, the batch would be done before the write's promise is even returned: no tick.
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 1);
    await store.write(Array.from({ length: 20_000 }, (_, i) => record(`t${i}`, '2026-01-01T00:00:00.000Z')));
    clearInterval(ticking);
    expect(ticks).toBeGreaterThan(0);
    expect(await store.count()).toBe(20_000);
    await store.close();
  });

  it('should reject opening a path it cannot create, with the reason', async () => {
    const store = openConsentStore(join(dir, 'missing-dir', 'consent.db'));
    await expect(store.open()).rejects.toThrow(/directory does not exist|unable to open/);
  });
});
