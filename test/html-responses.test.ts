import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ReportEvent } from '@consent-guard/core';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, type ExpressRoute, type FastifyRoute, type Framework, type KoaRoute, type Options, type RawRoute, type Routes } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';
import { ALL_TYPES, consentModeDefault, withConsentModeDefault } from './helpers/consent-mode.js';

const PAGE_FILE = fileURLToPath(new URL('./fixtures/tracked-page.html', import.meta.url));
const PAGE = readFileSync(PAGE_FILE);
const HTML = 'text/html; charset=utf-8';

/** Every tracker of the page, neutralized for a visitor who granted nothing optional. */
function expectNeutralized(body: string) {
  // Consent Mode default for an undecided visitor: only security_storage granted, before the first Google tag.
  expect(body).toContain(`${consentModeDefault([])}<script async data-consent-src="https://www.googletagmanager.com`);
  expect(body).toContain('<link rel="preconnect" data-consent-href="https://js.hs-scripts.com" data-consent-category="marketing">');
  expect(body).toContain('<script async data-consent-src="https://www.googletagmanager.com/gtag/js?id=G-1" type="text/plain" data-consent-category="performance"></script>');
  expect(body).toContain('<script type="text/plain" data-consent-category="performance">window.dataLayer');
  expect(body).toContain('<iframe data-consent-src="https://www.google.com/maps/embed?pb=abc" width="400" height="300" data-consent-category="functionality" srcdoc="');
  expect(body).toContain('<noscript><img data-consent-src="https://track.hubspot.com/__ptq.gif?a=1&amp;k=1" width="1" height="1" data-consent-category="marketing"></noscript>');
  expect(body).toContain('<script type="text/plain" data-consent-type="text/javascript" id="hs-script-loader" async defer data-consent-src="//js.hs-scripts.com/4242.js" data-consent-category="marketing"></script>');
  expect(body).toContain('<script type="text/plain" data-consent-category="marketing">var _hsq');
  // What only looks like a tag stays as it was.
  expect(body).toContain('<!-- <script src="https://js.hs-scripts.com/commented.js"></script> -->');
  expect(body).toContain('<textarea><script src="https://js.hs-scripts.com/in-textarea.js"></script></textarea>');
  expect(body).toContain('<h1>Måløy 🎥</h1>');
}

function pieces(size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < PAGE.length; i += size) out.push(PAGE.subarray(i, i + size));
  return out;
}

const RAW: Record<string, RawRoute> = {
  '/raw-chunks': (_req, res) => {
    res.statusCode = 200;
    res.setHeader('Content-Type', HTML);
    for (const piece of pieces(7)) res.write(piece);
    res.end();
  },
  '/raw-one-byte-strings': (_req, res) => {
    res.writeHead(200, { 'Content-Type': HTML, 'Content-Length': PAGE.length });
    const text = PAGE.toString('latin1');
    for (const char of text) res.write(char, 'latin1');
    res.end();
  },
  '/raw-end': (_req, res) => {
    res.writeHead(200, [['Content-Type', HTML], ['Content-Length', String(PAGE.length)]] as never);
    res.end(PAGE);
  },
};

const EXPRESS: Record<string, ExpressRoute> = {
  '/page': (_req, res) => {
    res.type('html').send(PAGE.toString('utf8'));
  },
  '/send-file': (_req, res) => {
    res.sendFile(PAGE_FILE);
  },
};

const KOA: Record<string, KoaRoute> = {
  '/page': (ctx) => {
    ctx.type = 'html';
    ctx.body = PAGE.toString('utf8');
  },
  '/buffer': (ctx) => {
    ctx.type = 'html';
    ctx.body = PAGE;
  },
  '/stream': (ctx) => {
    ctx.type = 'html';
    ctx.body = Readable.from(pieces(13));
  },
};

