import type { ServerResponse } from 'node:http';
import { loadPolicy } from '@consent-guard/core';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import fastifyCookie from '@fastify/cookie';
import fastify4Cookie from 'fastify4-cookie';
import { createApp, FRAMEWORKS, POLICY, SECRET, setCookies, type ExpressRoute, type FastifyRoute, type Framework, type KoaRoute, type Options, type RawRoute, type Routes } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';

// One cookie per category of the example policy, one it does not declare, and a deletion.
const COOKIES = [
  'PHPSESSID=s1; Path=/; HttpOnly',
  'NID=n1; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT',
  '_ga_XYZ=GA1.1.1; Path=/; Max-Age=63072000',
  '__hstc=h1; Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT; SameSite=Lax',
  'tracker_x=1; Path=/',
  '__hssc=; Path=/; Max-Age=0',
];
const CATEGORY: Record<string, string> = { PHPSESSID: 'essential', NID: 'functionality', _ga_XYZ: 'performance', __hstc: 'marketing' };
const ALL = ['essential', 'functionality', 'performance', 'marketing'];
const EXPIRES = new Date('2031-01-01T00:00:00Z');

/** The names that may leave when `granted` is granted: declared and granted, or deletions. */
function allowedNames(granted: readonly string[]): Set<string> {
  return new Set(['__hssc', ...Object.keys(CATEGORY).filter((name) => granted.includes(CATEGORY[name]!))]);
}

const end = (res: ServerResponse) => res.end('ok');
const RAW: Record<string, RawRoute> = {
  '/set-header-array': (_req, res) => {
    res.setHeader('Set-Cookie', COOKIES);
    end(res);
  },
  '/set-header-string-then-append': (_req, res) => {
    res.setHeader('Set-Cookie', COOKIES[0]!);
    for (const cookie of COOKIES.slice(1)) res.appendHeader('Set-Cookie', cookie);
    end(res);
  },
  '/mixed-case-names': (_req, res) => {
    res.setHeader('SET-COOKIE', COOKIES.slice(0, 2));
    res.appendHeader('set-cookie', COOKIES.slice(2, 4));
    res.appendHeader('Set-cookie', COOKIES.slice(4));
    end(res);
  },
  '/write-head-object': (_req, res) => {
    res.setHeader('Set-Cookie', 'PHPSESSID=replaced-by-write-head');
    res.writeHead(200, { 'Set-Cookie': COOKIES, 'Content-Type': 'text/plain' });
    end(res);
  },
  '/write-head-reason-object': (_req, res) => {
    res.writeHead(200, 'Fine', { 'set-cookie': COOKIES });
    end(res);
  },
  '/write-head-flat-array': (_req, res) => {
    res.writeHead(200, [...COOKIES.flatMap((cookie, i) => [i % 2 ? 'Set-Cookie' : 'SET-COOKIE', cookie]), 'Content-Type', 'text/plain']);
    end(res);
  },
  '/write-head-pairs': (_req, res) => {
    res.writeHead(200, [...COOKIES.map((cookie): [string, string] => ['Set-Cookie', cookie]), ['Content-Type', 'text/plain']] as never);
    end(res);
  },
  '/write-header-alias': (_req, res) => {
    (res as unknown as { writeHeader: ServerResponse['writeHead'] }).writeHeader(200, { 'Set-Cookie': COOKIES });
    end(res);
  },
  '/implicit-on-write': (_req, res) => {
    res.setHeader('Set-Cookie', COOKIES);
    res.write('o');
    res.end('k');
  },
  '/flush-headers': (_req, res) => {
    res.setHeader('Set-Cookie', COOKIES);
    res.flushHeaders();
    res.end('ok');
  },
};

const EXPRESS: Record<string, ExpressRoute> = {
  '/express-res-cookie': (_req, res) => {
    res.cookie('PHPSESSID', 's1', { httpOnly: true });
    res.cookie('NID', 'n1', { expires: EXPIRES });
    res.cookie('_ga_XYZ', 'GA1.1.1', { expires: EXPIRES });
    res.cookie('__hstc', 'h1', { expires: EXPIRES, sameSite: 'lax' });
    res.cookie('tracker_x', '1');
    res.clearCookie('__hssc');
    res.send('ok');
  },
  '/express-res-append': (_req, res) => {
    for (const cookie of COOKIES) res.append('Set-Cookie', cookie);
    res.json({ ok: true });
  },
  '/express-res-set': (_req, res) => {
    res.set('Set-Cookie', COOKIES).send('ok');
  },
  '/express-redirect': (_req, res) => {
    res.set('Set-Cookie', COOKIES).redirect('/elsewhere');
  },
};

