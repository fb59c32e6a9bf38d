import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileNameMatcher } from './glob.js';

describe('compileNameMatcher', () => {
  it.each([
    ['_ga', '_ga', true],
    ['_ga', '_gat', false],
    ['_ga*', '_ga', true],
    ['_ga*', '_ga_ABC123', true],
    ['_ga*', 'x_ga', false],
    ['*_id', 'session_id', true],
    ['__hs*', '__hstc', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['a*bc*bc', 'abcbc', true],
    ['a*bc*bc', 'abc', false],
    ['*', '', true],
    ['__proto__', '__proto__', true],
    ['constructor*', 'constructor', true],
  ])('should match %s against %s: %s', (pattern, name, expected) => {
    expect(compileNameMatcher(pattern).matches(name)).toBe(expected);
  });

  it('should rank globs by their literal characters', () => {
    expect(compileNameMatcher('_ga_*').specificity).toBeGreaterThan(compileNameMatcher('_ga*').specificity);
    expect(compileNameMatcher('*').specificity).toBe(0);
  });

  it('should agree with a regular expression on random names', () => {
    const piece = fc.stringMatching(/^[ab_*]{0,6}$/);
    fc.assert(
      fc.property(piece, fc.stringMatching(/^[ab_]{0,12}$/), (pattern, name) => {
        const regex = new RegExp(`^${pattern.replace(/\*/g, '.*')}$`);
        expect(compileNameMatcher(pattern).matches(name)).toBe(regex.test(name));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('should take linear time on patterns that make regexes backtrack', () => {
    const matcher = compileNameMatcher(`${'a*'.repeat(100)}b`);
    const name = 'a'.repeat(100_000);
    const started = process.hrtime.bigint();
    expect(matcher.matches(name)).toBe(false);
    // Generous bound: a backtracking matcher would take effectively forever here.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });
});
