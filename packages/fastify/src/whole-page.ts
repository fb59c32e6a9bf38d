import type { GuardedResponse } from '@consent-guard/core';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest, onSendHookHandler, RouteOptions } from 'fastify';

/**
 * Fastify writes the head before the body (`writeHead(status, headers)`, then `end(payload)`),
 * so the guard would meet a page at header time, before its bytes, and stream it through the
 * rewriter: Content-Length dropped and the whole page rewritten even when nothing in it can
 * change. A page sent as a string or Buffer is whole in the `onSend` hook, though: there the
 * guard takes it as Express's `res.send` gives it (a single `end(chunk)`), skipping the
 * rewriter when it has nothing to do and keeping the length. The hook is added to each route
 * after its own `onSend` hooks and the app's (compression, cookies), so it sees the payload
 * that goes out; a payload it does not take (a stream, a compressed body, a route added
 * before the guard) is still rewritten at header time.
 */
export function sendsWholePages(guarded: (request: FastifyRequest) => GuardedResponse | undefined) {
  const rewriteWholePage: onSendHookHandler = function rewriteWholePage(request: FastifyRequest, reply: FastifyReply, payload: unknown, done) {
    const response = guarded(request);
    if (!response || !(typeof payload === 'string' || Buffer.isBuffer(payload)) || !/html/i.test(String(reply.getHeader('content-type') ?? ''))) {
      done(null, payload);
      return;
    }
    let page: Buffer | undefined;
    try {
      page = response.wholeBody(headersOnRaw(reply), payload);
    } catch {
      // Left to header time, which rewrites it again or refuses it (and reports why).
    }
    done(null, page ?? payload);
  };

  return function addToRoute(route: RouteOptions): void {
    const own = route.onSend;
    route.onSend = own === undefined ? [rewriteWholePage] : [...(Array.isArray(own) ? own : [own]), rewriteWholePage];
  };
}

/**
 * The raw response with the reply's headers on it: the guard reads the head (Content-Type,
 * a Content-Security-Policy, …) from the raw response, and Fastify keeps it on the reply
 * until writeHead, which sets the same fields again.
 */
export function headersOnRaw(reply: FastifyReply): ServerResponse {
  const res = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value);
  return res;
}
