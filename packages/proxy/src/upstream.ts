import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import createDebug from 'debug';
import { Pool } from 'undici';
import { gatewayError, type GatewayError } from './gateway-error.js';
import { endToEnd, type HeaderMap } from './headers.js';
import type { ResolvedProxyOptions } from './options.js';
import { requestUpgrade, type UpgradeAnswer } from './upgrade-answer.js';

const log = createDebug('consent-guard:proxy');

/** What the proxy does with an Upgrade request's answer. */
export interface UpgradeHooks {
  /** The fields of a 101 sent on to the visitor. */
  readonly headersOut: (headers: HeaderMap) => HeaderMap;
  /** A response on the visitor's socket for an answer that is not a tunnel, and how to send a gateway error on it. */
  readonly answerHere: () => { res: ServerResponse; failed: (error: GatewayError) => void };
}

/**
 * The upstream behind one keep-alive pool (undici): requests and their bodies stream both
 * ways with backpressure, and a visitor who goes away aborts the upstream request.
 */
export class Upstream {
  readonly #pool: Pool;
  readonly #options: ResolvedProxyOptions;

  constructor(options: ResolvedProxyOptions) {
    this.#options = options;
    const { connect, headers, body } = options.timeouts;
    this.#pool = new Pool(options.upstream.origin, { connect: { timeout: connect }, headersTimeout: headers, bodyTimeout: body });
  }

  /**
   * Sends `req` upstream with `headers` and writes the answer to `res` through whatever
   * hooks `res` carries (the guard's). Never rejects: an upstream that fails before its
   * head becomes `failed(error)`; one that fails after it cuts the response.
   */
  async forward(req: IncomingMessage, res: ServerResponse, headers: HeaderMap, failed: (error: GatewayError) => void): Promise<void> {
    const aborter = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    let answer: Awaited<ReturnType<Pool['request']>>;
    try {
      answer = await this.#pool.request({
        path: pathOf(req),
        method: req.method as 'GET',
        headers,
        body: hasBody(req) ? req : null,
        signal: aborter.signal,
      });
    } catch (error) {
      if (aborter.signal.aborted) return log('visitor went away before the upstream answered %s', req.url);
      log('upstream failed on %s %s: %O', req.method, req.url, error);
      return failed(gatewayError(error));
    }
    await deliver(req, res, answer, failed);
  }

  /**
   * Tunnels an Upgrade request (WebSocket and others): the upstream's 101 head goes to the
   * visitor with `headersOut` applied, then bytes flow both ways until either side closes.
   * Any other answer (a 401, a 403, a page) goes to the visitor as a response, on the
   * response `answerHere` makes for the socket, as does a gateway error. Resolves to the
   * open tunnel's socket, or undefined when there is none.
   */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, headers: HeaderMap, { headersOut, answerHere }: UpgradeHooks): Promise<Duplex | undefined> {
    const aborter = new AbortController();
    const abort = () => aborter.abort();
    socket.once('close', abort);
    let answer: UpgradeAnswer;
    try {
      answer = await requestUpgrade(this.#pool, { path: pathOf(req), method: (req.method ?? 'GET') as 'GET', headers, upgrade: String(req.headers.upgrade) }, aborter.signal);
    } catch (error) {
      socket.off('close', abort);
      if (aborter.signal.aborted) return undefined;
      log('upstream upgrade failed on %s: %O', req.url, error);
      answerHere().failed(gatewayError(error));
      return undefined;
    }
    socket.off('close', abort);
    if (answer.socket === undefined) {
      const { res, failed } = answerHere();
      await deliver(req, res, answer, failed);
      return undefined;
    }
    const upstream = answer.socket;
    if (socket.destroyed) {
      upstream.destroy();
      return undefined;
    }
    const lines = Object.entries(headersOut(answer.headers)).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item) => `${name}: ${item}\r\n`));
    socket.write(`HTTP/1.1 101 Switching Protocols\r\n${lines.join('')}\r\n`);
    if (head.length > 0) upstream.write(head);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    for (const side of [socket, upstream]) side.on('error', close).on('close', close);
    socket.pipe(upstream).pipe(socket);
    return socket;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** The request target as origin-form; a proxy-style absolute URL is reduced to its path. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  if (url.startsWith('/')) return url;
  try {
    const absolute = new URL(url);
    return absolute.pathname + absolute.search;
  } catch {
    return '/';
  }
}

/** A request body follows when the head announces one (RFC 9112 section 6.3). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

/**
 * Writes the upstream's status and head (hop-by-hop fields removed) and streams its body to
 * `res`, through whatever hooks `res` carries (the guard's). A head Node refuses becomes
 * `failed`; a body that fails is a cut response, never a wrong one.
 */
async function deliver(req: IncomingMessage, res: ServerResponse, answer: { statusCode: number; headers: IncomingHttpHeaders | HeaderMap; body: Readable }, failed: (error: GatewayError) => void): Promise<void> {
  try {
    res.writeHead(answer.statusCode, endToEnd(answer.headers));
  } catch (error) {
    // A head Node refuses to send (a malformed field): the visitor gets a 502, not half of it.
    answer.body.destroy();
    log('upstream head refused on %s %s: %O', req.method, req.url, error);
    if (!res.headersSent) return failed({ status: 502, reason: 'The site sent an invalid answer.' });
    res.destroy();
    return;
  }
  try {
    await pipeline(answer.body, res);
  } catch (error) {
    // pipeline has destroyed both sides: the visitor sees a cut response, never a wrong one.
    log('response to %s %s cut: %O', req.method, req.url, error);
  }
}
