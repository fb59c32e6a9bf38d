import { inspectPolicy, loadPolicy } from '@consent-guard/core';
import { describe, expect, it } from 'vitest';
import { analyze, foundProblems } from './analyze.js';
import type { Observation } from './observe.js';

const policy = loadPolicy({
  revision: '1',
  categories: { essential: { label: 'Essential', required: true }, marketing: { label: 'Marketing' } },
  cookies: [{ name: 'sid', category: 'essential' }],
  trackers: [{ name: 'HubSpot', category: 'marketing', hosts: ['js.hs-scripts.com'] }],
});
const site = new URL('https://www.example.com/');
const page = 'https://www.example.com/';
const observed = (requests: Observation['requests'], cookies: Observation['cookies'] = []): Observation => ({ pages: [page], cookies, requests });
const run = (undecided: Observation, accepted?: Observation) => analyze(policy, inspectPolicy(policy), site, { undecided, ...(accepted ? { accepted } : {}) });

describe('scan findings', () => {
  it('should count an undeclared third-party script loaded before consent as a violation', () => {
    const findings = run(
      observed([
        { host: 'cdn.tracker.example', url: 'https://cdn.tracker.example/t.js', type: 'script', page },
        { host: 'img.other.example', url: 'https://img.other.example/logo.png', type: 'image', page },
        { host: 'static.example.com', url: 'https://static.example.com/app.js', type: 'script', page },
      ]),
    );
    expect(findings.violations).toEqual([{ kind: 'undeclared-script-before-consent', url: 'https://cdn.tracker.example/t.js', host: 'cdn.tracker.example', page }]);
    // Both hosts are undeclared; the site's own subdomain is first party.
    expect(findings.undeclaredHosts.map((request) => request.host)).toEqual(['cdn.tracker.example', 'img.other.example']);
    expect(foundProblems(findings, false)).toBe(true);
  });

  it('should not count one loaded after consent, nor a declared tracker there', () => {
    const accepted = observed([
      { host: 'cdn.tracker.example', url: 'https://cdn.tracker.example/t.js', type: 'script', page },
      { host: 'js.hs-scripts.com', url: 'https://js.hs-scripts.com/1.js', type: 'script', page },
    ]);
    const findings = run(observed([]), accepted);
    expect(findings.violations).toEqual([]);
    expect(findings.undeclaredHosts.map((request) => request.host)).toEqual(['cdn.tracker.example']);
    expect(foundProblems(findings, false)).toBe(false);
  });

  it('should make anything undeclared a problem with --strict', () => {
    const undeclaredImage = run(observed([{ host: 'img.other.example', url: 'https://img.other.example/p.gif', type: 'image', page }]));
    expect([foundProblems(undeclaredImage, false), foundProblems(undeclaredImage, true)]).toEqual([false, true]);
    const undeclaredCookie = run(observed([], [{ name: 'x', domain: 'www.example.com', path: '/', session: true, setBy: 'set-cookie', page, thirdParty: false }]));
    expect([foundProblems(undeclaredCookie, false), foundProblems(undeclaredCookie, true)]).toEqual([false, true]);
    const clean = run(observed([], [{ name: 'sid', domain: 'www.example.com', path: '/', session: true, setBy: 'set-cookie', page, thirdParty: false }]));
    expect(foundProblems(clean, true)).toBe(false);
  });
});
