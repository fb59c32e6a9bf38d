import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { messagesFor, negotiateLocale } from './messages.js';
import { renderDeclaration } from './render.js';

const example = fileURLToPath(new URL('../../../../examples/express-demo/consent-policy.yaml', import.meta.url));

describe('renderDeclaration', () => {
  it('should render every category with its cookies and trackers as HTML', () => {
    const html = renderDeclaration(example);
    expect(html).toMatch(/^<section class="consent-guard-declaration" lang="en">/);
    expect(html).toContain('<h3>Essential / necessary <small>(Always on)</small></h3>');
    expect(html).toContain('<tr><th scope="row">PHPSESSID</th><td>Videonor</td><td>Session</td><td>This site</td><td>When the browser is closed</td>');
    expect(html).toContain('<tr><th scope="row">NID</th><td>Google</td><td>Persistent</td><td>Third party</td><td>6 months</td>');
    expect(html).toContain('<tr><th scope="row">HubSpot tracking code</th><td>HubSpot</td><td><a href="https://legal.hubspot.com/privacy-policy" rel="noopener noreferrer">https://legal.hubspot.com/privacy-policy</a></td></tr>');
    // The demo's offline stand-in, a tracker of its own.
    expect(html).toContain('<tr><th scope="row">HubSpot tracking code</th><td>hubspot.localhost</td></tr>');
    expect(html).toContain('Policy revision 2018-09-10');
    const order = ['Essential / necessary', 'Functionality', 'Performance / statistics', 'Marketing'].map((label) => html.indexOf(`<h3>${label}`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('should escape everything taken from the policy', () => {
    const policy = {
      revision: '<b>1</b>',
      categories: { essential: { label: '<img src=x onerror=alert(1)>', description: '"quoted" & <i>', required: true } },
      cookies: [{ name: 'a', category: 'essential', purpose: '</td><script>alert(1)</script>' }],
    };
    const html = renderDeclaration(policy);
    expect(html).not.toMatch(/<img src=x|<script>|<i>|<b>1/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('should render Markdown tables that policy text cannot break', () => {
    const policy = { ...loadPolicy(example), cookies: [{ name: 'x', category: 'essential', purpose: 'a | b\nc' }] };
    const markdown = renderDeclaration(policy, { format: 'markdown' });
    expect(markdown).toContain('# Cookies on this site');
    expect(markdown).toContain('## Essential / necessary (Always on)');
    expect(markdown).toContain('| Name | Provider | Type | Set by | Duration | Purpose |');
    expect(markdown).toContain('| x |  |  | This site |  | a \\| b c |');
    expect(markdown).toContain('_Policy revision 2018-09-10_');
  });

  it('should speak Norwegian, and take the site\'s own texts over the built-in ones', () => {
    expect(renderDeclaration(example, { locale: 'nb' })).toContain('<h2>Informasjonskapsler på dette nettstedet</h2>');
    expect(renderDeclaration(example, { locale: 'no-NO' })).toContain('lang="nb"');
    expect(renderDeclaration(example, { locale: 'nb', messages: { nb: { title: 'Våre kaker' } } })).toContain('<h2>Våre kaker</h2>');
    expect(renderDeclaration(example, { locale: 'de' })).toContain('<h2>Cookies on this site</h2>');
  });
});

describe('a policy of only categories and services', () => {
  const policy = {
    revision: '2026-12-01',
    categories: {
      essential: { label: 'Essential', required: true },
      functionality: { label: 'Functionality' },
      performance: { label: 'Statistics' },
      marketing: { label: 'Marketing' },
    },
    services: { 'google-analytics': 'performance', hubspot: 'marketing', youtube: 'functionality', stripe: 'essential' },
  };

  it('should declare every service with its provider and privacy policy, and every cookie it sets, in the chosen category', () => {
    const html = renderDeclaration(policy);
    expect(html).toContain(
      '<h4>Services</h4><table><thead><tr><th scope="col">Name</th><th scope="col">Provider</th><th scope="col">Privacy policy</th></tr></thead><tbody><tr><th scope="row">Google Analytics 4</th><td>Google</td><td><a href="https://policies.google.com/privacy" rel="noopener noreferrer">https://policies.google.com/privacy</a></td></tr></tbody></table>',
    );
    const section = (id: string) => html.slice(html.indexOf(`id="consent-category-${id}"`), html.indexOf('</section>', html.indexOf(`id="consent-category-${id}"`)));
    expect(section('performance')).toContain('<tr><th scope="row">_ga</th><td>Google</td><td>Persistent</td><td>This site</td><td>2 years</td><td>Distinguishes visitors for Google Analytics statistics.</td></tr>');
    expect(section('marketing')).toContain('<th scope="row">HubSpot tracking code</th><td>HubSpot</td><td><a href="https://legal.hubspot.com/privacy-policy"');
    expect(section('marketing')).toContain('<th scope="row">hubspotutk</th>');
    expect(section('functionality')).toContain('<tr><th scope="row">YSC</th><td>Google</td><td>Session</td><td>Third party</td>');
    expect(section('essential')).toContain('<th scope="row">__stripe_mid</th><td>Stripe</td>');
    expect(html).not.toContain('No cookies in this category.');
    expect(html).not.toContain('<h4>Trackers</h4>');
  });

  it('should list the services in Markdown too, with the privacy policy as a link', () => {
    const markdown = renderDeclaration(policy, { format: 'markdown', locale: 'nb' });
    expect(markdown).toContain('### Tjenester\n\n| Navn | Leverandør | Personvernerklæring |\n|---|---|---|\n| YouTube video embed | Google | [https://policies.google.com/privacy](https://policies.google.com/privacy) |');
    expect(markdown).toContain('| __hssrc | HubSpot | Økt | Dette nettstedet | When the browser is closed |');
  });
});

describe('locales', () => {
  it.each([
    ['nb-NO,nb;q=0.9,en;q=0.8', 'nb'],
    ['no', 'nb'],
    ['de-DE, en;q=0.5', 'en'],
    ['de', undefined],
    ['en;q=0.1, nb;q=0.9', 'nb'],
    ['', undefined],
  ])('should pick from %j: %s', (header, expected) => {
    expect(negotiateLocale(header, ['en', 'nb'])).toBe(expected);
  });

  it('should fall back to English texts for a locale the site only partly defines', () => {
    const { locale, messages } = messagesFor('sv', { sv: { acceptAll: 'Godkänn alla' } });
    expect(locale).toBe('sv');
    expect(messages.acceptAll).toBe('Godkänn alla');
    expect(messages.rejectAll).toBe('Reject all');
  });
});
