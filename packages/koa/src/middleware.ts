import { createGuard, type ConsentOptions, type ConsentState, type Connection, type EndpointResponse, type Guard } from '@consent-guard/core';
import type { Context, Middleware, Next } from 'koa';

declare module 'koa' {
  interface DefaultState {
    /** The visitor's consent, set by `consentGuard()` for every request after it. */
    consent: ConsentState;
  }
}

/** The middleware, with the consent log (`consentLog` option) and `close()` for shutdown. */
export type ConsentGuardMiddleware = Middleware & Pick<Guard, 'consentLog' | 'close'>;

/**
 * Koa middleware (Koa 3 and 2). Validates the options and the policy now, throwing a
 * `TypeError` or `PolicyError` at startup, then on every request: reads the visitor's
 * consent into `ctx.state.consent`, filters every Set-Cookie just before the head is sent,
 * and answers the consent endpoint.
 */
export function consentGuard(options: Readonly<ConsentOptions>): ConsentGuardMiddleware {
  const guard = createGuard(options);
  const { endpoint, declaration } = guard.options;

  return Object.assign(consentGuardMiddleware, { consentLog: guard.consentLog, close: guard.close });

  async function consentGuardMiddleware(ctx: Context, next: Next) {
    const guarded = guard.protect(ctx.req, ctx.res, new KoaConnection(ctx));
    ctx.state.consent = guarded.state;
    if (declaration !== false && ctx.path === declaration && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      send(ctx, guard.handleDeclaration(guarded, ctx.req));
      return;
    }
    const asset = guard.handleAsset(ctx.req, ctx.path);
    if (asset) return send(ctx, asset);
    if (endpoint === false || ctx.path !== endpoint) return next();
    const answer = await guard.handleEndpoint(guarded, {
      req: ctx.req,
      parsedBody: (ctx.request as { body?: unknown }).body,
      origin: { protocol: ctx.protocol, host: ctx.host },
    });
    ctx.state.consent = guarded.state;
    send(ctx, answer);
  }
}

/** Read only when needed: `ctx.secure` looks at the proxy headers. */
class KoaConnection implements Connection {
  readonly #ctx: Context;

  constructor(ctx: Context) {
    this.#ctx = ctx;
  }

  get secure(): boolean {
    return this.#ctx.secure;
  }

  cspNonce(): string | undefined {
    return this.#ctx.state.cspNonce as string | undefined;
  }

  clientIp(): string | undefined {
    return this.#ctx.ip;
  }
}

function send(ctx: Context, answer: EndpointResponse): void {
  ctx.status = answer.status;
  ctx.set(answer.headers);
  ctx.body = answer.body;
}
