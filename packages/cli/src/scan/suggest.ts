import { knownCookie, type Policy, type PolicyInput, type ServiceMatch } from '@consent-guard/core';
import { stringify } from 'yaml';
import type { Findings } from './analyze.js';

// The categories a draft without a policy proposes: the four a cookie policy usually has.
const STANDARD_CATEGORIES: PolicyInput['categories'] = {
  essential: { label: 'Essential', description: 'Needed for the site to work.', required: true },
  functionality: { label: 'Functionality', description: 'Remember choices and embed content from other sites.' },
  performance: { label: 'Statistics', description: 'Count visits and see how the site is used.', consentMode: ['analytics_storage'] },
  marketing: { label: 'Marketing', description: 'Advertising and tracking across sites.', gpc: true, consentMode: ['ad_storage', 'ad_user_data', 'ad_personalization'] },
};

// Names sites give the standard categories, by the catalogue's (and the Open Cookie Database's) category.
const SYNONYMS: Record<string, readonly string[]> = {
  functionality: ['functionality', 'functional', 'preferences', 'personalization'],
  performance: ['performance', 'statistics', 'analytics'],
  marketing: ['marketing', 'advertising', 'ads', 'targeting'],
};

/**
 * A policy draft for what a scan found and the policy does not declare: each cookie and
 * third-party host matched against the service catalogue (proposed as `services:`), then a
 * cookie against the Open Cookie Database (declared with its provider, category, duration
 * and purpose). What neither knows is marked TODO: only a person can say what it is for.
 * Without a policy the draft is a whole policy, with the standard four categories.
 */
export function policyDraft(findings: Findings, policy: Policy | undefined): string {
  const categories = policy ? policy.categories : STANDARD_CATEGORIES;
  const categoryFor = (catalogueCategory: string) => policyCategory(catalogueCategory, categories);
  const services = new Map<string, string>();
  const propose = (service: ServiceMatch | undefined) => {
    if (service && !services.has(service.id)) services.set(service.id, categoryFor(service.category));
    return service !== undefined;
  };
  const cookies = findings.undeclaredCookies
    .filter((cookie) => !propose(cookie.service))
    .map((cookie) => {
      const known = knownCookie(cookie.name);
      const seen = `first seen ${cookie.phase === 'undecided' ? 'before any choice' : 'after accepting everything'}, set by ${cookie.setBy === 'set-cookie' ? 'Set-Cookie' : 'a script'} on ${cookie.page}`;
      return {
        name: cookie.name,
        category: known ? categoryFor(known.category) : 'TODO',
        provider: known?.controller || known?.platform || 'TODO',
        type: cookie.session ? 'session' : 'persistent',
        ...(known?.retention ? { duration: known.retention } : {}),
        purpose: known ? `${known.description} (Open Cookie Database; ${seen})` : `TODO (${seen})`,
        ...(cookie.thirdParty ? { thirdParty: true } : {}),
      };
    });
  const trackers = findings.undeclaredHosts
    .filter((request) => !propose(request.service))
    .map((request) => ({ name: `TODO (${request.host}, first requested on ${request.page})`, category: 'TODO', hosts: [new URL(request.url).hostname] }));
  const additions = {
    ...(services.size > 0 ? { services: Object.fromEntries(services) } : {}),
    ...(cookies.length > 0 ? { cookies } : {}),
    ...(trackers.length > 0 ? { trackers } : {}),
  };
  if (policy) {
    if (Object.keys(additions).length === 0) return '# Nothing to add: the policy declares every cookie and host the scan found.\n';
    return `# Add these to the policy and replace each TODO; categories: ${Object.keys(categories).join(', ')}.\n${stringify(additions)}`;
  }
  const draft = { revision: new Date().toISOString().slice(0, 10), categories, ...additions };
  return `# A policy for what the scan found: replace each TODO, then check it with consent-guard lint.\n${stringify(draft)}`;
}

/** The policy's category for a catalogue category: the same id or a usual synonym; necessary is the required one. */
function policyCategory(catalogueCategory: string, categories: Readonly<Record<string, { readonly required?: boolean | undefined }>>): string {
  const ids = Object.keys(categories);
  if (catalogueCategory === 'necessary') return ids.find((id) => categories[id]?.required) ?? 'TODO (necessary)';
  return (SYNONYMS[catalogueCategory] ?? [catalogueCategory]).find((id) => ids.includes(id)) ?? `TODO (${catalogueCategory})`;
}
