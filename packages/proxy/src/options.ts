import type { ConsentOptions } from '@consent-guard/core';

/** How long the proxy waits for the upstream, in milliseconds. */
export interface ProxyTimeouts {
  /** To open a connection to the upstream; past it the visitor gets a 504. @default 10000 */
  readonly connect?: number;
  /** From sending the request to the upstream's complete response head; past it a 504. @default 60000 */
  readonly headers?: number;
  /** Between two chunks of the upstream's body; past it the response is cut. @default 60000 */
  readonly body?: number;
}

export interface ConsentProxyOptions extends ConsentOptions {
  /** The site to guard: an `http:` or `https:` origin, e.g. `http://127.0.0.1:8080`. */
  readonly upstream: string | URL;
  /**
   * Forward the visitor's Cookie header to the upstream as sent. By default the upstream
   * gets only cookies of granted categories (undeclared ones only when the policy allows
   * them), so it never reads a refused tracker's id. @default false
   */
  readonly forwardRefusedCookies?: boolean;
  /**
   * The proxy itself sits behind a trusted proxy (a TLS terminator, a CDN): its
   * X-Forwarded-For/-Proto/-Host say who the visitor is and how they came, and are passed
   * on with this hop added. Otherwise the proxy replaces them. @default false
   */
  readonly trustProxy?: boolean;
  /** The Host header sent upstream. @default the Host the visitor sent (so virtual hosts work) */
  readonly upstreamHost?: string;
  readonly timeouts?: ProxyTimeouts;
}

export interface ResolvedProxyOptions {
  readonly upstream: URL;
  readonly forwardRefusedCookies: boolean;
  readonly trustProxy: boolean;
  readonly upstreamHost: string | undefined;
  readonly timeouts: Required<ProxyTimeouts>;
}

const DEFAULT_TIMEOUTS: Required<ProxyTimeouts> = { connect: 10_000, headers: 60_000, body: 60_000 };

/** Separates the proxy's options from the guard's and checks them, with messages that say how to fix them. */
export function splitOptions(options: Readonly<ConsentProxyOptions>): { proxy: ResolvedProxyOptions; guard: ConsentOptions } {
  if (typeof options !== 'object' || options === null) throw new TypeError('argument options is required: createConsentProxy({ upstream, policy })');
  const { upstream, forwardRefusedCookies = false, trustProxy = false, upstreamHost, timeouts = {}, ...guard } = options;
  if (typeof forwardRefusedCookies !== 'boolean') throw new TypeError('option forwardRefusedCookies must be a boolean');
  if (typeof trustProxy !== 'boolean') throw new TypeError('option trustProxy must be a boolean');
  if (upstreamHost !== undefined && (typeof upstreamHost !== 'string' || !/^[a-z0-9.:[\]-]+$/i.test(upstreamHost))) {
    throw new TypeError('option upstreamHost must be a host name, with an optional port, e.g. "www.example.com"');
  }
  return {
    proxy: { upstream: upstreamUrl(upstream), forwardRefusedCookies, trustProxy, upstreamHost, timeouts: resolveTimeouts(timeouts) },
    guard,
  };
}

function upstreamUrl(upstream: unknown): URL {
  if (upstream === undefined || upstream === null) throw new TypeError('argument upstream is required: the site to guard, e.g. "http://127.0.0.1:8080"');
  let url: URL;
  try {
    url = new URL(String(upstream));
  } catch {
    throw new TypeError(`option upstream must be a URL such as "http://127.0.0.1:8080", not ${JSON.stringify(String(upstream))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`option upstream must be an http: or https: URL, not ${url.protocol}`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    throw new TypeError(`option upstream must be an origin only (scheme, host, port), e.g. "${url.origin}"`);
  }
  return url;
}

function resolveTimeouts(timeouts: unknown): Required<ProxyTimeouts> {
  if (typeof timeouts !== 'object' || timeouts === null) throw new TypeError('option timeouts must be an object, e.g. { headers: 30000 }');
  const resolved: Record<string, number> = { ...DEFAULT_TIMEOUTS };
  for (const [name, value] of Object.entries(timeouts)) {
    if (!(name in DEFAULT_TIMEOUTS)) throw new TypeError(`option timeouts.${name} is unknown; the timeouts are connect, headers and body`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new TypeError(`option timeouts.${name} must be a positive number of milliseconds`);
    resolved[name] = value;
  }
  return resolved as Required<ProxyTimeouts>;
}
