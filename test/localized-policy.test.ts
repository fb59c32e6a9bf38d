import { loadPolicy, PolicyError, type PolicyInput } from '@consent-guard/core';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, htmlPage, type Framework } from './helpers/apps.js';

// The seed site's Norwegian visitors: every text of the policy in their language.
const POLICY: PolicyInput = {
  revision: 'l10n-1',
  categories: {
    essential: { label: { en: 'Essential', nb: 'Nødvendige' }, description: { en: 'Makes the site work.', nb: 'Får nettstedet til å virke.' }, required: true },
    functionality: { label: { en: 'Functionality', nb: 'Funksjonalitet' }, description: 'Maps and videos.' },
  },
  cookies: [{ name: 'NID', category: 'functionality', provider: 'Google', thirdParty: true, purpose: { en: 'Remembers map settings.', nb: 'Husker kartinnstillinger.' } }],
  trackers: [{ name: { en: 'Google Maps embed', nb: 'Google Maps-kart' }, category: 'functionality', hosts: ['www.google.com/maps'] }],
};
const PAGE = '<!doctype html><html><body><iframe src="https://www.google.com/maps/embed?pb=1"></iframe></body></html>';
const NORWEGIAN = 'nb-NO,nb;q=0.9,en;q=0.5';

describe.each(FRAMEWORKS)('policy texts by locale on %s', (framework: Framework) => {
  const app = () => createApp(framework, { policy: POLICY }, { raw: { '/': htmlPage(PAGE) } });

  it('should show a Norwegian visitor the Norwegian labels in the banner and the placeholder', async () => {
    const html = (await request(app()).get('/').set('Accept-Language', NORWEGIAN).expect(200)).text;
    expect(html).toContain('> Funksjonalitet');
    expect(html).toContain('N&#xf8;dvendige');
    expect(html).toContain('F&#xe5;r nettstedet til &#xe5; virke.');
    expect(html).toContain('Google Maps-kart');
    expect(html).not.toMatch(/Functionality|Google Maps embed/);
  });

  it('should show an English visitor the English ones, and a text given once to everyone', async () => {
    const html = (await request(app()).get('/').set('Accept-Language', 'de, en;q=0.5').expect(200)).text;
    expect(html).toContain('> Functionality');
    expect(html).toContain('Maps and videos.');
    expect(html).toContain('Google Maps embed');
    expect(html).not.toMatch(/Funksjonalitet|Google Maps-kart/);
  });

  it('should translate the declaration page: labels, descriptions, purposes and tracker names', async () => {
    const html = (await request(app()).get('/cookie-policy').set('Accept-Language', NORWEGIAN).expect(200)).text;
    for (const text of ['Funksjonalitet', 'Nødvendige', 'Husker kartinnstillinger.', 'Google Maps-kart']) expect(html).toContain(text);
    expect(html).not.toMatch(/Remembers map settings|Google Maps embed/);
  });
});

describe('loadPolicy with texts by locale', () => {
  const problems = (input: unknown) => {
    try {
      loadPolicy(input as PolicyInput);
    } catch (error) {
      return (error as PolicyError).problems.map((problem) => `${problem.path}: ${problem.message}`);
    }
    return [];
  };

  it('should keep every existing (single-text) policy valid, and accept maps of locales', () => {
    expect(loadPolicy(POLICY).categories.functionality!.label).toEqual({ en: 'Functionality', nb: 'Funksjonalitet' });
    expect(problems({ revision: '1', categories: { essential: { label: 'Essential', required: true } } })).toEqual([]);
  });

  it('should say what is wrong with a text', () => {
    expect(problems({ revision: '1', categories: { essential: { label: '' } } })).toEqual(['categories.essential.label: label must not be empty']);
    expect(problems({ revision: '1', categories: { essential: { label: {} } } })).toEqual(['categories.essential.label: must give at least one locale']);
    expect(problems({ revision: '1', categories: { essential: { label: { 'en!': 'x' } } } })).toEqual(['categories.essential.label: locales are language tags such as "en" or "nb"']);
    expect(problems({ revision: '1', categories: { essential: { label: 3 } } })).toEqual(['categories.essential.label: must be a text, or texts by locale such as { en: "…", nb: "…" }']);
  });
});