const KOA: Record<string, KoaRoute> = {
  '/koa-cookies-set': (ctx) => {
    ctx.cookies.set('PHPSESSID', 's1');
    ctx.cookies.set('NID', 'n1', { expires: EXPIRES, httpOnly: false });
    ctx.cookies.set('_ga_XYZ', 'GA1.1.1', { expires: EXPIRES });
    ctx.cookies.set('__hstc', 'h1', { expires: EXPIRES, sameSite: 'lax' });
    ctx.cookies.set('tracker_x', '1');
    ctx.cookies.set('__hssc', null);
    ctx.body = 'ok';
  },
  '/koa-set': (ctx) => {
    ctx.set('Set-Cookie', COOKIES);
    ctx.body = { ok: true };
  },
  '/koa-append': (ctx) => {
    for (const cookie of COOKIES) ctx.append('Set-Cookie', cookie);
    ctx.body = 'ok';
  },
  '/koa-redirect': (ctx) => {
    ctx.set('Set-Cookie', COOKIES);
    ctx.redirect('/elsewhere');
  },
  '/koa-raw-res-then-body': (ctx) => {
    ctx.res.setHeader('Set-Cookie', COOKIES);
    ctx.body = 'ok';
  },
};

const FASTIFY: Record<string, FastifyRoute> = {
  '/fastify-reply-header': (_request, reply) => {
    for (const cookie of COOKIES) reply.header('set-cookie', cookie);
    return reply.send('ok');
  },
  '/fastify-reply-headers-array': (_request, reply) => reply.headers({ 'Set-Cookie': COOKIES }).type('text/html').send('<p>ok</p>'),
  '/fastify-redirect': (_request, reply) => reply.header('set-cookie', COOKIES).redirect('/elsewhere'),
  '/fastify-json': (_request, reply) => {
    reply.header('set-cookie', COOKIES);
    return { ok: true };
  },
  '/fastify-raw-then-send': (_request, reply) => {
    reply.raw.setHeader('Set-Cookie', COOKIES);
    return reply.send('ok');
  },
};

/** `reply.setCookie` and `clearCookie` from @fastify/cookie (11 on Fastify 5, 9 on Fastify 4), which writes them in its onSend hook. */
const FASTIFY_COOKIE: Record<string, FastifyRoute> = {
  '/fastify-set-cookie': (_request, reply) =>
    reply
      .setCookie('PHPSESSID', 's1', { httpOnly: true, path: '/' })
      .setCookie('NID', 'n1', { expires: EXPIRES, path: '/' })
      .setCookie('_ga_XYZ', 'GA1.1.1', { expires: EXPIRES, path: '/' })
      .setCookie('__hstc', 'h1', { expires: EXPIRES, sameSite: 'lax', path: '/' })
      .setCookie('tracker_x', '1', { path: '/' })
      .clearCookie('__hssc', { path: '/' })
      .send('ok'),
};

interface StateCase {
  readonly name: string;
  readonly granted: readonly string[];
  readonly options?: Options;
  readonly headers?: () => Promise<Record<string, string>>;
}

const withCookie = (make: () => Promise<string>, extra: Record<string, string> = {}) => async () => ({ Cookie: await make(), ...extra });
const DAY = 86_400_000;

