import { createReadStream, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ConsentOptions } from '@consent-guard/core';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import express from 'express';
import express4 from 'express4';
import Koa, { type Context } from 'koa';
import Koa2 from 'koa2';
import serve from 'koa-static';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, POLICY, SECRET, type Framework } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';

// The guard is invisible where it has nothing to do: each kind of response is asked for
// once from the app alone and once through the guard, and the two answers are compared
// (status, every header but Date, every byte). Under the demo's policy, what does change
// is asserted header by header.

const SITE = fileURLToPath(new URL('./fixtures/site/', import.meta.url));
const PLAIN = readFileSync(`${SITE}plain.html`, 'utf8');
const TRACKED = readFileSync(`${SITE}tracked.html`, 'utf8');

/** A policy with nothing to do: one required category, every cookie allowed, no trackers, no banner. */
const IDLE: ConsentOptions = {
  policy: { revision: '1', undeclaredCookies: 'allow', categories: { essential: { label: 'Essential', required: true } } },
  banner: false,
};
const DEMO: ConsentOptions = { policy: POLICY, secret: SECRET };

type Site = ReturnType<typeof site>;

/** The same site on each framework: static files, a download, content negotiation, Vary, JSON, pages; the guard first when given. */
function site(framework: Framework, guard?: ConsentOptions) {
  if (framework === 'express5' || framework === 'express4') {
    const app = framework === 'express5' ? express() : express4();
    if (guard) app.use(expressGuard(guard));
    app.get('/download', (_req, res) => res.download(`${SITE}tracked.html`, 'contact.html'));
    app.get('/format', (_req, res) => res.format({ html: () => res.send(PLAIN), json: () => res.json({ page: 'about' }) }));
    app.get('/vary', (_req, res) => res.vary('Accept-Encoding').type('text').send('the same for everyone'));
    app.get('/json', (_req, res) => res.json({ ok: true }));
    app.get('/session', (_req, res) => res.cookie('PHPSESSID', 's1').cookie('__ab12', 'B').json({ ok: true }));
    // res.send(String) is text/html with Express's own weak ETag and conditional GET.
    app.get('/page', (_req, res) => res.send(PLAIN));
    app.get('/tracked-page', (_req, res) => res.send(TRACKED));
    app.use(express.static(SITE));
    return app;
  }
  const app = framework === 'koa3' ? new Koa() : new Koa2();
  app.silent = true;
  if (guard) app.use(koaGuard(guard));
  const routes: Record<string, (ctx: Context) => void> = {
    '/download': (ctx) => {
      ctx.attachment('contact.html');
      ctx.body = createReadStream(`${SITE}tracked.html`);
    },
    '/format': (ctx) => {
      ctx.vary('Accept');
      if (ctx.accepts('html', 'json') === 'json') ctx.body = { page: 'about' };
      else page(ctx, PLAIN);
    },
    '/vary': (ctx) => {
      ctx.vary('Accept-Encoding');
      ctx.body = 'the same for everyone';
    },
    '/json': (ctx) => {
      ctx.body = { ok: true };
    },
    '/session': (ctx) => {
      ctx.cookies.set('PHPSESSID', 's1');
      ctx.cookies.set('__ab12', 'B');
      ctx.body = { ok: true };
    },
    '/page': (ctx) => page(ctx, PLAIN),
    '/tracked-page': (ctx) => page(ctx, TRACKED),
  };
  app.use(async (ctx: Context, next: () => Promise<unknown>) => {
    const route = routes[ctx.path];
    if (route) route(ctx);
    else await next();
  });
  app.use(serve(SITE));
  return app.callback();
}

/** An HTML page with an ETag and Koa's conditional GET. */
function page(ctx: Context, html: string): void {
  ctx.status = 200;
  ctx.type = 'html';
  ctx.etag = `"${html.length}-v1"`;
  if (ctx.fresh) ctx.status = 304;
  else ctx.body = html;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: Buffer;
}

async function ask(app: Site, method: 'GET' | 'HEAD', path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const call = method === 'GET' ? request(app).get(path) : request(app).head(path);
  const response = await call
    .set(headers)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  const { date: _date, ...rest } = response.headers as IncomingHttpHeaders;
  return { status: response.status, headers: rest, body: Buffer.isBuffer(response.body) ? response.body : Buffer.alloc(0) };
}

/** The headers the guard changed: name → its value through the guard (undefined: removed). */
function changes(bare: Answer, guarded: Answer): Record<string, unknown> {
  const names = new Set([...Object.keys(bare.headers), ...Object.keys(guarded.headers)]);
  return Object.fromEntries([...names].filter((name) => JSON.stringify(bare.headers[name]) !== JSON.stringify(guarded.headers[name])).map((name) => [name, guarded.headers[name]]));
}

