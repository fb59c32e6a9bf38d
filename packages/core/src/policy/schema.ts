import { z } from 'zod';
import { catalogueService, SERVICE_IDS } from '../catalogue/catalogue.js';

/** Characters RFC 6265 allows in a cookie name (an HTTP token), plus `*` for globs. */
export const COOKIE_NAME_GLOB = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export const CATEGORY_ID = /^[a-z][a-z0-9_-]*$/;
const DOMAIN = /^\.?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
// Path and domain end up in purge headers: printable ASCII without `;`, so nothing can
// smuggle another attribute or header through them.
const COOKIE_PATH = /^\/[\x21-\x3A\x3C-\x7E]*$/;
const NO_CONTROL_CHARS = /^[^\x00-\x1F\x7F]*$/;

export const CONSENT_MODE_TYPES = [
  'ad_storage',
  'analytics_storage',
  'ad_user_data',
  'ad_personalization',
  'functionality_storage',
  'personalization_storage',
  'security_storage',
] as const;

const text = (what: string) => z.string().trim().min(1, `${what} must not be empty`);
const LOCALE_TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;

/** A text the same for every visitor, or one per locale, chosen like the banner's language. */
const localized = (single: z.ZodType<string>) =>
  z.union([single, z.record(z.string().regex(LOCALE_TAG, 'locales are language tags such as "en" or "nb"'), single).refine((texts) => Object.keys(texts).length > 0, 'must give at least one locale')], {
    error: localizedIssue,
  });

/** A text's own problem (an empty string, a bad locale), or what the field takes when it is neither. */
function localizedIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.input === undefined || issue.code !== 'invalid_union') return undefined;
  const branch = typeof issue.input === 'string' ? 0 : typeof issue.input === 'object' && issue.input !== null && !Array.isArray(issue.input) ? 1 : -1;
  const inner = issue.errors[branch]?.[0];
  return (inner?.code === 'invalid_key' ? inner.issues[0]?.message : inner?.message) ?? 'must be a text, or texts by locale such as { en: "…", nb: "…" }';
}

// Each field's description goes into policy.schema.json, where editors show it.
export const consentCookieSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[!#$%&'+\-.^_`|~0-9A-Za-z]{1,64}$/, 'must be a cookie name (letters, digits, `_` and `-`)')
    .default('cg_consent')
    .describe("Name of the guard's own consent cookie."),
  maxAgeDays: z.number().int().min(1).max(3650).default(365).describe('Days a decision stays valid; after that the visitor is asked again.'),
  domain: z
    .string()
    .regex(DOMAIN, 'must be a domain name such as .example.com')
    .optional()
    .describe('Domain attribute of the consent cookie, to share it across subdomains.'),
});

export const categorySchema = z.strictObject({
  label: localized(text('label')).describe('Shown in the banner and the declaration: a text, or texts by locale ({ en: …, nb: … }).'),
  description: localized(z.string()).default('').describe('What the category is for, in plain words: a text, or texts by locale.'),
  required: z.boolean().default(false).describe('Always granted, never purged (essential / necessary cookies).'),
  gpc: z.boolean().default(false).describe('Denied while the visitor has not decided when the browser sends `Sec-GPC: 1`.'),
  consentMode: z.array(z.enum(CONSENT_MODE_TYPES)).default([]).describe('Google Consent Mode types this category grants.'),
});

export const cookieSchema = z.strictObject({
  name: z
    .string()
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters')
    .regex(COOKIE_NAME_GLOB, 'must be a cookie name or a glob of one: letters, digits, `*` and !#$%&\'+-.^_`|~')
    .describe('Exact cookie name, or a glob with `*` such as `_ga_*` (exact names win, then the most specific glob).'),
  category: z.string().describe('Id of the category the cookie belongs to.'),
  provider: z.string().optional().describe('Who sets it, e.g. HubSpot.'),
  type: z.enum(['session', 'persistent']).optional().describe('Session cookies go when the browser closes.'),
  duration: z.string().optional().describe('How long it lasts, as the declaration should say it.'),
  purpose: localized(z.string()).optional().describe('What it is used for: a text, or texts by locale.'),
  domain: z.string().regex(DOMAIN, 'must be a domain name such as .example.com').optional().describe('Domain to delete the cookie on when purging.'),
  path: z
    .string()
    .regex(COOKIE_PATH, 'must be a path starting with / (no spaces or `;`)')
    .default('/')
    .describe('Path to delete the cookie on when purging.'),
  thirdParty: z.boolean().default(false).describe('Set by another site: declared, but not deletable from here.'),
  service: serviceReference(),
});

