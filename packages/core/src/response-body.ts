import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsentState } from './consent-state.js';
import { isAsciiCompatible } from './html/rewriter.js';
import type { Coding } from './node/recoder.js';

/** What to do with a response's body, decided when its head is written. */
export type BodyPlan =
  | { readonly kind: 'rewrite'; readonly coding?: Coding }
  | { readonly kind: 'pass'; readonly report?: string }
  | { readonly kind: 'refuse-range' }
  /** A HEAD of a page GET would rewrite: no body, but the headers GET would get. */
  | { readonly kind: 'head' };

const PASS: BodyPlan = { kind: 'pass' };
const HEAD: BodyPlan = { kind: 'head' };
const REFUSE_RANGE: BodyPlan = { kind: 'refuse-range' };
/** The media types rewritten, tested without building strings (every response goes through here). */
const HTML_TYPE = /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i;
const ATTACHMENT = /^\s*attachment\s*(?:;|$)/i;
const CODINGS = new Map<string, Coding>([
  ['gzip', 'gzip'],
  ['x-gzip', 'gzip'],
  ['deflate', 'deflate'],
  ['br', 'br'],
]);

/**
 * Whether the body is HTML the guard must rewrite, and in which Content-Encoding it comes
 * (compression that ran first: decoded, rewritten, encoded again). Skipped, as compression
 * skips: 1xx, 204 and 304 (no body), other media types, `Cache-Control: no-transform`, and
 * downloads (`Content-Disposition: attachment`: saved, never rendered as the site's page).
 * Skipped with a report, because trackers then pass: codings and charsets it cannot read.
 * A partial (206) HTML body cannot be rewritten safely at all: it is refused.
 */
export function planBody(req: IncomingMessage, res: ServerResponse): BodyPlan {
  const status = res.statusCode;
  if (status < 200 || status === 204 || status === 304) return PASS;
  const contentType = String(res.getHeader('content-type') ?? '');
  if (!isRenderedPage(contentType, res)) return PASS;
  const head = req.method === 'HEAD';
  if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(String(res.getHeader('cache-control') ?? ''))) return head ? PASS : { kind: 'pass', report: 'Cache-Control: no-transform' };
  const encoding = String(res.getHeader('content-encoding') ?? 'identity').trim().toLowerCase();
  const coding = encoding === 'identity' || encoding === '' ? undefined : CODINGS.get(encoding);
  if (encoding !== 'identity' && encoding !== '' && !coding) return head ? PASS : { kind: 'pass', report: `Content-Encoding: ${encoding} cannot be decoded` };
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  if (charset && !isAsciiCompatible(charset)) return head ? PASS : { kind: 'pass', report: `charset ${charset} is not ASCII-compatible` };
  if (head) return HEAD;
  if (status === 206) return REFUSE_RANGE;
  return coding ? { kind: 'rewrite', coding } : { kind: 'rewrite' };
}

/**
 * Range requests for pages: a byte range of a rewritten page is not a range of the page the
 * app rendered, and a range cut in the middle of a tag cannot be neutralized. Navigations
 * and requests that ask for HTML get the whole page instead (RFC 9110 lets a server ignore
 * Range); any other 206 of HTML is refused with 416 at header time. A guard that changes
 * no page in any state leaves every Range alone.
 */
export function dropRangeForPages(req: IncomingMessage): void {
  if (!req.headers.range) return;
  const dest = req.headers['sec-fetch-dest'];
  const wantsHtml = /text\/html|application\/xhtml\+xml/i.test(req.headers.accept ?? '');
  if (wantsHtml || dest === 'document' || dest === 'iframe' || dest === 'frame') {
    delete req.headers.range;
    delete req.headers['if-range'];
  }
}

/** An HTML page (not XHTML: nothing may follow its `</body>`, so no banner goes in). */
export function isHtml(res: ServerResponse): boolean {
  return /^\s*text\/html\s*(;|$)/i.test(String(res.getHeader('content-type') ?? ''));
}

/** A response that is a page (HTML or XHTML, not a download), or that answers a navigation: a page view. */
export function isPageView(req: IncomingMessage, res: ServerResponse): boolean {
  const dest = req.headers['sec-fetch-dest'];
  return dest === 'document' || dest === 'iframe' || dest === 'frame' || isRenderedPage(String(res.getHeader('content-type') ?? ''), res);
}

/** HTML or XHTML that a browser renders as the site's page: a download (`Content-Disposition: attachment`) is saved instead. */
function isRenderedPage(contentType: string, res: ServerResponse): boolean {
  return HTML_TYPE.test(contentType) && !ATTACHMENT.test(String(res.getHeader('content-disposition') ?? ''));
}

/** Turns a 206 of HTML into a 416: nothing of the page leaves un-neutralized. */
export function refuseRange(res: ServerResponse): void {
  const total = /\/(\d+)\s*$/.exec(String(res.getHeader('content-range') ?? ''))?.[1];
  res.statusCode = 416;
  res.setHeader('Content-Range', `bytes */${total ?? '*'}`);
  res.removeHeader('Content-Length');
  res.removeHeader('ETag');
}

// ETags. The rewritten page depends on the visitor's consent, so an ETag the app computed
// on what it rendered gets the state's key: a conditional request from another state then
// never matches, and one from the same state is translated back so the app can still 304.

const stateKeys = new WeakMap<ConsentState, string>();

/** A short key for a consent state (states are shared objects: computed once each). */
export function stateKey(state: ConsentState): string {
  let key = stateKeys.get(state);
  if (!key) {
    key = fnv1a(`${state.revision}|${state.decided}|${state.source}|${state.granted.join(',')}`);
    stateKeys.set(state, key);
  }
  return key;
}

const SUFFIX = /-cg([0-9a-z]+)"$/;

/** `"abc"` or `W/"abc"` becomes `W/"abc-cg<key>"` (weak: the bytes are no longer the app's). */
export function consentEtag(etag: string, key: string): string {
  const opaque = etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  return `W/"${opaque}-cg${key}"`;
}

/**
 * Rewrites If-None-Match for the app: our tags of this state become the app's own again,
 * our tags of another state are dropped. Returns whether one was translated.
 */
export function translateIfNoneMatch(req: IncomingMessage, state: ConsentState): boolean {
  const header = req.headers['if-none-match'];
  if (!header || !header.includes('-cg')) return false;
  const key = stateKey(state);
  let translated = false;
  const tags = header.split(',').flatMap((tag) => {
    const match = SUFFIX.exec(tag.trim());
    if (!match) return [tag.trim()];
    if (match[1] !== key) return [];
    translated = true;
    return [tag.trim().replace(SUFFIX, '"')];
  });
  if (tags.length > 0) req.headers['if-none-match'] = tags.join(', ');
  else delete req.headers['if-none-match'];
  return translated;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
