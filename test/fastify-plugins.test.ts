// The Fastify plugins that set cookies, compress or serve files, each with the guard, in
// real Fastify 5 apps listening on a port: @fastify/session (and @fastify/cookie under it),
// @fastify/compress registered before and after the guard, @fastify/static, and the consent
// endpoint with and without @fastify/formbody, @fastify/helmet's pair of CSP nonces.
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { loadPolicy, type ConsentOptions, type ReportEvent } from '@consent-guard/core';
import { consentGuard } from '@consent-guard/fastify';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifySession from '@fastify/session';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import request from 'supertest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { POLICY, SECRET, setCookieNames } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';
import { ALL_TYPES, withConsentModeDefault } from './helpers/consent-mode.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const PAGE = readFileSync(`${FIXTURES}tracked-page.html`);
const ORDERS = ['plugin first', 'guard first'] as const;
type Order = (typeof ORDERS)[number];

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** Registers `plugin` and the guard in `order`, lets `routes` add routes, listens: the app's URL. */
async function listening(order: Order, plugin: (app: FastifyInstance) => unknown, routes: (app: FastifyInstance) => void, options: Partial<ConsentOptions> = {}): Promise<string> {
  const app = Fastify();
  apps.push(app);
  const guard = () => app.register(consentGuard, { policy: POLICY, secret: SECRET, ...options });
  if (order === 'plugin first') {
    await plugin(app);
    await guard();
  } else {
    await guard();
    await plugin(app);
  }
  routes(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

let functionality = '';
let everything = '';
beforeAll(async () => {
  functionality = await consentCookie({ action: 'save', categories: ['functionality'] });
  everything = await consentCookie({ action: 'accept-all' });
});

describe.each(ORDERS)('@fastify/session, %s', (order) => {
  // @fastify/session writes its cookie in an onSend hook; declared as functionality here.
  const base = loadPolicy(POLICY);
  const policy = { ...base, cookies: [...base.cookies, { name: 'sessionId', category: 'functionality' }] };
  const site = () =>
    listening(
      order,
      async (app) => {
        await app.register(fastifyCookie);
        await app.register(fastifySession, { secret: 'a-session-secret-of-at-least-32-characters', saveUninitialized: true, cookie: { secure: false } });
      },
      (app) => {
        app.get('/', (_request, reply) => {
          return reply.setCookie('__hstc', '1', { path: '/' }).send('ok');
        });
      },
      { policy },
    );

  it('should block the session cookie while undecided', async () => {
    const response = await request(await site()).get('/').expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual([]);
  });

  it('should let the session cookie leave when its category is granted, and nothing else', async () => {
    const response = await request(await site()).get('/').set('Cookie', functionality).expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual(['sessionId']);
  });

  it('should let both leave after accept-all', async () => {
    const response = await request(await site()).get('/').set('Cookie', everything).expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual(['__hstc', 'sessionId']);
  });
});

const CODINGS = ['gzip', 'deflate', 'br'] as const;
type Coding = (typeof CODINGS)[number];
const DECODE: Record<Coding, (b: Buffer) => Buffer> = { gzip: zlib.gunzipSync, deflate: zlib.inflateSync, br: zlib.brotliDecompressSync };

/** The raw bytes of a response, still encoded. */
function get(url: string, path: string, headers: Record<string, string>): Promise<{ encoding: string | undefined; body: Buffer; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, url), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks), cookies: setCookieNames(res.headers['set-cookie']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(ORDERS)('@fastify/compress, %s', (order) => {
  const site = (options: Partial<ConsentOptions> = {}) =>
    listening(
      order,
      (app) => app.register(fastifyCompress, { threshold: 0 }),
      (app) => {
        app.get('/send', (_request, reply) => reply.type('text/html').header('set-cookie', ['PHPSESSID=1; Path=/', '__hstc=2; Path=/']).send(PAGE.toString('utf8')));
        app.get('/stream', (_request, reply) => reply.type('text/html').send(Readable.from([PAGE.subarray(0, 500), PAGE.subarray(500)])));
      },
      options,
    );

  it.each(CODINGS.flatMap((coding) => ['/send', '/stream'].map((path) => [coding, path] as const)))('should neutralize a %s page from %s, still %s-encoded', async (coding, path) => {
    const { encoding, body } = await get(await site(), path, { 'Accept-Encoding': coding });
    expect(encoding).toBe(coding);
    const html = DECODE[coding](body).toString('utf8');
    expect(html).toContain('data-consent-src="//js.hs-scripts.com/4242.js"');
    expect(html).not.toMatch(/<script[^>]* src="\/\/js\.hs-scripts\.com/);
    expect(html).toContain('<h1>Måløy 🎥</h1>');
  });

  it('should filter the cookies of a compressed page', async () => {
    const { cookies } = await get(await site(), '/send', { 'Accept-Encoding': 'gzip' });
    expect(cookies).toEqual(['PHPSESSID']);
  });

  it.each(CODINGS)('should pass a %s page through intact when everything is granted', async (coding) => {
    const { body } = await get(await site(), '/send', { 'Accept-Encoding': coding, Cookie: everything });
    expect(DECODE[coding](body).toString()).toBe(withConsentModeDefault(PAGE, ALL_TYPES).toString());
  });

  it('should report every tag in report-only mode without changing the page', async () => {
    const events: ReportEvent[] = [];
    const { body } = await get(await site({ mode: 'report-only', onReport: (event) => events.push(event) }), '/stream', { 'Accept-Encoding': 'gzip' });
    expect(DECODE.gzip(body).equals(PAGE)).toBe(true);
    expect(events.filter((event) => event.type === 'tag-neutralized')).toHaveLength(7);
  });
});

describe.each(ORDERS)('@fastify/helmet with enableCSPNonces, %s', (order) => {
  // helmet puts a pair of nonces on the reply, { script, style }, each in its CSP directive.
  const site = () =>
    listening(
      order,
      (app) => app.register(fastifyHelmet, { enableCSPNonces: true }),
      (app) => app.get('/page', (_request, reply) => reply.type('text/html').send(PAGE)),
    );
  const nonces = (csp: string) => ({ script: /script-src [^;]*'nonce-([^']+)'/.exec(csp)?.[1], style: /style-src [^;]*'nonce-([^']+)'/.exec(csp)?.[1] });

  it("should give the banner's script the script nonce and its style the style nonce, as the Consent Mode default its script", async () => {
    const response = await request(await site()).get('/page').expect(200);
    const { script, style } = nonces(response.headers['content-security-policy']!);
    expect(script).toMatch(/^[0-9a-f]{32}$/);
    expect(style).toMatch(/^[0-9a-f]{32}$/);
    expect(script).not.toBe(style);
    const banner = response.text.slice(response.text.indexOf('<div id="consent-guard-banner"'));
    expect(banner).toContain(`<style nonce="${style}">#consent-guard-banner{`);
    expect(banner).toContain(`<script nonce="${script}">(function () {`);
    expect(response.text.slice(0, response.text.indexOf('googletagmanager.com/gtag'))).toContain(`<script nonce="${script}">`);
  });

  it("should give the declaration page's style the style nonce (a guard registered first answers the page before helmet runs)", async () => {
    const response = await request(await site()).get('/cookie-policy').expect(200);
    const csp = response.headers['content-security-policy'];
    if (order === 'plugin first') expect(response.text).toContain(`<style nonce="${nonces(csp!).style}">`);
    else expect([csp, response.text.includes('<style>')]).toEqual([undefined, true]);
    expect(response.text).not.toContain('<link rel="stylesheet"');
  });
});

describe('@fastify/static', () => {
  const site = () => listening('guard first', (app) => app.register(fastifyStatic, { root: FIXTURES }), () => {});

  it('should neutralize a page served from a file', async () => {
    const { text } = await request(await site()).get('/tracked-page.html').expect(200);
    expect(text).toContain('data-consent-src="//js.hs-scripts.com/4242.js"');
    expect(text).toContain('<h1>Måløy 🎥</h1>');
  });

  it('should send the file byte for byte (but for the Consent Mode default) to a visitor who granted everything', async () => {
    const { text } = await request(await site()).get('/tracked-page.html').set('Cookie', everything).expect(200);
    expect(text).toBe(withConsentModeDefault(PAGE, ALL_TYPES).toString());
  });

  it('should answer 304 within one consent state, and 200 once the state changed', async () => {
    const url = await site();
    const { etag } = (await request(url).get('/tracked-page.html').expect(200)).headers;
    expect(etag).toMatch(/^W\/".+-cg[0-9a-z]+"$/);
    await request(url).get('/tracked-page.html').set('If-None-Match', etag!).expect(304);
    await request(url).get('/tracked-page.html').set('If-None-Match', etag!).set('Cookie', everything).expect(200);
  });

  it('should serve a whole, neutralized page to a browser asking for a range of it', async () => {
    const { text } = await request(await site()).get('/tracked-page.html').set('Range', 'bytes=0-99').set('Accept', 'text/html').expect(200);
    expect(text).toContain('data-consent-src="//js.hs-scripts.com/4242.js"');
  });

  it('should refuse a range of a page with 416 rather than send bytes it cannot neutralize', async () => {
    const response = await request(await site()).get('/tracked-page.html').set('Range', 'bytes=0-99').expect(416);
    expect(response.text).not.toContain('hs-scripts');
  });

  it('should leave other files alone', async () => {
    const { text } = await request(await site()).get('/leaky-site.js').expect(200);
    expect(text).toBe(readFileSync(`${FIXTURES}leaky-site.js`, 'utf8'));
  });
});

describe.each([
  ['without a form body parser', () => {}],
  ['with @fastify/formbody', (app: FastifyInstance) => app.register(fastifyFormbody)],
] as const)('the consent endpoint %s', (_name, parser) => {
  const site = () =>
    listening('guard first', parser, (app) => {
      app.post('/echo', (request) => request.body);
    });

  it('should record a form choice and send the visitor back with a 303', async () => {
    const url = await site();
    const response = await request(url)
      .post('/consent')
      .set('Origin', url)
      .type('form')
      .send('action=save&categories=functionality&categories=marketing&return_to=%2Fpage%3Fx%3D1')
      .expect(303);
    expect(response.headers.location).toBe('/page?x=1');
    const state = await request(url).get('/consent').set('Cookie', setCookieValue(response.headers['set-cookie'])).expect(200);
    expect(state.body).toMatchObject({ decided: true, granted: ['essential', 'functionality', 'marketing'], denied: ['performance'] });
  });

  it('should answer a JSON choice with the new state', async () => {
    const { body } = await request(await site()).post('/consent').send({ action: 'accept-all' }).expect(200);
    expect(body).toMatchObject({ decided: true, granted: ['essential', 'functionality', 'performance', 'marketing'], source: 'cookie' });
  });

  it('should refuse a cross-site form with 403 and bad input with 400', async () => {
    await request(await site()).post('/consent').set('Origin', 'https://evil.example').type('form').send('action=accept-all').expect(403);
    const { body } = await request(await site()).post('/consent').type('form').send('action=everything').expect(400);
    expect(body).toEqual({ error: expect.any(String) });
  });
});

it("should leave @fastify/formbody parsing the app's own forms", async () => {
  const url = await listening('guard first', (app) => app.register(fastifyFormbody), (app) => {
    app.post('/echo', (request) => request.body);
  });
  const { body } = await request(url).post('/echo').type('form').send('a=1&b=2').expect(200);
  expect(body).toEqual({ a: '1', b: '2' });
});

function setCookieValue(header: string | string[] | undefined): string {
  const cookie = (Array.isArray(header) ? header : [header ?? '']).find((value) => value.startsWith('cg_consent='))!;
  return cookie.slice(0, cookie.indexOf(';'));
}

describe('pages sent whole (a string or Buffer payload)', () => {
  const TRACKER = '<script src="https://js.hs-scripts.com/4242.js"></script>';
  const NEUTRALIZED = '<script data-consent-src="https://js.hs-scripts.com/4242.js" type="text/plain" data-consent-category="marketing"></script>';
  const site = () =>
    listening('guard first', () => {}, (app) => {
      app.get('/string', (_request, reply) => reply.type('text/html').send(PAGE.toString('utf8')));
      app.get('/buffer', (_request, reply) => reply.type('text/html').send(PAGE));
      // onSend hooks of the app and of the route that put a tracker into the page: what goes out is checked.
      void app.register(async (child) => {
        child.addHook('onSend', async (_request, reply, payload) => (reply.getHeader('x-inject') === 'app' ? String(payload).replace('</body>', `${TRACKER}</body>`) : payload));
        child.get('/injected-by-app', (_request, reply) => reply.header('x-inject', 'app').type('text/html').send('<html><body><p>Hi</p></body></html>'));
        child.get('/injected-by-route', { onSend: async (_request, _reply, payload) => String(payload).replace('</body>', `${TRACKER}</body>`) }, (_request, reply) =>
          reply.type('text/html').send('<html><body><p>Hi</p></body></html>'),
        );
      });
    });

  it.each(['/string', '/buffer'])('should keep the Content-Length of %s, rewritten or not', async (path) => {
    const url = await site();
    for (const cookie of ['', everything]) {
      const response = await request(url).get(path).set('Cookie', cookie).expect(200);
      expect(response.headers['transfer-encoding']).toBeUndefined();
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text));
    }
    const undecided = await request(url).get(path).expect(200);
    expect(undecided.text).toContain('data-consent-src="//js.hs-scripts.com/4242.js"');
    expect((await request(url).get(path).set('Cookie', everything)).text).toBe(withConsentModeDefault(PAGE, ALL_TYPES).toString());
  });

  it.each(['/injected-by-app', '/injected-by-route'])('should neutralize a tracker an onSend hook put into %s', async (path) => {
    const { text } = await request(await site()).get(path).expect(200);
    expect(text).toContain(NEUTRALIZED);
    expect(text).not.toContain(TRACKER);
  });
});