const KOA3: Record<string, KoaRoute> = {
  '/web-stream': (ctx) => {
    ctx.type = 'html';
    ctx.body = Readable.toWeb(Readable.from(pieces(11)));
  },
  '/blob': (ctx) => {
    ctx.type = 'html';
    ctx.body = new Blob([PAGE]);
  },
  '/response': (ctx) => {
    ctx.body = new Response(PAGE, { headers: { 'Content-Type': HTML } });
  },
};

/** Every payload Fastify's `reply.send` takes for a page: string, Buffer, Node stream, web stream, Response. */
const FASTIFY: Record<string, FastifyRoute> = {
  '/page': (_request, reply) => reply.type(HTML).send(PAGE.toString('utf8')),
  '/buffer': (_request, reply) => reply.type(HTML).send(PAGE),
  '/stream': (_request, reply) => reply.type(HTML).send(Readable.from(pieces(13))),
  '/web-stream': (_request, reply) => reply.type(HTML).send(Readable.toWeb(Readable.from(pieces(11)))),
  '/response': (_request, reply) => reply.send(new Response(PAGE, { headers: { 'Content-Type': HTML } })),
  '/async-return': async (_request, reply) => {
    reply.type(HTML);
    return PAGE.toString('utf8');
  },
};

function routes(framework: Framework): { paths: string[]; routes: Routes } {
  if (framework.startsWith('fastify')) return { paths: [...Object.keys(RAW), ...Object.keys(FASTIFY)], routes: { raw: RAW, fastify: FASTIFY } };
  const own = framework.startsWith('express') ? EXPRESS : { ...KOA, ...(framework === 'koa3' ? KOA3 : {}) };
  const all: Routes = framework.startsWith('express') ? { raw: RAW, express: EXPRESS } : { raw: RAW, koa: own as Record<string, KoaRoute> };
  return { paths: [...Object.keys(RAW), ...Object.keys(own)], routes: all };
}

