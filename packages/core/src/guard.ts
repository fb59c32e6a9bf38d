import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie } from 'cookie';
import { createConsentDecoder, type StoredConsent } from './consent-cookie.js';
import { isCurrent, resolveConsent, sendsGpc, type ConsentState, type Regime } from './consent-state.js';
import { compileSources, type ConsentSources } from './consent-sources/sources.js';
import { handleConsentRequest, type EndpointInput, type EndpointResponse } from './endpoint/handle.js';
import { GuardedResponse, type Connection, type GuardContext } from './guarded-response.js';
import { compileTrackers } from './html/trackers.js';
import { consentReach } from './consent-reach.js';
import { compilePolicy, type CompiledPolicy } from './policy/compile.js';
import { loadPolicy } from './policy/load.js';
import type { Policy } from './policy/schema.js';
import { contextual, createReporter, requestContext, type ReportEvent, type Reporter } from './reports.js';
import { assetResponse, gpcResponse, GPC_PATH } from './declaration/assets.js';
import { BannerTemplates } from './declaration/banner.js';
import { usesConsentMode } from './declaration/consent-mode.js';
import { messagesForRequest } from './declaration/messages.js';
import { declarationPage } from './declaration/page.js';
import { safeReturnPath } from './endpoint/checks.js';
import { createPageRewriter } from './html/page.js';
import { resolveOptions, type ConsentOptions, type RequestLike, type ResolvedOptions } from './options.js';
import { createConsentLog, type ConsentLog, type ConsentLogWriter, type LogEvents } from './consent-log/log.js';
import { derivedConsentId } from './consent-log/record.js';
import createDebug from 'debug';
import { logStartup } from './startup-log.js';

// Under the namespace DEBUG=consent-guard:* enables, with the startup log and the reports.
const log = createDebug('consent-guard:guard');

/** What the guard knows about one request, shared by the header hook and the endpoint. */
export interface RequestConsent {
  state: ConsentState;
  /** The request carried cookies (something to purge, maybe). */
  readonly hasCookies: boolean;
  /** The verified consent cookie, even when stale: its consent id is kept across changes. */
  readonly stored: StoredConsent | undefined;
  /** The request's cookies, values as sent (not percent-decoded). */
  readonly cookies: Readonly<Record<string, string | undefined>>;
}

export interface Guard {
  readonly policy: Policy;
  readonly options: ResolvedOptions;
  /** The consent state for a request (or just its headers). */
  consentFor(request: IncomingHttpHeaders | RequestLike): ConsentState;
  /**
   * Starts guarding one response: reads the visitor's consent and hooks `res` so that every
   * Set-Cookie is judged just before the head is sent. Adapters call this first thing.
   */
  protect(req: IncomingMessage, res: ServerResponse, connection: Connection): GuardedResponse;
  /** Answers a request to the consent endpoint (the adapter has matched the path). */
  handleEndpoint(guarded: GuardedResponse, input: EndpointInput): Promise<EndpointResponse>;
  /**
   * Answers GET `{endpoint}/banner.js` and the guard's other files (linked from pages under
   * a CSP without a nonce) and `/.well-known/gpc.json` (when the policy honours GPC);
   * undefined when `req` asks for none of them.
   */
  handleAsset(req: IncomingMessage, path: string): EndpointResponse | undefined;
  /** Answers GET {declaration} (the adapter has matched the path and method). */
  handleDeclaration(guarded: GuardedResponse, req: IncomingMessage): EndpointResponse;
  /**
   * A streaming rewriter enforcing `state` on one HTML document, for adapters and tools
   * that do not go through `protect` (static rendering, other frameworks).
   */
  htmlRewriter(state: ConsentState, options?: { readonly returnTo?: string; readonly onReport?: (event: ReportEvent) => void }): HtmlStreamRewriter;
  /** The consent log (`consentLog` option), or undefined when it is off. */
  readonly consentLog: ConsentLog | undefined;
  /** Writes the consent log's queue and closes its store; call it on shutdown. Resolves at once without a log. */
  close(): Promise<void>;
}

