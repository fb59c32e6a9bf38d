import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsentProxy, type ConsentProxy } from '@consent-guard/proxy';
import { POLICY } from '../helpers/apps.js';
import { consentCookie } from '../helpers/consent.js';
import { close, rawGet, startOrigin, startProxy, type Origin } from './helpers.js';

const PAGE = readFileSync(new URL('../fixtures/tracked-page.html', import.meta.url));

let origin: Origin;
let proxy: ConsentProxy;
let url: string;

beforeAll(async () => {
  origin = await startOrigin({
    '/page': (_req, res) => {
      res.setHeader('Set-Cookie', ['PHPSESSID=s1; Path=/', '__ab12=b; Path=/', '__hstc=h; Path=/', 'mystery=m; Path=/']);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': PAGE.length, ETag: '"v1"' }).end(PAGE);
    },
    '/etag': (req, res) => {
      // If-None-Match compares weakly (RFC 9110 section 13.1.2).
      if (req.headers['if-none-match']?.replace(/^W\//, '') === '"v1"') return res.writeHead(304, { ETag: '"v1"' }).end();
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ETag: '"v1"' }).end(PAGE);
    },
    '/gzip': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' }).end(zlib.gzipSync(PAGE));
    },
    '/data': (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ cookie: req.headers.cookie ?? null }));
    },
    '/consent': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('the origin answered the consent endpoint');
    },
    '/hop': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close, X-Private', 'X-Private': 'secret', 'Keep-Alive': 'timeout=5' }).end('ok');
    },
  });
  ({ proxy, url } = await startProxy(origin.url));
});

afterAll(async () => {
  await close(proxy);
  await close(origin.server);
});

const lastSeen = (path: string) => origin.seen.filter((seen) => seen.url.startsWith(path)).at(-1);

describe('responses from the upstream', () => {
  it('should judge every Set-Cookie of an undecided visitor: only the essential one passes', async () => {
    const response = await request(url).get('/page').expect(200);
    const cookies = response.headers['set-cookie'] as unknown as string[];
    expect(cookies).toEqual(['PHPSESSID=s1; Path=/']);
    expect(response.headers.vary).toMatch(/Cookie/);
  });

  it('should neutralize tracker tags and insert the banner, dropping Content-Length and weakening the ETag', async () => {
    const response = await request(url).get('/page').expect(200);
    expect(response.text).toContain('id="consent-guard-banner"');
    expect(response.text).toMatch(/<script type="text\/plain"[^>]*data-consent-src="\/\/js\.hs-scripts\.com\/4242\.js"/);
    expect(response.text).toContain('data-consent-src="https://www.google.com/maps/embed?pb=abc"');
    expect(response.headers.etag).toMatch(/^W\/"v1-cg[0-9a-z]+"$/);
    expect(response.headers['content-length']).toBeUndefined();
  });

  it('should let the trackers and cookies of a visitor who accepted everything through', async () => {
    const consent = await consentCookie({ action: 'accept-all' });
    const response = await request(url).get('/page').set('Cookie', consent).expect(200);
    expect(response.headers['set-cookie']).toEqual(['PHPSESSID=s1; Path=/', '__ab12=b; Path=/', '__hstc=h; Path=/']);
    expect(response.text).not.toContain('id="consent-guard-banner"');
    expect(response.text).toContain('<script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/4242.js">');
  });

  it('should purge a stored cookie of a refused category on a page view, and leave an API answer cacheable', async () => {
    const consent = await consentCookie({ action: 'reject-all' });
    const navigation = await request(url).get('/data').set('Cookie', `${consent}; __hstc=old`).set('Sec-Fetch-Dest', 'document').expect(200);
    expect(navigation.headers['set-cookie']).toEqual([expect.stringMatching(/^__hstc=; Path=\/; Expires=Thu, 01 Jan 1970/)]);
    const api = await request(url).get('/data').set('Cookie', `${consent}; __hstc=old`).set('Sec-Fetch-Dest', 'empty').expect(200);
    expect(api.headers['set-cookie']).toBeUndefined();
  });

  it("should answer HEAD with the judged head and no body", async () => {
    const response = await request(url).head('/page').expect(200);
    expect(response.headers['set-cookie']).toEqual(['PHPSESSID=s1; Path=/']);
    expect(response.text).toBeUndefined();
    expect(lastSeen('/page')?.method).toBe('HEAD');
  });

  it("should let the origin answer 304 to the consent-tagged ETag it handed out", async () => {
    const first = await request(url).get('/etag').expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"v1-cg/);
    const again = await request(url).get('/etag').set('If-None-Match', etag).expect(304);
    expect(lastSeen('/etag')?.headers['if-none-match']).toBe('W/"v1"');
    expect(again.headers.etag).toBe(etag);
  });

  it('should ask the origin for the whole page when a browser asks for a byte range of it', async () => {
    await request(url).get('/page').set('Range', 'bytes=0-99').set('Accept', 'text/html').expect(200);
    expect(lastSeen('/page')?.headers.range).toBeUndefined();
  });

  it('should reuse kept-alive connections to the upstream', async () => {
    await request(url).get('/data').expect(200);
    await request(url).get('/data').expect(200);
    const [a, b] = origin.seen.filter((seen) => seen.url === '/data').slice(-2);
    expect(a?.remotePort).toBe(b?.remotePort);
  });

  it('should decode, rewrite and re-encode a gzipped page', async () => {
    const response = await rawGet(`${url}/gzip`, { 'Accept-Encoding': 'gzip' });
    expect(response.headers['content-encoding']).toBe('gzip');
    const html = zlib.gunzipSync(response.body).toString('utf8');
    expect(html).toContain('id="consent-guard-banner"');
    expect(html).toContain('data-consent-src="https://www.google.com/maps/embed?pb=abc"');
    expect(response.headers.vary).toMatch(/Accept-Encoding/);
  });

  it('should remove hop-by-hop fields and those the Connection field names', async () => {
    const response = await request(url).get('/hop').expect(200);
    expect(response.headers['x-private']).toBeUndefined();
    expect(response.headers['keep-alive']).not.toBe('timeout=5');
    expect(response.text).toBe('ok');
  });
});

