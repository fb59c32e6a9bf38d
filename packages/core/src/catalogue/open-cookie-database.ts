import { compileNameMatcher } from '../glob.js';
import type { DefaultCategory } from './catalogue.js';
import data from './open-cookie-database.json' with { type: 'json' };

/** A cookie as the Open Cookie Database (Apache-2.0) describes it; `scripts/refresh-open-cookie-database.js` bundles it. */
export interface KnownCookie {
  readonly name: string;
  readonly platform: string;
  readonly category: DefaultCategory;
  readonly domain: string;
  readonly description: string;
  readonly retention: string;
  readonly controller: string;
  readonly privacyUrl: string;
}

/** The database commit the bundled part came from; null while none is bundled. */
export const OPEN_COOKIE_DATABASE_COMMIT: string | null = data.commit;

let matchers: { matches(name: string): boolean; cookie: KnownCookie }[] | undefined;

/** The database's entry for a cookie name: exact names first, then the most specific prefix. */
export function knownCookie(name: string): KnownCookie | undefined {
  matchers ??= (data.cookies as readonly KnownCookie[])
    .map((cookie) => ({ ...compileNameMatcher(cookie.name), cookie }))
    .sort((a, b) => Number(a.isGlob) - Number(b.isGlob) || b.specificity - a.specificity);
  return matchers.find((matcher) => matcher.matches(name))?.cookie;
}
