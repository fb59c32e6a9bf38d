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
    expect(html).toContain('<th scope="row">__hstc</th><td>HubSpot</td><td>Persistent</td><td>This site</td><td>6 months</td>');
    expect(html).toContain('<input type="checkbox" name="categories" value="essential" checked disabled> Essential / necessary');
    expect(html).toContain('<input type="checkbox" name="categories" value="marketing"> Marketing');
    expect(html).toContain('<form method="post" action="/consent"><input type="hidden" name="action" value="accept-all"><input type="hidden" name="return_to" value="/cookie-policy">');
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
    expect(page.text).toContain('<input type="hidden" name="return_to" value="/consent">');
    expect(page.text).not.toContain('consent-guard-banner');
    const json = await request(createApp(framework)).get('/consent').set('Accept', '*/*').expect(200);
    expect(json.body.decided).toBe(false);
  });

  it('should serve a configured path, and nothing when disabled', async () => {
    await request(createApp(framework, { declaration: '/privacy/cookies' })).get('/privacy/cookies').expect(200);
    await request(createApp(framework, { declaration: false })).get('/cookie-policy').expect(404);
    await request(createApp(framework)).post('/cookie-policy').expect(404);
  });
});
