import type { IncomingMessage, ServerResponse } from 'node:http';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as fastifyGuard } from '@consent-guard/fastify';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { POLICY } from './helpers/apps.js';

const PAGE = '<!doctype html><html><head><title>t</title></head><body><p>Hi</p></body></html>';
const STRICT = "default-src 'self'";

/** A site whose CSP middleware runs before the guard, as helmet usually does; `/nonced` also has a nonce. */
function apps() {
  const site = express();
  site.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', STRICT);
    next();
  });
  site.use(expressGuard({ policy: POLICY }));
  site.get('/page', (_req, res) => {
    res.type('html').send(PAGE);
  });
  site.get('/nonced', (_req, res) => {
    res.locals.cspNonce = 'n0nce';
    res.type('html').send(PAGE);
  });
  const koa = new Koa();
  koa.use((ctx, next) => {
    ctx.set('Content-Security-Policy', STRICT);
    return next();
  });
  koa.use(koaGuard({ policy: POLICY }));
  koa.use((ctx) => {
    if (ctx.path === '/nonced') ctx.state.cspNonce = 'n0nce';
    if (ctx.path !== '/page' && ctx.path !== '/nonced') return;
    ctx.type = 'html';
    ctx.body = PAGE;
  });
  const fastify = Fastify();
  fastify.addHook('onRequest', async (_request, reply) => {
    reply.header('Content-Security-Policy', STRICT);
  });
  void fastify.register(fastifyGuard, { policy: POLICY });
  fastify.get('/page', (_request, reply) => reply.type('text/html').send(PAGE));
  fastify.get('/nonced', (_request, reply) => {
    Object.assign(reply, { cspNonce: 'n0nce' });
    return reply.type('text/html').send(PAGE);
  });
  const ready = fastify.ready();
  return { express: site, koa: koa.callback(), fastify: (req: IncomingMessage, res: ServerResponse) => void ready.then(() => fastify.routing(req, res)) };
}

describe.each(['express', 'koa', 'fastify'] as const)('a page under a Content-Security-Policy on %s', (framework) => {
  const app = () => apps()[framework];

  it("should link the banner's style and script as same-origin files when the app gives no nonce", async () => {
    const { text } = await request(app()).get('/page').expect(200);
    const banner = text.slice(text.indexOf('<div id="consent-guard-banner"'));
    expect(banner).toContain('<link rel="stylesheet" href="/consent/banner.css">');
    expect(banner).toContain('<script src="/consent/banner.js"></script>');
    expect(banner).not.toMatch(/<style|<script>/);
  });

  it('should inline them under the nonce when there is one', async () => {
    const { text } = await request(app()).get('/nonced').expect(200);
    expect(text).toContain('<style nonce="n0nce">#consent-guard-banner{');
    expect(text).toContain('<script nonce="n0nce">(function () {');
  });

  it('should serve the files, cacheable and revalidated by ETag', async () => {
    const script = await request(app()).get('/consent/banner.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect(script.headers['cache-control']).toBe('public, max-age=86400');
    expect(script.text).toContain("document.getElementById('consent-guard-banner')");
    await request(app()).get('/consent/banner.js').set('If-None-Match', script.headers.etag!).expect(304);
    const style = await request(app()).get('/consent/banner.css').expect(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.text).toMatch(/^#consent-guard-banner\{all:revert;/);
  });

  it('should leave every other path under the endpoint to the app', async () => {
    await request(app()).get('/consent/other.js').expect(404);
    await request(app()).get('/consent/banner.js/x').expect(404);
    await request(app()).post('/consent/banner.js').expect(404);
  });

  it("should link the declaration page's style too", async () => {
    const { text } = await request(app()).get('/cookie-policy').expect(200);
    expect(text).toContain('<link rel="stylesheet" href="/consent/declaration.css">');
    expect(text).not.toContain('<style');
    expect((await request(app()).get('/consent/declaration.css').expect(200)).text).toContain('table{border-collapse:collapse');
  });
});
