import { parseSetCookie } from 'cookie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chosenState } from './consent-state.js';
import { compilePolicy } from './policy/compile.js';
import { loadPolicy } from './policy/load.js';
import { judgeSetCookie } from './set-cookie.js';

const policy = loadPolicy({
  revision: 'r1',
  categories: {
    essential: { label: 'Essential', required: true },
    performance: { label: 'Performance' },
    marketing: { label: 'Marketing' },
  },
  cookies: [
    { name: 'session', category: 'essential' },
    { name: '_ga', category: 'performance' },
    { name: '_ga*', category: 'marketing' },
    { name: '_ga_*', category: 'performance' },
    { name: '__proto__', category: 'performance' },
    { name: 'constructor', category: 'marketing' },
  ],
});
const compiled = compilePolicy(policy);
const NOW = Date.parse('2025-06-01T00:00:00Z');
const onlyEssential = chosenState(compiled, []);
const performance = chosenState(compiled, ['performance']);
const judge = (value: string, state = onlyEssential) => judgeSetCookie(compiled, state, value, NOW);

describe('judgeSetCookie', () => {
  it.each([
    ['session=1; Path=/', true, 'granted'],
    ['_ga=GA1.1.1; Max-Age=3600', false, 'not-granted'],
    ['_ga=; Max-Age=0', true, 'deletion'],
    ['_ga=x; Max-Age=-1', true, 'deletion'],
    ['_ga=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT', true, 'deletion'],
    ['_ga=x; expires=Sun, 01 Jun 2025 00:00:00 GMT', true, 'deletion'],
    ['_ga=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60', false, 'not-granted'],
    ['_ga=x; Max-Age=abc; Expires=Thu, 01 Jan 1970 00:00:00 GMT', true, 'deletion'],
    ['_ga=x; Expires=not a date', false, 'not-granted'],
    ['cg_consent=anything', true, 'consent-cookie'],
    ['unknown=1', false, 'undeclared'],
    ['=novalue', false, 'malformed'],
    ['bare', false, 'malformed'],
    ['', false, 'malformed'],
    ['__proto__=1', false, 'not-granted'],
    ['constructor=1', false, 'not-granted'],
    ['hasOwnProperty=1', false, 'undeclared'],
    ['  session = 1 ; HttpOnly', true, 'granted'],
  ])('should judge %j as keep=%s (%s) for an undecided visitor', (value, keep, reason) => {
    expect(judge(value)).toMatchObject({ keep, reason });
  });

  it('should prefer exact names, then the most specific glob', () => {
    expect(judge('_ga=1', performance)).toMatchObject({ keep: true, category: 'performance' });
    expect(judge('_ga_XYZ=1', performance)).toMatchObject({ keep: true, category: 'performance' });
    expect(judge('_gat=1', performance)).toMatchObject({ keep: false, category: 'marketing' });
    expect(judge('__proto__=1', performance)).toMatchObject({ keep: true, category: 'performance' });
  });

  it('should keep undeclared cookies when the policy allows them', () => {
    const allowing = compilePolicy(loadPolicy({ ...policy, undeclaredCookies: 'allow' }));
    expect(judgeSetCookie(allowing, onlyEssential, 'unknown=1', NOW)).toMatchObject({ keep: true, reason: 'undeclared-allowed' });
  });

  it('should never throw, and keep a value only for a reason the policy gives', () => {
    const nameArb = fc.oneof(fc.constantFrom('session', '_ga', '_ga_1', '__proto__', 'constructor', 'cg_consent', 'other'), fc.string({ maxLength: 12 }));
    const attributeArb = fc.oneof(
      fc.constantFrom('Path=/', 'HttpOnly', 'Secure', 'Max-Age=0', 'Max-Age=60', 'max-age=-5', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'Expires=Fri, 01 Jan 2100 00:00:00 GMT', 'Domain=.example.com'),
      fc.string({ maxLength: 20 }),
    );
    const valueArb = fc.tuple(nameArb, fc.string({ maxLength: 20 }), fc.array(attributeArb, { maxLength: 4 })).map(([name, value, attributes]) => [`${name}=${value}`, ...attributes].join('; '));
    fc.assert(
      fc.property(fc.oneof(valueArb, fc.string({ unit: 'binary', maxLength: 80 })), fc.constantFrom(onlyEssential, performance), (value, state) => {
        const verdict = judgeSetCookie(compiled, state, value, NOW);
        if (!verdict.keep) return;
        if (verdict.reason === 'granted') expect(state.granted).toContain(verdict.category);
        else expect(['consent-cookie', 'deletion']).toContain(verdict.reason);
      }),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('should read the name and Max-Age as the cookie package does, without parsing every value whole', () => {
    const partArb = fc.oneof(fc.constantFrom('=', ';', ' ', '\t', 'Max-Age=0', 'max-AGE=60', 'Max-Age=', ' Max-Age = -1 ', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', '_ga'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.oneof(fc.array(partArb, { maxLength: 8 }).map((parts) => parts.join('')), fc.string({ unit: 'binary', maxLength: 40 })), (value) => {
        const parsed = parseSetCookie(value, { decode: (raw) => raw });
        const verdict = judgeSetCookie(compiled, performance, value, NOW);
        expect(verdict.name).toBe(parsed.name);
        if (parsed.name !== '' && parsed.maxAge !== undefined && parsed.name !== 'cg_consent') expect(verdict.reason === 'deletion').toBe(parsed.maxAge <= 0);
      }),
      { seed: 11, numRuns: 5000 },
    );
  });
});
