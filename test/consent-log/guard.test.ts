import { createConsentStats, createGuard, openConsentStore, type ConsentOptions, type ConsentStore, type ReportEvent } from '@consent-guard/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { POLICY } from '../helpers/apps.js';
import { collect, record } from '../helpers/store-contract.js';

const DAY = 24 * 60 * 60 * 1000;

afterEach(() => {
  vi.useRealTimers();
});

describe('the consentLog option', () => {
  it.each<[unknown, string]>([
    ['./consent.db', 'option consentLog must be an object such as { store: "./consent.db" }, or false'],
    [{}, 'option consentLog.store is required: "memory", a SQLite file path, a postgres:// connection string, a pg.Pool or a ConsentStore'],
    [{ store: 42 }, 'option consentLog.store is required: "memory", a SQLite file path, a postgres:// connection string, a pg.Pool or a ConsentStore'],
    [{ store: 'memory', retentionDay: 30 }, 'option consentLog received an unknown key `retentionDay`. Did you mean `retentionDays`?'],
    [{ store: 'https://example.com/log' }, 'option consentLog.store: "https://example.com/log" is neither "memory", a SQLite file path nor a postgres:// connection string'],
    [{ store: 'sqlite:' }, 'option consentLog.store: "sqlite:" is neither "memory", a SQLite file path nor a postgres:// connection string'],
    [{ store: { write() {} } }, 'option consentLog.store: an object must be a pg.Pool or a ConsentStore; this one lacks open, byConsentId, export, count, deleteBefore, close'],
    [{ store: 'memory', retentionDays: 0 }, 'option consentLog.retentionDays must be an integer from 1 to 36500, not 0'],
    [{ store: 'memory', queueSize: 1.5 }, 'option consentLog.queueSize must be an integer from 1 to 10000000, not 1.5'],
    [{ store: 'memory', batchSize: '100' }, 'option consentLog.batchSize must be an integer from 1 to 10000, not "100"'],
    [{ store: 'memory', flushIntervalMs: -1 }, 'option consentLog.flushIntervalMs must be an integer from 0 to 60000, not -1'],
    [{ store: 'memory', hashIp: { secret: 'short' } }, 'option consentLog.hashIp must be { secret } with a secret of at least 16 characters (leave it out to record no IP hash)'],
    [{ store: 'memory', hashIp: 'secret-0123456789abcdef' }, 'option consentLog.hashIp must be { secret } with a secret of at least 16 characters (leave it out to record no IP hash)'],
  ])('should throw a TypeError at startup for consentLog %j', (consentLog, message) => {
    expect(() => createGuard({ policy: POLICY, consentLog } as ConsentOptions)).toThrow(new TypeError(message));
  });

  it('should have no log, and a close() that resolves, when the option is left out or false', async () => {
    for (const consentLog of [undefined, false] as const) {
      const guard = createGuard({ policy: POLICY, ...(consentLog === false ? { consentLog } : {}) });
      expect(guard.consentLog).toBeUndefined();
      await expect(guard.close()).resolves.toBeUndefined();
    }
  });

  it('should accept a ConsentStore of the site\'s own, used as is', async () => {
    const store = openConsentStore('memory');
    await store.write([record('own', '2026-01-01T00:00:00.000Z')]);
    const guard = createGuard({ policy: POLICY, consentLog: { store } });
    expect(await guard.consentLog!.byConsentId('own')).toHaveLength(1);
    await guard.close();
  });
});

describe('consentLog.retentionDays', () => {
  it('should delete records older than the retention when the store opens, then every hour', async () => {
    vi.useFakeTimers({ now: new Date('2026-06-01T00:00:00Z') });
    const store = openConsentStore('memory');
    await store.write([record('old', new Date(Date.now() - 40 * DAY).toISOString()), record('recent', new Date(Date.now() - 20 * DAY).toISOString())]);
    const guard = createGuard({ policy: POLICY, consentLog: { store, retentionDays: 30 } });
    await vi.advanceTimersByTimeAsync(1);
    expect((await collect(store.export())).map((r) => r.consentId)).toEqual(['recent']);
    vi.setSystemTime(Date.now() + 15 * DAY);
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000 - 2);
    expect(await store.count()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await store.count()).toBe(0);
    expect(guard.consentLog!.stats().deleted).toBe(2);
    await guard.close();
  });

  it('should report a failed deletion and try again at the next hour', async () => {
    vi.useFakeTimers();
    const events: ReportEvent[] = [];
    const store: ConsentStore = { ...openConsentStore('memory'), deleteBefore: () => Promise.reject(new Error('permission denied')) };
    const guard = createGuard({ policy: POLICY, onReport: (event) => events.push(event), consentLog: { store, retentionDays: 1 } });
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toEqual([{ type: 'consent-log-failed', mode: 'enforce', method: '', path: '', operation: 'retention', error: 'permission denied', pending: 0, retryInMs: 3_600_000 }]);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(events).toHaveLength(2);
    await guard.close();
  });
});

describe('the consent log events in createConsentStats', () => {
  it('should count dropped records by their count and failures one by one', () => {
    const stats = createConsentStats();
    const context = { mode: 'enforce', method: '', path: '' } as const;
    stats.record({ ...context, type: 'consent-log-dropped', reason: 'queue-full', count: 1 });
    stats.record({ ...context, type: 'consent-log-dropped', reason: 'queue-full', count: 41 });
    stats.record({ ...context, type: 'consent-log-failed', operation: 'write', error: 'down', pending: 3, retryInMs: 100 });
    expect(stats.snapshot().rows).toEqual([
      { type: 'consent-log-dropped', subject: 'queue-full', category: undefined, detail: undefined, count: 42 },
      { type: 'consent-log-failed', subject: 'write', category: undefined, detail: undefined, count: 1 },
    ]);
  });
});
