import { loadPolicy } from '@consent-guard/core';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, POLICY, setCookies, type Framework } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';

const base = loadPolicy(POLICY);
const policy = {
  ...base,
  cookies: [
    ...base.cookies,
    { name: 'pref', category: 'functionality', domain: '.shop.example', path: '/account' },
    { name: '__Host-pref', category: 'functionality', domain: 'shop.example', path: '/account' },
    { name: '__Secure-ad', category: 'marketing' },
  ],
};
const EPOCH = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0';

describe.each(FRAMEWORKS)('purging stored cookies on %s', (framework: Framework) => {
  const app = (proxy = false) =>
    createApp(framework, { policy, proxy }, {
      raw: {
        '/page': (_req, res) => {
          res.statusCode = 200;
          res.setHeader('Set-Cookie', '__hssc=; Path=/; Max-Age=0');
          res.end('ok');
        },
      },
    });
  const deletions = (header: string | string[] | undefined) => setCookies(header).filter((c) => c.includes('Max-Age=0'));

  it("should delete each denied first-party cookie once, on the policy's Path and Domain", async () => {
    const response = await request(app())
      .get('/page')
      .set('Cookie', 'pref=a; pref=b; __Host-pref=c; __Secure-ad=d; NID=google; PHPSESSID=s; cg_consent=junk; __hssc=x; unknown=u')
      .expect(200);
    expect(deletions(response.headers['set-cookie'])).toEqual([
      '__hssc=; Path=/; Max-Age=0',
      `pref=; Path=/account; Domain=.shop.example; ${EPOCH}`,
      `__Host-pref=; Path=/; ${EPOCH}; Secure`,
      `__Secure-ad=; Path=/; ${EPOCH}; Secure`,
    ]);
  });

  it('should mark deletions Secure on https', async () => {
    const response = await request(app(true)).get('/page').set('X-Forwarded-Proto', 'https').set('Cookie', '__hstc=1').expect(200);
    expect(deletions(response.headers['set-cookie'])).toContain(`__hstc=; Path=/; ${EPOCH}; Secure`);
  });

  it('should delete nothing the visitor granted', async () => {
    const everything = await consentCookie({ action: 'accept-all' }, { policy });
    const response = await request(app()).get('/page').set('Cookie', `${everything}; pref=a; __hstc=1; _ga=2`).expect(200);
    expect(deletions(response.headers['set-cookie'])).toEqual(['__hssc=; Path=/; Max-Age=0']);
  });
});
