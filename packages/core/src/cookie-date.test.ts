import fc from 'fast-check';
import { parseDate } from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import { parseCookieDate } from './cookie-date.js';

describe('parseCookieDate', () => {
  it.each([
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 28, 0)],
    ['Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Thu, 01 Jan 1970 00:00:00 GMTjunk', 0],
    ['1 january 30 0:0:0', Date.UTC(2030, 0, 1, 0, 0, 0)],
  ])('should read %j as a browser does', (value, expected) => {
    expect(parseCookieDate(value)).toBe(expected);
  });

  // Date.parse reads each of these as a date in the past; a browser ignores the attribute.
  it.each(['0', '2000', 'Jan 1 2000', '2000-01-01', '2000-01-01T00:00:00Z', 'yesterday', 'Thu, 31 Feb 2030 00:00:00 GMT', 'Thu, 01 Jan 1600 00:00:00 GMT', 'Thu, 01 Jan 1970 24:00:00 GMT', ''])(
    'should find no date in %j',
    (value) => {
      expect(parseCookieDate(value)).toBeUndefined();
    },
  );

  it('should agree with tough-cookie, an independent RFC 6265 implementation, on date-like strings', () => {
    const piece = fc.constantFrom('Thu', ',', ' ', '01', '1', '31', '29', 'Jan', 'feb', 'DECEMBER', '1970', '70', '69', '2038', '1601', '1600', '00:00:00', '23:59:59', '24:00:00', '7:5:3', 'GMT', '-', 'T', 'x', '123', '12345');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const value = pieces.join('');
        expect(parseCookieDate(value)).toBe(parseDate(value)?.getTime());
      }),
      { seed: 3, numRuns: 5000 },
    );
  });
});