const PATHS = ['/plain.html', '/tracked.html', '/app.js', '/style.css', '/download', '/format', '/vary', '/json', '/session', '/page', '/tracked-page'];
const VISITORS: Record<string, Record<string, string>> = {
  'a visitor without cookies': {},
  'a visitor with cookies and Sec-GPC': { Cookie: 'PHPSESSID=s0; __hstc=h1; other=1', 'Sec-GPC': '1' },
};

type Ask = readonly [name: string, method: 'GET' | 'HEAD', headers: Record<string, string>];

/** GET, HEAD, content negotiation, conditional and Range requests: the headers each adds to the visitor's. */
async function requestsFor(bare: Site, path: string): Promise<Ask[]> {
  const first = await ask(bare, 'GET', path);
  const etag = first.headers.etag as string | undefined;
  const lastModified = first.headers['last-modified'] as string | undefined;
  const asks: Ask[] = [
    ['GET', 'GET', {}],
    ['HEAD', 'HEAD', {}],
    ['GET asking for JSON', 'GET', { Accept: 'application/json' }],
    ['GET asking for HTML', 'GET', { Accept: 'text/html' }],
    ['a byte range', 'GET', { Range: 'bytes=0-9' }],
    ['HEAD of a byte range', 'HEAD', { Range: 'bytes=0-9' }],
  ];
  if (etag) {
    asks.push(['If-None-Match', 'GET', { 'If-None-Match': etag }], ['HEAD with If-None-Match', 'HEAD', { 'If-None-Match': etag }], ['If-Range with a range', 'GET', { 'If-Range': etag, Range: 'bytes=5-' }]);
  }
  if (lastModified) asks.push(['If-Modified-Since', 'GET', { 'If-Modified-Since': lastModified }]);
  return asks;
}

describe.each(FRAMEWORKS)('a guard with nothing to do, on %s', (framework) => {
  const bare = site(framework);
  const guarded = site(framework, IDLE);

  describe.each(Object.entries(VISITORS))('for %s', (_visitor, visitorHeaders) => {
    it.each(PATHS)('should answer %s exactly as the app alone does, whatever is asked', async (path) => {
      for (const [name, method, headers] of await requestsFor(bare, path)) {
        const all = { ...visitorHeaders, ...headers };
        const [alone, through] = await Promise.all([ask(bare, method, path, all), ask(guarded, method, path, all)]);
        expect({ request: name, ...through, body: through.body.toString('latin1') }).toEqual({ request: name, ...alone, body: alone.body.toString('latin1') });
      }
    });
  });
});

