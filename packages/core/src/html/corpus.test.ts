import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveTrackers, rewrite, undo } from './test-support.js';

// 129 real pages (2013-era news, shops, blogs: full of analytics and ad tags).
const DIR = new URL('../../../../test/corpus/real-pages/', import.meta.url);
const PAGES = readdirSync(DIR)
  .filter((file) => file.endsWith('.html'))
  .map((file) => ({ file, bytes: readFileSync(new URL(file, DIR)) }));
const EVERYTHING = ['functionality', 'performance', 'marketing'];

describe('the real-page corpus', () => {
  it('should hold 129 pages', () => {
    expect(PAGES).toHaveLength(129);
  });

  it('should give every page back byte for byte when everything is granted', () => {
    for (const { file, bytes } of PAGES) {
      const { output } = rewrite(bytes, { granted: EVERYTHING });
      expect(output.equals(bytes), file).toBe(true);
    }
  });

  // parse5 over 129 pages, twice: slow on a busy machine.
  it('should leave no live tracker of a denied category, and change nothing else', { timeout: 120_000 }, () => {
    let neutralized = 0;
    let pagesWithTrackers = 0;
    for (const { file, bytes } of PAGES) {
      const html = bytes.toString('utf8');
      const before = liveTrackers(html);
      const { output, events } = rewrite(bytes);
      const after = output.toString('utf8');
      expect(liveTrackers(after), file).toEqual([]);
      if (before.length > 0) pagesWithTrackers++;
      neutralized += events.filter((event) => event.type === 'tag-neutralized').length;
      expect(undo(after), file).toBe(undo(html));
    }
    expect(pagesWithTrackers).toBeGreaterThan(80);
    expect(neutralized).toBeGreaterThan(300);
  });

  it('should read a whole page only as far as anything can change, for a visitor who granted everything: the bytes of reading it all', () => {
    const GOOGLE_TAG = Buffer.from('<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>');
    const MARKED = Buffer.from('<img data-consent-category="marketing" data-consent-src="/x.png">');
    const insert = (bytes: Buffer, at: number, what: Buffer) => Buffer.concat([bytes.subarray(0, at), what, bytes.subarray(at)]);
    const everything = { granted: EVERYTHING, beforeGoogleTag: '<script>gtag("consent","default",{})</script>' };
    // The Google tag and a marked tag anywhere (in text, tags, scripts, comments), the page cut anywhere.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: PAGES.length - 1 }), fc.nat(), fc.option(fc.nat()), fc.array(fc.nat(), { maxLength: 3 }), (index, googleAt, markedAt, cuts) => {
        const { bytes } = PAGES[index]!;
        let page = insert(bytes, googleAt % bytes.length, GOOGLE_TAG);
        if (markedAt !== null) page = insert(page, markedAt % page.length, MARKED);
        const options = { ...everything, cuts: cuts.map((cut) => cut % page.length) };
        expect(rewrite(page, options).output.equals(rewrite(page, { ...options, streamed: true }).output)).toBe(true);
      }),
      { seed: 29, numRuns: 200 },
    );
  });

  it('should give the same bytes whatever the chunking', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: PAGES.length - 1 }), fc.array(fc.nat(), { maxLength: 40 }), (index, cuts) => {
        const { bytes } = PAGES[index]!;
        expect(rewrite(bytes, { cuts: cuts.map((cut) => cut % bytes.length) }).output.equals(rewrite(bytes).output)).toBe(true);
      }),
      { seed: 17, numRuns: 150 },
    );
  });
});
