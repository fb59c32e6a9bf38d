import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConsentDecoder, decodeConsent, encodeConsent, newConsentId, type StoredConsent } from './consent-cookie.js';

const NAME = 'cg_consent';
const consentArb = fc.record({
  revision: fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
  granted: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/), { maxLength: 8 }),
  decidedAt: fc.integer({ min: 0, max: 4_000_000_000 }).map((seconds) => seconds * 1000),
  consentId: fc.constant(null).map(() => newConsentId()),
});
const secretsArb = fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 0, maxLength: 3 });

describe('the consent cookie', () => {
  it('should round-trip any consent, signed or not', () => {
    fc.assert(
      fc.property(consentArb, secretsArb, (consent: StoredConsent, secrets) => {
        const value = encodeConsent(NAME, consent, secrets);
        expect(value).toMatch(/^[A-Za-z0-9_.+-]+$/);
        expect(decodeConsent(NAME, value, secrets)).toEqual(consent);
      }),
      { seed: 1, numRuns: 500 },
    );
  });

  it('should verify with any secret of a rotation list and sign with the first', () => {
    const consent = { revision: 'r', granted: ['essential'], decidedAt: 1_700_000_000_000, consentId: newConsentId() };
    const oldValue = encodeConsent(NAME, consent, ['old']);
    expect(decodeConsent(NAME, oldValue, ['new', 'old'])).toEqual(consent);
    expect(encodeConsent(NAME, consent, ['new', 'old'])).toBe(encodeConsent(NAME, consent, ['new']));
    expect(decodeConsent(NAME, oldValue, ['new'])).toBeUndefined();
  });

  it('should refuse an unsigned value, and a value signed for another cookie name, when secrets are set', () => {
    const consent = { revision: 'r', granted: ['marketing'], decidedAt: 1_700_000_000_000, consentId: newConsentId() };
    expect(decodeConsent(NAME, encodeConsent(NAME, consent, []), ['s'])).toBeUndefined();
    expect(decodeConsent(NAME, encodeConsent('other', consent, ['s']), ['s'])).toBeUndefined();
  });

  it('should refuse any single-character change to a signed value', () => {
    fc.assert(
      fc.property(consentArb, fc.nat(), fc.constantFrom(...'abcXYZ019_-.+'), (consent, at, replacement) => {
        const value = encodeConsent(NAME, consent, ['secret']);
        const index = at % value.length;
        fc.pre(value[index] !== replacement);
        const tampered = value.slice(0, index) + replacement + value.slice(index + 1);
        expect(decodeConsent(NAME, tampered, ['secret'])).toBeUndefined();
      }),
      { seed: 2, numRuns: 1000 },
    );
  });

  it('should never throw and never decode garbage, oversize or hostile values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(fc.string(), { maxLength: 8 }).map((parts) => parts.join('.'))), (value) => {
        expect(() => decodeConsent(NAME, value, ['secret'])).not.toThrow();
        expect(decodeConsent(NAME, value, ['secret'])).toBeUndefined();
      }),
      { seed: 3, numRuns: 2000 },
    );
    for (const value of ['', '.....', '1.....', '2.cg.essential.abc.AAAAAAAAAAAAAAAAAAAAAA', `1.${'A'.repeat(9000)}.x.1.AAAAAAAAAAAAAAAAAAAAAA`, '1.cg.__proto__.1.AAAAAAAAAAAAAAAAAAAAAA', '1.cg.ESSENTIAL.1.AAAAAAAAAAAAAAAAAAAAAA']) {
      expect(decodeConsent(NAME, value, [])).toBeUndefined();
    }
  });
});

describe('createConsentDecoder', () => {
  it('should answer like decodeConsent, reusing what it verified and never what it refused', () => {
    const decode = createConsentDecoder(NAME, ['secret']);
    const consent = { revision: 'r', granted: ['essential'], decidedAt: 1_700_000_000_000, consentId: newConsentId() };
    const value = encodeConsent(NAME, consent, ['secret']);
    const first = decode(value);
    expect(first).toEqual(consent);
    expect(decode(value)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const forged = value.replace('.essential.', '.essential+marketing.');
    expect(decode(forged)).toBeUndefined();
    expect(decode(forged)).toBeUndefined();
  });
});
