import { catalogueService } from '../catalogue/catalogue.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { closest } from '../suggest.js';
import type { CmpName, IgnoredReason, ManagerFormat } from './format.js';
import { createCache } from '../cache.js';
import { FORMATS } from './formats.js';
import { createThrottle } from './throttle.js';
import type { SourceOption } from './validate.js';

/** A manager's decision, mapped onto the policy's categories. */
export interface SourceDecision {
  readonly cmp: CmpName;
  /** Granted policy category ids (required ones are added by the state). */
  readonly granted: readonly string[];
  /** The manager's own id of this consent record, when it keeps one. */
  readonly consentId: string | undefined;
  /** This process has not seen this cookie value before: a choice newly read. */
  readonly fresh: boolean;
  /** The cookie value the decision was read from. */
  readonly value: string;
}

/** A manager cookie that was ignored, for the report. */
export interface IgnoredSource {
  readonly source: CmpName;
  readonly cookie: string;
  readonly reason: IgnoredReason;
  readonly detail: string;
  /** Occurrences since this source's last report of this reason (1 the first time). */
  readonly count: number;
}

export interface ConsentSources {
  /** The first configured source with a decision, or undefined; never throws. */
  read(cookies: Readonly<Record<string, string | undefined>>, onIgnored: (ignored: IgnoredSource) => void): SourceDecision | undefined;
}

interface CompiledSource {
  readonly cmp: CmpName;
  readonly cookie: string;
  readonly format: ManagerFormat;
  /** Every manager id the map uses. */
  readonly ids: readonly string[];
  /** Policy category → the manager ids mapped to it. */
  readonly byCategory: ReadonlyMap<string, readonly string[]>;
  /** Decisions by raw value: visitors send the same cookie with every request. */
  readonly cache: ReturnType<typeof createCache<Decision>>;
}

interface Decision {
  readonly granted: readonly string[];
  readonly consentId: string | undefined;
  readonly decidedAt: number | undefined;
}
type Outcome = Decision | { readonly reason: IgnoredReason; readonly detail: string };

// Only decisions are kept (a flood of garbage values cannot fill the cache), each at most
// the size of a browser cookie (OneTrust: two): at most ~20 MB per source, typically <3 MB.
const CACHE_SIZE = 5_000;
const REPORT_INTERVAL = 60 * 60 * 1000;
const DAY = 24 * 60 * 60 * 1000;

/** Checks each source's map against the policy (throwing a TypeError at startup) and prepares the readers. */
export function compileSources(options: readonly SourceOption[], compiled: CompiledPolicy): ConsentSources | undefined {
  if (options.length === 0) return undefined;
  const sources = options.map((option, index) => compileSource(option, index, compiled));
  const throttle = createThrottle(REPORT_INTERVAL);
  const maxAge = compiled.policy.consentCookie.maxAgeDays * DAY;
  // A choice the manager dates counts for maxAgeDays, like the guard's own (and not from the future).
  const expired = (decision: Decision, now: number): Outcome | undefined =>
    decision.decidedAt !== undefined && (now - decision.decidedAt >= maxAge || decision.decidedAt - now > DAY)
      ? { reason: 'undecided', detail: `decided ${new Date(decision.decidedAt).toISOString().slice(0, 10)}: older than maxAgeDays, or in the future` }
      : undefined;
  return {
    read(cookies, onIgnored) {
      const now = Date.now();
      for (const source of sources) {
        const raw = source.format.raw(cookies, source.cookie, source.ids);
        if (raw === undefined) continue;
        const cached = source.cache.get(raw);
        let outcome: Outcome = cached ?? evaluate(source, raw);
        if ('granted' in outcome) outcome = expired(outcome, now) ?? outcome;
        if ('granted' in outcome) {
          if (!cached) source.cache.set(raw, outcome);
          return { cmp: source.cmp, granted: outcome.granted, consentId: outcome.consentId, fresh: !cached, value: raw };
        }
        const count = throttle(`${source.cmp}=${source.cookie}:${outcome.reason}`, now);
        if (count !== undefined) onIgnored({ source: source.cmp, cookie: source.cookie, reason: outcome.reason, detail: outcome.detail, count });
      }
      return undefined;
    },
  };
}

function evaluate(source: CompiledSource, raw: string): Outcome {
  const reading = source.format.read(raw, source.ids);
  if (!reading.decided) return { reason: reading.reason, detail: reading.detail };
  const granted: string[] = [];
  for (const [category, ids] of source.byCategory) {
    if (ids.every((id) => reading.ids.get(id) === true)) granted.push(category);
  }
  return { granted: Object.freeze(granted), consentId: reading.consentId, decidedAt: reading.decidedAt };
}

function compileSource(option: SourceOption, index: number, compiled: CompiledPolicy): CompiledSource {
  const format = FORMATS[option.cmp];
  const optional = compiled.categoryIds.filter((id) => !compiled.requiredIds.has(id));
  const pairs = [...(option.map ?? defaultMap(option.cmp, format, optional, index)), ...(format.readsVendors ? vendorPairs(compiled, optional) : [])];
  const byCategory = new Map<string, string[]>();
  for (const [id, targets] of pairs) {
    for (const target of targets) {
      if (!compiled.categoryIds.includes(target)) {
        const match = closest(target, compiled.categoryIds);
        throw new TypeError(
          `option consentSources[${index}].map.${id}: "${target.slice(0, 40)}" is not a category of the policy.${match ? ` Did you mean "${match}"?` : ''} Categories: ${compiled.categoryIds.join(', ')}.`,
        );
      }
      if (!compiled.requiredIds.has(target)) byCategory.set(target, [...(byCategory.get(target) ?? []), id]);
    }
  }
  return { cmp: option.cmp, cookie: option.cookie, format, ids: [...new Set(pairs.map(([id]) => id))], byCategory, cache: createCache<Decision>(CACHE_SIZE) };
}

/** The manager's standard map onto the categories this policy has; by equal name where the ids are the site's own. */
function defaultMap(cmp: CmpName, format: ManagerFormat, optional: readonly string[], index: number): readonly (readonly [string, readonly string[]])[] {
  if (format.defaultMap) {
    return Object.entries(format.defaultMap)
      .map(([id, targets]) => [id, (typeof targets === 'string' ? [targets] : targets).filter((target) => optional.includes(target))] as const)
      .filter(([, targets]) => targets.length > 0);
  }
  if (cmp === 'klaro') throw new TypeError(`option consentSources[${index}].map is required for klaro: its services are named by the site, e.g. { googleAnalytics: "performance" }`);
  return optional.map((id) => [id, [id]]);
}

/**
 * Each catalogue service with a TCF vendor id needs its vendor's consent too. Enforcement
 * is per category, so a vendor refused keeps the whole category of its service off.
 */
function vendorPairs(compiled: CompiledPolicy, optional: readonly string[]): (readonly [string, readonly string[]])[] {
  return Object.entries(compiled.policy.services).flatMap(([id, category]) => {
    const vendor = catalogueService(id)?.tcfVendorId;
    return vendor !== undefined && category !== undefined && optional.includes(category) ? [[`vendor:${vendor}`, [category]] as const] : [];
  });
}
