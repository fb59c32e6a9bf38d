import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PolicyError } from '../errors.js';
import { loadPolicy } from '../policy/load.js';
import { COOKIE_NAME_GLOB, CONSENT_MODE_TYPES, trackerSchema } from '../policy/schema.js';
import data from './services.json' with { type: 'json' };
import { SERVICE_IDS } from './catalogue.js';

// The ids issue 16 asks for; the catalogue may have more.
const REQUIRED_IDS = [
  'google-analytics', 'google-tag-manager', 'google-ads', 'google-maps', 'youtube', 'vimeo', 'meta-pixel', 'facebook-social',
  'instagram-embed', 'x-twitter', 'linkedin-insight', 'tiktok-pixel', 'pinterest-tag', 'snap-pixel', 'reddit-pixel',
  'microsoft-clarity', 'microsoft-ads', 'hotjar', 'hubspot', 'intercom', 'zendesk-chat', 'crisp', 'tawk-to', 'matomo-cloud',
  'segment', 'mixpanel', 'amplitude', 'heap', 'fullstory', 'mailchimp', 'klaviyo', 'calendly', 'typeform', 'spotify-embed',
  'soundcloud', 'disqus', 'addthis', 'sharethis', 'criteo', 'taboola', 'outbrain', 'recaptcha', 'cloudflare', 'stripe',
];

const entrySchema = z.strictObject({
  name: z.string().min(3),
  provider: z.string().min(2),
  privacyUrl: z.url({ protocol: /^https$/ }),
  category: z.enum(['necessary', 'functionality', 'performance', 'marketing']),
  consentMode: z.array(z.enum(CONSENT_MODE_TYPES)),
  tcfVendorId: z.number().int().positive().optional(),
  hosts: trackerSchema.shape.hosts.unwrap(),
  inline: trackerSchema.shape.inline.unwrap(),
  cookies: z.array(
    z.strictObject({
      name: z.string().regex(COOKIE_NAME_GLOB),
      thirdParty: z.boolean(),
      type: z.enum(['session', 'persistent']),
      duration: z.string().min(3),
      purpose: z.string().min(10),
    }),
  ),
});

const categories = {
  essential: { label: 'Essential', required: true },
  functionality: { label: 'Functionality' },
  performance: { label: 'Performance' },
  marketing: { label: 'Marketing' },
};

function problemsOf(input: Parameters<typeof loadPolicy>[0]): string[] {
  try {
    loadPolicy(input);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).problems.map((problem) => `${problem.path}: ${problem.message}`);
  }
  throw new Error('expected a PolicyError');
}

describe('the service catalogue', () => {
  it('should have every id the issue lists, each entry complete and well-formed', () => {
    expect(SERVICE_IDS).toEqual(expect.arrayContaining(REQUIRED_IDS));
    expect(data.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const id of SERVICE_IDS) {
      const entry = entrySchema.safeParse((data.services as Record<string, unknown>)[id]);
      expect(entry.success ? '' : `${id}: ${z.prettifyError(entry.error)}`).toBe('');
      expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
      if (entry.success) expect(entry.data.hosts.length + entry.data.inline.length, `${id} is recognised by nothing`).toBeGreaterThan(0);
    }
  });

  it("should be listed whole in the README's policy section", () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('<details id="catalogue">'), readme.indexOf('</details>', readme.indexOf('<details id="catalogue">')));
    const listed = [...table.matchAll(/^\| `([a-z0-9-]+)` \| /gm)].map((match) => match[1]);
    expect(listed).toEqual(SERVICE_IDS);
  });
});

describe('services: in a policy', () => {
  it('should expand each service into a tracker and cookies marked with its id, in the chosen category', () => {
    const policy = loadPolicy({ revision: 'r', categories, services: { hubspot: 'marketing', 'google-maps': 'functionality' } });
    expect(policy.services).toEqual({ hubspot: 'marketing', 'google-maps': 'functionality' });
    expect(policy.trackers.map((tracker) => [tracker.service, tracker.category, tracker.name])).toEqual([
      ['hubspot', 'marketing', 'HubSpot tracking code'],
      ['google-maps', 'functionality', 'Google Maps'],
    ]);
    expect(policy.trackers[0]!.inline).toEqual(['_hsq.push', 'hs-script-loader']);
    expect(policy.cookies.find((cookie) => cookie.name === '__hstc')).toEqual({
      name: '__hstc',
      category: 'marketing',
      provider: 'HubSpot',
      type: 'persistent',
      duration: '6 months',
      purpose: 'HubSpot: tracks visitors (domain, first, last and current visit, session count).',
      path: '/',
      thirdParty: false,
      service: 'hubspot',
    });
    expect(policy.cookies.find((cookie) => cookie.name === 'NID')).toMatchObject({ category: 'functionality', thirdParty: true, provider: 'Google', service: 'google-maps' });
  });

  it("should let the site's own cookies and hosts win, and give a host two services share to the first listed", () => {
    const policy = loadPolicy({
      revision: 'r',
      categories,
      services: { 'google-analytics': 'performance', 'google-ads': 'marketing' },
      cookies: [{ name: '_ga', category: 'essential', provider: 'Us', purpose: 'our own' }],
      trackers: [{ name: 'Our proxy', category: 'performance', hosts: ['www.google-analytics.com'] }],
    });
    expect(policy.cookies.filter((cookie) => cookie.name === '_ga')).toEqual([expect.objectContaining({ category: 'essential', provider: 'Us' })]);
    const analytics = policy.trackers.find((tracker) => tracker.service === 'google-analytics')!;
    expect(analytics.hosts).not.toContain('www.google-analytics.com');
    expect(analytics.hosts).toContain('www.googletagmanager.com/gtag/js');
    expect(policy.trackers.find((tracker) => tracker.service === 'google-ads')!.hosts).not.toContain('www.googletagmanager.com/gtag/js');
  });

  it('should give the same policy back from its own output, a spread copy, and a copy with a service moved', () => {
    const policy = loadPolicy({ revision: 'r', categories, services: { youtube: 'functionality' } });
    expect(loadPolicy({ ...policy })).toEqual(policy);
    const moved = loadPolicy({ ...policy, services: { youtube: 'marketing' } });
    expect(moved.cookies.filter((cookie) => cookie.service === 'youtube').map((cookie) => cookie.category)).toEqual(['marketing', 'marketing', 'marketing']);
    expect(moved.trackers.map((tracker) => tracker.category)).toEqual(['marketing']);
  });

  it('should name an unknown id or category with a "did you mean", and an entry claiming a service the policy does not list', () => {
    expect(problemsOf({ revision: 'r', categories, services: { 'google-analytic': 'performance', hubspot: 'marketting' } })).toEqual([
      'services.google-analytic: unknown key; did you mean "google-analytics"?',
      'services.hubspot: unknown category "marketting"; did you mean "marketing"?',
    ]);
    expect(problemsOf({ revision: 'r', categories, cookies: [{ name: 'x', category: 'marketing', service: 'hubspot' }] })).toEqual([
      'cookies[0].service: "hubspot" is not listed in services:',
    ]);
  });
});
