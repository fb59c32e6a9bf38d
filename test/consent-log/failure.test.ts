import { openConsentStore, type Guard, type ReportEvent } from '@consent-guard/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, setCookies } from '../helpers/apps.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.js';

let server: PostgresServer;
beforeAll(async () => {
  // This test stops and starts its server, so it always runs one of its own.
  server = await startPostgres({ throwaway: true });
}, 120_000);
afterAll(() => server?.destroy());

type LogEvent = Extract<ReportEvent, { type: 'consent-log-failed' | 'consent-log-dropped' }>;

describe('the consent log when PostgreSQL goes away under load', () => {
  it('should answer every request at once, report the failed writes and the records lost, and keep what was written before', async () => {
    const url = await server.createSchema('failure');
    const events: LogEvent[] = [];
    let guard: Pick<Guard, 'consentLog' | 'close'> | undefined;
    const app = createApp('express5', {
      consentLog: { store: url, batchSize: 25, flushIntervalMs: 20 },
      onReport: (event) => {
        if (event.type === 'consent-log-failed' || event.type === 'consent-log-dropped') events.push(event);
      },
      onGuard: (mounted) => (guard = mounted),
    });
    const log = guard!.consentLog!;
    const choose = async () => {
      const started = performance.now();
      const response = await request(app).post('/consent').type('form').send('action=reject-all');
      const cookie = setCookies(response.headers['set-cookie']).find((c) => c.startsWith('cg_consent='));
      return { status: response.status, ms: performance.now() - started, consentId: cookie?.split(';')[0]!.split('.')[4] };
    };
    const wave = async (count: number) => {
      const results = [];
      for (let i = 0; i < count; i += 10) results.push(...(await Promise.all(Array.from({ length: Math.min(10, count - i) }, choose))));
      return results;
    };

    const before = await wave(100);
    await log.flush();
    expect(log.stats().written).toBe(100);

    // Half of the load while the server shuts down, half after.
    const during = wave(200);
    await server.stop('fast');
    const after = [...(await during), ...(await wave(100))];

    for (const result of [...before, ...after]) expect(result.status).toBe(303);
    // A write waiting on the database would show here (connection timeout: 5 s).
    expect(Math.max(...after.map((result) => result.ms))).toBeLessThan(2000);
    await expect.poll(() => events.some((event) => event.type === 'consent-log-failed'), { timeout: 10_000 }).toBe(true);
    expect(events[0]).toMatchObject({ type: 'consent-log-failed', mode: 'enforce', method: '', path: '', operation: 'write', error: expect.any(String) as string, retryInMs: expect.any(Number) as number });
    expect((events[0] as Extract<LogEvent, { type: 'consent-log-failed' }>).pending).toBeGreaterThan(0);

    const { written } = log.stats();
    await guard!.close();
    const stats = log.stats();
    expect(stats.pending).toBe(0);
    expect(stats.written + stats.dropped).toBe(400);
    expect(stats.failedWrites).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({ type: 'consent-log-dropped', mode: 'enforce', method: '', path: '', reason: 'store-failed', count: stats.dropped });
    expect(stats.written).toBe(written);

    await server.start();
    const store = openConsentStore(url);
    await store.open();
    try {
      expect(await store.count()).toBe(stats.written);
      for (const { consentId } of before) expect(await store.byConsentId(consentId!)).toHaveLength(1);
    } finally {
      await store.close();
    }
  }, 120_000);
});
