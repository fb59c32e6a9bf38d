import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, htmlPage, type Framework } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';

const PAGE = '<!doctype html><html><head><title>t</title></head><body><iframe src="https://www.google.com/maps/embed?pb=1" title="Map"></iframe></body></html>';

describe.each(FRAMEWORKS)('the placeholder of a blocked frame on %s', (framework: Framework) => {
  const app = () =>
    createApp(framework, { messages: { nb: { placeholderAllow: 'Ja takk til {category}' } } }, {
      raw: {
        '/page': htmlPage(PAGE),
      },
    });
  let rejected = '';
  beforeAll(async () => {
    rejected = await consentCookie({ action: 'reject-all' });
  });

  it("should speak the visitor's language, with the site's own texts", async () => {
    const response = await request(app()).get('/page').set('Cookie', rejected).set('Accept-Language', 'nb-NO, en;q=0.5').expect(200);
    const srcdoc = /srcdoc="([^"]*)"/.exec(response.text)![1]!;
    expect(srcdoc).toContain('&lt;html lang=&quot;nb&quot;&gt;');
    expect(srcdoc).toContain('Dette innholdet fra &lt;strong&gt;Google Maps&lt;/strong&gt; trenger samtykke til informasjonskapsler for &lt;strong&gt;Functionality&lt;/strong&gt;.');
    expect(srcdoc).toContain('&lt;button type=&quot;submit&quot;&gt;Ja takk til Functionality&lt;/button&gt;');
    // So a cache must not give this page to an English reader.
    expect(response.headers.vary).toBe('Cookie, Sec-GPC, Accept-Language');
  });

  it('should give each page, language and choice its own placeholder, however often one app serves the same frame', async () => {
    const server = app();
    const stats = await consentCookie({ action: 'save', categories: ['performance'] });
    const srcdocOf = async (path: string, cookie: string, language: string) => /srcdoc="([^"]*)"/.exec((await request(server).get(path).set('Cookie', cookie).set('Accept-Language', language).expect(200)).text)![1]!;
    for (let round = 0; round < 2; round++) {
      const first = await srcdocOf('/page?x=1', rejected, 'en');
      expect(first).toContain('name=&quot;return_to&quot; value=&quot;/page?x=1&quot;');
      expect(first).not.toContain('value=&quot;performance&quot;');
      expect(await srcdocOf('/page?x=2', rejected, 'en')).toContain('name=&quot;return_to&quot; value=&quot;/page?x=2&quot;');
      // The form keeps what the visitor granted already.
      expect(await srcdocOf('/page?x=1', stats, 'en')).toContain('&lt;input type=&quot;hidden&quot; name=&quot;categories&quot; value=&quot;performance&quot;&gt;');
      expect(await srcdocOf('/page?x=1', rejected, 'nb')).toContain('Ja takk til Functionality');
      expect(await srcdocOf('/page?x=1', rejected, 'en')).toBe(first);
    }
  });

  it('should fall back to the default language', async () => {
    const { text } = await request(app()).get('/page').set('Cookie', rejected).set('Accept-Language', 'de').expect(200);
    expect(text).toContain('This content from &lt;strong&gt;Google Maps&lt;/strong&gt; needs your consent to &lt;strong&gt;Functionality&lt;/strong&gt; cookies.');
    expect(text).toContain('Allow Functionality');
  });
});
