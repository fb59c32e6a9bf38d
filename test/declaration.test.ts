import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, type Framework } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';

describe.each(FRAMEWORKS)('the cookie declaration page on %s', (framework: Framework) => {
  let chosen = '';
  beforeAll(async () => {
    chosen = await consentCookie({ action: 'save', categories: ['performance'] });
  });

  it('should list the policy and offer the choice to an undecided visitor', async () => {
    const response = await request(createApp(framework)).get('/cookie-policy').expect(200).expect('Content-Type', 'text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    const html = response.text;
    expect(html).toContain('<title>Cookies on this site</title>');
    expect(html).toContain('You have not made a choice yet: only essential cookies are used.');
    expect(html).toContain('<th scope="row">__hstc</th><td data-label="Provider">HubSpot</td><td data-label="Type">Persistent</td><td data-label="Set by">This site</td><td data-label="Duration">6 months</td>');
    expect(html).toContain('<input type="checkbox" name="categories" value="essential" checked disabled> Essential / necessary');
    expect(html).toContain('<input type="checkbox" name="categories" value="marketing"> Marketing');
    expect(html).toContain('<form method="post" action="/consent"><input type="hidden" name="action" value="accept-all"><input type="hidden" name="return_to" value="/cookie-policy?saved=1">');
    expect(html).not.toContain('value="withdraw"');
  });

  it("should show a decided visitor's choice, checked, with a way to withdraw", async () => {
    const html = (await request(createApp(framework)).get('/cookie-policy').set('Cookie', chosen).expect(200)).text;
    expect(html).toContain('You allowed: Performance / statistics.');
    expect(html).toContain('<input type="checkbox" name="categories" value="performance" checked> Performance / statistics');
    expect(html).toContain('<input type="hidden" name="action" value="withdraw">');
  });

  it('should tell a GPC visitor why marketing is off', async () => {
    const html = (await request(createApp(framework)).get('/cookie-policy').set('Sec-GPC', '1').expect(200)).text;
    expect(html).toContain('Global Privacy Control), so these stay off unless you turn them on here: Marketing.');
  });

  it("should answer in the visitor's language", async () => {
    const response = await request(createApp(framework)).get('/cookie-policy').set('Accept-Language', 'nb-NO,nb;q=0.9,en;q=0.5').expect(200);
    expect(response.headers['content-language']).toBe('nb');
    expect(response.text).toContain('<html lang="nb">');
    expect(response.text).toContain('Godta alle');
  });

  it('should show the choice page to a browser that navigates to the endpoint, JSON to everyone else', async () => {
    const page = await request(createApp(framework)).get('/consent').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8').set('Cookie', chosen).expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('You allowed: Performance / statistics.');
    expect(page.text).toContain('<input type="hidden" name="return_to" value="/consent?saved=1">');
    expect(page.text).not.toContain('consent-guard-banner');
    const json = await request(createApp(framework)).get('/consent').set('Accept', '*/*').expect(200);
    expect(json.body.decided).toBe(false);
  });

  it('should be a page of its own: a title, a way back to the site, and a confirmation after saving there', async () => {
    const agent = request.agent(createApp(framework));
    const first = (await agent.get('/cookie-policy').expect(200)).text;
    expect(first).toContain('<h1>Cookies on this site</h1>');
    expect(first).toContain('<p class="consent-guard-back"><a href="/">Back to the site</a></p>');
    expect(first).not.toContain('Your choice was saved.');
    // Save, as the page's form does: back to the page, which now says so.
    const saved = await agent.post('/consent').type('form').send('action=save&categories=performance&return_to=%2Fcookie-policy%3Fsaved%3D1').expect(303);
    expect(saved.headers.location).toBe('/cookie-policy?saved=1');
    const after = (await agent.get(saved.headers.location!).expect(200)).text;
    expect(after).toContain('<p class="consent-guard-saved" role="status">Your choice was saved.</p>');
    expect(after).toContain('You allowed: Performance / statistics.');
    // "saved" in a link an undecided visitor follows claims nothing.
    expect((await request(createApp(framework)).get('/cookie-policy?saved=1').expect(200)).text).not.toContain('Your choice was saved.');
  });

  it('should lead back to the page the visitor came from (return_to), never off the site', async () => {
    const html = (await request(createApp(framework)).get('/consent?return_to=%2Fshop%3Fitem%3D1').set('Accept', 'text/html').expect(200)).text;
    expect(html).toContain('<a href="/shop?item=1">Back to the site</a>');
    expect(html).toContain('<input type="hidden" name="return_to" value="/shop?item=1">');
    const outside = (await request(createApp(framework)).get('/cookie-policy?return_to=%2F%2Fevil.example').expect(200)).text;
    expect(outside).toContain('<a href="/">Back to the site</a>');
    expect(outside).not.toContain('evil.example');
  });

  it('should give every table cell its column name, for the narrow-screen layout', async () => {
    const html = (await request(createApp(framework)).get('/cookie-policy').expect(200)).text;
    const cells = html.match(/<td[^>]*>/g)!;
    expect(cells.length).toBeGreaterThan(10);
    expect(cells.every((cell) => / data-label="[^"]+"/.test(cell))).toBe(true);
    expect(html).toMatch(/@media \(max-width:40rem\)\{[^}]*thead\{/);
  });

  it('should render inside the site\'s own layout (declarationLayout), falling back to its own page if that throws', async () => {
    const seen: { title: string; locale: string }[] = [];
    const site = (content: string, info: { title: string; locale: string }) => {
      seen.push(info);
      return `<!doctype html><html lang="${info.locale}"><title>${info.title} | Videonor</title><header>Videonor</header>${content}<footer>©</footer></html>`;
    };
    const html = (await request(createApp(framework, { declarationLayout: site })).get('/cookie-policy').set('Accept-Language', 'nb').expect(200)).text;
    expect(seen).toEqual([{ title: 'Informasjonskapsler på dette nettstedet', locale: 'nb' }]);
    expect(html).toMatch(/^<!doctype html><html lang="nb"><title>Informasjonskapsler på dette nettstedet \| Videonor<\/title><header>Videonor<\/header><div class="consent-guard-page"><style>/);
    expect(html).toContain('<h1>Informasjonskapsler på dette nettstedet</h1>');
    expect(html).toMatch(/<\/div><footer>©<\/footer><\/html>$/);
    const broken = await request(createApp(framework, { declarationLayout: () => { throw new Error('template missing'); } })).get('/cookie-policy').expect(200);
    expect(broken.text).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(broken.text).not.toContain('template missing');
  });

  it('should serve a configured path, and nothing when disabled', async () => {
    await request(createApp(framework, { declaration: '/privacy/cookies' })).get('/privacy/cookies').expect(200);
    await request(createApp(framework, { declaration: false })).get('/cookie-policy').expect(404);
    await request(createApp(framework)).post('/cookie-policy').expect(404);
  });
});
