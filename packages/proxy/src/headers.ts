import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * Hop-by-hop fields (RFC 9110 section 7.6.1) and the proxy-only ones, which belong to one
 * connection and are never forwarded. `expect` is answered by Node itself (100 Continue).
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect', 'http2-settings']);

export type HeaderMap = Record<string, string | string[]>;

/** `headers` without hop-by-hop fields, nor those the Connection field names. */
export function endToEnd(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): HeaderMap {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const kept: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.includes(lower)) continue;
    kept[lower] = value;
  }
  return kept;
}

/** How the visitor reached the proxy, as the proxy may believe it. */
export interface Arrival {
  readonly secure: boolean;
  /** The Host the visitor addressed, with its port. */
  readonly host: string;
  /** The visitor's address. */
  readonly clientIp: string | undefined;
}

/**
 * With `trustProxy`, the first X-Forwarded-Proto/-Host/-For (set by the proxy in front);
 * otherwise only what this connection shows, whatever the request claims.
 */
export function arrival(req: IncomingMessage, trustProxy: boolean): Arrival {
  const socketSecure = (req.socket as Partial<TLSSocket>).encrypted === true;
  const host = req.headers.host ?? '';
  const remote = req.socket.remoteAddress;
  if (!trustProxy) return { secure: socketSecure, host, clientIp: remote };
  const proto = firstOf(req.headers['x-forwarded-proto']);
  return {
    secure: proto ? proto.toLowerCase() === 'https' : socketSecure,
    host: firstOf(req.headers['x-forwarded-host']) || host,
    clientIp: firstOf(req.headers['x-forwarded-for']) || remote,
  };
}

/**
 * The X-Forwarded-* fields sent upstream. Trusted: the incoming ones, this hop appended to
 * X-Forwarded-For. Untrusted: replaced, so a visitor cannot pose as another address or scheme.
 */
export function forwardedFields(req: IncomingMessage, trustProxy: boolean): HeaderMap {
  const remote = req.socket.remoteAddress ?? '';
  const secure = (req.socket as Partial<TLSSocket>).encrypted === true;
  const incomingFor = trustProxy ? joined(req.headers['x-forwarded-for']) : '';
  const fields: HeaderMap = {
    'x-forwarded-for': incomingFor ? `${incomingFor}, ${remote}` : remote,
    'x-forwarded-proto': (trustProxy && joined(req.headers['x-forwarded-proto'])) || (secure ? 'https' : 'http'),
  };
  const host = (trustProxy && joined(req.headers['x-forwarded-host'])) || req.headers.host;
  if (host) fields['x-forwarded-host'] = host;
  return fields;
}

function joined(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function firstOf(value: string | string[] | undefined): string {
  return joined(value).split(',')[0]?.trim() ?? '';
}
