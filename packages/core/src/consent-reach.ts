import type { TrackerMatcher } from './html/trackers.js';
import type { CompiledPolicy } from './policy/compile.js';

/**
 * What in a policy can make a response differ from one consent state to another, worked
 * out once per guard. A response that nothing here can reach leaves the guard as the app
 * sent it: no Vary, its own ETag, Content-Length and ranges.
 */
export interface ConsentReach {
  /** A category can be denied: the tags marked with it, and its trackers, change with the state. */
  readonly optional: boolean;
  /** A tracker belongs to a category that can be denied: a page holding one differs by state. */
  readonly optionalTrackers: boolean;
  /** The Consent Mode default differs by state: a category that can be denied maps to a Consent Mode type. */
  readonly consentModeVaries: boolean;
  /** A declared first-party cookie of a category that can be denied: a response that purges differs by the request's cookies. */
  readonly purgeable: boolean;
}

export function consentReach(compiled: CompiledPolicy, trackers: TrackerMatcher): ConsentReach {
  const { policy, categoryIds, requiredIds } = compiled;
  const optional = (id: string) => !requiredIds.has(id);
  return {
    optional: categoryIds.some(optional),
    optionalTrackers: [...trackers.categories].some(optional),
    consentModeVaries: categoryIds.some((id) => optional(id) && (policy.categories[id]?.consentMode.length ?? 0) > 0),
    purgeable: policy.cookies.some((cookie) => !cookie.thirdParty && optional(cookie.category)),
  };
}
