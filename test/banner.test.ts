import { loadPolicy, type ReportEvent } from '@consent-guard/core';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, POLICY, type Framework, type Options } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';

const PAGE = '<!doctype html><html><head><title>t</title></head><body><p>Hello</p></body></html>\n';
// Right after the <body> start tag: first in reading and tab order.
const BANNER_AT_BODY_START = /^<!doctype html><html><head><title>t<\/title><\/head><body><div id="consent-guard-banner" role="dialog" aria-modal="false" aria-labelledby="consent-guard-title" lang="en"[^>]*>.*<\/div><p>Hello<\/p><\/body><\/html>\n$/s;

describe.each(FRAMEWORKS)('the consent banner on %s', (framework: Framework) => {
  const app = (options: Options = {}, body = PAGE, type = 'text/html; charset=utf-8') =>
    createApp(framework, options, {
      raw: {
        '/page': (_req, res) => {
          res.statusCode = 200;
          res.setHeader('Content-Type', type);
          res.end(body);
        },
      },
      express: {
        '/nonce': (_req, res) => {
          res.locals.cspNonce = 'r4nd0m';
          res.type('html').send(PAGE);
        },
      },
      koa: {
        '/nonce': (ctx) => {
          ctx.state.cspNonce = 'r4nd0m';
          ctx.type = 'html';
          ctx.body = PAGE;
        },
      },
      fastify: {
        '/nonce': (_request, reply) => {
          Object.assign(reply, { cspNonce: 'r4nd0m' });
          return reply.type('text/html').send(PAGE);
        },
      },
    });
  /** The page written in two chunks, split at `at`. */
  const chunked = (page: string, at: number) =>
    createApp(framework, {}, {
      raw: {
        '/page': (_req, res) => {
          res.statusCode = 200;
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.write(page.slice(0, at));
          setTimeout(() => res.end(page.slice(at)), 1);
        },
      },
    });
  let decided = '';
  beforeAll(async () => {
    decided = await consentCookie({ action: 'reject-all' });
  });

  it('should follow the body of a page for an undecided visitor, with forms that work without JavaScript', async () => {
    const response = await request(app()).get('/page?from=banner').expect(200);
    const html = response.text;
    expect(html).toMatch(BANNER_AT_BODY_START);
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(html));
    const back = '<input type="hidden" name="return_to" value="/page?from=banner">';
    expect(html).toContain(`<form method="post" action="/consent"><input type="hidden" name="action" value="accept-all">${back}<button type="submit">Accept all</button></form>`);
    expect(html).toContain(`<form method="post" action="/consent"><input type="hidden" name="action" value="reject-all">${back}<button type="submit">Reject all</button></form>`);
    expect(html).toContain('<input type="checkbox" name="categories" value="essential" checked disabled> Essential / necessary (Always on)');
    expect(html).toContain('<input type="checkbox" name="categories" value="marketing"> Marketing');
    expect(html).not.toMatch(/value="(functionality|performance|marketing)" checked/);
    expect(html).toContain('<a href="/cookie-policy">Which cookies, and why</a>');
    // A labelled, described dialog that the page's skip links and script can focus.
    expect(html).toMatch(/<div id="consent-guard-banner" [^>]*aria-describedby="consent-guard-text" tabindex="-1"/);
    expect(html).toContain('<p id="consent-guard-text">We use essential cookies');
  });

  it('should go right after a <body> start tag with attributes, in any case, split across chunks anywhere', async () => {
    const page = '<!DOCTYPE html><html><head><title>t</title></head><BODY class="home" data-x=">">\n<main>Hi</main></BODY></html>';
    for (const at of [0, 10, 55, 60, 66, 70, page.length]) {
      const html = (await request(chunked(page, at)).get('/page').expect(200)).text;
      expect(html.startsWith('<!DOCTYPE html><html><head><title>t</title></head><BODY class="home" data-x=">"><div id="consent-guard-banner"')).toBe(true);
      expect(html.endsWith('</div>\n<main>Hi</main></BODY></html>')).toBe(true);
    }
  });

  it('should say why a page without a <body> start tag gets no banner', async () => {
    const events: ReportEvent[] = [];
    const body = '<!doctype html><title>t</title><p>No body tag: browsers infer one.</p>';
    expect((await request(app({ onReport: (event) => events.push(event) }, body)).get('/page').expect(200)).text).toBe(body);
    expect(events).toEqual([expect.objectContaining({ type: 'html-skipped', reason: 'no <body> start tag, so no consent banner', path: '/page' })]);
    // A decided visitor is owed no banner: nothing to report.
    events.length = 0;
    await request(app({ onReport: (event) => events.push(event) }, body)).get('/page').set('Cookie', decided).expect(200);
    expect(events).toEqual([]);
  });

  it('should be gone once the visitor decided, and never appear on the declaration page', async () => {
    expect((await request(app()).get('/page').set('Cookie', decided).expect(200)).text).toBe(PAGE);
    expect((await request(app()).get('/cookie-policy').expect(200)).text).not.toContain('consent-guard-banner');
  });

  it.each<[string, Options, string, string]>([
    ['banner: false', { banner: false }, PAGE, 'text/html'],
    ['report-only mode', { mode: 'report-only' }, PAGE, 'text/html'],
    ['an HTML fragment without <body>', {}, '<li>item</li>', 'text/html'],
    ['XHTML', {}, PAGE, 'application/xhtml+xml'],
    ['JSON', {}, '{"a":1}', 'application/json'],
  ])('should not appear with %s', async (_name, options, body, type) => {
    expect((await request(app(options, body, type)).get('/page').expect(200)).text).toBe(body);
  });

  it('should escape the policy and write non-ASCII as character references', async () => {
    const policy = loadPolicy(POLICY);
    const hostile = { ...policy, categories: { ...policy.categories, marketing: { ...policy.categories.marketing!, label: '<script>alert("x")</script> Markedsføring' } } };
    const html = (await request(app({ policy: hostile })).get('/page').expect(200)).text;
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Markedsf&#xf8;ring');
  });

  it("should speak the visitor's language", async () => {
    const html = (await request(app()).get('/page').set('Accept-Language', 'nb').expect(200)).text;
    expect(html).toContain('lang="nb"');
    expect(html).toContain('<button type="submit">Godta alle</button>');
  });

  it("should carry the app's CSP nonce on its style", async () => {
    const html = (await request(app()).get('/nonce').expect(200)).text;
    expect(html).toContain('<style nonce="r4nd0m">#consent-guard-banner{');
  });
});
