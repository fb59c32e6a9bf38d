import { createGuard, type ConsentOptions } from '@consent-guard/core';
import type { Middleware } from 'koa';

/**
 * Koa middleware (Koa 3 and 2). Validates the options and the policy now, throwing a
 * `TypeError` or `PolicyError` at startup, then on every request: reads the visitor's
 * consent into `ctx.state.consent`, filters every Set-Cookie just before the head is sent,
 * and answers the consent endpoint.
 */
export function consentGuard(options: Readonly<ConsentOptions>): Middleware {
  const guard = createGuard(options);
  const { endpoint } = guard.options;

  return async function consentGuardMiddleware(ctx, next) {
    const guarded = guard.protect(ctx.req, ctx.res, { secure: ctx.secure });
    ctx.state.consent = guarded.state;
    if (endpoint === false || ctx.path !== endpoint) return next();
    const answer = await guard.handleEndpoint(guarded, {
      req: ctx.req,
      parsedBody: (ctx.request as { body?: unknown }).body,
      origin: { protocol: ctx.protocol, host: ctx.host },
    });
    ctx.state.consent = guarded.state;
    ctx.status = answer.status;
    ctx.set(answer.headers);
    ctx.body = answer.body;
  };
}
