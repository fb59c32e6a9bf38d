import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsentRecord, Guard, ReportEvent } from '@consent-guard/core';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, setCookies, type Framework, type Options } from '../helpers/apps.js';
import { runCli } from '../helpers/cli.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.js';

const REVISION = '2018-09-10';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
const IP_SECRET = 'ip-secret-0123456789abcdef';
const OPTIONAL = ['functionality', 'performance', 'marketing'];
const ALL = ['essential', ...OPTIONAL];
const dir = mkdtempSync(join(tmpdir(), 'consent-guard-log-http-'));
let files = 0;

type Handle = Pick<Guard, 'consentLog' | 'close'>;
const open: Handle[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((guard) => guard.close()));
});

/** An app with the consent log on, and its guard's log. */
function appWithLog(framework: Framework, options: Options = {}) {
  let guard: Handle | undefined;
  const app = createApp(framework, { consentLog: { store: join(dir, `log-${++files}.db`) }, ...options, onGuard: (mounted) => open.push((guard = mounted)) });
  return { app, guard: guard! };
}

const consentCookie = (header: string | string[] | undefined) => {
  const cookie = setCookies(header).find((c) => c.startsWith('cg_consent='))!;
  return cookie.slice(0, cookie.indexOf(';'));
};
const consentIdOf = (cookie: string) => cookie.split('.')[4]!;

describe.each(FRAMEWORKS)('the consent log over HTTP on %s', (framework: Framework) => {
  it('should record every choice at the endpoint under the consent id of the visitor\'s cookie', async () => {
    const { app, guard } = appWithLog(framework);
    const started = Date.now();
    const first = await request(app).post('/consent').set('User-Agent', FIREFOX).set('Accept-Language', 'nb-NO,nb;q=0.9').type('form').send('action=accept-all').expect(303);
    const cookie = consentCookie(first.headers['set-cookie']);
    const post = (body: string) => request(app).post('/consent').set('Cookie', cookie).set('User-Agent', FIREFOX).type('form').send(body).expect(303);
    await post('action=save&categories=performance');
    await post('action=reject-all');
    await request(app).post('/consent').set('Cookie', cookie).send({ action: 'withdraw' }).expect(200);

    const records = await guard.consentLog!.byConsentId(consentIdOf(cookie));
    const common = { format: 1, consentId: consentIdOf(cookie), revision: REVISION, source: 'endpoint', ipHash: null };
    expect(records.map(({ time, ...rest }) => rest)).toStrictEqual([
      { ...common, granted: ALL, denied: [], action: 'accept-all', locale: 'nb', userAgent: 'Firefox 121 / Linux / desktop' },
      { ...common, granted: ['essential', 'performance'], denied: ['functionality', 'marketing'], action: 'save', locale: 'en', userAgent: 'Firefox 121 / Linux / desktop' },
      { ...common, granted: ['essential'], denied: OPTIONAL, action: 'reject-all', locale: 'en', userAgent: 'Firefox 121 / Linux / desktop' },
      { ...common, granted: ['essential'], denied: OPTIONAL, action: 'withdraw', locale: 'en', userAgent: null },
    ]);
    for (const { time } of records) {
      expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Date.parse(time)).toBeGreaterThanOrEqual(started - 1);
      expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());
    }
  });

  it('should record nothing for a GET, a bad request or a cross-site POST', async () => {
    const { app, guard } = appWithLog(framework);
    await request(app).get('/consent').expect(200);
    await request(app).post('/consent').send({ action: 'sell-everything' }).expect(400);
    await request(app).post('/consent').set('Origin', 'https://evil.example').type('form').send('action=accept-all').expect(403);
    await guard.consentLog!.flush();
    expect(guard.consentLog!.stats()).toEqual({ written: 0, pending: 0, dropped: 0, failedWrites: 0, deleted: 0 });
  });

  it('should record an HMAC of the client IP only when hashIp is set, as the framework\'s proxy setting sees the client', async () => {
    const hmac = (ip: string) => createHmac('sha256', IP_SECRET).update(ip).digest('base64url');
    const cases: [Options, string | null][] = [
      [{}, null],
      [{ proxy: false }, hmac('127.0.0.1')],
      [{ proxy: true }, hmac('203.0.113.7')],
    ];
    for (const [options, expected] of cases) {
      const hashIp = 'proxy' in options ? { secret: IP_SECRET } : undefined;
      const { app, guard } = appWithLog(framework, { ...options, consentLog: { store: 'memory', ...(hashIp ? { hashIp } : {}) } });
      const response = await request(app).post('/consent').set('X-Forwarded-For', '203.0.113.7').type('form').send('action=reject-all').expect(303);
      const [record] = await guard.consentLog!.byConsentId(consentIdOf(consentCookie(response.headers['set-cookie'])));
      expect(record!.ipHash).toBe(expected);
    }
  });

  it('should record a consent manager\'s decision the first time the guard sees it, under the manager\'s consent id', async () => {
    const onetrust = 'OptanonAlertBoxClosed=2021-10-19T03:31:41.236Z; OptanonConsent=isGpcEnabled=0&version=6.20.0&isIABGlobal=false&hosts=&consentId=0c737b02-e9a0-4211-a8f2-d5ba02e29d69&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0';
    const { app, guard } = appWithLog(framework, { consentSources: [{ cmp: 'onetrust' }] });
    await request(app).get('/state').set('Cookie', onetrust).set('User-Agent', FIREFOX).expect(200);
    await request(app).get('/state').set('Cookie', onetrust).expect(200);
    const records = await guard.consentLog!.byConsentId('0c737b02-e9a0-4211-a8f2-d5ba02e29d69');
    expect(records.map(({ time, ...rest }) => rest)).toStrictEqual([
      { format: 1, consentId: '0c737b02-e9a0-4211-a8f2-d5ba02e29d69', revision: REVISION, granted: ['essential', 'performance'], denied: ['functionality', 'marketing'], action: 'save', source: 'onetrust', locale: null, userAgent: 'Firefox 121 / Linux / desktop', ipHash: null },
    ]);
  });

  it('should give a manager\'s decision without an id of its own an id derived from its cookie, the same in every process', async () => {
    const klaro = `klaro=${encodeURIComponent(JSON.stringify({ googleMaps: true, matomo: false, hubspot: true }))}`;
    const options: Options = { consentSources: [{ cmp: 'klaro', map: { googleMaps: 'functionality', matomo: 'performance', hubspot: 'marketing' } }] };
    const ids: string[] = [];
    for (const { app, guard } of [appWithLog(framework, options), appWithLog(framework, options)]) {
      await request(app).get('/state').set('Cookie', klaro).expect(200);
      const all: ConsentRecord[] = [];
      for await (const record of guard.consentLog!.export()) all.push(record);
      expect(all).toHaveLength(1);
      expect(all[0]!.granted).toEqual(['essential', 'functionality', 'marketing']);
      ids.push(all[0]!.consentId);
    }
    expect(ids[0]).toMatch(/^klaro:[\w-]{22}$/);
    expect(ids[1]).toBe(ids[0]);
  });
});

