import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ConsentOptions, Guard } from '@consent-guard/core';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as fastifyGuard } from '@consent-guard/fastify';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import Fastify4 from 'fastify4';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Koa from 'koa';
import Koa2 from 'koa2';
import type { Context } from 'koa';
import type { Request, Response } from 'express';

export const POLICY = fileURLToPath(new URL('../../examples/express-demo/consent-policy.yaml', import.meta.url));
export const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export type Framework = 'express5' | 'express4' | 'koa3' | 'koa2' | 'fastify5' | 'fastify4';
export const FRAMEWORKS: readonly Framework[] = ['express5', 'express4', 'koa3', 'koa2', 'fastify5', 'fastify4'];

/** A route on the raw Node response: works in every framework (Koa with ctx.respond = false). */
export type RawRoute = (req: IncomingMessage, res: ServerResponse) => void;
export type ExpressRoute = (req: Request, res: Response) => void;
export type KoaRoute = (ctx: Context) => void | Promise<void>;
export type FastifyRoute = (request: FastifyRequest, reply: FastifyReply) => unknown;

export interface Routes {
  raw?: Record<string, RawRoute>;
  express?: Record<string, ExpressRoute>;
  koa?: Record<string, KoaRoute>;
  fastify?: Record<string, FastifyRoute>;
  /** Registers Fastify plugins (after the guard, before the routes). */
  fastifySetup?: (app: FastifyInstance) => unknown;
}

export type Options = Partial<ConsentOptions> & {
  /** Mount no guard: what the app alone emits. */
  unguarded?: boolean;
  /** Trust X-Forwarded-* headers (Express `trust proxy`, Koa `app.proxy`, Fastify `trustProxy`). */
  proxy?: boolean;
  /** Receives the mounted middleware's consent log and close(). */
  onGuard?: (guard: Pick<Guard, 'consentLog' | 'close'>) => void;
};

/** A request listener for `supertest`: the framework's app with the guard mounted first. */
export function createApp(framework: Framework, options: Options = {}, routes: Routes = {}) {
  const { unguarded, proxy = false, onGuard, ...rest } = options;
  const guardOptions = { policy: POLICY, secret: SECRET, ...rest } as ConsentOptions;
  if (framework === 'fastify5' || framework === 'fastify4') return fastifyApp(framework, guardOptions, options, routes);
  if (framework === 'express5' || framework === 'express4') {
    const app = framework === 'express5' ? express() : express4();
    app.set('trust proxy', proxy);
    if (!unguarded) app.use(mounted(expressGuard(guardOptions), onGuard));
    for (const [path, route] of Object.entries(routes.raw ?? {})) app.all(path, (req, res) => route(req, res));
    for (const [path, route] of Object.entries(routes.express ?? {})) app.all(path, route);
    app.get('/state', (_req, res) => {
      res.json(res.locals.consent);
    });
    return app;
  }
  const app = framework === 'koa3' ? new Koa() : new Koa2();
  app.silent = true;
  app.proxy = proxy;
  if (!unguarded) app.use(mounted(koaGuard(guardOptions), onGuard));
  app.use(async (ctx) => {
    const raw = routes.raw?.[ctx.path];
    if (raw) {
      ctx.respond = false;
      raw(ctx.req, ctx.res);
      return;
    }
    const route = routes.koa?.[ctx.path];
    if (route) return route(ctx);
    if (ctx.path === '/state') ctx.body = ctx.state.consent;
  });
  return app.callback();
}

/**
 * A Fastify app with the guard registered first, as the request listener Fastify itself
 * puts on its server (`app.routing`), once the app is ready.
 */
function fastifyApp(framework: 'fastify5' | 'fastify4', guardOptions: ConsentOptions, { unguarded, proxy = false, onGuard }: Options, routes: Routes) {
  const app = (framework === 'fastify5' ? Fastify : Fastify4)({ trustProxy: proxy });
  if (!unguarded) {
    void app.register(fastifyGuard, guardOptions);
    onGuard?.({
      get consentLog() {
        return app.consentLog;
      },
      close: () => app.close(),
    });
  }
  routes.fastifySetup?.(app);
  for (const [path, route] of Object.entries(routes.raw ?? {})) {
    app.all(path, (request, reply) => {
      reply.hijack();
      route(request.raw, reply.raw);
    });
  }
  for (const [path, route] of Object.entries(routes.fastify ?? {})) app.all(path, route);
  app.get('/state', (request) => request.consent);
  const ready = Promise.resolve(app.ready()).then(() => undefined);
  ready.catch(() => {}); // a test that expects the failure awaits `ready`; requests are refused
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    ready.then(() => app.routing(req, res), (error: unknown) => res.destroy(error as Error));
  };
  return Object.assign(listener, { ready });
}

/** Creates the app and waits until it can serve: a bad option fails here (Fastify: when the plugin registers). */
export async function startApp(framework: Framework, options: Options = {}, routes: Routes = {}): Promise<void> {
  const app = createApp(framework, options, routes);
  if ('ready' in app) await app.ready;
}

function mounted<T extends Pick<Guard, 'consentLog' | 'close'>>(middleware: T, onGuard: Options['onGuard']): T {
  onGuard?.(middleware);
  return middleware;
}

/** A raw route answering 200 with `body` as UTF-8 HTML, and any other headers given. */
export function htmlPage(body: string, headers: Readonly<Record<string, string | string[]>> = {}): RawRoute {
  return (_req, res) => {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.end(body);
  };
}

/** Names of the cookies a response sets, other than the consent cookie. */
export function setCookieNames(header: string | string[] | undefined, consentCookie = 'cg_consent'): string[] {
  return setCookies(header)
    .map((value) => value.slice(0, value.indexOf('=')).trim())
    .filter((name) => name !== consentCookie)
    .sort();
}

export function setCookies(header: string | string[] | undefined): string[] {
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}
