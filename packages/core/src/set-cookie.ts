import { parseSetCookie } from 'cookie';
import type { ConsentState } from './consent-state.js';
import { parseCookieDate } from './cookie-date.js';
import type { CompiledPolicy } from './policy/compile.js';

export type SetCookieVerdict =
  | { readonly keep: true; readonly name: string; readonly reason: 'consent-cookie' | 'deletion' | 'granted' | 'undeclared-allowed'; readonly category?: string }
  | { readonly keep: false; readonly name: string; readonly reason: 'not-granted' | 'undeclared' | 'malformed'; readonly category?: string };

const keepRaw = (value: string) => value;

/**
 * Whether one Set-Cookie value may leave under `state`. The guard's own cookie and
 * deletions always pass; a declared cookie passes when its category is granted; an
 * undeclared one follows `undeclaredCookies`; anything unreadable is blocked.
 */
export function judgeSetCookie(compiled: CompiledPolicy, state: ConsentState, value: string, now: number): SetCookieVerdict {
  const name = cookieName(value);
  if (name === '') return { keep: false, name, reason: 'malformed' };
  if (name === compiled.policy.consentCookie.name) return { keep: true, name, reason: 'consent-cookie' };
  // Most values have no Max-Age: the attributes are parsed only for one.
  const maxAge = MAX_AGE.test(value) ? parseSetCookie(value, { decode: keepRaw }).maxAge : undefined;
  // Max-Age wins over Expires (RFC 6265 section 5.3, step 3).
  const expires = maxAge === undefined ? lastExpires(value) : undefined;
  const isDeletion = maxAge !== undefined ? maxAge <= 0 : expires !== undefined && expires <= now;
  if (isDeletion) return { keep: true, name, reason: 'deletion' };
  const declaration = compiled.findCookie(name);
  if (!declaration) {
    return compiled.policy.undeclaredCookies === 'allow'
      ? { keep: true, name, reason: 'undeclared-allowed' }
      : { keep: false, name, reason: 'undeclared' };
  }
  const { category } = declaration;
  return state.granted.includes(category)
    ? { keep: true, name, reason: 'granted', category }
    : { keep: false, name, reason: 'not-granted', category };
}

const MAX_AGE = /max-age/i;
const EXPIRES = /expires/i;

/** The name as `cookie`'s parseSetCookie reads it: before the first `=` of the first `;`-part, spaces and tabs trimmed; '' without one. */
export function cookieName(setCookie: string): string {
  const equals = setCookie.indexOf('=');
  const semicolon = setCookie.indexOf(';');
  if (equals === -1 || (semicolon !== -1 && semicolon < equals)) return '';
  let start = 0;
  let end = equals;
  while (start < end && isBlank(setCookie.charCodeAt(start))) start++;
  while (end > start && isBlank(setCookie.charCodeAt(end - 1))) end--;
  return setCookie.slice(start, end);
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** The last Expires attribute a browser can read (one it cannot is ignored, RFC 6265 section 5.2.1). */
function lastExpires(setCookie: string): number | undefined {
  if (!EXPIRES.test(setCookie)) return undefined;
  let expires: number | undefined;
  for (const attribute of setCookie.split(';').slice(1)) {
    const equals = attribute.indexOf('=');
    if (equals === -1 || attribute.slice(0, equals).trim().toLowerCase() !== 'expires') continue;
    expires = parseCookieDate(attribute.slice(equals + 1).trim()) ?? expires;
  }
  return expires;
}
