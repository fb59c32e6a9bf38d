import { PolicyError, type PolicyProblem } from '../errors.js';
import { catalogueService } from '../catalogue/catalogue.js';
import { compileNameMatcher } from '../glob.js';
import { loadLocatedPolicy, type LocatedPolicy } from './load.js';
import { textFor } from './localized.js';
import type { PolicyInput } from './schema.js';

export interface LintResult {
  /** What makes the policy invalid: `loadPolicy` would throw them. */
  readonly errors: readonly PolicyProblem[];
  /** Likely mistakes in a valid policy. */
  readonly warnings: readonly PolicyProblem[];
}

/** Every error of a policy, or, when it is valid, the likely mistakes in it. */
export function lintPolicy(input: string | PolicyInput): LintResult {
  let located: LocatedPolicy;
  try {
    located = loadLocatedPolicy(input);
  } catch (error) {
    if (error instanceof PolicyError) return { errors: error.problems, warnings: [] };
    throw error;
  }
  located = { ...located, problemAt: inTheFile(located) };
  const warnings = [...shadowingGlobs(located), ...cookiesDifferingInCase(located), ...firstPartyTrackerHosts(located), ...repeatedTrackerHosts(located), ...emptyCategories(located), ...consentModeGaps(located)];
  return { errors: [], warnings: warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)) };
}

/** Entries that `services:` expanded are not in the file: a warning about one points at its service. */
function inTheFile({ policy, problemAt }: LocatedPolicy): LocatedPolicy['problemAt'] {
  return (path, message) => {
    const [list, index] = path;
    const entry = list === 'cookies' || list === 'trackers' ? policy[list][index as number] : undefined;
    return problemAt(entry?.service === undefined ? path : ['services', entry.service], message);
  };
}

/** `_ga*` in one category and `_ga_live` in another: the exact name wins, which may not be meant. */
function shadowingGlobs({ policy, problemAt }: LocatedPolicy): PolicyProblem[] {
  const warnings: PolicyProblem[] = [];
  policy.cookies.forEach((glob, g) => {
    const matcher = compileNameMatcher(glob.name);
    if (!matcher.isGlob) return;
    policy.cookies.forEach((exact, e) => {
      if (exact.name.includes('*') || exact.category === glob.category || !matcher.matches(exact.name)) return;
      warnings.push(
        problemAt(['cookies', g, 'name'], `"${glob.name}" (${glob.category}) also matches "${exact.name}", declared in ${exact.category} ${exact.service === undefined ? `at cookies[${e}]` : `by services.${exact.service}`}: the exact name wins; check which category it belongs to`),
      );
    });
  });
  return warnings;
}

/** Cookie names are case-sensitive, so `_GA` and `_ga` are two cookies, and usually a typo. */
function cookiesDifferingInCase({ policy, problemAt }: LocatedPolicy): PolicyProblem[] {
  const first = new Map<string, number>();
  const warnings: PolicyProblem[] = [];
  policy.cookies.forEach((cookie, index) => {
    const key = cookie.name.toLowerCase();
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else warnings.push(problemAt(['cookies', index, 'name'], `"${cookie.name}" differs only in case from "${policy.cookies[earlier]!.name}" at cookies[${earlier}]: cookie names are case-sensitive, so these are two cookies`));
  });
  return warnings;
}

/** A tracker host under the site's own domain: the site's own pages and files there would be neutralized. */
function firstPartyTrackerHosts({ policy, problemAt }: LocatedPolicy): PolicyProblem[] {
  const own = new Map<string, string>();
  if (policy.consentCookie.domain) own.set(bareDomain(policy.consentCookie.domain), 'consentCookie.domain');
  policy.cookies.forEach((cookie, index) => {
    if (cookie.domain && !cookie.thirdParty && !own.has(bareDomain(cookie.domain))) own.set(bareDomain(cookie.domain), `cookies[${index}].domain`);
  });
  const warnings: PolicyProblem[] = [];
  policy.trackers.forEach((tracker, t) =>
    tracker.hosts.forEach((entry, h) => {
      const host = hostOf(entry);
      for (const [domain, where] of own) {
        if (host !== domain && !host.endsWith(`.${domain}`)) continue;
        warnings.push(problemAt(['trackers', t, 'hosts', h], `"${entry}" is on the site's own domain ${domain} (${where}): every tag loading from it is treated as ${textFor(tracker.name)}`));
        break;
      }
    }),
  );
  return warnings;
}

/** The same host in two trackers: the first declared decides its category. */
function repeatedTrackerHosts({ policy, problemAt }: LocatedPolicy): PolicyProblem[] {
  const first = new Map<string, number>();
  const warnings: PolicyProblem[] = [];
  policy.trackers.forEach((tracker, t) =>
    tracker.hosts.forEach((entry, h) => {
      const key = entry.toLowerCase();
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, t);
      else if (earlier !== t) warnings.push(problemAt(['trackers', t, 'hosts', h], `"${entry}" is also a host of trackers[${earlier}] (${textFor(policy.trackers[earlier]!.name)}), which decides its category`));
    }),
  );
  return warnings;
}

/** An optional category nothing belongs to: visitors are asked about it for nothing. */
function emptyCategories({ policy, problemAt }: LocatedPolicy): PolicyProblem[] {
  return Object.entries(policy.categories)
    .filter(([id, category]) => !category.required && !policy.cookies.some((c) => c.category === id) && !policy.trackers.some((t) => t.category === id))
    .map(([id]) => problemAt(['categories', id], `no cookie or tracker is declared in "${id}": visitors would be asked about nothing`));
}

/**
 * A Google service in a category that does not grant the Consent Mode types it needs: its
 * tag would keep them denied even for a visitor who allowed the category. Only a policy
 * that uses Consent Mode at all is checked (security_storage is always granted).
 */
function consentModeGaps({ policy, problemAt }: LocatedPolicy): PolicyProblem[] {
  if (!Object.values(policy.categories).some((category) => category.consentMode.length > 0)) return [];
  return Object.entries(policy.services).flatMap(([id, categoryId]) => {
    const granted = categoryId === undefined ? undefined : policy.categories[categoryId]?.consentMode;
    const missing = (catalogueService(id)?.consentMode ?? []).filter((type) => type !== 'security_storage' && !granted?.includes(type as never));
    if (missing.length === 0) return [];
    return [problemAt(['services', id], `${id} uses Google Consent Mode ${missing.join(', ')}, which "${categoryId}" does not grant (categories.${categoryId}.consentMode): its tag would keep ${missing.length === 1 ? 'it' : 'them'} denied even when the visitor allows "${categoryId}"`)];
  });
}

function bareDomain(domain: string): string {
  return domain.replace(/^\./, '').toLowerCase();
}

/** `*.example.com/path` → `example.com`. */
function hostOf(entry: string): string {
  return entry.replace(/^\*\./, '').replace(/[/:].*$/, '').toLowerCase();
}
