import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CMP_NAMES } from './format.js';
import { FORMATS } from './formats.js';

const IDS = ['functional', 'analytics', 'preferences', 'statistics', 'marketing', 'C0002', 'matomo', 'viewed_cookie_policy'];
const read = (cmp: (typeof CMP_NAMES)[number], value: string) => {
  const format = FORMATS[cmp];
  const cookies = { [format.cookie]: value, OptanonAlertBoxClosed: value, 'cookielawinfo-checkbox-analytics': value };
  return format.read(format.raw(cookies, format.cookie, IDS)!, IDS);
};
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const HOSTILE: Record<string, string> = {
  'a 1 MB value': 'a'.repeat(1 << 20),
  'a 1 MB run of percent-escapes': '%7B'.repeat(350_000),
  'JSON nested 100 000 deep': `{"categories":${deep(100_000)}}`,
  'JSON nested 600 deep, within the size limit': `%7B%22level%22%3A${'%5B'.repeat(600)}`,
  'bad percent-encoding': '%E0%A4%A',
  'a lone surrogate escape': '%ED%A0%80',
  'prototype keys': '%7B%22__proto__%22%3A%7B%22marketing%22%3Atrue%7D%2C%22constructor%22%3A%7B%22prototype%22%3A1%7D%7D',
  'duplicate keys': '{necessary:true,necessary:false}',
  'wrong types': '{"categories":"analytics","consentId":1,"consentTimestamp":[]}',
  'only separators': ',,,::&&&==',
  'a NUL byte': 'consent:yes\u0000,action:yes',
  'an unterminated literal': "{stamp:'abc",
  'a JSON array': '["analytics","marketing"]',
  'empty': '',
};

describe('every manager reader on hostile input', () => {
  it.each(CMP_NAMES.flatMap((cmp) => Object.entries(HOSTILE).map(([name, value]) => [cmp, name, value] as const)))('%s: %s is never a grant', (cmp, _name, value) => {
    const started = performance.now();
    const reading = read(cmp, value);
    // Generous for a busy shared machine: the inputs are cut off by length first, in microseconds.
    expect(performance.now() - started).toBeLessThan(250);
    if (reading.decided) expect([...reading.ids.values()].some(Boolean)).toBe(false);
  });

  it('should never throw on any string, any cookie', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CMP_NAMES), fc.string({ unit: 'binary', maxLength: 300 }), (cmp, value) => {
        expect(() => read(cmp, value)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });

  it('should take time linear in the input (a 4 KB worst case costs no more than 40x a 100-byte one)', () => {
    for (const cmp of CMP_NAMES) {
      const unit = { 'vanilla-cookieconsent': '[', klaro: '%7B', cookieyes: 'a:yes,', cookielawinfo: 'y', cookiebot: 'a:1,', onetrust: 'a=1&', tcf: 'CQ', gpp: 'DB' }[cmp];
      const time = (length: number) => {
        const value = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
        const started = performance.now();
        for (let i = 0; i < 200; i++) read(cmp, value);
        return performance.now() - started;
      };
      time(4000);
      // Linear: 40x the length, ~40x the time; quadratic would be ~1600x (seconds here).
      expect(time(4000)).toBeLessThan(Math.max(40 * time(100), 200));
    }
  });
});
