import { describe, expect, it } from 'vitest';
import { resolveConsent, type ConsentSignals } from './consent-state.js';
import { compilePolicy } from './policy/compile.js';
import { loadPolicy } from './policy/load.js';

const compiled = compilePolicy(
  loadPolicy({
    revision: 'r2',
    consentCookie: { maxAgeDays: 30 },
    categories: {
      essential: { label: 'Essential', required: true },
      statistics: { label: 'Statistics' },
      marketing: { label: 'Marketing', gpc: true },
    },
  }),
);
const NOW = Date.parse('2025-06-01T00:00:00Z');
const DAY = 86_400_000;
const signals = (overrides: Partial<ConsentSignals> = {}): ConsentSignals => ({ stored: undefined, gpc: false, regime: 'opt-in', now: NOW, ...overrides });
const stored = (granted: string[], overrides: Partial<NonNullable<ConsentSignals['stored']>> = {}) => ({ revision: 'r2', granted, decidedAt: NOW - DAY, consentId: 'x'.repeat(22), ...overrides });

describe('resolveConsent', () => {
  it('should grant only required categories to an undecided visitor', () => {
    expect(resolveConsent(compiled, signals())).toEqual({ decided: false, revision: 'r2', granted: ['essential'], denied: ['statistics', 'marketing'], source: 'default' });
  });

  it('should apply a current choice, in policy order, ignoring unknown ids and always granting required ones', () => {
    expect(resolveConsent(compiled, signals({ stored: stored(['marketing', 'retired', 'statistics']) }))).toEqual({
      decided: true,
      revision: 'r2',
      granted: ['essential', 'statistics', 'marketing'],
      denied: [],
      source: 'cookie',
    });
  });

  it.each([
    ['another revision', stored(['statistics'], { revision: 'r1' })],
    ['a choice older than maxAgeDays', stored(['statistics'], { decidedAt: NOW - 31 * DAY })],
    ['a decision time far in the future', stored(['statistics'], { decidedAt: NOW + 2 * DAY })],
  ])('should treat %s as undecided', (_name, choice) => {
    expect(resolveConsent(compiled, signals({ stored: choice }))).toMatchObject({ decided: false, granted: ['essential'] });
  });

  it('should let GPC deny gpc categories while undecided, and an explicit choice win over it', () => {
    expect(resolveConsent(compiled, signals({ gpc: true, regime: 'opt-out' }))).toMatchObject({ decided: false, granted: ['essential', 'statistics'], source: 'gpc' });
    expect(resolveConsent(compiled, signals({ gpc: true }))).toMatchObject({ granted: ['essential'], source: 'gpc' });
    expect(resolveConsent(compiled, signals({ gpc: true, stored: stored(['marketing']) }))).toMatchObject({ decided: true, granted: ['essential', 'marketing'], source: 'cookie' });
  });

  it('should freeze the state, so that app code cannot widen what is enforced', () => {
    const state = resolveConsent(compiled, signals());
    expect(Object.isFrozen(state) && Object.isFrozen(state.granted) && Object.isFrozen(state.denied)).toBe(true);
  });

  it('should grant everything to an undecided opt-out visitor until they refuse', () => {
    expect(resolveConsent(compiled, signals({ regime: 'opt-out' }))).toMatchObject({ decided: false, granted: ['essential', 'statistics', 'marketing'], source: 'default' });
    expect(resolveConsent(compiled, signals({ regime: 'opt-out', stored: stored([]) }))).toMatchObject({ decided: true, granted: ['essential'] });
  });
});

describe('states found by the list they were chosen from', () => {
  const other = compilePolicy(loadPolicy({ revision: 'r3', categories: { essential: { label: 'Essential', required: true }, statistics: { label: 'Statistics' } } }));

  it("should give each policy, source and decision its own state for the same frozen list, however often asked", () => {
    const granted = Object.freeze(['statistics']);
    for (let round = 0; round < 3; round++) {
      const fromCookie = resolveConsent(compiled, signals({ stored: stored(granted as string[]) }));
      const fromManager = resolveConsent(compiled, signals({ managed: { source: 'onetrust', granted } }));
      const elsewhere = resolveConsent(other, signals({ stored: stored(granted as string[], { revision: 'r3' }) }));
      expect(fromCookie).toEqual({ decided: true, revision: 'r2', granted: ['essential', 'statistics'], denied: ['marketing'], source: 'cookie' });
      expect(fromManager).toEqual({ decided: true, revision: 'r2', granted: ['essential', 'statistics'], denied: ['marketing'], source: 'onetrust' });
      expect(elsewhere).toEqual({ decided: true, revision: 'r3', granted: ['essential', 'statistics'], denied: [], source: 'cookie' });
    }
  });

  it('should read a list that is not frozen afresh every time', () => {
    const granted = ['statistics'];
    expect(resolveConsent(compiled, signals({ stored: stored(granted) })).granted).toEqual(['essential', 'statistics']);
    granted.push('marketing');
    expect(resolveConsent(compiled, signals({ stored: stored(granted) })).granted).toEqual(['essential', 'statistics', 'marketing']);
  });
});
