import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import type { ConsentOptions, ReportEvent } from '@consent-guard/core';
import compression from 'compression';
import express from 'express';
import express4 from 'express4';
import Koa from 'koa';
import Koa2 from 'koa2';
import koaCompress from 'koa-compress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY, SECRET } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';
import { ALL_TYPES, withConsentModeDefault } from './helpers/consent-mode.js';

const PAGE = readFileSync(new URL('./fixtures/tracked-page.html', import.meta.url));
const CODINGS = ['gzip', 'deflate', 'br'] as const;
type Coding = (typeof CODINGS)[number];
const DECODE: Record<Coding, (b: Buffer) => Buffer> = { gzip: zlib.gunzipSync, deflate: zlib.inflateSync, br: zlib.brotliDecompressSync };

type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;

type Extra = Partial<Pick<ConsentOptions, 'mode' | 'onReport'>>;

function expressApp(flavour: 'express5' | 'express4', order: 'compression first' | 'guard first', extra: Extra): Handler {
  const app = flavour === 'express5' ? express() : express4();
  const guard = expressGuard({ policy: POLICY, secret: SECRET, ...extra });
  const compress = compression({ threshold: 0 });
  if (order === 'compression first') app.use(compress, guard);
  else app.use(guard, compress);
  app.get('/send', (_req, res) => {
    res.type('html').send(PAGE.toString('utf8'));
  });
  app.get('/stream', (_req, res) => {
    res.type('html');
    for (let i = 0; i < PAGE.length; i += 50) res.write(PAGE.subarray(i, i + 50));
    res.end();
  });
  return app as unknown as Handler;
}

function koaApp(flavour: 'koa3' | 'koa2', order: 'compression first' | 'guard first', extra: Extra): Handler {
  const app = flavour === 'koa3' ? new Koa() : new Koa2();
  const guard = koaGuard({ policy: POLICY, secret: SECRET, ...extra });
  const compress = koaCompress({ threshold: 0 });
  if (order === 'compression first') app.use(compress).use(guard);
  else app.use(guard).use(compress);
  app.use((ctx) => {
    ctx.type = 'html';
    ctx.body = ctx.path === '/stream' ? Readable.from([PAGE.subarray(0, 500), PAGE.subarray(500)]) : PAGE.toString('utf8');
  });
  return app.callback();
}

const CASES = (['compression first', 'guard first'] as const).flatMap((order) => [
  ...(['express5', 'express4'] as const).map((flavour) => ({ name: `${flavour}, ${order}`, make: (extra: Extra = {}) => expressApp(flavour, order, extra) })),
  ...(['koa3', 'koa2'] as const).map((flavour) => ({ name: `${flavour}, ${order}`, make: (extra: Extra = {}) => koaApp(flavour, order, extra) })),
]);

describe.each(CASES)('compressed pages ($name)', ({ make }) => {
  const servers: import('node:http').Server[] = [];
  let everything = '';
  beforeAll(async () => {
    everything = await consentCookie({ action: 'accept-all' });
  });
  afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

  async function get(handler: Handler, path: string, coding: Coding, cookie?: string) {
    const server = (await import('node:http')).createServer(handler).listen(0);
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return new Promise<{ encoding: string | undefined; body: Buffer; length: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ port, path, headers: { 'Accept-Encoding': coding, ...(cookie ? { Cookie: cookie } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks), length: res.headers['content-length'] }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it.each(CODINGS.flatMap((coding) => ['/send', '/stream'].map((path) => [coding, path] as const)))('should neutralize a %s page from %s, still %s-encoded', async (coding, path) => {
    const { encoding, body } = await get(make(), path, coding);
    expect(encoding).toBe(coding);
    const html = DECODE[coding](body).toString('utf8');
    expect(html).toContain('data-consent-src="//js.hs-scripts.com/4242.js"');
    expect(html).not.toMatch(/<script[^>]* src="\/\/js\.hs-scripts\.com/);
    expect(html).toContain('<h1>Måløy 🎥</h1>');
  });

  it.each(CODINGS)('should pass a %s page through intact when everything is granted', async (coding) => {
    const { body } = await get(make(), '/send', coding, everything);
    expect(DECODE[coding](body).toString()).toBe(withConsentModeDefault(PAGE, ALL_TYPES).toString());
  });

  it('should report every tag in report-only mode without changing the page', async () => {
    const events: ReportEvent[] = [];
    const { body } = await get(make({ mode: 'report-only', onReport: (event) => events.push(event) }), '/stream', 'gzip');
    expect(DECODE.gzip(body).equals(PAGE)).toBe(true);
    expect(events.filter((event) => event.type === 'tag-neutralized')).toHaveLength(7);
  });
});
