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
    expect(html).toContain('<tr><th scope="row">HubSpot tracking code</th><td>js.hs-scripts.com, js.hs-analytics.net, track.hubspot.com, *.hubspot.com, hubspot.localhost</td></tr>');
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
