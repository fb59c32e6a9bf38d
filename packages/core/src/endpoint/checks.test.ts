import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossSiteReason, safeReturnPath } from './checks.js';

describe('safeReturnPath', () => {
  it.each([
    ['/', '/'],
    ['/pricing?plan=pro#top', '/pricing?plan=pro#top'],
    ['/a/../b', '/b'],
    ['/caf%C3%A9', '/caf%C3%A9'],
    ['/café', '/caf%C3%A9'],
  ])('should keep %j as %j', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it.each(['', 'pricing', '//evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/\t/evil.example', '/\n/evil.example', '/a\r\nSet-Cookie: x=1', ' /a', `/${'a'.repeat(3000)}`])(
    'should refuse %j',
    (input) => {
      expect(safeReturnPath(input)).toBeUndefined();
    },
  );
});

describe('safeReturnPath on plain paths (taken as they are, without URL)', () => {
  const plain = fc.stringMatching(/^\/[A-Za-z0-9\-._~!$&()*+,;=:@/?%'#]{0,40}$/);
  it('should give what URL resolution gives', () => {
    fc.assert(
      fc.property(plain, (path) => {
        expect(safeReturnPath(path)).toBe(throughUrl(path));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['/a/./b', '/a/b'],
    ['/a/..', '/'],
    ['/a/b/..?x=/../', '/a/?x=/../'],
    ['/.', '/'],
    ['/a.b/c..d', '/a.b/c..d'],
    ["/it's?q='x'", "/it's?q=%27x%27"],
  ])('should keep %j as %j', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });
});

/** What safeReturnPath made of any path before plain ones were taken as they are. */
function throughUrl(path: string): string | undefined {
  if (path.startsWith('//')) return undefined;
  const base = 'http://consent-guard.invalid';
  try {
    const url = new URL(path, base);
    return url.origin === base ? url.pathname + url.search + url.hash : undefined;
  } catch {
    return undefined;
  }
}

describe('crossSiteReason', () => {
  const own = { protocol: 'http', host: 'shop.example:8080' };
  it.each([
    [{}, undefined],
    [{ 'sec-fetch-site': 'same-origin' }, undefined],
    [{ 'sec-fetch-site': 'none' }, undefined],
    [{ origin: 'http://shop.example:8080' }, undefined],
    [{ origin: 'https://shop.example:8080' }, undefined],
    [{ referer: 'http://shop.example:8080/page' }, undefined],
    [{ 'sec-fetch-site': 'cross-site' }, 'Sec-Fetch-Site is cross-site'],
    [{ 'sec-fetch-site': 'same-site' }, 'Sec-Fetch-Site is same-site'],
    [{ origin: 'http://shop.example' }, 'Origin http://shop.example is not this site'],
    [{ origin: 'http://evil.example:8080' }, 'Origin http://evil.example:8080 is not this site'],
    [{ origin: 'null' }, 'Origin "null" is not this site'],
    [{ referer: 'http://evil.example/' }, 'Origin http://evil.example is not this site'],
  ])('should judge %j as %j', (headers, expected) => {
    expect(crossSiteReason(headers, own)).toBe(expected);
  });

  it('should refuse an http page posting to an https site (a downgrade)', () => {
    expect(crossSiteReason({ origin: 'http://shop.example' }, { protocol: 'https', host: 'shop.example' })).toBe('Origin http://shop.example is not this site');
  });
});
