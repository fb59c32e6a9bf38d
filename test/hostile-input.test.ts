import { createGuard, loadPolicy } from '@consent-guard/core';
import fc from 'fast-check';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, POLICY, SECRET, setCookieNames, type Framework } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';

const COOKIES = ['PHPSESSID=1; Path=/', '__hstc=2; Path=/', '_ga=3; Path=/'];
const UNDECIDED = { decided: false, granted: ['essential'] };

describe.each(FRAMEWORKS)('hostile requests on %s', (framework: Framework) => {
  const app = () => createApp(framework, {}, { raw: { '/page': (_req, res) => ((res.statusCode = 200), res.setHeader('Set-Cookie', COOKIES), res.end('ok')) } });
  let forged = '';
  let valid = '';
  beforeAll(async () => {
    valid = await consentCookie({ action: 'accept-all' });
    forged = (await consentCookie({ action: 'reject-all' })).replace('.essential.', '.essential+marketing+performance.');
  });

  it.each([
    ['invalid percent-encoding', () => 'cg_consent=%E0%A4%A; PHPSESSID=%ZZ'],
    ['prototype names', () => '__proto__=1; constructor=2; toString=3; cg_consent=__proto__'],
    ['an 8 KB consent cookie', () => `cg_consent=1.${'A'.repeat(8 * 1024)}.essential+marketing.1.AAAAAAAAAAAAAAAAAAAAAA`],
    ['empty names and stray separators', () => '=x; =; ;;; cg_consent; =cg_consent'],
    ['a forged consent cookie', () => forged],
    ['a forged cookie before a valid one (the first counts)', () => `${forged}; ${valid}`],
    ['garbage in the consent cookie', () => 'cg_consent=1.2.3.4.5.6.7'],
    ['a consent cookie with quotes and spaces', () => `cg_consent="${valid.split('=')[1]} "`],
  ])('should survive %s and grant nothing', async (_name, cookie) => {
    const response = await request(app()).get('/page').set('Cookie', cookie()).expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).not.toContain('__hstc');
    const state = await request(app()).get('/consent').set('Cookie', cookie()).expect(200);
    expect(state.body).toMatchObject(UNDECIDED);
  });

  it('should delete only cookie names that are safe to echo into a header', async () => {
    const response = await request(app()).get('/page').set('Cookie', '_ga x=1; _ga"y=2; _ga_ok=3').expect(200);
    expect(response.headers['set-cookie']).toContain('_ga_ok=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0');
    expect((response.headers['set-cookie'] as unknown as string[]).filter((c) => c.includes('Max-Age=0'))).toHaveLength(1);
  });

  it('should answer random endpoint bodies with 200, 303 or a JSON 4xx, never a crash or a grant', async () => {
    const bodies = fc.sample(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.json({ maxDepth: 3 }),
        fc.record({ action: fc.oneof(fc.constantFrom('save', 'accept-all', 'withdraw'), fc.string()), categories: fc.anything({ maxDepth: 2 }), return_to: fc.string() }).map((b) => JSON.stringify(b)),
      ),
      { seed: 11, numRuns: 60 },
    );
    for (const [index, body] of bodies.entries()) {
      const type = index % 2 ? 'application/json' : 'application/x-www-form-urlencoded';
      const response = await request(app()).post('/consent').set('Content-Type', type).send(body);
      expect([200, 303, 400]).toContain(response.status);
      if (response.status === 400) expect(typeof response.body.error).toBe('string');
    }
  });
});

describe('consentFor', () => {
  const guard = createGuard({ policy: loadPolicy(POLICY), secret: SECRET });

  it('should never throw and never grant more than the required categories for random Cookie and Sec-GPC headers', () => {
    const cookieHeader = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 500 }),
      fc.array(fc.tuple(fc.constantFrom('cg_consent', '__proto__', '', 'a'), fc.string({ maxLength: 60 })), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('; ')),
    );
    fc.assert(
      fc.property(cookieHeader, fc.constantFrom(undefined, '1', ' 1 ', '0', 'yes'), (cookie, gpc) => {
        const state = guard.consentFor({ cookie, ...(gpc === undefined ? {} : { 'sec-gpc': gpc }) });
        expect(state.decided).toBe(false);
        expect(state.granted).toEqual(['essential']);
      }),
      { seed: 5, numRuns: 3000 },
    );
  });
});
