import type { ConsentRecord, ConsentStore } from '@consent-guard/core';
import { afterEach, describe, expect, it } from 'vitest';

/** One draft-log (schema version 0) row: comma-separated ids, ISO time. */
export interface V0Row {
  readonly consent_id: string;
  readonly recorded_at: string;
  readonly revision: string;
  readonly granted: string;
  readonly denied: string;
  readonly action: string;
  readonly source: string;
}

/** A place records live in (a file, a database schema); `store()` opens a new connection to it. */
export interface StorePlace {
  store(): ConsentStore;
  /** Creates the version 0 schema with these rows (before any store opened the place). */
  seedV0?(rows: readonly V0Row[]): Promise<void>;
  /** Marks the schema as a version newer than this code knows. */
  setFutureVersion?(): Promise<void>;
}

export interface StoreHarness {
  /** A new, empty place. */
  place(): Promise<StorePlace>;
  /** Records outlive the store object (a restart finds them). */
  readonly persistent: boolean;
}

export function record(consentId: string, time: string, fields: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    format: 1,
    consentId,
    time,
    revision: '2018-09-10',
    granted: ['essential', 'marketing'],
    denied: ['functionality', 'performance'],
    action: 'save',
    source: 'endpoint',
    locale: 'nb',
    userAgent: 'Firefox 121 / Linux / desktop',
    ipHash: null,
    ...fields,
  };
}

export async function collect(records: AsyncIterable<ConsentRecord>): Promise<ConsentRecord[]> {
  const all: ConsentRecord[] = [];
  for await (const one of records) all.push(one);
  return all;
}