describe.each(FRAMEWORKS)('HTML responses on %s', (framework) => {
  const { paths, routes: all } = routes(framework);
  const app = (options: Options = {}) => createApp(framework, options, all);
  let everything = '';
  beforeAll(async () => {
    everything = await consentCookie({ action: 'accept-all' });
  });

  it.each(paths)('should neutralize every tracker of %s for an undecided visitor', async (path) => {
    const response = await request(app()).get(path).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expectNeutralized(response.text);
    const length = response.headers['content-length'];
    if (length !== undefined) expect(Number(length)).toBe(Buffer.byteLength(response.text));
  });

  it.each(paths)('should send %s byte for byte to a visitor who granted everything', async (path) => {
    const response = await request(app()).get(path).set('Cookie', everything).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(response.status).toBe(200);
    // Unchanged but for the Consent Mode default before the Google tag.
    expect((response.body as Buffer).toString()).toBe(withConsentModeDefault(PAGE, ALL_TYPES).toString());
  });

  it('should report what it neutralized, and change nothing in report-only mode', async () => {
    const events: ReportEvent[] = [];
    const response = await request(app({ mode: 'report-only', onReport: (event) => events.push(event) })).get('/raw-end').expect(200);
    expect(response.text).toBe(PAGE.toString('utf8'));
    expect(response.headers['content-length']).toBe(String(PAGE.length));
    const tags = events.filter((event) => event.type === 'tag-neutralized');
    expect(tags.map((event) => event.type === 'tag-neutralized' && `${event.element}:${event.category}`)).toEqual([
      'link:marketing',
      'script:performance',
      'script:performance',
      'iframe:functionality',
      'img:marketing',
      'script:marketing',
      'script:marketing',
    ]);
  });

  it('should activate author-marked tags for a visitor who granted their category', async () => {
    const marked = '<p>Map:</p><iframe data-consent-category="functionality" data-consent-src="https://www.google.com/maps/embed?pb=1"></iframe>';
    const page = createApp(framework, {}, { raw: { '/marked': (_req, res) => (res.statusCode = 200, res.setHeader('Content-Type', HTML), res.end(marked)) } });
    const response = await request(page).get('/marked').set('Cookie', everything).expect(200);
    expect(response.text).toBe('<p>Map:</p><iframe data-consent-category="functionality" src="https://www.google.com/maps/embed?pb=1"></iframe>');
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.text));
  });

  it('should activate marked tags in the last chunk of a streamed page, after its Google tag, for a visitor who granted everything', async () => {
    const head = '<!doctype html><head><meta charset="utf-8"><title>x</title>';
    const rest =
      '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script></head><body><p>a</p>' +
      '<IMG Data-Consent-Category="marketing" data-consent-src="/a.png"><p>b</p><script type="text/plain" data-consent-category="performance" data-consent-src="/ab.js"></script><p>c</p></body>';
    const streamed: RawRoute = (_req, res) => {
      res.writeHead(200, { 'Content-Type': HTML });
      res.write(head);
      res.end(rest);
    };
    const response = await request(createApp(framework, {}, { raw: { '/streamed': streamed } })).get('/streamed').set('Cookie', everything).expect(200);
    const activated = rest.replace('data-consent-src="/a.png"', 'src="/a.png"').replace('<script type="text/plain" data-consent-category="performance" data-consent-src="/ab.js">', '<script data-consent-category="performance" src="/ab.js">');
    expect(response.text).toBe(head + consentModeDefault(ALL_TYPES) + activated);
  });

  it.each([
    ['Cache-Control: no-transform', { 'Content-Type': HTML, 'Cache-Control': 'no-transform' }, 'Cache-Control: no-transform'],
    ['a UTF-16 charset', { 'Content-Type': 'text/html; charset=utf-16le' }, 'charset utf-16le is not ASCII-compatible'],
    ['an unknown Content-Encoding', { 'Content-Type': HTML, 'Content-Encoding': 'compress' }, 'Content-Encoding: compress cannot be decoded'],
  ])('should pass a page with %s through unchanged, and report why', async (_name, headers, reason) => {
    const events: ReportEvent[] = [];
    const page = createApp(framework, { onReport: (event) => events.push(event) }, { raw: { '/skip': (_req, res) => (res.writeHead(200, headers), res.end(PAGE)) } });
    const response = await request(page).get('/skip').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect((response.body as Buffer).equals(PAGE)).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ type: 'html-skipped', reason }));
  });

  it('should send no body for HEAD, with the same headers', async () => {
    const response = await request(app()).head('/raw-end').expect(200);
    expect(response.text ?? '').toBe('');
    expect(response.headers['content-type']).toBe(HTML);
  });
});

describe.each(['express5', 'express4'] as const)('caching and ranges on %s', (framework) => {
  const app = () => createApp(framework, {}, { express: EXPRESS });

  it('should key the ETag on the consent state, and still answer 304 within one state', async () => {
    const first = await request(app()).get('/page').expect(200);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/".+-cg[0-9a-z]+"$/);
    await request(app()).get('/page').set('If-None-Match', etag).expect(304);
    const everything = await consentCookie({ action: 'accept-all' });
    const other = await request(app()).get('/page').set('Cookie', everything).set('If-None-Match', etag).expect(200);
    expect(other.headers.etag).not.toBe(etag);
    expect(other.text).toBe(withConsentModeDefault(PAGE, ALL_TYPES).toString());
  });

  it('should serve a whole, neutralized page to a browser asking for a range of it', async () => {
    const response = await request(app()).get('/send-file').set('Range', 'bytes=0-99').set('Accept', 'text/html').expect(200);
    expectNeutralized(response.text);
  });

  it('should refuse a range of a page with 416 rather than send bytes it cannot neutralize', async () => {
    const response = await request(app()).get('/send-file').set('Range', 'bytes=0-99').expect(416);
    expect(response.headers['content-range']).toBe(`bytes */${PAGE.length}`);
    expect(response.text).not.toContain('hs-scripts');
  });
});
