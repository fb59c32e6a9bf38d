import type { IncomingHttpHeaders } from 'node:http';
import type { StoredConsent } from './consent-cookie.js';
import type { CmpName } from './consent-sources/format.js';
import type { CompiledPolicy } from './policy/compile.js';

/** Opt-in: nothing optional until the visitor says yes. Opt-out: everything until they say no. */
export type Regime = 'opt-in' | 'opt-out';

/** Where a visitor's consent state came from: the guard's cookie, GPC, the regime, or a consent manager's cookie. */
export type ConsentSource = 'cookie' | 'gpc' | 'default' | CmpName;

/** A visitor's consent as the guard enforces it, for the current policy revision. */
export interface ConsentState {
  /** The visitor made a choice for this revision that has not expired. */
  readonly decided: boolean;
  /** The current policy revision. */
  readonly revision: string;
  /** Granted category ids, in policy order; always includes the required ones. */
  readonly granted: readonly string[];
  readonly denied: readonly string[];
  readonly source: ConsentSource;
}

export interface ConsentSignals {
  /** The visitor's stored choice, already verified; undefined when absent or invalid. */
  readonly stored: StoredConsent | undefined;
  /** The decision read from a consent manager's cookie (`consentSources`), when the guard's own cookie has none. */
  readonly managed?: { readonly source: CmpName; readonly granted: readonly string[] } | undefined;
  /** The request carried `Sec-GPC: 1`. */
  readonly gpc: boolean;
  readonly regime: Regime;
  readonly now: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** The request carries Global Privacy Control: `Sec-GPC: 1`. */
export function sendsGpc(headers: IncomingHttpHeaders): boolean {
  return String(headers['sec-gpc'] ?? '').trim() === '1';
}

/**
 * The state for one request. A stored choice counts only for the current revision and
 * within `maxAgeDays`; it then wins over GPC (the visitor said so explicitly), and so does,
 * next, a consent manager's decision. Otherwise the regime decides, and GPC denies the
 * categories marked `gpc`.
 */
export function resolveConsent(compiled: CompiledPolicy, signals: ConsentSignals): ConsentState {
  const { stored, now, managed } = signals;
  if (stored && isCurrent(compiled, stored, now)) return stateOf(compiled, true, stored.granted, 'cookie');
  if (managed) return stateOf(compiled, true, managed.granted, managed.source);
  const gpcApplies = signals.gpc && compiled.gpcIds.size > 0;
  const granted =
    signals.regime === 'opt-out'
      ? compiled.categoryIds.filter((id) => !(gpcApplies && compiled.gpcIds.has(id)))
      : NOTHING;
  return stateOf(compiled, false, granted, gpcApplies ? 'gpc' : 'default');
}

/** The state right after the visitor chose `granted` (required categories are added). */
export function chosenState(compiled: CompiledPolicy, granted: readonly string[]): ConsentState {
  return stateOf(compiled, true, granted, 'cookie');
}

export function isCurrent(compiled: CompiledPolicy, stored: StoredConsent, now: number): boolean {
  const { revision, consentCookie } = compiled.policy;
  const age = now - stored.decidedAt;
  // A decision time more than a day ahead of our clock is not one we wrote.
  return stored.revision === revision && age < consentCookie.maxAgeDays * DAY && age > -DAY;
}

// Visitors fall into few distinct states (one per combination of granted categories), so
// each is built once per policy and shared: frozen, it is safe to hand to every request.
const MAX_CACHED_STATES = 1024;
const stateCache = new WeakMap<CompiledPolicy, Map<string, ConsentState>>();

const NOTHING: readonly string[] = Object.freeze([]);
/**
 * The state last built from each frozen list of chosen categories, per policy: a verified
 * consent cookie is decoded once (consent-cookie.ts) and an undecided visitor chose
 * NOTHING, so most requests find their state by the list itself, without building its key.
 */
const byChosen = new WeakMap<CompiledPolicy, WeakMap<readonly string[], ConsentState>>();

function stateOf(compiled: CompiledPolicy, decided: boolean, chosen: readonly string[], source: ConsentSource): ConsentState {
  if (!Object.isFrozen(chosen)) return buildState(compiled, decided, chosen, source);
  let states = byChosen.get(compiled);
  if (!states) byChosen.set(compiled, (states = new WeakMap()));
  const known = states.get(chosen);
  if (known !== undefined && known.decided === decided && known.source === source) return known;
  const state = buildState(compiled, decided, chosen, source);
  states.set(chosen, state);
  return state;
}

function buildState(compiled: CompiledPolicy, decided: boolean, chosen: readonly string[], source: ConsentSource): ConsentState {
  let key = `${decided ? 1 : 0}${source}:`;
  for (const id of compiled.categoryIds) key += compiled.requiredIds.has(id) || chosen.includes(id) ? '1' : '0';
  let cache = stateCache.get(compiled);
  if (!cache) stateCache.set(compiled, (cache = new Map()));
  const cached = cache.get(key);
  if (cached) return cached;
  const granted: string[] = [];
  const denied: string[] = [];
  for (const id of compiled.categoryIds) {
    (compiled.requiredIds.has(id) || chosen.includes(id) ? granted : denied).push(id);
  }
  // Frozen: templates read it from res.locals / ctx.state, and enforcement trusts it.
  const state = Object.freeze({ decided, revision: compiled.policy.revision, granted: Object.freeze(granted), denied: Object.freeze(denied), source });
  if (cache.size < MAX_CACHED_STATES) cache.set(key, state);
  return state;
}
