import type { IncomingHttpHeaders } from 'node:http';

/** The origin the request was addressed to, as the framework sees it (proxy settings applied). */
export interface RequestOrigin {
  readonly protocol: string;
  readonly host: string;
}

/**
 * A consent POST must come from the site itself. Browsers say so with `Sec-Fetch-Site` and
 * `Origin` (every current one sends Origin on POST); a request without either is not from a
 * browser page and cannot ride a visitor's cookies, so it is let through.
 */
export function crossSiteReason(headers: IncomingHttpHeaders, own: RequestOrigin): string | undefined {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site is ${site}`;
  const origin = headers.origin ?? refererOrigin(headers.referer);
  if (origin === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `Origin ${JSON.stringify(origin)} is not this site`;
  }
  const sameHost = url.host.toLowerCase() === own.host.toLowerCase();
  // A TLS-terminating proxy makes an https page post to an http server; the reverse is a downgrade.
  const sameScheme = url.protocol === `${own.protocol}:` || (url.protocol === 'https:' && own.protocol === 'http');
  return sameHost && sameScheme ? undefined : `Origin ${url.origin} is not this site`;
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * `return_to` as a path on this site, or undefined when it could lead elsewhere:
 * `//host`, `/\host`, absolute or `javascript:` URLs, and anything with control characters
 * or backslashes (browsers read `\` as `/` and drop tabs and newlines).
 */
export function safeReturnPath(value: string): string | undefined {
  if (value.length > 2048 || !value.startsWith('/') || /[\x00-\x20\x7F\\]/.test(value)) return undefined;
  if (value.startsWith('//')) return undefined;
  // Every page's banner needs this page's path: most are already what URL would make of them.
  if (isPlainPath(value)) return value;
  const base = 'http://consent-guard.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base) return undefined;
  return url.pathname + url.search + url.hash;
}

/** Characters URL leaves as they are in a path and a query (no `%`, `'`, `#`: URL may rewrite those). */
const PLAIN = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/?]*$/;
/** A `.` or `..` segment, which URL resolves away. */
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/** A path (and query) starting with one `/` that URL would return unchanged. */
function isPlainPath(value: string): boolean {
  if (!PLAIN.test(value)) return false;
  const query = value.indexOf('?');
  if (query === -1) return !DOT_SEGMENT.test(value);
  // An empty query is dropped.
  return query < value.length - 1 && !DOT_SEGMENT.test(value.slice(0, query));
}
