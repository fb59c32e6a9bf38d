import { inspectPolicy, type ConsentState, type Policy } from '@consent-guard/core';

/** Whether the upstream may see a cookie of this name, for a visitor in this state. */
export type CookieAllowance = (name: string, state: ConsentState) => boolean;

/**
 * The guard's own consent cookie, cookies of granted categories, and undeclared cookies
 * only when the policy allows them: what enforcement would let the site set.
 */
export function cookieAllowance(policy: Policy): CookieAllowance {
  const inspector = inspectPolicy(policy);
  const consentCookie = policy.consentCookie.name;
  const undeclaredAllowed = policy.undeclaredCookies === 'allow';
  return (name, state) => {
    if (name === consentCookie) return true;
    const declaration = inspector.cookie(name);
    return declaration ? state.granted.includes(declaration.category) : undeclaredAllowed;
  };
}

/**
 * The Cookie header with only the allowed cookies, each pair byte for byte as the visitor
 * sent it; undefined when none is left. A pair without `=` is a cookie with an empty name.
 */
export function filterCookieHeader(header: string, allowed: (name: string) => boolean): string | undefined {
  const kept = header.split(';').filter((pair) => {
    const trimmed = pair.trim();
    if (trimmed === '') return false;
    const equals = trimmed.indexOf('=');
    return allowed(equals === -1 ? '' : trimmed.slice(0, equals).trim());
  });
  return kept.length === 0 ? undefined : kept.map((pair) => pair.trim()).join('; ');
}