describe.each(FRAMEWORKS)("the demo's policy, on %s", (framework) => {
  const bare = site(framework);
  const guarded = site(framework, DEMO);
  const both = (method: 'GET' | 'HEAD', path: string, headers: Record<string, string> = {}) => Promise.all([ask(bare, method, path, headers), ask(guarded, method, path, headers)]);
  const express = framework.startsWith('express');
  let accepted = '';
  let rejected = '';
  beforeAll(async () => {
    accepted = await consentCookie({ action: 'accept-all' });
    rejected = await consentCookie({ action: 'reject-all' });
  });

  it('should leave static assets, JSON, Vary and downloads exactly as the app sent them, even for a visitor with refused cookies', async () => {
    const visitors = [{}, { Cookie: `${rejected}; __hstc=h1; __ab12=A` }, { 'Sec-GPC': '1' }];
    for (const path of ['/app.js', '/style.css', '/json', '/vary', '/download']) {
      for (const [, method, headers] of await requestsFor(bare, path)) {
        for (const visitor of visitors) {
          const [alone, through] = await both(method, path, { ...visitor, ...headers });
          expect({ path, sent: headers, ...through }).toEqual({ path, sent: headers, ...alone });
        }
      }
    }
  });

  it("should answer content negotiation for JSON as the app does, and add to the HTML variant's Vary what it depends on", async () => {
    const [jsonAlone, json] = await both('GET', '/format', { Accept: 'application/json' });
    expect(json).toEqual(jsonAlone);
    const [htmlAlone, html] = await both('GET', '/format', { Accept: 'text/html', Cookie: accepted });
    expect(changes(htmlAlone, html)).toEqual({
      vary: 'Accept, Cookie, Sec-GPC',
      ...(htmlAlone.headers.etag ? { etag: expect.stringMatching(/^W\/".+-cg[0-9a-z]+"$/) } : {}),
    });
    expect(html.body).toEqual(htmlAlone.body);
  });

  describe.each(['/plain.html', '/page'])('a page without trackers (%s)', (path) => {
    it('should get the banner for an undecided visitor: new length, ETag keyed on the state, Vary by cookie, GPC and language', async () => {
      const [alone, through] = await both('GET', path);
      expect(changes(alone, through)).toEqual({
        'content-length': String(through.body.length),
        vary: 'Cookie, Sec-GPC, Accept-Language',
        ...(alone.headers.etag ? { etag: expect.stringMatching(/^W\/".+-cg[0-9a-z]+"$/) } : {}),
      });
      expect(through.body.toString()).toContain('id="consent-guard-banner"');
    });

    it('should go out byte for byte to a visitor who decided, with the same length, its ETag keyed and Vary: Cookie (another state gets the banner)', async () => {
      const [alone, through] = await both('GET', path, { Cookie: accepted });
      expect(through.body).toEqual(alone.body);
      expect(changes(alone, through)).toEqual({ vary: 'Cookie, Sec-GPC', ...(alone.headers.etag ? { etag: expect.stringMatching(/-cg[0-9a-z]+"$/) } : {}) });
    });

    it("should answer HEAD with GET's headers: the same keyed ETag and Vary; no Content-Length where GET's is the rewritten page's", async () => {
      for (const cookie of ['', accepted]) {
        const [get, head] = await Promise.all([ask(guarded, 'GET', path, { Cookie: cookie }), ask(guarded, 'HEAD', path, { Cookie: cookie })]);
        const { 'content-length': length, ...rest } = get.headers;
        if (cookie) expect(head.headers).toEqual(get.headers);
        else expect(head.headers).toEqual(rest);
        expect(length).toBeDefined();
      }
    });

    it('should answer a conditional request of the same state with 304, and of another state with the page', async () => {
      const first = await ask(guarded, 'GET', path, { Cookie: accepted });
      const etag = first.headers.etag as string | undefined;
      if (!etag) return expect(express || path === '/page').toBe(false);
      const again = await ask(guarded, 'GET', path, { Cookie: accepted, 'If-None-Match': etag });
      expect([again.status, again.headers.etag, again.headers.vary]).toEqual([304, etag, 'Cookie, Sec-GPC']);
      const other = await ask(guarded, 'GET', path, { Cookie: rejected, 'If-None-Match': etag });
      expect(other.status).toBe(200);
    });
  });

  describe.each(['/tracked.html', '/tracked-page'])('a page with trackers (%s)', (path) => {
    it('should be neutralized for a visitor who refused: placeholders in their language, Vary says so', async () => {
      const [alone, through] = await both('GET', path, { Cookie: rejected });
      expect(changes(alone, through)).toEqual({
        'content-length': String(through.body.length),
        vary: 'Cookie, Sec-GPC, Accept-Language',
        ...(alone.headers.etag ? { etag: expect.stringMatching(/-cg[0-9a-z]+"$/) } : {}),
      });
      expect(through.body.toString()).toContain('<script data-consent-src="https://js.hs-scripts.com/4242.js" type="text/plain" data-consent-category="marketing">');
    });

    it('should refuse a byte range of the page (416) unless the request is for the page itself, which gets it whole', async () => {
      const [alone, refused] = await both('GET', path, { Range: 'bytes=0-9' });
      if (alone.status === 206) expect([refused.status, refused.headers['content-range']]).toEqual([416, `bytes */${TRACKED.length}`]);
      else expect(refused.status).toBe(alone.status);
      const whole = await ask(guarded, 'GET', path, { Range: 'bytes=0-9', Accept: 'text/html' });
      expect(whole.status).toBe(200);
      expect(whole.body.toString()).toContain('data-consent-src="https://js.hs-scripts.com/4242.js"');
    });
  });

  it("should delete a visitor's refused cookies on their next page view, and not on the assets and API answers of that page", async () => {
    const cookie = `${rejected}; __hstc=h1; PHPSESSID=s1`;
    const pageView = await ask(guarded, 'GET', '/plain.html', { Cookie: cookie });
    expect(pageView.headers['set-cookie']).toEqual([expect.stringMatching(/^__hstc=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0/)]);
    // A revalidated page is a page view too, where the browser says it navigates.
    const etag = (await ask(guarded, 'GET', '/page', { Cookie: cookie })).headers.etag as string;
    const revalidated = await ask(guarded, 'GET', '/page', { Cookie: cookie, 'If-None-Match': etag, 'Sec-Fetch-Dest': 'document' });
    expect([revalidated.status, revalidated.headers['set-cookie']]).toEqual([304, [expect.stringMatching(/^__hstc=;/)]]);
    for (const path of ['/app.js', '/json']) {
      const [alone, through] = await both('GET', path, { Cookie: cookie });
      expect(through).toEqual(alone);
    }
  });

  it('should say Vary: Cookie on a response whose cookies depend on consent, and keep the cookies a required category owns', async () => {
    const [alone, through] = await both('GET', '/session');
    expect(changes(alone, through)).toEqual({ 'set-cookie': [expect.stringMatching(/^PHPSESSID=s1; [Pp]ath=\//)], vary: 'Cookie, Sec-GPC' });
  });
});
