import { textFor, type Policy, type PolicyInspector, type ServiceMatch } from '@consent-guard/core';
import { siteOf, type Observation, type ObservedCookie, type ObservedRequest } from './observe.js';

/** Something that happened before the visitor granted its category: exit code 2. */
export type Violation =
  | { readonly kind: 'cookie-before-consent'; readonly name: string; readonly domain: string; readonly category: string; readonly page: string; readonly setBy: ObservedCookie['setBy'] }
  | { readonly kind: 'request-before-consent'; readonly url: string; readonly tracker: string; readonly category: string; readonly page: string }
  /** A third-party script no tracker of the policy covers, run before any choice: it may track, and nothing would stop it. */
  | { readonly kind: 'undeclared-script-before-consent'; readonly url: string; readonly host: string; readonly page: string };

export interface Findings {
  readonly violations: Violation[];
  /** Cookies the policy does not declare, with the phase they were first seen in and the catalogue service that sets them. */
  readonly undeclaredCookies: (ObservedCookie & { readonly phase: Phase; readonly service: ServiceMatch | undefined })[];
  /** Third-party hosts no tracker of the policy covers, with the catalogue service behind them. */
  readonly undeclaredHosts: (ObservedRequest & { readonly phase: Phase; readonly service: ServiceMatch | undefined })[];
}

export type Phase = 'undecided' | 'accepted';

/** Exit 2: a violation, or with `strict` anything the policy does not declare. */
export function foundProblems(findings: Findings, strict: boolean): boolean {
  return findings.violations.length > 0 || (strict && (findings.undeclaredCookies.length > 0 || findings.undeclaredHosts.length > 0));
}

/** Checks both phases of a scan against the policy. */
export function analyze(policy: Policy, inspector: PolicyInspector, site: URL, phases: Partial<Record<Phase, Observation>>): Findings {
  const required = new Set(Object.entries(policy.categories).filter(([, category]) => category.required).map(([id]) => id));
  const findings: Findings = { violations: [], undeclaredCookies: [], undeclaredHosts: [] };
  const reportedCookies = new Set<string>();
  const reportedHosts = new Set<string>();
  for (const phase of ['undecided', 'accepted'] as const) {
    const observation = phases[phase];
    if (!observation) continue;
    for (const cookie of observation.cookies) {
      if (cookie.name === policy.consentCookie.name) continue;
      const declaration = inspector.cookie(cookie.name);
      if (!declaration) {
        if (!reportedCookies.has(cookie.name)) findings.undeclaredCookies.push({ ...cookie, phase, service: inspector.cookieService(cookie.name) });
        reportedCookies.add(cookie.name);
      } else if (phase === 'undecided' && !required.has(declaration.category)) {
        findings.violations.push({ kind: 'cookie-before-consent', name: cookie.name, domain: cookie.domain, category: declaration.category, page: cookie.page, setBy: cookie.setBy });
      }
    }
    for (const request of observation.requests) {
      const tracker = inspector.tracker(request.url);
      const hostname = new URL(request.url).hostname;
      if (tracker) {
        if (phase === 'undecided' && !required.has(tracker.category)) {
          findings.violations.push({ kind: 'request-before-consent', url: request.url, tracker: textFor(tracker.name), category: tracker.category, page: request.page });
        }
      } else if (siteOf(hostname) !== siteOf(site.hostname)) {
        if (phase === 'undecided' && request.type === 'script') {
          findings.violations.push({ kind: 'undeclared-script-before-consent', url: request.url, host: request.host, page: request.page });
        }
        if (!reportedHosts.has(request.host)) {
          reportedHosts.add(request.host);
          findings.undeclaredHosts.push({ ...request, phase, service: inspector.urlService(request.url) });
        }
      }
    }
  }
  return findings;
}
