import { compileTrackers, type TrackerMatcher } from '../html/trackers.js';
import { compilePolicy, type CompiledPolicy } from '../policy/compile.js';
import { loadPolicy } from '../policy/load.js';
import { catalogueService, SERVICE_IDS, type DefaultCategory } from './catalogue.js';

/** The catalogue service behind a cookie or a URL. */
export interface ServiceMatch {
  readonly id: string;
  readonly name: string;
  readonly provider: string;
  readonly privacyUrl: string;
  /** The category the catalogue gives it by default. */
  readonly category: DefaultCategory;
}

let whole: { compiled: CompiledPolicy; trackers: TrackerMatcher } | undefined;

// The whole catalogue as one policy, so cookies and URLs match exactly as enforcement matches them.
function catalogue() {
  whole ??= (() => {
    const policy = loadPolicy({
      revision: 'catalogue',
      categories: { necessary: { label: 'necessary' }, functionality: { label: 'functionality' }, performance: { label: 'performance' }, marketing: { label: 'marketing' } },
      services: Object.fromEntries(SERVICE_IDS.map((id) => [id, catalogueService(id)!.category])),
    });
    return { compiled: compilePolicy(policy), trackers: compileTrackers(policy) };
  })();
  return whole;
}

function matchOf(id: string | undefined): ServiceMatch | undefined {
  const service = id === undefined ? undefined : catalogueService(id);
  return service && id !== undefined ? { id, name: service.name, provider: service.provider, privacyUrl: service.privacyUrl, category: service.category } : undefined;
}

export function serviceOfCookie(name: string): ServiceMatch | undefined {
  return matchOf(catalogue().compiled.findCookie(name)?.service);
}

export function serviceOfUrl(url: string): ServiceMatch | undefined {
  return matchOf(catalogue().trackers.matchUrl(url)?.service);
}
