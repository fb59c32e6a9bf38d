import data from './services.json' with { type: 'json' };

/** A cookie a catalogue service sets. */
export interface CatalogueCookie {
  /** Exact name, or a glob with `*`. */
  readonly name: string;
  /** Set on the service's own domain (declared, not deletable from the site). */
  readonly thirdParty: boolean;
  readonly type: 'session' | 'persistent';
  readonly duration: string;
  readonly purpose: string;
}

/** The category a service belongs to when a site does not say otherwise (scan suggests it). */
export type DefaultCategory = 'necessary' | 'functionality' | 'performance' | 'marketing';

/** A common third-party service: who runs it, what it loads and which cookies it sets. */
export interface CatalogueService {
  readonly name: string;
  readonly provider: string;
  readonly privacyUrl: string;
  readonly category: DefaultCategory;
  /** Google Consent Mode types the service depends on. */
  readonly consentMode: readonly string[];
  /** The provider's id in IAB's Global Vendor List, where it has one. */
  readonly tcfVendorId?: number;
  /** Hosts, `*.host`, or host + path prefix, as in a policy's trackers. */
  readonly hosts: readonly string[];
  /** Substrings of the vendor's inline snippet. */
  readonly inline: readonly string[];
  readonly cookies: readonly CatalogueCookie[];
}

/** The bundled catalogue: versioned data in `services.json`, curated by hand from the vendors' own snippets and documentation. */
export const CATALOGUE_VERSION: string = data.version;

const SERVICES = data.services as Readonly<Record<string, CatalogueService>>;

/** Every catalogue id, in catalogue order. */
export const SERVICE_IDS: readonly string[] = Object.freeze(Object.keys(SERVICES));

export function catalogueService(id: string): CatalogueService | undefined {
  return Object.hasOwn(SERVICES, id) ? SERVICES[id] : undefined;
}
