import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signatureSearch } from './signatures.js';

/** What the search must give: every signature in the text, by first occurrence, ties by index. */
function naive(signatures: readonly Buffer[], text: Buffer): number[] {
  return signatures
    .map((signature, index) => ({ index, at: text.indexOf(signature) }))
    .filter(({ at }) => at !== -1)
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ index }) => index);
}

const SIGNATURES = ['GoogleAnalyticsObject', '_gaq.push', 'fbq(', 'facebook-jssdk', 'abc', 'gtag("config", "G-', 'function gtag(){dataLayer.push(arguments);}', 'aaaaaaaaaa', 'push'];

describe('the inline signature search', () => {
  it('should find what a plain search finds, in the same order, wherever signatures lie', () => {
    const signatures = fc.subarray(SIGNATURES, { minLength: 1 }).map((list) => list.map((text) => Buffer.from(text)));
    // Texts made of pieces of signatures: near misses, overlaps, signatures at both ends.
    const piece = fc.oneof(
      fc.constantFrom(...SIGNATURES),
      fc.tuple(fc.constantFrom(...SIGNATURES), fc.nat(), fc.nat()).map(([text, a, b]) => text.slice(Math.min(a, b) % text.length, Math.max(a, b) % (text.length + 1))),
      fc.string({ maxLength: 9 }),
    );
    fc.assert(
      fc.property(signatures, fc.array(piece, { maxLength: 30 }), (list, pieces) => {
        const text = Buffer.from(pieces.join(''));
        expect(signatureSearch(list)(text)).toEqual(naive(list, text));
      }),
      { seed: 7, numRuns: 3000 },
    );
  });

  it('should find a signature that is the whole text, and none in a text shorter than it', () => {
    const search = signatureSearch([Buffer.from('_gaq.push'), Buffer.from('fbq(')]);
    expect(search(Buffer.from('_gaq.push'))).toEqual([0]);
    expect(search(Buffer.from('fbq('))).toEqual([1]);
    expect(search(Buffer.from('_gaq.pus'))).toEqual([]);
    expect(search(Buffer.alloc(0))).toEqual([]);
  });
});
