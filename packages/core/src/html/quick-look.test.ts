import { describe, expect, it } from 'vitest';
import { mayHaveGoogleTag, mayHaveMarkers } from './quick-look.js';

describe('mayHaveGoogleTag', () => {
  it.each([
    ['<script>window.dataLayer = []</script>', true],
    ['dataLayer', true],
    ['<p>Layer</p><p>ataLayer</p>', false],
    ['<script>gtag("js", new Date())</script>', true],
    ['<script src="https://www.googletagmanager.com/gtm.js"></script>', true],
    ['<p>data Layer, gtag (</p>', false],
  ])('%s: %s', (text, expected) => {
    expect(mayHaveGoogleTag(Buffer.from(text))).toBe(expected);
  });
});

describe('mayHaveMarkers', () => {
  it.each([
    ['<p data-consent-category="x">', true],
    ['<P DATA-CONSENT-CATEGORY="x">', true],
    ['<p data-consent-src="x">', false],
  ])('%s: %s', (text, expected) => {
    expect(mayHaveMarkers(Buffer.from(text))).toBe(expected);
  });
});
