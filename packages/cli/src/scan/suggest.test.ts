import { inspectPolicy, lintPolicy, loadPolicy, type PolicyInput } from '@consent-guard/core';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import type { Observation, ObservedCookie } from './observe.js';
import { textReport } from './report.js';
import { policyDraft } from './suggest.js';

const site = new URL('http://shop.example/');
const page = 'http://shop.example/';
const cookie = (name: string, thirdParty = false): ObservedCookie => ({ name, domain: thirdParty ? '.youtube.com' : 'shop.example', path: '/', session: false, setBy: 'script', page, thirdParty });
// What a scan of a shop with Google Analytics, HubSpot, a YouTube embed and a pixel of its own would see.
const undecided: Observation = {
  pages: [page],
  cookies: [cookie('sid'), cookie('_ga'), cookie('_ga_ABC123'), cookie('__hstc'), cookie('YSC', true), cookie('leaky_id')],
  requests: [
    { host: 'www.googletagmanager.com', url: 'https://www.googletagmanager.com/gtag/js?id=G-ABC123', type: 'script', page },
    { host: 'js.hs-scripts.com', url: 'https://js.hs-scripts.com/123.js', type: 'script', page },
    { host: 'www.youtube.com', url: 'https://www.youtube.com/embed/dQw4w9WgXcQ', type: 'document', page },
    { host: 'pixel.example.net', url: 'https://pixel.example.net/p.gif', type: 'image', page },
  ],
};
const POLICY: PolicyInput = {
  revision: '1',
  categories: { necessary: { label: 'Necessary', required: true }, statistics: { label: 'Statistics' }, ads: { label: 'Ads' } },
  cookies: [{ name: 'sid', category: 'necessary' }],
};

describe('scan --suggest', () => {
  it('should name the catalogue service behind an undeclared cookie or host', () => {
    const policy = loadPolicy(POLICY);
    const findings = analyze(policy, inspectPolicy(policy), site, { undecided });
    expect(findings.undeclaredCookies.map((c) => [c.name, c.service?.id])).toEqual([
      ['_ga', 'google-analytics'],
      ['_ga_ABC123', 'google-analytics'],
      ['__hstc', 'hubspot'],
      ['YSC', 'youtube'],
      ['leaky_id', undefined],
    ]);
    expect(findings.undeclaredHosts.map((h) => [h.host, h.service?.id])).toEqual([
      ['www.googletagmanager.com', 'google-analytics'],
      ['js.hs-scripts.com', 'hubspot'],
      ['www.youtube.com', 'youtube'],
      ['pixel.example.net', undefined],
    ]);
    const report = textReport({ site: site.href, policy: 'policy.yaml', pages: [page], phases: { undecided }, acceptedSkipped: undefined, findings, suggestion: undefined }, inspectPolicy(policy), 'cg_consent');
    expect(report).toContain('  __hstc  shop.example  by a script on http://shop.example/ (undecided)  ← HubSpot tracking code (HubSpot): services: hubspot');
  });

  it("should propose services in the policy's own categories, and leave what nothing knows as TODO", () => {
    const policy = loadPolicy(POLICY);
    const draft = policyDraft(analyze(policy, inspectPolicy(policy), site, { undecided }), policy);
    const proposed = parse(draft) as Record<string, unknown>;
    expect(proposed.services).toEqual({ 'google-analytics': 'statistics', hubspot: 'ads', youtube: 'ads' });
    expect(proposed.cookies).toEqual([{ name: 'leaky_id', category: 'TODO', provider: 'TODO', type: 'persistent', purpose: 'TODO (first seen before any choice, set by a script on http://shop.example/)' }]);
    expect(proposed.trackers).toEqual([{ name: 'TODO (pixel.example.net, first requested on http://shop.example/)', category: 'TODO', hosts: ['pixel.example.net'] }]);
  });

  it('should draft a whole policy without one, which lint accepts once the TODOs are filled', () => {
    const nothing = loadPolicy({ revision: 'draft', categories: { essential: { label: 'Essential', required: true } } });
    const draft = policyDraft(analyze(nothing, inspectPolicy(nothing), site, { undecided }), undefined);
    expect(draft).toMatch(/^# A policy for what the scan found/);
    const proposed = parse(draft) as Record<string, unknown>;
    expect(Object.keys(proposed.categories as object)).toEqual(['essential', 'functionality', 'performance', 'marketing']);
    expect(proposed.services).toEqual({ 'google-analytics': 'performance', hubspot: 'marketing', youtube: 'marketing' });
    expect(lintPolicy(proposed as PolicyInput).errors.map((e) => e.path)).toEqual(['cookies[0].category', 'cookies[1].category', 'trackers[0].category']);
    const filled = parse(draft.replaceAll('category: TODO', 'category: marketing')) as PolicyInput;
    expect(lintPolicy(filled).errors).toEqual([]);
  });
});
