import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createGuard, type ConsentState, type EndpointResponse, type Guard, type GuardedResponse } from '@consent-guard/core';
import createDebug from 'debug';
import { gatewayResponse, type GatewayError } from './gateway-error.js';
import { arrival, endToEnd, forwardedFields, type Arrival, type HeaderMap } from './headers.js';
import { splitOptions, type ConsentProxyOptions, type ResolvedProxyOptions } from './options.js';
import { cookieAllowance, filterCookieHeader, type CookieAllowance } from './request-cookies.js';
import { pathOf, Upstream } from './upstream.js';

const log = createDebug('consent-guard:proxy');

/** The proxy: a `node:http` Server whose `close()` also closes the upstream pool and the guard (its consent log). */
export type ConsentProxy = Server & Pick<Guard, 'consentLog'>;

/**
 * A reverse proxy that guards any site: every upstream response goes through the same guard
 * as an app behind `consentGuard()` (Set-Cookie judged, purges, HTML neutralized as it
 * streams, banner, Vary, ETag and Range rules, compressed bodies re-encoded); the consent
 * endpoint, declaration page and the guard's files are answered here; the Cookie header
 * sent upstream carries only what the visitor's consent allows. Validates the options and
 * the policy now, throwing a `TypeError` or `PolicyError`.
 */
export function createConsentProxy(options: Readonly<ConsentProxyOptions>): ConsentProxy {
  const { proxy, guard: guardOptions } = splitOptions(options);
  const guard = createGuard(guardOptions);
  const upstream = new Upstream(proxy);
  // Report-only changes nothing, on the way in either.
  const allowance = guard.options.mode === 'enforce' ? cookieAllowance(guard.policy) : undefined;
  const requestHeaders = upstreamHeaders(proxy, proxy.forwardRefusedCookies ? undefined : allowance);
  const { endpoint, declaration } = guard.options;
  const tunnels = new Set<Duplex>();

  const server = createServer(function consentProxy(req, res) {
    const seen = arrival(req, proxy.trustProxy);
    const guarded = protect(req, res, seen);
    const path = pathOf(req).split('?')[0] ?? '/';
    if (endpoint !== false && path === endpoint) {
      answerEndpoint(req, res, guarded, seen);
      return;
    }
    if (declaration !== false && path === declaration && (req.method === 'GET' || req.method === 'HEAD')) {
      send(res, guard.handleDeclaration(guarded, req));
      return;
    }
    const asset = guard.handleAsset(req, path);
    if (asset) {
      send(res, asset);
      return;
    }
    void upstream.forward(req, res, requestHeaders(req, guarded.state), (error) => sendGatewayError(req, res, guarded, error));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => log('tunnel socket error: %O', error));
    const seen = arrival(req, proxy.trustProxy);
    const state = guard.consentFor(req);
    const answerHere = () => {
      const res = responseOn(req, socket);
      const guarded = protect(req, res, seen);
      return { res, failed: (error: GatewayError) => sendGatewayError(req, res, guarded, error) };
    };
    void upstream.upgrade(req, socket, head, requestHeaders(req, state), { headersOut: (answer) => answerHeaders(answer, state), answerHere }).then((tunnel) => {
      if (!tunnel) return;
      tunnels.add(tunnel);
      tunnel.once('close', () => tunnels.delete(tunnel));
    });
  });

  /** The guard on a response to a visitor who arrived as `seen` tells (through another proxy or not). */
  function protect(req: IncomingMessage, res: ServerResponse, seen: Arrival): GuardedResponse {
    return guard.protect(req, res, { secure: seen.secure, clientIp: () => seen.clientIp });
  }

  function answerEndpoint(req: IncomingMessage, res: ServerResponse, guarded: GuardedResponse, seen: Arrival) {
    guard
      .handleEndpoint(guarded, { req, parsedBody: undefined, origin: { protocol: seen.secure ? 'https' : 'http', host: seen.host } })
      .then((answer) => send(res, answer))
      .catch((error: unknown) => {
        log('consent endpoint failed: %O', error);
        if (res.headersSent) res.destroy();
        else send(res, { status: 500, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, body: JSON.stringify({ error: 'the choice could not be recorded' }) });
      });
  }

  /** A 101's Set-Cookie fields pass only for cookies the visitor's consent allows, as a request's Cookie does. */
  function answerHeaders(answer: HeaderMap, state: ConsentState): HeaderMap {
    const setCookie = answer['set-cookie'];
    if (!allowance || setCookie === undefined) return answer;
    const kept = (Array.isArray(setCookie) ? setCookie : [setCookie]).filter((value) => allowance(value.slice(0, Math.max(0, value.indexOf('='))).trim(), state));
    const { 'set-cookie': _dropped, ...rest } = answer;
    return kept.length > 0 ? { ...rest, 'set-cookie': kept } : rest;
  }

  const closeServer = server.close.bind(server);
  return Object.assign(server, {
    consentLog: guard.consentLog,
    close(callback?: (error?: Error) => void) {
      for (const tunnel of tunnels) tunnel.destroy();
      closeServer((error) => {
        Promise.all([upstream.close(), guard.close()]).then(
          () => callback?.(error),
          (closing: Error) => callback?.(error ?? closing),
        );
      });
      return server;
    },
  });
}

/** The request headers for the upstream: end-to-end fields, X-Forwarded-*, the Host, the allowed cookies. */
function upstreamHeaders(proxy: ResolvedProxyOptions, allowance: CookieAllowance | undefined) {
  return (req: IncomingMessage, state: ConsentState): HeaderMap => {
    const headers = endToEnd(req.headers);
    if (!proxy.trustProxy) delete headers.forwarded;
    Object.assign(headers, forwardedFields(req, proxy.trustProxy));
    if (proxy.upstreamHost) headers.host = proxy.upstreamHost;
    const cookie = req.headers.cookie;
    if (allowance && cookie) {
      const kept = filterCookieHeader(cookie, (name) => allowance(name, state));
      if (kept === undefined) delete headers.cookie;
      else headers.cookie = kept;
    }
    return headers;
  };
}

function send(res: ServerResponse, answer: EndpointResponse): void {
  res.writeHead(answer.status, answer.headers).end(answer.body);
}

/**
 * A response on an Upgrade request's socket, for an answer that is not a tunnel (the
 * upstream refused the upgrade, or failed): written as Node writes any response, then the
 * connection closes. The socket is read again (what the visitor sends now is dropped) so
 * that a visitor who goes away closes the response, as Node's server does.
 */
function responseOn(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => socket.end());
  socket.once('end', () => socket.destroy()).resume();
  return res;
}

function sendGatewayError(req: IncomingMessage, res: ServerResponse, guarded: GuardedResponse, error: GatewayError): void {
  if (res.headersSent || res.destroyed) return;
  guarded.suppressBanner();
  const { headers, body } = gatewayResponse(error, req.headers);
  res.writeHead(error.status, headers).end(req.method === 'HEAD' ? undefined : body);
}
