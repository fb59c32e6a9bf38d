import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentCookie } from '../helpers/consent.js';
import { DEMO_SECRET, startDemo, stopSites, type Demo } from '../e2e/demo.js';

// The PHP demo as `npm run start:proxy` runs it: PHP 8.3 (WebAssembly, from npm) behind the
// proxy. Its page prints the Cookie header PHP received. (The Chromium flows: test/e2e.)
let demo: Demo;

beforeAll(async () => {
  demo = await startDemo('proxy');
}, 60_000);

afterAll(() => stopSites());

const cookiesPhpSaw = (html: string) => /which received these cookies: <code>([^<]*)<\/code>/.exec(html)?.[1];

describe('the PHP demo behind the proxy', () => {
  it("should let only PHP's essential session cookie out to an undecided visitor", async () => {
    const page = await request(demo.origin).get('/').expect(200);
    const names = (page.headers['set-cookie'] as unknown as string[]).map((cookie) => cookie.split('=')[0]);
    expect(names).toEqual(['PHPSESSID']);
    expect(page.text).toContain('id="consent-guard-banner"');
    expect(page.text).toMatch(/rendered by PHP 8\.3\.\d+/);
  });

  it('should hand PHP only the cookies of granted categories', async () => {
    // Signed with the secret the demo runs with (test/e2e/demo.ts), for the same policy.
    const consent = await consentCookie({ action: 'save', categories: ['performance'] }, { secret: DEMO_SECRET });
    const page = await request(demo.origin).get('/').set('Cookie', `PHPSESSID=abc123; __hstc=hubspot-id; __ab12=A; mystery=1; ${consent}`).expect(200);
    expect(cookiesPhpSaw(page.text)).toBe(`PHPSESSID=abc123; __ab12=A; ${consent}`);
    const rejected = await request(demo.origin).get('/').set('Cookie', `PHPSESSID=abc123; __hstc=hubspot-id; __ab12=A`).expect(200);
    expect(cookiesPhpSaw(rejected.text)).toBe('PHPSESSID=abc123');
  });

  it('should answer every visitor, 16 at a time, while PHP renews its runtime (every 400 requests)', async () => {
    const statuses = new Map<number, number>();
    let next = 0;
    const visitor = async () => {
      for (let index = next++; index < 450; index = next++) {
        const page = await request(demo.origin).get('/').set('Cookie', `PHPSESSID=visitor${index}`);
        statuses.set(page.status, (statuses.get(page.status) ?? 0) + 1);
        if (cookiesPhpSaw(page.text) !== `PHPSESSID=visitor${index}`) statuses.set(-1, (statuses.get(-1) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, visitor));
    expect(Object.fromEntries(statuses)).toEqual({ 200: 450 });
  }, 60_000);
});