describe("the guard's own routes", () => {
  it('should answer the consent endpoint itself and never forward it', async () => {
    const before = origin.seen.length;
    const state = await request(url).get('/consent').set('Accept', 'application/json').expect(200);
    expect(state.body).toMatchObject({ decided: false, granted: ['essential'] });
    const origin_ = new URL(url);
    const chosen = await request(url).post('/consent').set('Origin', origin_.origin).type('form').send({ action: 'accept-all', return_to: '/page' }).expect(303);
    expect(chosen.headers.location).toBe('/page');
    expect(chosen.headers['set-cookie']).toEqual([expect.stringMatching(/^cg_consent=/)]);
    expect(origin.seen.length).toBe(before);
  });

  it('should refuse a cross-site choice', async () => {
    await request(url).post('/consent').set('Origin', 'https://evil.example').type('form').send({ action: 'accept-all' }).expect(403);
  });

  it('should serve the declaration page, the banner script and gpc.json without the origin', async () => {
    const before = origin.seen.length;
    const page = await request(url).get('/cookie-policy').expect(200);
    expect(page.text).toContain('PHPSESSID');
    await request(url).get('/consent/banner.js').expect(200).expect('Content-Type', /javascript/);
    await request(url).get('/.well-known/gpc.json').expect(200);
    expect(origin.seen.length).toBe(before);
  });
});

describe('the request the upstream gets', () => {
  it('should carry only cookies of granted categories, byte for byte', async () => {
    const consent = await consentCookie({ action: 'save', categories: ['performance'] });
    const response = await request(url).get('/data').set('Cookie', `PHPSESSID=s%201; __hstc=tracker-id; ${consent}; _ga=GA1.1; mystery=x`).expect(200);
    expect(response.body.cookie).toBe(`PHPSESSID=s%201; ${consent}; _ga=GA1.1`);
  });

  it('should send no Cookie header when nothing is allowed', async () => {
    await request(url).get('/data').set('Cookie', '__hstc=tracker-id; mystery=x').expect(200);
    expect(lastSeen('/data')?.headers.cookie).toBeUndefined();
  });

  it('should pass the Host as the visitor sent it and add X-Forwarded-*, replacing forged ones', async () => {
    await request(url).get('/data').set('Host', 'www.videonor.example').set('X-Forwarded-For', '6.6.6.6').set('X-Forwarded-Proto', 'https').expect(200);
    const { headers } = lastSeen('/data')!;
    expect(headers.host).toBe('www.videonor.example');
    expect(headers['x-forwarded-host']).toBe('www.videonor.example');
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
  });
});

describe('with options', () => {
  it('should forward every cookie with forwardRefusedCookies, and set the Host with upstreamHost', async () => {
    const { proxy: other, url: otherUrl } = await startProxy(origin.url, { forwardRefusedCookies: true, upstreamHost: 'internal.example:8080', trustProxy: true });
    try {
      await request(otherUrl).get('/data').set('Cookie', '__hstc=tracker-id; mystery=x').set('X-Forwarded-For', '203.0.113.7').set('X-Forwarded-Proto', 'https').expect(200);
      const { headers } = lastSeen('/data')!;
      expect(headers.cookie).toBe('__hstc=tracker-id; mystery=x');
      expect(headers.host).toBe('internal.example:8080');
      expect(headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
      expect(headers['x-forwarded-proto']).toBe('https');
    } finally {
      await close(other);
    }
  });

  it('should change nothing, on the way in or out, in report-only mode', async () => {
    const { proxy: other, url: otherUrl } = await startProxy(origin.url, { mode: 'report-only' });
    try {
      const response = await request(otherUrl).get('/page').set('Cookie', '__hstc=tracker-id').expect(200);
      expect(response.headers['set-cookie']).toHaveLength(4);
      expect(response.text).toBe(PAGE.toString('utf8'));
      expect(lastSeen('/page')?.headers.cookie).toBe('__hstc=tracker-id');
    } finally {
      await close(other);
    }
  });

  it('should throw early on a bad upstream or option, naming the fix', () => {
    const make = (options: Record<string, unknown>) => () => createConsentProxy({ upstream: origin.url, policy: POLICY, ...options });
    expect(make({ upstream: 'ftp://example.com' })).toThrow('option upstream must be an http: or https: URL, not ftp:');
    expect(make({ upstream: 'http://example.com/app' })).toThrow('option upstream must be an origin only (scheme, host, port), e.g. "http://example.com"');
    expect(make({ timeouts: { header: 5 } })).toThrow('option timeouts.header is unknown; the timeouts are connect, headers and body');
    expect(make({ forwardRefusedCookie: true })).toThrow('unknown option `forwardRefusedCookie`');
  });
});