/**
 * Bytes in, bytes out: `write` returns what can go out now, `end` the rest. Giving the last
 * chunk to `end` (as a whole page) is the same as writing it first, and can be faster: the
 * rewriter then knows where nothing more can change.
 */
export interface HtmlStreamRewriter {
  write(chunk: Buffer): Buffer;
  end(last?: Buffer): Buffer;
}

/** Validates options and policy once (throwing `TypeError` / `PolicyError`), then guards requests. */
export function createGuard(options: Readonly<ConsentOptions>): Guard {
  const { policy: policyInput, ...resolved } = resolveOptions(options);
  const compiled = compilePolicy(loadPolicy(policyInput));
  logStartup(policyInput, compiled.policy, resolved);
  const report = createReporter(resolved.onReport);
  const consentLog = resolved.consentLog && createConsentLog(resolved.consentLog, logEvents(resolved.mode, report));

  const trackers = compileTrackers(compiled.policy);
  const reach = consentReach(compiled, trackers);
  const consentMode = usesConsentMode(compiled.policy);
  // Nothing stored, no signal, opt-in: only the required categories.
  const anonymous = resolveConsent(compiled, { stored: undefined, gpc: false, regime: 'opt-in', now: 0 });
  const context: GuardContext = {
    compiled,
    trackers,
    options: resolved,
    report,
    log: consentLog,
    vary: compiled.gpcIds.size > 0 ? 'Cookie, Sec-GPC' : 'Cookie',
    reach,
    pagesMayChange: resolved.mode === 'enforce' && ((resolved.banner && resolved.endpoint !== false) || reach.optional || consentMode),
    sharedPageState: resolved.cache === 'shared' ? anonymous : undefined,
    consentMode,
    banners: new BannerTemplates(),
  };
  const decode = createConsentDecoder(compiled.policy.consentCookie.name, resolved.secrets);
  const sources = compileSources(resolved.consentSources, compiled);
  const readDeps: ReadDeps = { compiled, options: resolved, decode, sources, report, consentLog, anonymous };
  const read = (request: RequestLike, connection?: Connection): RequestConsent => readConsent(readDeps, request, connection);

  const assetsAt = resolved.endpoint === false ? undefined : `${resolved.endpoint}/`;
  const gpcStatement = compiled.gpcIds.size > 0 ? gpcResponse(compiled.policy) : undefined;

  return {
    policy: compiled.policy,
    options: resolved,
    consentFor: (request) => read(isRequestLike(request) ? request : { headers: request }).state,
    protect(req, res, connection) {
      // A guard mounted twice (app and router) hooks each response once.
      return GuardedResponse.existing(res, context) ?? new GuardedResponse(context, req, res, connection, read(req, connection));
    },
    handleEndpoint(guarded, input) {
      guarded.showsState();
      // A browser navigating to the endpoint (a "change your choice" link) gets the page, not JSON.
      const { method, headers } = input.req;
      if ((method === 'GET' || method === 'HEAD') && /\btext\/html\b/i.test(headers.accept ?? '') && !/\bapplication\/json\b/i.test(headers.accept ?? '')) {
        guarded.suppressBanner();
        return Promise.resolve(declarationPage(context, guarded, input.req, resolved.endpoint || '/'));
      }
      return handleConsentRequest(context, guarded, input);
    },
    handleAsset(req, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
      const asset = path === GPC_PATH ? gpcStatement : assetsAt !== undefined && path.startsWith(assetsAt) ? assetResponse(path.slice(assetsAt.length)) : undefined;
      if (asset && req.headers['if-none-match'] === asset.headers.ETag) return { ...asset, status: 304, body: '' };
      return asset;
    },
    handleDeclaration(guarded, req) {
      guarded.suppressBanner();
      guarded.showsState();
      return declarationPage(context, guarded, req, resolved.declaration || '/');
    },
    htmlRewriter(state, { returnTo, onReport } = {}) {
      const context = { mode: resolved.mode, method: 'GET', path: returnTo ?? '/' } as const;
      return createPageRewriter({
        compiled,
        trackers,
        state,
        enforce: resolved.mode === 'enforce',
        endpoint: resolved.endpoint,
        returnTo: returnTo === undefined ? undefined : safeReturnPath(returnTo),
        // The site's default language; its texts built once (placeholders are kept per texts).
        texts: () => messagesForRequest(undefined, resolved),
        report: (event) => onReport?.(contextual(context, event)),
      });
    },
    consentLog,
    close: () => consentLog?.close() ?? Promise.resolve(),
  };
}

