import type { IncomingHttpHeaders } from 'node:http';
import type { Regime } from './consent-state.js';
import { validateSources, type ConsentSourceOption, type SourceOption } from './consent-sources/validate.js';
import { resolveLogOptions, type ConsentLogOptions, type ResolvedLogOptions } from './consent-log/options.js';
import { BUILT_IN, messagesFor, type MessageOverrides } from './declaration/messages.js';
import type { DeclarationLayout } from './declaration/page.js';
import type { PolicyInput } from './policy/schema.js';
import type { Mode, ReportEvent } from './reports.js';
import { closest } from './suggest.js';

/** The request as `regime` sees it: a Node IncomingMessage, or `{ headers }` from `consentFor`. */
export interface RequestLike {
  readonly headers: IncomingHttpHeaders;
  readonly url?: string | undefined;
}

export interface ConsentOptions {
  /**
   * A YAML or JSON policy file, or a policy object (e.g. from `loadPolicy`). A relative path
   * is read from the working directory; `new URL('./consent-policy.yaml', import.meta.url)`
   * reads the file beside the code, wherever the app is started from.
   */
  readonly policy: string | URL | PolicyInput;
  /**
   * Signs the consent cookie with HMAC-SHA256. A list rotates keys: the first signs,
   * any verifies. When set, an unsigned or wrongly signed cookie is no consent.
   */
  readonly secret?: string | readonly string[] | undefined;
  /** `report-only` changes nothing in responses and reports what enforcement would do. @default "enforce" */
  readonly mode?: Mode;
  /** Path of the consent endpoint, or false to disable it. @default "/consent" */
  readonly endpoint?: string | false;
  /** Path of the cookie declaration page, or false to disable it. @default "/cookie-policy" */
  readonly declaration?: string | false;
  /** Inject the banner into HTML responses while the visitor has not decided. @default true */
  readonly banner?: boolean;
  /** Receives every blocked, undeclared and purged cookie and every consent change. */
  readonly onReport?: (event: ReportEvent) => void;
  /**
   * Which regime applies to a request: `opt-out` grants every category until the visitor
   * refuses (GPC still denies `gpc` categories). @default () => "opt-in"
   */
  readonly regime?: (req: RequestLike) => Regime;
  /** The locale of visitor-facing texts when the request's Accept-Language matches none. @default "en" */
  readonly locale?: string;
  /** Visitor-facing texts to override or add, per locale (English and Norwegian, "nb", are built in). */
  readonly messages?: MessageOverrides;
  /**
   * `vary`: each page is rewritten for the visitor's choice and marked `Vary: Cookie`.
   * `shared`: every page neutralizes every optional category and carries the banner, and
   * the banner's script applies the visitor's choice in the browser, so a CDN can cache one
   * copy of each page. Set-Cookie is enforced per request in both. @default "vary"
   */
  readonly cache?: CacheMode;
  /**
   * The client-side consent managers the site already runs, whose cookie the guard reads
   * and enforces when its own consent cookie has no valid choice: the first listed that
   * has a decision wins; a malformed, incomplete or undecided cookie counts as absent and
   * is reported (`consent-source-ignored`). The state's `source` is the `cmp`.
   * @example [{ cmp: 'onetrust', map: { C0002: 'performance', C0003: 'functionality', C0004: 'marketing' } }]
   * @default []
   * @see README.md#consentsources
   */
  readonly consentSources?: readonly ConsentSourceOption[];
  /**
   * Proof of consent: record every consent change (at the endpoint, and a consent manager's
   * decision the first time the guard sees it) in a store. Writes go through a bounded
   * queue and never delay a response; call the middleware's `close()` on shutdown.
   * @example { store: './consent.db', retentionDays: 3 * 365 }
   * @see README.md#consentlog
   */
  readonly consentLog?: ConsentLogOptions | false | undefined;
  /**
   * Renders the declaration page inside the site's own template: gets the page's content
   * (HTML: a link back, the title as `<h1>`, the visitor's choice, the declaration, and its
   * style) and `{ title, locale }`, returns the whole document. If it throws, the guard's
   * own page is served.
   * @example (content, { title, locale }) => `<!doctype html><html lang="${locale}"><title>${title}</title>${header}${content}${footer}</html>`
   */
  readonly declarationLayout?: DeclarationLayout | undefined;
}

export type CacheMode = 'vary' | 'shared';

export interface ResolvedOptions {
  readonly secrets: readonly string[];
  readonly mode: Mode;
  readonly endpoint: string | false;
  readonly declaration: string | false;
  readonly banner: boolean;
  readonly onReport: ((event: ReportEvent) => void) | undefined;
  readonly regime: ((req: RequestLike) => Regime) | undefined;
  readonly locale: string;
  readonly messages: MessageOverrides;
  readonly cache: CacheMode;
  readonly consentSources: readonly SourceOption[];
  readonly consentLog: ResolvedLogOptions | undefined;
  readonly declarationLayout: DeclarationLayout | undefined;
}

const KNOWN_OPTIONS = ['policy', 'secret', 'mode', 'endpoint', 'declaration', 'banner', 'onReport', 'regime', 'locale', 'messages', 'cache', 'consentSources', 'consentLog', 'declarationLayout'];

