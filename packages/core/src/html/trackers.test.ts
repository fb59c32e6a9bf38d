import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { compileTrackers, urlHostAt, urlLocation } from './trackers.js';

const trackers = compileTrackers(
  loadPolicy({
    revision: 'r',
    categories: { essential: { label: 'E', required: true }, marketing: { label: 'M' }, maps: { label: 'Maps' } },
    trackers: [
      { name: 'HubSpot', category: 'marketing', hosts: ['js.hs-scripts.com', '*.hubspot.com'], inline: ['_hsq.push'] },
      { name: 'Maps', category: 'maps', hosts: ['www.google.com/maps', 'maps.google.com'] },
      { name: 'Dev', category: 'marketing', hosts: ['tracker.example:8080'] },
    ],
  }),
);
const name = (value: string) => trackers.matchUrl(value)?.name;

describe('matching tracker URLs', () => {
  it.each([
    ['https://js.hs-scripts.com/123.js', 'HubSpot'],
    ['//js.hs-scripts.com/123.js', 'HubSpot'],
    ['HTTPS://JS.HS-SCRIPTS.COM/123.js', 'HubSpot'],
    ['  https://js.hs-scripts.com/123.js  ', 'HubSpot'],
    ['https:&#x2F;&#x2F;js.hs-scripts.com/123.js', 'HubSpot'],
    ['https://js.hs-scripts.com.', 'HubSpot'],
    ['https://js.hs-scripts.com:443/x', 'HubSpot'],
    ['https://js.hs-scripts.com:8443/x', 'HubSpot'],
    ['http://a.hubspot.com:3001/x', 'HubSpot'],
    ['https://www.google.com:8443/maps/embed', 'Maps'],
    ['http://tracker.example:8080/t.js', 'Dev'],
    ['https://user@js.hs-scripts.com/x', 'HubSpot'],
    ['\\\\js.hs-scripts.com/x', 'HubSpot'],
    ['https://js.hs-\nscripts.com/x', 'HubSpot'],
    ['https://track.hubspot.com/__ptq.gif?a=1&amp;b=2', 'HubSpot'],
    ['https://a.b.hubspot.com/x', 'HubSpot'],
    ['https://www.google.com/maps/embed?pb=1', 'Maps'],
    ['https://www.google.com/maps', 'Maps'],
    ['https://www.google.com/maps?q=1', 'Maps'],
    ['https://maps.google.com/', 'Maps'],
  ])('should match %j to %s', (value, expected) => {
    expect(name(value)).toBe(expected);
  });

  it.each([
    'https://hubspot.com/x',
    'https://nothubspot.com/x',
    'https://js.hs-scripts.com.evil.example/x',
    'https://www.google.com/mapsx',
    'https://www.google.com/search?q=/maps',
    '/js/hs-scripts.com.js',
    'js.hs-scripts.com/123.js',
    'data:text/html,<script src=https://js.hs-scripts.com>',
    'javascript:load("//js.hs-scripts.com")',
    'http://tracker.example/t.js',
    'http://tracker.example:8081/t.js',
    '',
  ])('should not match %j', (value) => {
    expect(name(value)).toBeUndefined();
  });

  const srcset = (value: string) => {
    // Inside markup, as the rewriter passes it.
    const bytes = Buffer.from(`<img srcset="${value}">`);
    return trackers.matchSrcsetAt(bytes, 13, bytes.length - 2).map((t) => t.name);
  };

  it('should match every srcset candidate', () => {
    expect(srcset('/a.png 1x, https://track.hubspot.com/p.gif 2x, https://maps.google.com/m.png 3x')).toEqual(['HubSpot', 'Maps']);
    expect(srcset('/a.png 1x, /b.png 2x')).toEqual([]);
    expect(srcset('')).toEqual([]);
    expect(srcset('\u000b,,https://track.hubspot.com/p.gif\f1x,\r\nhttps&#58;//maps.google.com/m.png')).toEqual(['HubSpot', 'Maps']);
    // Split at a non-ASCII space as well, as String#split's \s does.
    expect(srcset('/é.png\u00a0https://track.hubspot.com/p.gif 2x')).toEqual(['HubSpot']);
  });

  it('should read a srcset from its bytes as it reads the same value as text', () => {
    // A value with a non-ASCII byte is read as text: the same candidates plus one such (relative) must match alike.
    const pieces = ['https://track.hubspot.com/p.gif', '//maps.google.com/m.png', 'HTTPS://TRACK.HUBSPOT.COM', '/a.png', 'a.png', '2x', '640w', ' ', ',', ', ', '\t', '\n', '&amp;', 'https:', '//', 'data:x', 'https://cdn.example/x.js'];
    for (let run = 0; run < 2000; run++) {
      let value = '';
      for (let n = Math.floor(Math.random() * 8); n > 0; n--) value += pieces[Math.floor(Math.random() * pieces.length)];
      expect(srcset(value), value).toEqual(srcset(`${value}, /é.png`));
    }
  });

  it('should match a host the same however often, and however many other hosts came before', () => {
    for (let i = 0; i < 10_000; i++) {
      expect(name(`https://cdn${i}.example/x.js`)).toBeUndefined();
      if (i % 997 !== 0) continue;
      // The same host with and without its path rule, and the memory of hosts filled in between.
      expect(name('https://www.google.com/maps/embed')).toBe('Maps');
      expect(name('https://www.google.com/search')).toBeUndefined();
      expect(name('https://www.google.com:8443/maps')).toBe('Maps');
      expect(name('https://www.google.com:8443/mail')).toBeUndefined();
      expect(name(`https://x${i}.hubspot.com/t`)).toBe('HubSpot');
      expect(name('http://tracker.example:8080/t.js')).toBe('Dev');
      expect(name('http://tracker.example:8081/t.js')).toBeUndefined();
    }
    // Hosts longer than a DNS name are matched each time, never remembered (memory).
    const long = `${'a'.repeat(300)}.hubspot.com`;
    expect(name(`https://${long}/x`)).toBe('HubSpot');
    expect(name(`https://${long}/x`)).toBe('HubSpot');
    expect(name(`https://${'b'.repeat(300)}.example/x`)).toBeUndefined();
  });

  it('should find every inline signature, wherever it is', () => {
    expect(trackers.matchInline(Buffer.from('var _hsq = window._hsq = []; _hsq.push(["x"])')).map((t) => t.name)).toEqual(['HubSpot']);
    expect(trackers.matchInline(Buffer.from('console.log(1)'))).toEqual([]);
    expect(trackers.matchInline(Buffer.from('_hs'))).toEqual([]);
  });

  it('should give host and path', () => {
    const location = urlLocation('//Example.COM:8080/a/b?c#d')!;
    expect([location.host, location.path()]).toEqual(['example.com:8080', '/a/b']);
  });

  it('should read the same host from the bytes as from the decoded text, whatever the URL', () => {
    const piece = fc.constantFrom('', ' ', '\t', '\n', '\f', '\v', 'http', 'HTTPS', 's', ':', '/', '//', '\\', 'js.hs-scripts.com', 'A.b', '.', ':443', ':80', ':8080', '@', '&amp;', '&#x2F;', '&#58;', '?q', '#f', 'é', '\u00a0', 'x', '-', '+', 'data:', 'javascript:', '[::1]', '%2F', '\0');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.string({ maxLength: 3 }), (pieces, prefix) => {
        const value = pieces.join('');
        const bytes = Buffer.from(prefix + value);
        const start = Buffer.byteLength(prefix);
        expect(urlHostAt(bytes, start, bytes.length)).toBe(urlLocation(value)?.host);
      }),
      { seed: 12, numRuns: 5000 },
    );
  });
});
