import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie } from 'cookie';
import { createConsentDecoder, type StoredConsent } from './consent-cookie.js';
import { resolveConsent, type ConsentState, type Regime } from './consent-state.js';
import { handleConsentRequest, type EndpointInput, type EndpointResponse } from './endpoint/handle.js';
import { GuardedResponse, type Connection, type GuardContext } from './guarded-response.js';
import { compileTrackers } from './html/trackers.js';
import { compilePolicy, type CompiledPolicy } from './policy/compile.js';
import { loadPolicy } from './policy/load.js';
import type { Policy } from './policy/schema.js';
import { contextual, createReporter, type ReportEvent, type Reporter } from './reports.js';
import { usesConsentMode } from './declaration/consent-mode.js';
import { declarationPage } from './declaration/page.js';
import { safeReturnPath } from './endpoint/checks.js';
import { createPageRewriter } from './html/page.js';
import { resolveOptions, type ConsentOptions, type RequestLike, type ResolvedOptions } from './options.js';
import createDebug from 'debug';

const log = createDebug('consent-guard');

/** What the guard knows about one request, shared by the header hook and the endpoint. */
export interface RequestConsent {
  state: ConsentState;
  /** The request carried cookies (something to purge, maybe). */
  readonly hasCookies: boolean;
  /** The verified consent cookie, even when stale: its consent id is kept across changes. */
  readonly stored: StoredConsent | undefined;
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
  /** Answers GET {declaration} (the adapter has matched the path and method). */
  handleDeclaration(guarded: GuardedResponse, req: IncomingMessage): EndpointResponse;
  /**
   * A streaming rewriter enforcing `state` on one HTML document, for adapters and tools
   * that do not go through `protect` (static rendering, other frameworks).
   */
  htmlRewriter(state: ConsentState, options?: { readonly returnTo?: string; readonly onReport?: (event: ReportEvent) => void }): HtmlStreamRewriter;
}

/** Bytes in, bytes out: `write` returns what can go out now, `end` the rest. */
export interface HtmlStreamRewriter {
  write(chunk: Buffer): Buffer;
  end(): Buffer;
}

/** Validates options and policy once (throwing `TypeError` / `PolicyError`), then guards requests. */
export function createGuard(options: Readonly<ConsentOptions>): Guard {
  const { policy: policyInput, ...resolved } = resolveOptions(options);
  const compiled = compilePolicy(loadPolicy(policyInput));
  const report = createReporter(resolved.onReport);

  const trackers = compileTrackers(compiled.policy);
  const context: GuardContext = {
    compiled,
    trackers,
    options: resolved,
    report,
    vary: compiled.gpcIds.size > 0 ? 'Cookie, Sec-GPC' : 'Cookie',
    consentMode: usesConsentMode(compiled.policy),
  };
  const decode = createConsentDecoder(compiled.policy.consentCookie.name, resolved.secrets);
  const read = (request: RequestLike): RequestConsent => readConsent(compiled, resolved, decode, request);

  return {
    policy: compiled.policy,
    options: resolved,
    consentFor: (request) => read(isRequestLike(request) ? request : { headers: request }).state,
    protect(req, res, connection) {
      // A guard mounted twice (app and router) hooks each response once.
      return GuardedResponse.existing(res, context) ?? new GuardedResponse(context, req, res, connection, read(req));
    },
    handleEndpoint(guarded, input) {
      // A browser navigating to the endpoint (a "change your choice" link) gets the page, not JSON.
      const { method, headers } = input.req;
      if ((method === 'GET' || method === 'HEAD') && /\btext\/html\b/i.test(headers.accept ?? '') && !/\bapplication\/json\b/i.test(headers.accept ?? '')) {
        guarded.suppressBanner();
        return Promise.resolve(declarationPage(context, guarded, input.req, resolved.endpoint || '/'));
      }
      return handleConsentRequest(context, guarded, input);
    },
    handleDeclaration(guarded, req) {
      guarded.suppressBanner();
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
        report: (event) => onReport?.(contextual(context, event)),
      });
    },
  };
}

function readConsent(
  compiled: CompiledPolicy,
  options: ResolvedOptions,
  decode: (value: string) => StoredConsent | undefined,
  request: RequestLike,
): RequestConsent {
  const header = request.headers.cookie;
  const hasCookies = typeof header === 'string' && header !== '';
  const cookies = hasCookies ? parseCookie(header) : NO_COOKIES;
  const value = cookies[compiled.policy.consentCookie.name];
  const stored = value === undefined ? undefined : decode(value);
  const state = resolveConsent(compiled, {
    stored,
    gpc: String(request.headers['sec-gpc'] ?? '').trim() === '1',
    regime: regimeFor(options, request),
    now: Date.now(),
  });
  return { state, stored, cookies, hasCookies };
}

const NO_COOKIES: Readonly<Record<string, string | undefined>> = Object.freeze({});

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

function isRequestLike(value: IncomingHttpHeaders | RequestLike): value is RequestLike {
  return typeof value.headers === 'object' && value.headers !== null;
}

export type { Reporter };
