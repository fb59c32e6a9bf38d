import { fileURLToPath } from 'node:url';
import { marked } from 'marked';
import { parseFragment, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { messagesFor, messagesForRequest, negotiateLocale } from './messages.js';
import { renderDeclaration } from './render.js';

type ChildNode = DefaultTreeAdapterMap['childNode'];

const textOf = (node: ChildNode): string => ('value' in node ? node.value : 'childNodes' in node ? node.childNodes.map(textOf).join('') : '');

const example = fileURLToPath(new URL('../../../../examples/express-demo/consent-policy.yaml', import.meta.url));

describe('renderDeclaration', () => {
  it('should render every category with its cookies and trackers as HTML', () => {
    const html = renderDeclaration(example);
    expect(html).toMatch(/^<section class="consent-guard-declaration" lang="en">/);
    expect(html).toContain('<h3>Essential / necessary <small>(Always on)</small></h3>');
    expect(html).toContain('<tr><th scope="row">PHPSESSID</th><td data-label="Provider">Videonor</td><td data-label="Type">Session</td><td data-label="Set by">This site</td><td data-label="Duration">When the browser is closed</td>');
    expect(html).toContain('<tr><th scope="row">NID</th><td data-label="Provider">Google</td><td data-label="Type">Persistent</td><td data-label="Set by">Third party</td><td data-label="Duration">6 months</td>');
    expect(html).toContain('<tr><th scope="row">HubSpot tracking code</th><td data-label="Provider">HubSpot</td><td data-label="Privacy policy"><a href="https://legal.hubspot.com/privacy-policy" rel="noopener noreferrer">https://legal.hubspot.com/privacy-policy</a></td></tr>');
    // The demo's offline stand-ins are trackers of their own, for development: not shown to visitors.
    expect(html).not.toContain('localhost');
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
    // As a browser reads it: the same texts, in the elements the declaration made.
    const texts: string[] = [];
    const walk = (node: ChildNode): void => {
      if (node.nodeName === 'td' || node.nodeName === 'h3' || node.nodeName === 'p') texts.push(textOf(node));
      if ('childNodes' in node) node.childNodes.forEach(walk);
    };
    parseFragment(html).childNodes.forEach(walk);
    expect(texts).toEqual(expect.arrayContaining(['<img src=x onerror=alert(1)> (Always on)', '"quoted" & <i>', '</td><script>alert(1)</script>', 'Policy revision <b>1</b>']));
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

  it('should show every policy string in Markdown exactly as written (no emphasis, links or HTML from names)', () => {
    const tricky = ['_ga_*', '_hjSessionUser_*', '__hs*', 'a*b*c', '[x](http://evil.example)', '<img src=x>', '`code`', '~~gone~~', '&lt;', 'pipe | bar', '# not a heading', '1. not a list'];
    const policy = {
      revision: '2024_05_*',
      categories: {
        essential: { label: '*Essential*', description: '- not a list\n1. nor this\n__bold__ <b>x</b>', required: true },
      },
      cookies: tricky.slice(0, 4).map((name) => ({ name, category: 'essential', provider: '_Google_', purpose: tricky.slice(4).join(' ') })),
      trackers: [{ name: '**Hub**_Spot_', category: 'essential', hosts: ['*.hubspot.com'] }],
    };
    const rendered = marked.parse(renderDeclaration(policy, { format: 'markdown' }), { async: false });
    const document = parseFragment(rendered);
    const elements = (node: ChildNode): string[] => ('childNodes' in node ? [node.nodeName, ...node.childNodes.flatMap(elements)] : [node.nodeName]);
    // Only the structure the declaration itself makes (GFM links a bare URL, showing it as written).
    expect(new Set(document.childNodes.flatMap(elements).filter((name) => !name.startsWith('#')))).toEqual(new Set(['h1', 'p', 'h2', 'table', 'thead', 'tr', 'th', 'tbody', 'td', 'h3', 'em', 'a']));
    expect(new Set(rendered.match(/<a [^>]*>[^<]*<\/a>/g))).toEqual(new Set(['<a href="http://evil.example">http://evil.example</a>']));
    const cells = (cell: ChildNode) => textOf(cell).trim();
    const rows = document.childNodes.flatMap((node) => ('childNodes' in node && node.nodeName === 'table' ? [node] : [])).flatMap((table) => {
      const tbody = table.childNodes.find((node) => node.nodeName === 'tbody');
      return tbody && 'childNodes' in tbody ? tbody.childNodes.filter((row) => row.nodeName === 'tr').map((row) => ('childNodes' in row ? row.childNodes.filter((c) => c.nodeName === 'td').map(cells) : [])) : [];
    });
    expect(rows.map((row) => row[0])).toEqual([...tricky.slice(0, 4), '**Hub**_Spot_']);
    expect(rows[0]).toEqual(['_ga_*', '_Google_', '', 'This site', '', tricky.slice(4).join(' ')]);
    expect(rows[4]).toEqual(['**Hub**_Spot_', '*.hubspot.com']);
    const headings = document.childNodes.filter((node) => node.nodeName === 'h2').map(textOf);
    expect(headings).toEqual(['*Essential* (Always on)']);
    const paragraphs = document.childNodes.filter((node) => node.nodeName === 'p').map(textOf);
    expect(paragraphs).toContain('- not a list\n1. nor this\n__bold__ <b>x</b>');
    expect(paragraphs.at(-1)).toBe('Policy revision 2024_05_*');
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
      '<h4>Services</h4><table><thead><tr><th scope="col">Name</th><th scope="col">Provider</th><th scope="col">Privacy policy</th></tr></thead><tbody><tr><th scope="row">Google Analytics 4</th><td data-label="Provider">Google</td><td data-label="Privacy policy"><a href="https://policies.google.com/privacy" rel="noopener noreferrer">https://policies.google.com/privacy</a></td></tr></tbody></table>',
    );
    const section = (id: string) => html.slice(html.indexOf(`id="consent-category-${id}"`), html.indexOf('</section>', html.indexOf(`id="consent-category-${id}"`)));
    expect(section('performance')).toContain('<tr><th scope="row">_ga</th><td data-label="Provider">Google</td><td data-label="Type">Persistent</td><td data-label="Set by">This site</td><td data-label="Duration">2 years</td><td data-label="Purpose">Distinguishes visitors for Google Analytics statistics.</td></tr>');
    expect(section('marketing')).toContain('<th scope="row">HubSpot tracking code</th><td data-label="Provider">HubSpot</td><td data-label="Privacy policy"><a href="https://legal.hubspot.com/privacy-policy"');
    expect(section('marketing')).toContain('<th scope="row">hubspotutk</th>');
    expect(section('functionality')).toContain('<tr><th scope="row">YSC</th><td data-label="Provider">Google</td><td data-label="Type">Session</td><td data-label="Set by">Third party</td>');
    expect(section('essential')).toContain('<th scope="row">__stripe_mid</th><td data-label="Provider">Stripe</td>');
    expect(html).not.toContain('No cookies in this category.');
    expect(html).not.toContain('<h4>Trackers</h4>');
  });

  it('should list the services in Markdown too, with the privacy policy as a link', () => {
    const markdown = renderDeclaration(policy, { format: 'markdown', locale: 'nb' });
    expect(markdown).toContain('### Tjenester\n\n| Navn | Leverandør | Personvernerklæring |\n|---|---|---|\n| YouTube video embed | Google | <https://policies.google.com/privacy> |');
    expect(markdown).toContain('| \\_\\_hssrc | HubSpot | Økt | Dette nettstedet | When the browser is closed |');
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

  it("should give each request the texts of its language among the site's, built once per language", () => {
    const options = { locale: 'sv', messages: { sv: { acceptAll: 'Godkänn alla' } } };
    const asked = ['nb-NO,nb;q=0.9', 'sv-SE', 'de', undefined, 'en;q=0.5, nb;q=0.1', `x-${'a'.repeat(50)}`].map((header) => messagesForRequest(header, options));
    expect(asked.map(({ locale, messages }) => [locale, messages.acceptAll])).toEqual([
      ['nb', 'Godta alle'],
      ['sv', 'Godkänn alla'],
      ['sv', 'Godkänn alla'],
      ['sv', 'Godkänn alla'],
      ['en', 'Accept all'],
      ['sv', 'Godkänn alla'],
    ]);
    expect(messagesForRequest('nb', options)).toBe(asked[0]);
    expect(Object.isFrozen(asked[0]!.messages)).toBe(true);
    // Another site's options, another site's texts.
    expect(messagesForRequest('sv', { locale: 'en', messages: {} }).messages.acceptAll).toBe('Accept all');
  });
});