interface ReadDeps {
  readonly compiled: CompiledPolicy;
  readonly options: ResolvedOptions;
  readonly decode: (value: string) => StoredConsent | undefined;
  readonly sources: ConsentSources | undefined;
  readonly report: Reporter;
  readonly consentLog: ConsentLogWriter | undefined;
  /** The state of a visitor who sends no cookie and no signal, under the default regime. */
  readonly anonymous: ConsentState;
}

function readConsent(deps: ReadDeps, request: RequestLike, connection: Connection | undefined): RequestConsent {
  const { compiled, options, decode, sources, report, consentLog } = deps;
  const header = request.headers.cookie;
  const hasCookies = typeof header === 'string' && header !== '';
  // Most API calls: nothing to parse, verify or resolve.
  if (!hasCookies && !options.regime && !sendsGpc(request.headers)) return { state: deps.anonymous, stored: undefined, cookies: NO_COOKIES, hasCookies };
  // Raw values: each reader decodes what it reads, once, after splitting its own fields.
  const cookies = hasCookies ? parseCookie(header, RAW) : NO_COOKIES;
  const value = cookies[compiled.policy.consentCookie.name];
  const stored = value === undefined ? undefined : decode(value);
  const now = Date.now();
  // Managers' cookies are read only when the guard's own cookie has no valid choice.
  const managed = sources && hasCookies && !(stored && isCurrent(compiled, stored, now))
    ? sources.read(cookies, (ignored) => report(contextual(requestContext(options.mode, request), { type: 'consent-source-ignored', ...ignored })))
    : undefined;
  const state = resolveConsent(compiled, {
    stored,
    managed: managed && { source: managed.cmp, granted: managed.granted },
    gpc: sendsGpc(request.headers),
    regime: regimeFor(options, request),
    now,
  });
  if (managed?.fresh) {
    const { granted, denied, revision } = state;
    if (report.active) report(contextual(requestContext(options.mode, request), { type: 'consent-changed', action: 'save', granted, denied, source: managed.cmp, consentId: managed.consentId, revision }));
    consentLog?.record({
      consentId: managed.consentId ?? derivedConsentId(managed.cmp, managed.value),
      revision,
      granted,
      denied,
      action: 'save',
      source: managed.cmp,
      locale: null,
      userAgent: request.headers['user-agent'],
      clientIp: () => connection?.clientIp?.(),
    });
  }
  return { state, stored, cookies, hasCookies };
}

const NO_COOKIES: Readonly<Record<string, string | undefined>> = Object.freeze({});
const RAW = { decode: (value: string) => value };

function regimeFor(options: ResolvedOptions, request: RequestLike): Regime {
  if (!options.regime) return 'opt-in';
  try {
    const regime = options.regime(request);
    if (regime === 'opt-in' || regime === 'opt-out') return regime;
    log('regime returned %o; using opt-in', regime);
  } catch (error) {
    log('regime threw; using opt-in: %O', error);
  }
  return 'opt-in';
}

/** The log's failures and losses as report events; they belong to no request. */
function logEvents(mode: ResolvedOptions['mode'], report: Reporter): LogEvents {
  const context = { mode, method: '', path: '' } as const;
  return {
    failed: (error, operation, pending, retryInMs) => report(contextual(context, { type: 'consent-log-failed', operation, error: error.message, pending, retryInMs })),
    dropped: (count, reason) => report(contextual(context, { type: 'consent-log-dropped', reason, count })),
  };
}

function isRequestLike(value: IncomingHttpHeaders | RequestLike): value is RequestLike {
  return typeof value.headers === 'object' && value.headers !== null;
}

export type { Reporter };
