import { bodyParser } from '@koa/bodyparser';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import type { ReportEvent } from '@consent-guard/core';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, POLICY, SECRET, setCookies, type Framework, type Options } from './helpers/apps.js';

const ALL = ['essential', 'functionality', 'performance', 'marketing'];
const REVISION = '2018-09-10';

const consentSetCookie = (header: string | string[] | undefined) => setCookies(header).find((c) => c.startsWith('cg_consent='));
const cookiePair = (setCookie: string) => setCookie.slice(0, setCookie.indexOf(';'));
const consentId = (setCookie: string) => cookiePair(setCookie).split('.')[4];

describe.each(FRAMEWORKS)('the consent endpoint on %s', (framework: Framework) => {
  const app = (options: Options = {}) => createApp(framework, options);

  describe('GET /consent', () => {
    it('should answer an undecided visitor with exactly the contract shape', async () => {
      const response = await request(app()).get('/consent').expect(200).expect('Content-Type', /application\/json/);
      expect(response.body).toStrictEqual({ decided: false, revision: REVISION, granted: ['essential'], denied: ['functionality', 'performance', 'marketing'], source: 'default' });
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.vary).toBe('Cookie, Sec-GPC');
    });

    it('should say the state came from GPC when the browser sends Sec-GPC: 1', async () => {
      const response = await request(app()).get('/consent').set('Sec-GPC', '1').expect(200);
      expect(response.body).toMatchObject({ decided: false, source: 'gpc', granted: ['essential'] });
    });

    it('should answer HEAD without a body', async () => {
      const response = await request(app()).head('/consent').expect(200);
      expect(response.text ?? '').toBe('');
    });

    it('should refuse other methods with 405 and Allow', async () => {
      const response = await request(app()).put('/consent').send({ action: 'accept-all' }).expect(405);
      expect(response.headers.allow).toBe('GET, HEAD, POST');
      expect(response.body.error).toMatch(/PUT is not allowed/);
      expect(consentSetCookie(response.headers['set-cookie'])).toBeUndefined();
    });
  });

  describe('POST /consent from a form', () => {
    it('should record accept-all and redirect with 303 to /', async () => {
      const response = await request(app()).post('/consent').type('form').send('action=accept-all').expect(303);
      expect(response.headers.location).toBe('/');
      const cookie = consentSetCookie(response.headers['set-cookie'])!;
      expect(cookie).toMatch(/^cg_consent=1\.[\w-]+\.essential\+functionality\+performance\+marketing\.[0-9a-z]+\.[\w-]{22}\.[\w-]{43}; Path=\/; Max-Age=31536000; SameSite=Lax; HttpOnly$/);
      const state = await request(app()).get('/consent').set('Cookie', cookiePair(cookie)).expect(200);
      expect(state.body).toStrictEqual({ decided: true, revision: REVISION, granted: ALL, denied: [], source: 'cookie' });
    });

    it('should redirect to a same-origin return_to, query and fragment kept', async () => {
      const response = await request(app()).post('/consent').type('form').send({ action: 'reject-all', return_to: '/pricing?plan=pro#top' }).expect(303);
      expect(response.headers.location).toBe('/pricing?plan=pro#top');
    });

    it('should save the categories a form repeats', async () => {
      const response = await request(app()).post('/consent').type('form').send('action=save&categories=performance&categories=marketing').expect(303);
      const state = await request(app()).get('/consent').set('Cookie', cookiePair(consentSetCookie(response.headers['set-cookie'])!));
      expect(state.body).toMatchObject({ decided: true, granted: ['essential', 'performance', 'marketing'], denied: ['functionality'] });
    });

    it('should save only the required categories when none is checked', async () => {
      const response = await request(app()).post('/consent').set('Accept', 'application/json').type('form').send('action=save').expect(200);
      expect(response.body).toStrictEqual({ decided: true, revision: REVISION, granted: ['essential'], denied: ['functionality', 'performance', 'marketing'], source: 'cookie' });
    });

    it('should answer with JSON when the form asks for it with Accept', async () => {
      const response = await request(app()).post('/consent').set('Accept', 'application/json').type('form').send('action=save&categories=functionality').expect(200);
      expect(response.body.granted).toEqual(['essential', 'functionality']);
    });

    it('should mark the cookie Secure on https (behind a trusted proxy)', async () => {
      const secureApp = createApp(framework, { proxy: true });
      const response = await request(secureApp).post('/consent').set('X-Forwarded-Proto', 'https').type('form').send('action=accept-all').expect(303);
      expect(consentSetCookie(response.headers['set-cookie'])).toMatch(/; HttpOnly; Secure$/);
    });
  });

  describe('POST /consent with JSON', () => {
    it('should answer 200 with the new state', async () => {
      const response = await request(app()).post('/consent').send({ action: 'save', categories: ['functionality'] }).expect(200);
      expect(response.body).toStrictEqual({ decided: true, revision: REVISION, granted: ['essential', 'functionality'], denied: ['performance', 'marketing'], source: 'cookie' });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('should keep the consent id when the visitor changes their mind', async () => {
      const first = consentSetCookie((await request(app()).post('/consent').send({ action: 'accept-all' })).headers['set-cookie'])!;
      const second = consentSetCookie(
        (await request(app()).post('/consent').set('Cookie', cookiePair(first)).send({ action: 'reject-all' })).headers['set-cookie'],
      )!;
      expect(consentId(second)).toBe(consentId(first));
      const other = consentSetCookie((await request(app()).post('/consent').send({ action: 'accept-all' })).headers['set-cookie'])!;
      expect(consentId(other)).not.toBe(consentId(first));
    });

    it('should purge stored cookies of categories refused in the same response', async () => {
      const response = await request(app()).post('/consent').set('Cookie', '__hstc=1; _ga_X=2; PHPSESSID=3; tracker_x=4').send({ action: 'reject-all' }).expect(200);
      const deletions = setCookies(response.headers['set-cookie']).filter((c) => !c.startsWith('cg_consent='));
      expect(deletions).toEqual([
        '__hstc=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0',
        '_ga_X=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0',
      ]);
    });

    it('should on withdraw also delete undeclared cookies, never required ones', async () => {
      const response = await request(app()).post('/consent').set('Cookie', '__hstc=1; PHPSESSID=3; tracker_x=4').send({ action: 'withdraw' }).expect(200);
      expect(response.body).toMatchObject({ decided: true, granted: ['essential'] });
      const deleted = setCookies(response.headers['set-cookie']).filter((c) => !c.startsWith('cg_consent=')).map((c) => c.split('=')[0]);
      expect(deleted).toEqual(['__hstc', 'tracker_x']);
    });

    it('should report the change', async () => {
      const events: ReportEvent[] = [];
      await request(app({ onReport: (event) => events.push(event) })).post('/consent').send({ action: 'save', categories: ['marketing'] }).expect(200);
      expect(events).toEqual([
        expect.objectContaining({ type: 'consent-changed', action: 'save', granted: ['essential', 'marketing'], denied: ['functionality', 'performance'], source: 'endpoint', revision: REVISION, mode: 'enforce', method: 'POST', path: '/consent' }),
      ]);
    });
  });

  describe('refusals', () => {
    const BAD_BODIES: [string, { type: string; body: string }, RegExp, number?][] = [
      ['no action', { type: 'form', body: 'categories=marketing' }, /missing "action"/],
      ['an unknown action', { type: 'form', body: 'action=accept' }, /unknown action "accept"/],
      ['an unknown category', { type: 'json', body: '{"action":"save","categories":["marketing","ads"]}' }, /unknown category "ads"/],
      ['categories that are not a list', { type: 'json', body: '{"action":"save","categories":7}' }, /"categories" must be a list/],
      ['an action that is not a string', { type: 'json', body: '{"action":["accept-all"]}' }, /unknown action/],
      ['malformed JSON', { type: 'json', body: '{"action":' }, /not valid JSON/],
      ['a JSON array', { type: 'json', body: '["accept-all"]' }, /must be an object/],
      ['JSON null', { type: 'json', body: 'null' }, /must be an object/],
      ['a text body', { type: 'text/plain', body: 'action=accept-all' }, /unsupported content type/],
      ['a body over 16 KB', { type: 'form', body: `action=accept-all&pad=${'x'.repeat(17_000)}` }, /larger than 16384 bytes/, 413],
      ['a __proto__ body', { type: 'json', body: '{"__proto__":{"action":"accept-all"}}' }, /missing "action"/],
      ['a latin-1 body', { type: 'application/x-www-form-urlencoded; charset=latin1', body: 'action=accept-all' }, /unsupported charset/],
    ];

    it.each(BAD_BODIES)('should answer %s with a JSON error and record nothing', async (_name, { type, body }, message, status = 400) => {
      const response = await request(app()).post('/consent').set('Content-Type', type === 'form' ? 'application/x-www-form-urlencoded' : type === 'json' ? 'application/json' : type).send(body).expect(status);
      expect(response.body.error).toMatch(message);
      expect(consentSetCookie(response.headers['set-cookie'])).toBeUndefined();
    });

    it.each([
      ['//evil.example/'],
      ['/\\evil.example/'],
      ['https://evil.example/'],
      ['javascript:alert(1)'],
      ['/\t/evil.example'],
      ['/%0d%0aSet-Cookie:x=1'.replace('%0d%0a', '\r\n')],
      ['evil.example'],
    ])('should refuse return_to %j', async (returnTo) => {
      const response = await request(app()).post('/consent').type('form').send({ action: 'accept-all', return_to: returnTo }).expect(400);
      expect(response.body.error).toMatch(/"return_to" must be a path on this site/);
      expect(response.headers.location).toBeUndefined();
      expect(consentSetCookie(response.headers['set-cookie'])).toBeUndefined();
    });

    it.each([
      [{ 'Sec-Fetch-Site': 'cross-site' }],
      [{ 'Sec-Fetch-Site': 'same-site', Origin: 'http://shop.127.0.0.1.nip.io' }],
      [{ Origin: 'http://evil.example' }],
      [{ Origin: 'null' }],
      [{ Referer: 'http://evil.example/page' }],
    ])('should refuse a cross-site post (%j) with 403', async (headers) => {
      const response = await request(app()).post('/consent').set(headers).type('form').send('action=accept-all').expect(403);
      expect(response.body.error).toMatch(/cross-site consent requests are refused/);
      expect(consentSetCookie(response.headers['set-cookie'])).toBeUndefined();
    });

    it('should accept a post whose Origin is the site itself', async () => {
      const agent = request(app());
      const response = await agent.post('/consent').set('Sec-Fetch-Site', 'same-origin').set('Origin', 'http://consent.test').set('Host', 'consent.test').type('form').send('action=accept-all');
      expect(response.status).toBe(303);
    });
  });

  it('should compare Origin with X-Forwarded-Host only when the proxy is trusted', async () => {
    const post = (proxy: boolean) =>
      request(app({ proxy }))
        .post('/consent')
        .set('Host', 'internal:8080')
        .set('X-Forwarded-Host', 'shop.example')
        .set('Origin', 'http://shop.example')
        .type('form')
        .send('action=accept-all');
    expect((await post(true)).status).toBe(303);
    expect((await post(false)).status).toBe(403);
  });

  it('should expose a frozen state to the app', async () => {
    const response = await request(app()).get('/state').expect(200);
    expect(response.body).toEqual({ decided: false, revision: REVISION, granted: ['essential'], denied: ['functionality', 'performance', 'marketing'], source: 'default' });
  });

  describe('options', () => {
    it('should serve a configured path', async () => {
      await request(app({ endpoint: '/privacy/consent' })).get('/privacy/consent').expect(200);
    });

    it('should leave the path to the app when the endpoint is disabled', async () => {
      const response = await request(app({ endpoint: false })).post('/consent').send({ action: 'accept-all' });
      expect(response.status).toBe(404);
      expect(consentSetCookie(response.headers['set-cookie'])).toBeUndefined();
    });

    it('should keep recording choices in report-only mode', async () => {
      const response = await request(app({ mode: 'report-only' })).post('/consent').send({ action: 'accept-all' }).expect(200);
      expect(consentSetCookie(response.headers['set-cookie'])).toBeDefined();
    });
  });
});

describe('bodies the app already parsed', () => {
  it('should use req.body when express.json() and urlencoded() ran first', async () => {
    const app = express();
    app.use(express.json(), express.urlencoded({ extended: true }));
    app.use(expressGuard({ policy: POLICY, secret: SECRET }));
    const json = await request(app).post('/consent').send({ action: 'save', categories: ['performance'] }).expect(200);
    expect(json.body.granted).toEqual(['essential', 'performance']);
    const form = await request(app).post('/consent').set('Accept', 'application/json').type('form').send('action=save&categories=marketing&categories=performance').expect(200);
    expect(form.body.granted).toEqual(['essential', 'performance', 'marketing']);
  });

  it('should use ctx.request.body when @koa/bodyparser ran first', async () => {
    const app = new Koa();
    app.use(bodyParser());
    app.use(koaGuard({ policy: POLICY, secret: SECRET }));
    const response = await request(app.callback()).post('/consent').send({ action: 'save', categories: ['functionality'] }).expect(200);
    expect(response.body.granted).toEqual(['essential', 'functionality']);
  });

  it("should leave other requests' bodies to the app's parser mounted after it", async () => {
    const expressApp = express();
    expressApp.use(expressGuard({ policy: POLICY, secret: SECRET }), express.json());
    expressApp.post('/echo', (req, res) => {
      res.json(req.body);
    });
    await request(expressApp).post('/echo').send({ hello: 'world' }).expect(200, { hello: 'world' });

    const koaApp = new Koa();
    koaApp.use(koaGuard({ policy: POLICY, secret: SECRET })).use(bodyParser());
    koaApp.use((ctx) => {
      ctx.body = ctx.request.body;
    });
    await request(koaApp.callback()).post('/echo').send({ hello: 'world' }).expect(200, { hello: 'world' });
  });
});
