import { textFor, type PolicyInspector, type ServiceMatch } from '@consent-guard/core';
import type { Findings, Phase } from './analyze.js';
import { siteOf, type Observation } from './observe.js';

export interface ScanResult {
  readonly site: string;
  readonly policy: string | undefined;
  readonly pages: readonly string[];
  readonly phases: Partial<Record<Phase, Observation>>;
  /** Why the accepted phase did not run, when it did not. */
  readonly acceptedSkipped: string | undefined;
  readonly findings: Findings | undefined;
  readonly suggestion: string | undefined;
}

/** The report for machines: what was stored and requested in each phase, and the findings. */
export function jsonReport(result: ScanResult, inspector: PolicyInspector | undefined): unknown {
  const phase = (observation: Observation | undefined) =>
    observation && {
      cookies: observation.cookies.map((cookie) => ({ ...cookie, category: inspector?.cookie(cookie.name)?.category ?? null })),
      thirdPartyHosts: thirdParty(result.site, observation).map((request) => {
        const tracker = inspector?.tracker(request.url);
        return { ...request, tracker: tracker ? { name: textFor(tracker.name), category: tracker.category } : null };
      }),
    };
  return {
    site: result.site,
    policy: result.policy ?? null,
    pages: result.pages,
    undecided: phase(result.phases.undecided) ?? null,
    accepted: phase(result.phases.accepted) ?? null,
    ...(result.acceptedSkipped ? { acceptedSkipped: result.acceptedSkipped } : {}),
    ...(result.findings ?? {}),
    ...(result.suggestion ? { suggestion: result.suggestion } : {}),
  };
}

/** The report for people. */
export function textReport(result: ScanResult, inspector: PolicyInspector | undefined, consentCookie: string): string {
  const lines = [`Scanned ${result.site}: ${count(result.pages.length, 'page')}${result.policy ? `, checked against ${result.policy}` : ''}`];
  const category = (value: string | undefined) => (value ? `  [${value}]` : '');
  const section = (title: string, observation: Observation) => {
    lines.push('', title, `  cookies (${observation.cookies.length}):`);
    for (const cookie of observation.cookies) {
      const kind = `${cookie.thirdParty ? 'third-party ' : ''}${cookie.session ? 'session' : 'persistent'}`;
      const declared = cookie.name === consentCookie ? "consent-guard's own" : inspector?.cookie(cookie.name)?.category;
      lines.push(`    ${cookie.name}  ${cookie.domain}  ${kind}  by ${cookie.setBy === 'set-cookie' ? 'Set-Cookie' : 'a script'}  on ${cookie.page}${category(declared)}`);
    }
    const hosts = thirdParty(result.site, observation);
    lines.push(`  third-party hosts (${hosts.length}):`);
    for (const request of hosts) {
      const tracker = inspector?.tracker(request.url);
      lines.push(`    ${request.host}  on ${request.page}${category(tracker && `${tracker.category}: ${textFor(tracker.name)}`)}`);
    }
  };
  if (result.phases.undecided) section('Before any choice', result.phases.undecided);
  if (result.phases.accepted) section('After accepting everything', result.phases.accepted);
  if (result.acceptedSkipped) lines.push('', `After accepting everything: not scanned (${result.acceptedSkipped})`);
  const { findings } = result;
  if (findings) {
    lines.push('', `Violations (${findings.violations.length}):`);
    for (const v of findings.violations) {
      lines.push(
        v.kind === 'cookie-before-consent'
          ? `  cookie ${v.name} (${v.category}) was stored before consent, by ${v.setBy === 'set-cookie' ? 'Set-Cookie' : 'a script'} on ${v.page}`
          : v.kind === 'request-before-consent'
            ? `  ${v.tracker} (${v.category}) was requested before consent: ${v.url} on ${v.page}`
            : `  an undeclared third-party script ran before consent: ${v.url} on ${v.page}`,
      );
    }
    lines.push(`Undeclared cookies (${findings.undeclaredCookies.length}):`);
    for (const c of findings.undeclaredCookies) lines.push(`  ${c.name}  ${c.domain}  by ${c.setBy === 'set-cookie' ? 'Set-Cookie' : 'a script'} on ${c.page} (${c.phase})${serviceNote(c.service)}`);
    lines.push(`Undeclared third-party hosts (${findings.undeclaredHosts.length}):`);
    for (const h of findings.undeclaredHosts) lines.push(`  ${h.host}  ${h.url} on ${h.page} (${h.phase})${serviceNote(h.service)}`);
  }
  if (result.suggestion) lines.push('', 'A policy draft for what the policy does not declare:', '', result.suggestion.trimEnd());
  return `${lines.join('\n')}\n`;
}

function serviceNote(service: ServiceMatch | undefined): string {
  return service ? `  ← ${service.name} (${service.provider}): services: ${service.id}` : '';
}

/** One entry per third-party host: the first request to it. */
function thirdParty(site: string, observation: Observation) {
  const siteHost = siteOf(new URL(site).hostname);
  const seen = new Set<string>();
  return observation.requests.filter((request) => {
    if (siteOf(new URL(request.url).hostname) === siteHost || seen.has(request.host)) return false;
    seen.add(request.host);
    return true;
  });
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