export const trackerSchema = z.strictObject({
  name: localized(text('name')).describe('The tracker, e.g. HubSpot tracking code: a text, or texts by locale.'),
  category: z.string().describe('Id of the category the tracker belongs to.'),
  hosts: z
    .array(z.string().regex(/^(\*\.)?[A-Za-z0-9.-]+(?::\d+)?(\/\S*)?$/, 'must be a host, *.host, or host/path'))
    .default([])
    .describe('Hosts (`js.hs-scripts.com`, `*.hubspot.com`) or host + path prefix (`www.google.com/maps`).'),
  inline: z
    .array(z.string().min(3, 'must be at least 3 characters'))
    .default([])
    .describe('Substrings that mark an inline `<script>` as this tracker.'),
  service: serviceReference(),
});

function serviceReference() {
  return z.string().optional().describe('The catalogue service this entry was expanded from (`services:` sets it; such entries are derived afresh on every load).');
}

export const servicesSchema = z
  .strictObject(Object.fromEntries(SERVICE_IDS.map((id) => [id, z.string().optional().describe(`${catalogueService(id)?.name} (${catalogueService(id)?.provider}): the category it belongs to.`)])))
  .describe('Services from the bundled catalogue, by id → the category they belong to: their trackers and cookies are declared for you.');

export const policySchema = z.strictObject({
  $schema: z.string().optional().describe('Where editors find this schema (JSON policies).'),
  revision: z
    .union([
      z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters').regex(NO_CONTROL_CHARS, 'must not contain control characters'),
      z.number(),
    ])
    .describe('Bump when purposes change: visitors are asked again.'),
  consentCookie: consentCookieSchema.default({ name: 'cg_consent', maxAgeDays: 365 }).describe("The guard's own consent cookie."),
  undeclaredCookies: z.enum(['block', 'allow']).default('block').describe('What happens to a Set-Cookie the policy does not declare (reported either way).'),
  categories: z
    .record(z.string().regex(CATEGORY_ID, 'category ids are lowercase: [a-z][a-z0-9_-]*'), categorySchema)
    .refine((categories) => Object.keys(categories).length > 0, 'must declare at least one category')
    .describe('Consent categories by id, in display order.'),
  services: servicesSchema.default({}),
  cookies: z.array(cookieSchema).default([]).describe('Every cookie the site sets, by name or glob.'),
  trackers: z.array(trackerSchema).default([]).describe('Tracker tags recognised in HTML, by host or inline signature.'),
});

/** Object keys each part of the policy accepts, for "did you mean" hints. */
export const knownKeys = {
  root: Object.keys(policySchema.shape),
  consentCookie: Object.keys(consentCookieSchema.shape),
  category: Object.keys(categorySchema.shape),
  cookie: Object.keys(cookieSchema.shape),
  tracker: Object.keys(trackerSchema.shape),
  services: SERVICE_IDS,
};

/** A policy as a user writes it (defaults optional); a `Policy`, or a spread copy of one, is one too. */
export type PolicyInput = DeepReadonly<z.input<typeof policySchema>>;
type Parsed = z.output<typeof policySchema>;
export type Category = Parsed['categories'][string];
export type CookieDeclaration = Parsed['cookies'][number];
export type TrackerDeclaration = Parsed['trackers'][number];
export type ConsentModeType = (typeof CONSENT_MODE_TYPES)[number];

/** A validated policy: format 1 with every default filled in, deeply frozen. */
export type Policy = DeepReadonly<Omit<Parsed, 'revision'> & { revision: string }>;

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
