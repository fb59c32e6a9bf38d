import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, htmlPage, startApp, type Framework, type Options } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';

const PAGE = `<!doctype html><html><head><title>t</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
</head><body><iframe src="https://www.google.com/maps/embed?pb=1" title="Map"></iframe>
<script src="https://js.hs-scripts.com/4242.js"></script></body></html>`;

describe.each(FRAMEWORKS)("cache: 'shared' on %s", (framework: Framework) => {
  const app = (options: Options = {}) =>
    createApp(framework, options, {
      raw: {
        '/page': htmlPage(PAGE, { ETag: '"v1"' }),
        '/page-with-cookies': htmlPage(PAGE, { 'Set-Cookie': ['PHPSESSID=s1; Path=/', '__hstc=h1; Path=/'] }),
      },
      // The frameworks' own conditional GET, which the guard's consent-keyed ETags go through.
      express: {
        '/conditional': (_req, res) => {
          res.set('ETag', '"v1"').type('html').send(PAGE);
        },
      },
      koa: {
        '/conditional': (ctx) => {
          ctx.status = 200;
          ctx.type = 'html';
          ctx.etag = '"v1"';
          if (ctx.fresh) ctx.status = 304;
          else ctx.body = PAGE;
        },
      },
      fastify: {
        '/conditional': (request, reply) => {
          reply.header('ETag', '"v1"').type('text/html');
          // A weak comparison, as @fastify/etag and Koa's ctx.fresh make.
          return request.headers['if-none-match']?.replace(/^W\//, '') === '"v1"' ? reply.code(304).send() : reply.send(PAGE);
        },
      },
    });
  const shared = () => app({ cache: 'shared' });
  let accepted = '';
  let rejected = '';
  beforeAll(async () => {
    accepted = await consentCookie({ action: 'accept-all' });
    rejected = await consentCookie({ action: 'reject-all' });
  });

  it('should send every visitor the same page: trackers neutralized, the banner in it, marked for the script', async () => {
    const pages = await Promise.all(
      [undefined, accepted, rejected].map(async (cookie) => {
        const response = await request(shared()).get('/page').set('Cookie', cookie ?? '').expect(200);
        return { text: response.text, etag: response.headers.etag, vary: response.headers.vary };
      }),
    );
    expect(pages[1]).toEqual(pages[0]);
    expect(pages[2]).toEqual(pages[0]);
    const { text, etag, vary } = pages[0]!;
    expect(text).toContain('<script data-consent-src="https://js.hs-scripts.com/4242.js" type="text/plain" data-consent-category="marketing">');
    expect(text).toContain('data-consent-src="https://www.google.com/maps/embed?pb=1"');
    expect(text).toMatch(/<div id="consent-guard-banner" [^>]*data-consent-shared>/);
    expect(text).toContain("gtag('consent','default',");
    // Nothing in it depends on the visitor's cookies; the banner's language does depend on theirs.
    expect(vary).toBe('Accept-Language');
    expect(etag).toMatch(/^W\/"v1/);
  });

  it('should keep rewriting per visitor by default', async () => {
    const [undecided, yes] = await Promise.all([request(app()).get('/page').expect(200), request(app()).get('/page').set('Cookie', accepted).expect(200)]);
    expect(yes.text).toContain('<script src="https://js.hs-scripts.com/4242.js">');
    expect(undecided.text).toContain('<script data-consent-src="https://js.hs-scripts.com/4242.js" type="text/plain" data-consent-category="marketing">');
    expect(undecided.headers.vary).toBe('Cookie, Sec-GPC, Accept-Language');
    expect(yes.headers.vary).toBe('Cookie, Sec-GPC');
  });

  it('should still enforce Set-Cookie per visitor, and say the head depends on the cookie', async () => {
    const undecided = await request(shared()).get('/page-with-cookies').expect(200);
    expect(undecided.headers['set-cookie']).toEqual(['PHPSESSID=s1; Path=/']);
    expect(undecided.headers.vary).toBe('Cookie, Sec-GPC, Accept-Language');
    const yes = await request(shared()).get('/page-with-cookies').set('Cookie', accepted).expect(200);
    expect(yes.headers['set-cookie']).toEqual(['PHPSESSID=s1; Path=/', '__hstc=h1; Path=/']);
    expect(yes.text).toBe(undecided.text);
  });

  it('should answer a conditional request of any visitor with 304 for the shared page', async () => {
    const { etag } = (await request(shared()).get('/conditional').expect(200)).headers;
    const notModified = await request(shared()).get('/conditional').set('Cookie', accepted).set('If-None-Match', etag!).expect(304);
    // The shared page is everyone's: its 304 does not vary by cookie either.
    expect(notModified.headers.vary ?? '').not.toMatch(/Cookie/);
    await request(app()).get('/conditional').set('Cookie', accepted).set('If-None-Match', etag!).expect(200);
  });

  it('should give placeholders a link to the choice page instead of a form that would forget other choices', async () => {
    const { text } = await request(shared()).get('/page?x=1').set('Cookie', rejected).expect(200);
    expect(text).toContain('href=&quot;/consent?return_to=%2Fpage%3Fx%3D1&quot; target=&quot;_top&quot;');
    expect(text).not.toContain('name=&quot;action&quot; value=&quot;save&quot;');
  });

  it('should let the choice page come back to the page that linked to it, on this site only', async () => {
    const page = (query: string) => request(shared()).get(`/consent${query}`).set('Accept', 'text/html').expect(200);
    expect((await page('?return_to=%2Fpage%3Fx%3D1')).text).toContain('<input type="hidden" name="return_to" value="/page?x=1">');
    expect((await page('?return_to=https%3A%2F%2Fevil.example%2F')).text).toContain('<input type="hidden" name="return_to" value="/consent?saved=1">');
    expect((await page('?return_to=%2F%2Fevil.example')).text).not.toContain('evil');
  });

  it("should refuse a cache mode it does not know, at startup", async () => {
    await expect(startApp(framework, { cache: 'public' as never })).rejects.toThrow('option cache must be "vary" or "shared", not "public"');
  });
});
