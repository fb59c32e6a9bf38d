import { describe, expect, it } from 'vitest';
import { withUtf8 } from './utf8-scratch.js';

describe('withUtf8', () => {
  it("should hand over Buffer.from's bytes, for any string", () => {
    for (const text of ['', 'plain', '<p>æøå — “quotes” 😀</p>', 'lone \ud800 surrogate \udfff', 'x'.repeat(100_000), '—'.repeat(40_000), 'é'.repeat(300_000)]) {
      expect(withUtf8(text, (bytes) => Buffer.from(bytes))!.equals(Buffer.from(text))).toBe(true);
    }
  });

  it('should copy out what is returned from its buffer, which the next page reuses', () => {
    const first = withUtf8('<p>first page</p>', (bytes) => bytes);
    const whole = withUtf8('<p>second</p>', (bytes) => bytes.subarray(3));
    withUtf8('<p>a third page, longer than both</p>', (bytes) => bytes);
    expect([first!.toString(), whole!.toString()]).toEqual(['<p>first page</p>', 'second</p>']);
  });

  it('should give a page ended while another is read bytes of its own', () => {
    const inner: string[] = [];
    const outer = withUtf8('<p>outer</p>', (bytes) => {
      inner.push(withUtf8('<p>inner page</p>', (own) => own)!.toString());
      return bytes;
    });
    expect([outer!.toString(), inner[0]]).toEqual(['<p>outer</p>', '<p>inner page</p>']);
  });
});
