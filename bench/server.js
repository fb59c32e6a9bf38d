// One benchmark server, in its own process so that the load generator does not share its
// event loop. argv[2] names the variant (argv[3]: the consent log's store, for the `+ log`
// variants); the port goes back to the parent over IPC.
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import { consentGuard as fastifyGuard } from '@consent-guard/fastify';
import { pages } from './pages.js';
import { sitePage, sitePageUnmarked } from './site-page.js';
import { policy as benchPolicy } from './policy.js';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';

const policy = benchPolicy;
const secret = 'bench-secret-0123456789abcdef-0123456789';
const PAGE = `<!doctype html><html><head><title>bench</title></head><body>${'<p>Some text of a page.</p>'.repeat(40)}</body></html>`;
// A real 50 KB page with its 2013 trackers; a 30 KB page of today's site (GA, HubSpot, Maps,
// two author-marked tags), as the string a template engine renders, and the same page
// without the marked tags; a JSON API response.
const REAL_PAGE = pages['50 KB'];
const SITE_PAGE = sitePage.toString();
const SITE_PAGE_UNMARKED = sitePageUnmarked.toString();
const JSON_BODY = { items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] })) };
const EXPIRES = new Date('2031-01-01T00:00:00Z');

// What a typical page does: an essential session cookie, a statistics and a marketing one.
let guard;
function expressApp(guarded, mode, consentLog) {
  const app = express();
  if (guarded) app.use((guard = expressGuard({ policy, secret, ...(mode ? { mode } : {}), ...(consentLog ? { consentLog } : {}) })));
  app.get('/', (_req, res) => {
    res.cookie('PHPSESSID', 'abc123', { httpOnly: true });
    res.cookie('_ga', 'GA1.1.123.456', { expires: EXPIRES });
    res.cookie('__hstc', 'hs.1.2.3', { expires: EXPIRES });
    res.type('html').send(PAGE);
  });
  app.get('/page', (_req, res) => {
    res.type('html').send(REAL_PAGE);
  });
  app.get('/site', (_req, res) => {
    res.send(SITE_PAGE);
  });
  app.get('/site-unmarked', (_req, res) => {
    res.send(SITE_PAGE_UNMARKED);
  });
  // An API answer that keeps the visitor's session: one essential cookie.
  app.get('/json', (_req, res) => {
    res.cookie('PHPSESSID', 'abc123', { httpOnly: true });
    res.json(JSON_BODY);
  });
  return app;
}

function koaApp(guarded) {
  const app = new Koa();
  if (guarded) app.use(koaGuard({ policy, secret }));
  app.use((ctx) => {
    if (ctx.path === '/page') {
      ctx.type = 'html';
      ctx.body = REAL_PAGE;
      return;
    }
    if (ctx.path === '/site') {
      ctx.body = SITE_PAGE;
      return;
    }
    if (ctx.path === '/json') {
      ctx.cookies.set('PHPSESSID', 'abc123');
      ctx.body = JSON_BODY;
      return;
    }
    ctx.cookies.set('PHPSESSID', 'abc123');
    ctx.cookies.set('_ga', 'GA1.1.123.456', { expires: EXPIRES, httpOnly: false });
    ctx.cookies.set('__hstc', 'hs.1.2.3', { expires: EXPIRES, httpOnly: false });
    ctx.type = 'html';
    ctx.body = PAGE;
  });
  return app.callback();
}

/** Fastify's own request listener (`app.routing`), on the same node:http server as the others. */
async function fastifyApp(guarded) {
  const app = Fastify();
  if (guarded) await app.register(fastifyGuard, { policy, secret });
  app.get('/', (_request, reply) => {
    reply.header('set-cookie', [
      'PHPSESSID=abc123; Path=/; HttpOnly',
      `_ga=GA1.1.123.456; Path=/; Expires=${EXPIRES.toUTCString()}`,
      `__hstc=hs.1.2.3; Path=/; Expires=${EXPIRES.toUTCString()}`,
    ]);
    reply.type('text/html; charset=utf-8').send(PAGE);
  });
  app.get('/page', (_request, reply) => {
    reply.type('text/html; charset=utf-8').send(REAL_PAGE);
  });
  app.get('/site', (_request, reply) => {
    reply.type('text/html; charset=utf-8').send(SITE_PAGE);
  });
  app.get('/json', (_request, reply) => {
    reply.header('set-cookie', 'PHPSESSID=abc123; Path=/; HttpOnly');
    return JSON_BODY;
  });
  await app.ready();
  return app.routing;
}

const variants = {
  'express (bare)': () => expressApp(false),
  'express + guard': () => expressApp(true),
  'express + guard, report-only': () => expressApp(true, 'report-only'),
  'koa (bare)': () => koaApp(false),
  'koa + guard': () => koaApp(true),
  'fastify (bare)': () => fastifyApp(false),
  'fastify + guard': () => fastifyApp(true),
  'express + guard + log': () => expressApp(true, undefined, { store: process.argv[3] }),
};

const make = variants[process.argv[2]];
if (!make) throw new Error(`unknown variant ${process.argv[2]}; one of ${Object.keys(variants).join(', ')}`);
const server = (await import('node:http')).createServer(await make());
let requests = 0;
let consentChanges = 0;
server.on('request', (req) => {
  requests++;
  if (req.method === 'POST') consentChanges++;
});
// Forked by http.js, the port goes back over IPC; run alone (instructions.sh), it is printed.
server.listen(0, '127.0.0.1', () => (process.send ? process.send({ port: server.address().port }) : console.log(`listening ${server.address().port}`)));
// The parent asks for CPU time and request count around each run: CPU per request is the
// guard's real cost, whatever the load generator manages on a shared machine.
// 'log': the consent log's counters, once what is queued is written.
process.on('message', async (message) => {
  if (message === 'log') {
    await guard.consentLog.flush();
    process.send?.({ ...guard.consentLog.stats(), consentChanges });
    return;
  }
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system, requests });
});
process.on('disconnect', () => process.exit(0));
