import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import createDebug from 'debug';
import { Pool } from 'undici';
import { gatewayError, gatewayResponse, type GatewayError } from './gateway-error.js';
import { endToEnd, type HeaderMap } from './headers.js';
import type { ResolvedProxyOptions } from './options.js';

const log = createDebug('consent-guard:proxy');

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

  /**
   * Tunnels an Upgrade request (WebSocket and others): the upstream's 101 head goes to the
   * visitor with `headersOut` applied, then bytes flow both ways until either side closes.
   * Resolves to the open tunnel's socket pair, or writes a gateway error on the socket.
   */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, headers: HeaderMap, headersOut: (headers: HeaderMap) => HeaderMap): Promise<Duplex | undefined> {
    const aborter = new AbortController();
    const abort = () => aborter.abort();
    socket.once('close', abort);
    let upgraded: Awaited<ReturnType<Pool['upgrade']>>;
    try {
      upgraded = await this.#pool.upgrade({ path: pathOf(req), method: req.method ?? 'GET', headers, protocol: String(req.headers.upgrade), signal: aborter.signal });
    } catch (error) {
      socket.off('close', abort);
      if (aborter.signal.aborted) return undefined;
      log('upstream upgrade failed on %s: %O', req.url, error);
      writeRawError(socket, gatewayError(error), req);
      return undefined;
    }
    socket.off('close', abort);
    const upstream = upgraded.socket;
    if (socket.destroyed) {
      upstream.destroy();
      return undefined;
    }
    const lines = Object.entries(headersOut(upgraded.headers as HeaderMap)).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item) => `${name}: ${item}\r\n`));
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

function writeRawError(socket: Duplex, error: GatewayError, req: IncomingMessage): void {
  const { title, headers, body } = gatewayResponse(error, req.headers);
  const fields = Object.entries({ ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${error.status} ${title}\r\n${fields.join('')}\r\n${body}`);
}
