import { serviceOfCookie, serviceOfUrl, type ServiceMatch } from '../catalogue/match.js';
import { compileTrackers } from '../html/trackers.js';
import { compilePolicy } from './compile.js';
import type { CookieDeclaration, Policy, TrackerDeclaration } from './schema.js';

/** The guard's own lookups, for tools that check a site against its policy (the CLI's scan). */
export interface PolicyInspector {
  /** The declaration a cookie name falls under, as Set-Cookie enforcement finds it. */
  cookie(name: string): CookieDeclaration | undefined;
  /** The tracker an absolute URL belongs to, as the HTML rewriter judges it. */
  tracker(url: string): TrackerDeclaration | undefined;
  /** The catalogue service that sets a cookie of this name, listed in the policy or not. */
  cookieService(name: string): ServiceMatch | undefined;
  /** The catalogue service an absolute URL loads from, listed in the policy or not. */
  urlService(url: string): ServiceMatch | undefined;
}

export function inspectPolicy(policy: Policy): PolicyInspector {
  const compiled = compilePolicy(policy);
  const trackers = compileTrackers(policy);
  return { cookie: (name) => compiled.findCookie(name), tracker: (url) => trackers.matchUrl(url), cookieService: serviceOfCookie, urlService: serviceOfUrl };
}
