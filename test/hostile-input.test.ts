import { createGuard, loadPolicy } from '@consent-guard/core';
import fc from 'fast-check';
import request from 'supertest';
import { Cookie } from 'tough-cookie';
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

describe('random Set-Cookie headers', () => {
  // The essential cookies of the demo policy: all an undecided visitor may be sent.
  const ESSENTIAL = new Set(['PHPSESSID', 'viewed_cookie_policy']);
  const piece = fc.constantFrom('PHPSESSID', '__hstc', '_ga', '_ga_X', 'hubspotutk', ' ', '=', ';', '"', ',', 'Path=/', 'Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'Domain=.example.com', 'x', '\t', '%20', 'é');
  const value = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));

  /** The cookie name a browser reads from a Set-Cookie value (RFC 6265bis 5.6): empty without "=". */
  const browserName = (setCookie: string) => {
    const pair = setCookie.split(';')[0]!;
    return pair.includes('=') ? pair.slice(0, pair.indexOf('=')).trim() : '';
  };
  /** A browser would delete rather than store it, as tough-cookie (an RFC 6265 implementation) reads it. */
  const deletes = (setCookie: string) => {
    const cookie = Cookie.parse(`x=1${setCookie.slice(setCookie.indexOf(';') === -1 ? setCookie.length : setCookie.indexOf(';'))}`, { loose: true });
    return cookie !== undefined && cookie.TTL() <= 0;
  };

  // Date.parse reads these Expires as past dates; a browser finds no date in them and stores the cookie.
  it.each(FRAMEWORKS)('should not take an Expires a browser cannot read for a deletion (%s)', async (framework) => {
    const values = ['__hstc=1; Expires=0', '__hstc=2; Expires=Jan 1 2000', '_ga=3; Path=/; Expires=2000-01-01', '__hstc=4; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Expires=2000'];
    const app = createApp(framework, {}, { raw: { '/page': (_req, res) => ((res.statusCode = 200), res.setHeader('Set-Cookie', values), res.end('ok')) } });
    const response = await request(app).get('/page').expect(200);
    // The last is a deletion: the Expires a browser can read says 1970.
    expect(response.headers['set-cookie']).toEqual(['__hstc=4; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Expires=2000']);
  });

  it.each(FRAMEWORKS)('should never crash and never let an undecided visitor be sent an optional cookie, only deletions (%s)', async (framework) => {
    const batches = fc.sample(fc.array(value, { minLength: 1, maxLength: 16 }), { seed: Number(process.env.FUZZ_SEED ?? 23), numRuns: Number(process.env.FUZZ_RUNS ?? 40) });
    for (const batch of batches) {
      const app = createApp(framework, {}, { raw: { '/page': (_req, res) => ((res.statusCode = 200), res.setHeader('Set-Cookie', batch), res.end('ok')) } });
      const response = await request(app).get('/page').expect(200);
      const sent = (response.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
      for (const setCookie of sent) expect(ESSENTIAL.has(browserName(setCookie)) || deletes(setCookie), `${JSON.stringify(setCookie)} from ${JSON.stringify(batch)}`).toBe(true);
    }
  });
});

describe('input at the size limit of a request header', () => {
  const guard = createGuard({ policy: loadPolicy(POLICY), secret: SECRET });
  // Node refuses request headers over 16 KB: what the guard reads is at most that.
  const LIMIT = 16 * 1024;
  const headers = [
    'a=;'.repeat(LIMIT / 3),
    `cg_consent=${'.'.repeat(LIMIT)}`,
    `cg_consent=1.${'a+'.repeat(LIMIT / 2)}.1.x`,
    `${'x'.repeat(LIMIT)}=1`,
    '%'.repeat(LIMIT),
    `cg_consent="${'"'.repeat(LIMIT)}`,
  ];

  it.each(headers.map((header) => [header.slice(0, 24), header]))('should read %j… in linear time and grant nothing', (_name, cookie) => {
    const started = performance.now();
    for (let i = 0; i < 10; i++) expect(guard.consentFor({ cookie }).granted).toEqual(['essential']);
    // Quadratic work on 16 KB would take seconds; linear takes well under a millisecond each.
    expect(performance.now() - started).toBeLessThan(500);
  });
});