/** What every ConsentStore must do; each store's test file runs it over a real database. */
export function describeStoreContract(name: string, harness: StoreHarness): void {
  describe(`${name} (ConsentStore contract)`, () => {
    const opened: ConsentStore[] = [];
    const open = async (place: StorePlace) => {
      const store = place.store();
      opened.push(store);
      await store.open();
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('should read back every field of the records of one consent id, oldest first', async () => {
      const store = await open(await harness.place());
      const first = record('id-a', '2026-03-01T10:00:00.000Z', { action: 'accept-all', granted: ['essential', 'functionality', 'performance', 'marketing'], denied: [], ipHash: 'aGFzaA', locale: null });
      const other = record('id-b', '2026-03-01T10:00:01.000Z', { source: 'onetrust', userAgent: null });
      const second = record('id-a', '2026-03-02T09:30:00.123Z', { action: 'withdraw', granted: ['essential'], denied: ['functionality', 'performance', 'marketing'], revision: 'rév 2 ✓' });
      await store.write([second, other]);
      await store.write([first]);
      expect(await store.byConsentId('id-a')).toStrictEqual([first, second]);
      expect(await store.byConsentId('id-b')).toStrictEqual([other]);
      expect(await store.byConsentId('nobody')).toStrictEqual([]);
    });

    it('should export a time range, since inclusive and until exclusive, oldest first, and count it', async () => {
      const store = await open(await harness.place());
      const times = ['2026-01-31T23:59:59.999Z', '2026-02-01T00:00:00.000Z', '2026-02-14T12:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-03-05T00:00:00.000Z'];
      await store.write([...times].reverse().map((time, index) => record(`id-${index}`, time)));
      const range = { since: new Date('2026-02-01T00:00:00Z'), until: new Date('2026-03-01T00:00:00Z') };
      expect((await collect(store.export(range))).map((r) => r.time)).toEqual(['2026-02-01T00:00:00.000Z', '2026-02-14T12:00:00.000Z']);
      expect(await store.count(range)).toBe(2);
      expect((await collect(store.export({ since: range.since }))).map((r) => r.time)).toEqual(times.slice(1));
      expect((await collect(store.export({ until: range.until }))).map((r) => r.time)).toEqual(times.slice(0, 3));
      expect((await collect(store.export())).map((r) => r.time)).toEqual(times);
      expect(await store.count()).toBe(5);
    });

    it('should stream an export larger than a page without losing or repeating records of the same millisecond', async () => {
      const store = await open(await harness.place());
      const batch = Array.from({ length: 2500 }, (_, i) => record(`bulk-${String(i).padStart(4, '0')}`, i < 1200 ? '2026-04-01T00:00:00.000Z' : '2026-04-01T00:00:00.001Z'));
      await store.write(batch);
      const exported = await collect(store.export());
      expect(exported.map((r) => r.consentId)).toEqual(batch.map((r) => r.consentId));
    });

    it('should delete the records older than the retention cut-off, and only those', async () => {
      const store = await open(await harness.place());
      await store.write([record('old', '2020-01-01T00:00:00.000Z'), record('edge', '2025-01-01T00:00:00.000Z'), record('new', '2026-01-01T00:00:00.000Z')]);
      expect(await store.deleteBefore(new Date('2025-01-01T00:00:00.000Z'))).toBe(1);
      expect((await collect(store.export())).map((r) => r.consentId)).toEqual(['edge', 'new']);
      expect(await store.deleteBefore(new Date('2025-01-01T00:00:00.000Z'))).toBe(0);
    });

    it('should keep every record when several writers write at once', async () => {
      const place = await harness.place();
      const writers = harness.persistent ? await Promise.all([open(place), open(place), open(place)]) : [await open(place)];
      const batches = Array.from({ length: 30 }, (_, b) => Array.from({ length: 20 }, (_, i) => record(`w${b}-${i}`, `2026-05-01T00:00:${String(b).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`)));
      await Promise.all(batches.map((batch, b) => writers[b % writers.length]!.write(batch)));
      expect(await writers[0]!.count()).toBe(600);
      expect(new Set((await collect(writers[0]!.export())).map((r) => r.consentId)).size).toBe(600);
    });

    // Only a store that keeps records between instances has a restart, a shared schema and
    // migrations to prove (the memory store does not register these).
    if (harness.persistent) {
      it('should find the records of a previous run after a restart, and add to them', async () => {
        const place = await harness.place();
        const before = await open(place);
        await before.write([record('kept', '2026-06-01T00:00:00.000Z')]);
        await before.close();
        const after = await open(place);
        expect(await after.byConsentId('kept')).toStrictEqual([record('kept', '2026-06-01T00:00:00.000Z')]);
        await after.write([record('kept', '2026-06-02T00:00:00.000Z', { action: 'withdraw' })]);
        expect((await after.byConsentId('kept')).map((r) => r.action)).toEqual(['save', 'withdraw']);
      });

      it('should create the schema once when several instances start at once', async () => {
        const place = await harness.place();
        const stores = await Promise.all(Array.from({ length: 4 }, () => open(place)));
        await stores[0]!.write([record('once', '2026-06-01T00:00:00.000Z')]);
        expect(await stores[3]!.count()).toBe(1);
      });

      it('should migrate the version 0 schema and its records on open, once', async () => {
        const place = await harness.place();
        await place.seedV0!([
          { consent_id: 'legacy-1', recorded_at: '2024-05-01T08:00:00.250Z', revision: 'r0', granted: 'essential,performance', denied: 'functionality,marketing', action: 'save', source: 'endpoint' },
          { consent_id: 'legacy-1', recorded_at: '2024-06-01T08:00:00.000Z', revision: 'r0', granted: 'essential', denied: '', action: 'withdraw', source: 'endpoint' },
          { consent_id: 'legacy-2', recorded_at: '2024-05-02T00:00:00.000Z', revision: 'r0', granted: '', denied: 'marketing', action: 'reject-all', source: 'cookiebot' },
        ]);
        const legacy = { revision: 'r0', locale: null, userAgent: null, ipHash: null };
        const expected = [
          record('legacy-1', '2024-05-01T08:00:00.250Z', { ...legacy, granted: ['essential', 'performance'], denied: ['functionality', 'marketing'] }),
          record('legacy-1', '2024-06-01T08:00:00.000Z', { ...legacy, granted: ['essential'], denied: [], action: 'withdraw' }),
        ];
        const store = await open(place);
        expect(await store.byConsentId('legacy-1')).toStrictEqual(expected);
        expect(await store.byConsentId('legacy-2')).toStrictEqual([record('legacy-2', '2024-05-02T00:00:00.000Z', { ...legacy, granted: [], denied: ['marketing'], action: 'reject-all', source: 'cookiebot' })]);
        await store.write([record('legacy-1', '2026-01-01T00:00:00.000Z')]);
        await store.close();
        const again = await open(place);
        expect(await again.count()).toBe(4);
      });

      it('should refuse to open a schema newer than it knows', async () => {
        const place = await harness.place();
        await (await open(place)).close();
        await place.setFutureVersion!();
        const store = place.store();
        opened.push(store);
        await expect(store.open()).rejects.toThrow(/schema is version 2, newer than this consent-guard knows \(1\): upgrade consent-guard/);
      });
    }
  });
}