/** Checks the options once, at startup, with messages that say how to fix them. */
export function resolveOptions(options: unknown): ResolvedOptions & { policy: ConsentOptions['policy'] } {
  if (isRequest(options)) {
    throw new TypeError(
      'It appears you have done something like `app.use(consentGuard)`, but it should be `app.use(consentGuard({ policy: "./consent-policy.yaml" }))`.',
    );
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('argument options is required: consentGuard({ policy })');
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN_OPTIONS.includes(key)) {
      const match = closest(key, KNOWN_OPTIONS);
      throw new TypeError(`consent-guard received an unknown option \`${key}\`.${match ? ` Did you mean \`${match}\`?` : ''}`);
    }
  }
  const { policy, secret, mode = 'enforce', endpoint = '/consent', declaration = '/cookie-policy', banner = true, onReport, regime, locale = 'en', messages = {}, cache = 'vary', consentSources, consentLog, declarationLayout } = given;
  if (policy === undefined || policy === null) throw new TypeError('argument policy is required: a policy file path or object');
  if (mode !== 'enforce' && mode !== 'report-only') throw new TypeError(`option mode must be "enforce" or "report-only", not ${JSON.stringify(mode)}`);
  if (cache !== 'vary' && cache !== 'shared') throw new TypeError(`option cache must be "vary" or "shared", not ${JSON.stringify(cache)}`);
  if (typeof banner !== 'boolean') throw new TypeError('option banner must be a boolean');
  if (onReport !== undefined && typeof onReport !== 'function') throw new TypeError('option onReport must be a function');
  if (declarationLayout !== undefined && typeof declarationLayout !== 'function') throw new TypeError('option declarationLayout must be a function (content, { title, locale }) => html');
  if (regime !== undefined && typeof regime !== 'function') throw new TypeError('option regime must be a function (req) => "opt-in" | "opt-out"');
  if (typeof locale !== 'string' || !/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(locale)) throw new TypeError('option locale must be a language tag such as "en" or "nb"');
  if (typeof messages !== 'object' || messages === null || !Object.values(messages).every((texts) => typeof texts === 'object' && texts !== null && Object.values(texts).every((text) => typeof text === 'string'))) {
    throw new TypeError('option messages must map locales to objects of texts, e.g. { nb: { acceptAll: "Godta alle" } }');
  }
  checkMessageKeys(messages as MessageOverrides);
  checkLocaleHasTexts(locale, messages as MessageOverrides);
  return {
    policy: policy as ConsentOptions['policy'],
    secrets: secretsOf(secret),
    mode,
    endpoint: routeOption('endpoint', endpoint),
    declaration: routeOption('declaration', declaration),
    banner,
    onReport: onReport as ResolvedOptions['onReport'],
    regime: regime as ResolvedOptions['regime'],
    locale: locale.toLowerCase(),
    messages: Object.fromEntries(Object.entries(messages as MessageOverrides).map(([key, texts]) => [key.toLowerCase(), texts])),
    cache,
    consentSources: validateSources(consentSources),
    consentLog: resolveLogOptions(consentLog),
    declarationLayout: declarationLayout as ResolvedOptions['declarationLayout'],
  };
}

function secretsOf(secret: unknown): readonly string[] {
  if (secret === undefined) return [];
  const list = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0 || !list.every((s) => typeof s === 'string' && s.length > 0)) {
    throw new TypeError('option secret must be a non-empty string or a non-empty list of them (leave it out to disable signing)');
  }
  warnOfWeakSecrets(list as string[]);
  return Object.freeze([...list]);
}

const MESSAGE_KEYS = Object.keys(BUILT_IN.en!);

/** A misspelt text (JavaScript users get no type error) would silently show the default. */
function checkMessageKeys(messages: MessageOverrides): void {
  for (const [locale, texts] of Object.entries(messages)) {
    for (const key of Object.keys(texts)) {
      if (MESSAGE_KEYS.includes(key)) continue;
      const match = closest(key, MESSAGE_KEYS);
      throw new TypeError(`option messages.${locale} has an unknown text \`${key}\`.${match ? ` Did you mean \`${match}\`?` : ''}`);
    }
  }
}

/** `locale: 'de'` with no German texts would show English while claiming `lang="de"`. */
function checkLocaleHasTexts(locale: string, messages: MessageOverrides): void {
  const chosen = messagesFor(locale, messages).locale;
  if (chosen !== 'en' || /^en(-|$)/i.test(locale)) return;
  const offered = [...new Set([...Object.keys(BUILT_IN), ...Object.keys(messages)])].map((key) => `"${key}"`).join(', ');
  throw new TypeError(`option locale "${locale}" has no texts: the locales are ${offered}; add yours in messages, e.g. { ${locale.toLowerCase()}: { acceptAll: "…" } }`);
}

/** Bytes below which an HMAC-SHA256 key is guessable rather than random (RFC 2104 §3: at least the hash's length). */
const SECRET_MIN_BYTES = 32;

function warnOfWeakSecrets(secrets: readonly string[]): void {
  if (!secrets.some((secret) => Buffer.byteLength(secret) < SECRET_MIN_BYTES)) return;
  process.emitWarning(
    `consent-guard: option secret should be at least ${SECRET_MIN_BYTES} bytes of random data (e.g. crypto.randomBytes(32).toString('hex')); a shorter one can be guessed and consent cookies forged`,
    { code: 'CONSENT_GUARD_WEAK_SECRET' },
  );
}

function routeOption(name: string, value: unknown): string | false {
  if (value === false) return false;
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/.test(value)) {
    throw new TypeError(`option ${name} must be a path starting with "/", or false to disable it`);
  }
  return value;
}

function isRequest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'headers' in value && ('socket' in value || 'req' in value || 'method' in value);
}
