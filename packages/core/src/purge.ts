import type { ConsentState } from './consent-state.js';
import type { CompiledPolicy } from './policy/compile.js';

export interface Purge {
  /** The deletion Set-Cookie value. */
  readonly header: string;
  readonly event: { readonly name: string; readonly category: string | undefined; readonly cookieDomain: string | undefined; readonly cookiePath: string };
}

interface PurgeInput {
  readonly compiled: CompiledPolicy;
  readonly state: ConsentState;
  /** The request's cookies. */
  readonly cookies: Readonly<Record<string, string | undefined>>;
  /** Names the response already sets or deletes itself. */
  readonly beingSet: ReadonlySet<string>;
  /** The connection is HTTPS (asked only when a cookie is purged: it may look at proxy headers). */
  readonly secure: () => boolean;
  /** Withdrawal: undeclared cookies go too (when the policy blocks them). */
  readonly includeUndeclared: boolean;
}

// Only names that are valid tokens are echoed into a header.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT';

/**
 * One deletion per request cookie that belongs to a denied, first-party category (or, on
 * withdrawal, to no declaration at all), with the declared Path and Domain. Required
 * categories, third-party cookies and the consent cookie itself are never purged.
 */
export function purgeHeaders(input: PurgeInput): Purge[] {
  const { compiled, state, cookies, beingSet } = input;
  const { policy } = compiled;
  const purges: Purge[] = [];
  for (const name of Object.keys(cookies)) {
    if (name === policy.consentCookie.name || beingSet.has(name) || !TOKEN.test(name)) continue;
    const declaration = compiled.findCookie(name);
    if (declaration) {
      if (declaration.thirdParty || state.granted.includes(declaration.category)) continue;
      purges.push(deletion(name, declaration.path, declaration.domain, input.secure(), declaration.category));
    } else if (input.includeUndeclared && policy.undeclaredCookies === 'block') {
      purges.push(deletion(name, '/', undefined, input.secure(), undefined));
    }
  }
  return purges;
}

function deletion(name: string, path: string, domain: string | undefined, secure: boolean, category: string | undefined): Purge {
  // Browsers only accept a __Host- cookie host-only on "/", and either prefix only with Secure.
  const hostOnly = name.startsWith('__Host-');
  const cookiePath = hostOnly ? '/' : path;
  const cookieDomain = hostOnly ? undefined : domain;
  const attributes = [`${name}=`, `Path=${cookiePath}`];
  if (cookieDomain) attributes.push(`Domain=${cookieDomain}`);
  attributes.push(`Expires=${EPOCH}`, 'Max-Age=0');
  if (secure || hostOnly || name.startsWith('__Secure-')) attributes.push('Secure');
  return {
    header: attributes.join('; '),
    event: { name, category, cookieDomain, cookiePath },
  };
}