describe('the consent log in a SQLite file, read by the CLI', () => {
  it('should export what the site recorded, and show it by consent id, after close()', async () => {
    const path = join(dir, 'cli.db');
    let guard: Handle | undefined;
    const app = createApp('express5', { consentLog: { store: `sqlite:${path}` }, onGuard: (mounted) => (guard = mounted) });
    const response = await request(app).post('/consent').set('User-Agent', FIREFOX).type('form').send('action=accept-all').expect(303);
    const consentId = consentIdOf(consentCookie(response.headers['set-cookie']));
    await guard!.close();

    const show = await runCli(['records', 'show', consentId, '--store', path]);
    expect(show.code).toBe(0);
    const [record] = show.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as ConsentRecord);
    expect(record).toMatchObject({ consentId, action: 'accept-all', granted: ALL, userAgent: 'Firefox 121 / Linux / desktop' });
    const csv = await runCli(['records', 'export', '--store', path, '--format', 'csv']);
    expect(csv.stdout.split('\n')[1]).toBe(`1,${consentId},${record!.time},${REVISION},essential functionality performance marketing,,accept-all,endpoint,en,Firefox 121 / Linux / desktop,`);
  });
});

describe('the consent log in PostgreSQL over HTTP', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(() => server?.destroy());

  it.each(['express5', 'koa3'] as const)('should record a POST /consent on %s, readable by id and exported by the CLI', async (framework) => {
    const url = await server.createSchema(`http_${framework}`);
    const reports: ReportEvent[] = [];
    const { app, guard } = appWithLog(framework, { consentLog: { store: url }, onReport: (event) => reports.push(event) });
    const response = await request(app).post('/consent').type('form').send('action=save&categories=marketing').expect(303);
    const consentId = consentIdOf(consentCookie(response.headers['set-cookie']));
    const [record] = await guard.consentLog!.byConsentId(consentId);
    expect(record).toMatchObject({ consentId, action: 'save', granted: ['essential', 'marketing'], denied: ['functionality', 'performance'], source: 'endpoint' });
    await guard.close();
    const exported = await runCli(['records', 'export', '--store', url, '--since', new Date(Date.now() - 60_000).toISOString()]);
    expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: '' });
    expect(exported.stdout).toBe(`${JSON.stringify(record)}\n`);
    expect(reports.filter((event) => event.type.startsWith('consent-log'))).toEqual([]);
  });
});