const STATES: StateCase[] = [
  { name: 'undecided', granted: ['essential'] },
  { name: 'reject-all', granted: ['essential'], headers: withCookie(() => consentCookie({ action: 'reject-all' })) },
  { name: 'accept-all', granted: ALL, headers: withCookie(() => consentCookie({ action: 'accept-all' })) },
  {
    name: 'a chosen set (performance)',
    granted: ['essential', 'performance'],
    headers: withCookie(() => consentCookie({ action: 'save', categories: ['performance'] })),
  },
  { name: 'withdrawn', granted: ['essential'], headers: withCookie(() => consentCookie({ action: 'withdraw' })) },
  {
    name: 'accepted for a stale revision',
    granted: ['essential'],
    headers: withCookie(() => consentCookie({ action: 'accept-all' }, { policy: { ...loadPolicy(POLICY), revision: '2017-01-01' } })),
  },
  {
    name: 'accepted 366 days ago (expired)',
    granted: ['essential'],
    headers: withCookie(() => consentCookie({ action: 'accept-all' }, {}, Date.now() - 366 * DAY)),
  },
  {
    name: 'accepted with a forged signature',
    granted: ['essential'],
    headers: withCookie(async () => (await consentCookie({ action: 'reject-all' })).replace('.essential.', '.essential+functionality+performance+marketing.')),
  },
  {
    name: 'accepted, signed with an unknown secret',
    granted: ['essential'],
    headers: withCookie(() => consentCookie({ action: 'accept-all' }, { secret: 'someone-else' })),
  },
  {
    name: 'accepted, unsigned while a secret is set',
    granted: ['essential'],
    headers: withCookie(() => consentCookie({ action: 'accept-all' }, { secret: undefined })),
  },
  {
    name: 'accepted, signed with the previous secret (rotation)',
    granted: ALL,
    options: { secret: ['new-secret', SECRET] },
    headers: withCookie(() => consentCookie({ action: 'accept-all' })),
  },
  { name: 'GPC without a choice', granted: ['essential'], headers: async () => ({ 'Sec-GPC': '1' }) },
  {
    name: 'GPC with an explicit accept-all',
    granted: ALL,
    headers: withCookie(() => consentCookie({ action: 'accept-all' }), { 'Sec-GPC': '1' }),
  },
  { name: 'opt-out regime, undecided', granted: ALL, options: { regime: () => 'opt-out' } },
  { name: 'opt-out regime with GPC', granted: ['essential', 'functionality', 'performance'], options: { regime: () => 'opt-out' }, headers: async () => ({ 'Sec-GPC': '1' }) },
  {
    name: 'opt-out regime after reject-all',
    granted: ['essential'],
    options: { regime: () => 'opt-out' },
    headers: withCookie(() => consentCookie({ action: 'reject-all' })),
  },
];

function routesFor(framework: Framework): { path: string; routes: Routes }[] {
  if (framework.startsWith('fastify')) {
    const routes: Routes = { raw: RAW, fastify: FASTIFY };
    const withCookie: Routes = { fastify: FASTIFY_COOKIE, fastifySetup: (app) => app.register(framework === 'fastify5' ? fastifyCookie : fastify4Cookie) };
    return [...Object.keys(RAW), ...Object.keys(FASTIFY)].map((path) => ({ path, routes })).concat(Object.keys(FASTIFY_COOKIE).map((path) => ({ path, routes: withCookie })));
  }
  const routes: Routes = framework.startsWith('express') ? { raw: RAW, express: EXPRESS } : { raw: RAW, koa: KOA };
  const paths = [...Object.keys(RAW), ...Object.keys(routes.express ?? routes.koa ?? {})];
  return paths.map((path) => ({ path, routes }));
}

describe.each(FRAMEWORKS)('Set-Cookie enforcement on %s', (framework) => {
  const baseline = new Map<string, string[]>();

  beforeAll(async () => {
    // What each route emits with no guard: the guarded response must be exactly its allowed subset.
    for (const { path, routes } of routesFor(framework)) {
      const response = await request(createApp(framework, { unguarded: true }, routes)).get(path);
      baseline.set(path, setCookies(response.headers['set-cookie']));
    }
    // Once any header was set (Express sets X-Powered-By first), Node 20's own writeHead
    // keeps only the last of repeated names in a flat array, and throws on [name, value]
    // pairs. The guard moves them onto the response as Node's fast path and newer Nodes
    // do: every entry kept, no granted cookie dropped.
    baseline.set('/write-head-flat-array', COOKIES);
    baseline.set('/write-head-pairs', COOKIES);
  });

  describe.each(STATES)('when the visitor is $name', (state) => {
    let headers: Record<string, string> = {};
    beforeAll(async () => {
      headers = (await state.headers?.()) ?? {};
    });

    it.each(routesFor(framework).map((route) => [route.path, route] as const))('should let only allowed cookies leave %s, byte for byte', async (path, { routes }) => {
      const response = await request(createApp(framework, state.options, routes)).get(path).set(headers);
      const allowed = allowedNames(state.granted);
      const original = baseline.get(path)!;
      expect(original.length).toBeGreaterThanOrEqual(6);
      const expected = original.filter((cookie) => allowed.has(cookie.slice(0, cookie.indexOf('='))));
      expect(setCookies(response.headers['set-cookie'])).toEqual(expected);
      expect(response.headers.vary).toMatch(/Cookie/);
    });
  });
});
