import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { BannerTemplates, bannerHtml, type BannerInput } from './banner.js';
import { messagesForRequest } from './messages.js';

const policy = loadPolicy(fileURLToPath(new URL('../../../../examples/express-demo/consent-policy.yaml', import.meta.url)));
const options = { locale: 'en', messages: { nb: { acceptAll: 'Godta alt, også æøå' } } };

function input(language: string | undefined, returnTo: string | undefined, nonce: string | undefined, filesAt?: string, styleNonce = nonce): BannerInput {
  const { locale, messages } = messagesForRequest(language, options);
  return { policy, shared: false, gpcNotice: 'none', messages, locale, endpoint: '/consent', declaration: '/cookies', returnTo, embedding: { nonce, styleNonce, filesAt } };
}

/** The banner a page gets from `templates`, read back. */
function html(templates: BannerTemplates, banner: BannerInput): string {
  return Buffer.concat(templates.bytes(banner)).toString();
}

describe('BannerTemplates', () => {
  const cases = [
    ['en', '/pricing?plan=pro', undefined],
    ['nb', '/pricing?plan=pro', undefined],
    ['nb', '/søk?q="<script>"&x=1', 'n0nce+/='],
    ['en', '/a', '"><script>alert(1)</script>'],
    ['en', undefined, 'abc'],
    ['nb', undefined, undefined],
    ['en', '/æøå', 'ñonce'],
  ] as const;

  it('should give the banner bannerHtml builds, for each locale, return path and nonce', () => {
    const templates = new BannerTemplates();
    // Twice over: the first round builds the templates, the second fills them.
    for (const round of [1, 2]) {
      for (const [language, returnTo, nonce] of cases) {
        for (const filesAt of [undefined, '/consent']) {
          const wanted = bannerHtml(input(language, returnTo, nonce, filesAt));
          expect(html(templates, input(language, returnTo, nonce, filesAt)), `round ${round}: ${language} ${returnTo} ${nonce} ${filesAt}`).toBe(wanted);
        }
      }
    }
    // A pair of nonces (@fastify/helmet): the style's own goes on the style.
    const pair = input('en', '/x', 'script-n0nce', undefined, 'style-"n0nce"');
    expect(html(templates, pair)).toBe(bannerHtml(pair));
    expect(html(templates, pair)).toContain('<style nonce="style-&quot;n0nce&quot;">');
    expect(html(templates, pair)).toContain('<script nonce="script-n0nce">');
    expect(html(templates, input('nb', '/x', undefined))).toContain('Godta alt, ogs&#xe5; &#xe6;&#xf8;&#xe5;');
    expect(html(templates, input('en', '/x', undefined))).toContain('Accept all');
  });

  it('should build a template per locale and kind of embedding, whatever the return paths and nonces', () => {
    let builds = 0;
    const templates = new BannerTemplates((banner) => {
      builds++;
      return bannerHtml(banner);
    });
    for (let i = 0; i < 2000; i++) {
      const banner = input(i % 2 ? 'nb' : 'en', `/page/${i}?q=${i}`, `nonce${i}`);
      expect(html(templates, banner)).toBe(bannerHtml(banner));
    }
    // Two locales, two builds each (the template, and a check that no text has a slot's NUL).
    expect(builds).toBe(4);
  });

  it('should build every banner afresh when a text of the site has a NUL, rather than fill it', () => {
    const nul = { locale: 'en', messages: { en: { bannerText: 'a \0return-to\0 b' } } };
    const { locale, messages } = messagesForRequest(undefined, nul);
    const banner: BannerInput = { policy, shared: false, gpcNotice: 'none', messages, locale, endpoint: '/consent', declaration: false, returnTo: '/x', embedding: { nonce: undefined, styleNonce: undefined, filesAt: undefined } };
    const templates = new BannerTemplates();
    expect(html(templates, banner)).toBe(bannerHtml(banner));
    expect(html(templates, banner)).toContain('a \0return-to\0 b');
  });
});
