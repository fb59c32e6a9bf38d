import type { ReportEvent } from '@consent-guard/core';
import { consentGuard } from '@consent-guard/express';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, POLICY, setCookies, type Framework, type Options } from './helpers/apps.js';

const COOKIES = ['PHPSESSID=1; Path=/', '__hstc=2; Path=/', '_ga_X=3; Path=/', 'tracker_x=4; Path=/', 'bare', '__hssc=; Max-Age=0'];
const routes = {
  raw: {
    '/page': (_req: unknown, res: import('node:http').ServerResponse) => {
      res.statusCode = 200;
      res.setHeader('Set-Cookie', COOKIES);
      res.end('ok');
    },
  },
};
const REQUEST_COOKIES = '__hstc=old; hubspotutk=old; NID=third-party; PHPSESSID=s';

function run(framework: Framework, options: Options) {
  const events: ReportEvent[] = [];
  const app = createApp(framework, { ...options, onReport: (event) => events.push(event) }, routes);
  return { events, get: () => request(app).get('/page?x=1').set('Cookie', REQUEST_COOKIES).expect(200) };
}

const EXPECTED_EVENTS = [
  { type: 'cookie-blocked', name: '__hstc', category: 'marketing', reason: 'not-granted' },
  { type: 'cookie-blocked', name: '_ga_X', category: 'performance', reason: 'not-granted' },
  { type: 'cookie-undeclared', name: 'tracker_x', action: 'blocked' },
  { type: 'cookie-blocked', name: '', reason: 'malformed' },
  { type: 'cookie-purged', name: '__hstc', category: 'marketing', cookiePath: '/' },
  { type: 'cookie-purged', name: 'hubspotutk', category: 'marketing', cookiePath: '/' },
];

describe.each(FRAMEWORKS)('reports on %s', (framework) => {
  it('should report every blocked, undeclared and purged cookie once, with where it happened', async () => {
    const { events, get } = run(framework, {});
    const response = await get();
    expect(setCookies(response.headers['set-cookie'])).toEqual([
      'PHPSESSID=1; Path=/',
      '__hssc=; Max-Age=0',
      // The response's own __hstc was blocked, so the one the visitor stored is deleted.
      '__hstc=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0',
      'hubspotutk=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0',
    ]);
    expect(events).toEqual(EXPECTED_EVENTS.map((event) => ({ mode: 'enforce', method: 'GET', path: '/page', ...event })));
  });

  it('should change nothing in report-only mode and report what enforcement would do', async () => {
    const { events, get } = run(framework, { mode: 'report-only' });
    const response = await get();
    const unguarded = await request(createApp(framework, { unguarded: true }, routes)).get('/page?x=1').set('Cookie', REQUEST_COOKIES);
    expect(setCookies(response.headers['set-cookie'])).toEqual(setCookies(unguarded.headers['set-cookie']));
    expect(response.headers.vary).toBe(unguarded.headers.vary);
    expect(events).toEqual(EXPECTED_EVENTS.map((event) => ({ mode: 'report-only', method: 'GET', path: '/page', ...event })));
  });

  it('should keep serving when onReport throws', async () => {
    const app = createApp(framework, { onReport: () => { throw new Error('reporter down'); } }, routes);
    const response = await request(app).get('/page').expect(200);
    expect(setCookies(response.headers['set-cookie'])).toContain('PHPSESSID=1; Path=/');
  });
});

describe('a guard mounted twice', () => {
  it('should hook and report each response once', async () => {
    const events: ReportEvent[] = [];
    const guard = consentGuard({ policy: POLICY, onReport: (event) => events.push(event) });
    const app = express();
    const router = express.Router();
    router.use(guard);
    router.get('/page', (_req, res) => {
      res.cookie('__hstc', '1').send('ok');
    });
    app.use(guard, router);
    const response = await request(app).get('/page').expect(200);
    expect(setCookies(response.headers['set-cookie'])).toEqual([]);
    // 'ok' is an HTML fragment: no <body>, so no banner, and a report saying so.
    expect(events.map((event) => event.type).sort()).toEqual(['cookie-blocked', 'html-skipped']);
  });
});
