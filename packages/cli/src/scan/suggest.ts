import { stringify } from 'yaml';
import type { Findings } from './analyze.js';

/**
 * A policy draft (format 1 fragments) for what a scan found and the policy does not
 * declare. Categories are left as TODO: only a person can say what a cookie is for.
 */
export function policyDraft(findings: Findings, categories: readonly string[]): string {
  const cookies = findings.undeclaredCookies.map((cookie) => ({
    name: cookie.name,
    category: 'TODO',
    provider: 'TODO',
    type: cookie.session ? 'session' : 'persistent',
    purpose: `TODO (first seen ${cookie.phase === 'undecided' ? 'before any choice' : 'after accepting everything'}, set by ${cookie.setBy === 'set-cookie' ? 'Set-Cookie' : 'a script'} on ${cookie.page})`,
    ...(cookie.thirdParty ? { thirdParty: true } : {}),
  }));
  const trackers = findings.undeclaredHosts.map((request) => ({
    name: `TODO (${request.host}, first requested on ${request.page})`,
    category: 'TODO',
    hosts: [new URL(request.url).hostname],
  }));
  if (cookies.length === 0 && trackers.length === 0) return '# Nothing to add: the policy declares every cookie and host the scan found.\n';
  const header = `# Add these to the policy and replace each TODO; categories: ${categories.join(', ') || '(none yet)'}.\n`;
  return header + stringify({ ...(cookies.length > 0 ? { cookies } : {}), ...(trackers.length > 0 ? { trackers } : {}) });
}
