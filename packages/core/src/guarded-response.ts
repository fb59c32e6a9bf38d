import type { IncomingMessage, ServerResponse } from 'node:http';
import vary from 'vary';
import { sendsGpc, type ConsentState } from './consent-state.js';
import type { ConsentLogWriter } from './consent-log/log.js';
import type { RequestConsent } from './guard.js';
import type { Embedding } from './declaration/assets.js';
import { bannerHtml } from './declaration/banner.js';
import { consentModeDefault } from './declaration/consent-mode.js';
import { messagesForRequest, type Messages } from './declaration/messages.js';
import { safeReturnPath } from './endpoint/checks.js';
import { createPageRewriter } from './html/page.js';
import { mayHaveGoogleTag, mayHaveMarkers } from './html/quick-look.js';
import type { HtmlRewriter } from './html/rewriter.js';
import type { TrackerMatcher } from './html/trackers.js';
import { hookResponseBody, type BodyHooks, type BodyTransform } from './node/body-hook.js';
import { methodTarget } from './node/methods.js';
import type { Coding } from './node/recoder.js';
import { hookResponseHeaders, installedHooks, setCookieValues, type HeaderHooks } from './node/response-hook.js';
import { consentEtag, dropRangeForPages, planBody, refuseRange, stateKey, translateIfNoneMatch } from './response-body.js';
import type { ResolvedOptions } from './options.js';
import type { CompiledPolicy } from './policy/compile.js';
import { purgeHeaders } from './purge.js';
import { contextual, requestContext, type ReportContext, type Reporter } from './reports.js';
import { judgeSetCookie } from './set-cookie.js';

/** What every response of one guard shares. */
export interface GuardContext {
  readonly compiled: CompiledPolicy;
  readonly trackers: TrackerMatcher;
  readonly options: ResolvedOptions;
  readonly report: Reporter;
  /** The consent log, when `consentLog` is configured. */
  readonly log: ConsentLogWriter | undefined;
  /** The Vary value of every guarded response: the cookie, and the GPC signal when honoured. */
  readonly vary: string;
  /** With `cache: 'shared'`, the state every page is rewritten for: nothing optional granted. */
  readonly sharedPageState: ConsentState | undefined;
  /** The policy maps categories to Google Consent Mode: pages with a Google tag get its default. */
  readonly consentMode: boolean;
}

/** What the adapter knows about the connection and the app's page settings (read when needed, on this object). */
export interface Connection {
  readonly secure: boolean;
  /** The app's CSP nonce for this response (`res.locals.cspNonce`, `ctx.state.cspNonce`). */
  cspNonce?(): string | undefined;
  /** The client's address as the framework's trust-proxy setting sees it (`req.ip`, `ctx.ip`), for `consentLog.hashIp`. */
  clientIp?(): string | undefined;
}

const DISCARD: BodyTransform = { write: () => Buffer.alloc(0), end: () => Buffer.alloc(0) };

/**
 * One response under the guard: at header time it removes every Set-Cookie the visitor's
 * consent does not allow, adds deletions for stored cookies of denied categories, marks
 * the response as varying by Cookie (and Sec-GPC), and chooses whether its HTML body is
 * rewritten.
 */
export class GuardedResponse implements HeaderHooks, BodyHooks {
  readonly consent: RequestConsent;
  readonly #connection: Connection;
  readonly #context: GuardContext;
  readonly #req: IncomingMessage;
  /** Verdicts so far: a list set again later (by a session middleware) is not judged or reported twice. */
  #verdicts: Map<string, boolean> | undefined;
  #purgeUndeclared = false;
  #reportContext: ReportContext | undefined;
  /** The body's transform, once the head has chosen one, and the coding it arrives in. */
  #body: BodyTransform | undefined;
  #coding: Coding | undefined;
  /** The whole body was rewritten before the head (a single `end(chunk)`). */
  #bodyDone = false;
  /** The request's If-None-Match carried this state's ETag, translated for the app. */
  #etagTranslated: boolean;
  readonly #res: ServerResponse;
  #bannerSuppressed = false;
  #textsForRequest: { locale: string; messages: Messages } | undefined;

  constructor(context: GuardContext, req: IncomingMessage, res: ServerResponse, connection: Connection, consent: RequestConsent) {
    this.#context = context;
    this.#req = req;
    this.#res = res;
    this.consent = consent;
    this.#connection = connection;
    const target = methodTarget(res);
    hookResponseHeaders(res, this, target);
    hookResponseBody(this, target);
    dropRangeForPages(req);
    this.#etagTranslated = translateIfNoneMatch(req, this.#pageState);
  }

  get secure(): boolean {
    return this.#connection.secure;
  }

  /** The client's address, as the framework's trust-proxy setting sees it: for the consent log's IP hash. */
  clientIp(): string | undefined {
    return this.#connection.clientIp?.();
  }

  /** This response, if the guard that owns `context` already hooked it (mounted twice). */
  static existing(res: ServerResponse, context: GuardContext): GuardedResponse | undefined {
    const hooks = installedHooks(res);
    return hooks instanceof GuardedResponse && hooks.#context === context ? hooks : undefined;
  }

  get state(): ConsentState {
    return this.consent.state;
  }

  /** The state the HTML is rewritten for: the visitor's, or with a shared cache everyone's. */
  get #pageState(): ConsentState {
    return this.#context.sharedPageState ?? this.consent.state;
  }

  /** This response is the guard's own page about consent: no banner on it. */
  suppressBanner(): void {
    this.#bannerSuppressed = true;
  }

  /** The visitor chose at the endpoint: this response enforces (and purges by) the new state. */
  applyChoice(state: ConsentState, purgeUndeclared: boolean): void {
    this.consent.state = state;
    this.#purgeUndeclared = purgeUndeclared;
  }

  /** How the guard's own styles and scripts get past this response's CSP, as it stands now. */
  get embedding(): Embedding {
    const nonce = this.#connection.cspNonce?.();
    const { endpoint } = this.#context.options;
    const linked = !nonce && endpoint !== false && this.#res.hasHeader('content-security-policy');
    return { nonce, filesAt: linked ? endpoint : undefined };
  }

  get reportContext(): ReportContext {
    this.#reportContext ??= requestContext(this.#context.options.mode, this.#req);
    return this.#reportContext;
  }

  onHeaders(res: ServerResponse): void {
    const { compiled, options, report } = this.#context;
    const values = setCookieValues(res.getHeader('set-cookie'));
    const allowed = this.#judge(values);
    const purges = this.consent.hasCookies
      ? purgeHeaders({
          compiled,
          state: this.state,
          cookies: this.consent.cookies,
          beingSet: allowed.length === 0 ? NO_NAMES : new Set(allowed.map(cookieName)),
          secure: () => this.secure,
          includeUndeclared: this.#purgeUndeclared,
        })
      : [];
    if (report.active) {
      for (const purge of purges) report(contextual(this.reportContext, { type: 'cookie-purged', ...purge.event }));
    }
    if (options.mode === 'enforce') {
      if (allowed.length !== values.length || purges.length > 0) {
        const all = purges.length === 0 ? allowed : [...allowed, ...purges.map((purge) => purge.header)];
        if (all.length > 0) res.setHeader('Set-Cookie', all);
        else res.removeHeader('Set-Cookie');
      }
      this.#markVary(res, values.length > 0 || purges.length > 0);
    }
    this.#planBodyAtHead(res);
  }

  /**
   * What a shared cache must key this response on (RFC 9110 section 12.5.5): the visitor's
   * cookies and GPC signal when the head or body depends on them (with `cache: 'shared'`
   * only the Set-Cookie headers can), and the language of an inserted banner.
   */
  #markVary(res: ServerResponse, judgedCookies: boolean): void {
    const dependsOnConsent = this.#context.sharedPageState === undefined || judgedCookies;
    const fields = dependsOnConsent ? this.#context.vary : '';
    // The banner's texts, and a placeholder's in a page with denied categories, follow Accept-Language.
    const byLanguage = (this.#pageState.denied.length > 0 || this.#bannerDue()) && isHtml(res);
    const all = byLanguage ? (fields ? `${fields}, Accept-Language` : 'Accept-Language') : fields;
    if (!all) return;
    // Most responses have no Vary yet.
    if (res.hasHeader('vary')) vary(res, all);
    else res.setHeader('Vary', all);
  }

  get bodyTransform(): BodyTransform | undefined {
    return this.#body;
  }

  get bodyCoding(): Coding | undefined {
    return this.#coding;
  }

  get observeOnly(): boolean {
    return this.#context.options.mode === 'report-only';
  }

  bodyFailed(error: Error): void {
    this.#reportSkip(`the compressed body could not be decoded (${error.message}); the response was aborted`);
  }

  wholeBody(res: ServerResponse, chunk: Buffer): Buffer | undefined {
    const plan = planBody(this.#req, res);
    if (plan.kind !== 'rewrite' || plan.coding) return undefined;
    if (this.#nothingToChange(res, chunk)) {
      this.#bodyDone = true;
      return chunk;
    }
    const rewriter = this.#pageRewriter(res);
    const head = rewriter.write(chunk);
    const tail = rewriter.end();
    this.#bodyDone = true;
    if (this.#context.options.mode === 'report-only') return chunk;
    const body = tail.length > 0 ? Buffer.concat([head, tail]) : head;
    if (res.hasHeader('content-length')) res.setHeader('Content-Length', body.length);
    return body;
  }

  /**
   * No tracker of a denied category exists (everything granted, say) and no banner is due:
   * only author-marked tags or a Google tag's consent default could change, and the page
   * has none. The rewriter is then not run at all.
   */
  #nothingToChange(res: ServerResponse, body: Buffer): boolean {
    const { trackers, consentMode } = this.#context;
    if (this.#pageState.denied.some((id) => trackers.categories.has(id)) || this.#wantsBanner(res)) return false;
    return !mayHaveMarkers(body) && !(consentMode && mayHaveGoogleTag(body));
  }

  /** Header time, after the cookies: rewrite the body, or let it pass (and say why, if it matters). */
  #planBodyAtHead(res: ServerResponse): void {
    const enforce = this.#context.options.mode === 'enforce';
    if (this.#bodyDone) {
      if (enforce) this.#tagEtag(res);
      return;
    }
    const plan = planBody(this.#req, res);
    if (plan.kind === 'pass') {
      if (plan.report) this.#reportSkip(plan.report);
      if (enforce && res.statusCode === 304 && this.#etagTranslated) this.#tagEtag(res);
      return;
    }
    if (plan.kind === 'refuse-range') {
      this.#reportSkip('a byte range of an HTML page was refused (416)');
      if (enforce) {
        refuseRange(res);
        this.#body = DISCARD;
      }
      return;
    }
    this.#body = this.#pageRewriter(res);
    this.#coding = plan.coding;
    if (!enforce) return; // report-only: the bytes stay the app's, and so do its headers
    res.removeHeader('Content-Length');
    this.#tagEtag(res);
  }

  #tagEtag(res: ServerResponse): void {
    const etag = res.getHeader('etag');
    if (typeof etag === 'string') res.setHeader('ETag', consentEtag(etag, stateKey(this.#pageState)));
  }

  #pageRewriter(res: ServerResponse): HtmlRewriter {
    const { compiled, trackers, options, report } = this.#context;
    const returnTo = safeReturnPath(this.#req.url ?? '/');
    return createPageRewriter({
      compiled,
      trackers,
      state: this.#pageState,
      enforce: options.mode === 'enforce',
      endpoint: options.endpoint,
      shared: this.#context.sharedPageState !== undefined,
      texts: () => this.#texts,
      returnTo,
      report: (event) => {
        if (report.active) report(contextual(this.reportContext, event));
      },
      atBodyStart: this.#wantsBanner(res) ? this.#banner(returnTo) : undefined,
      beforeGoogleTag: options.mode === 'enforce' && this.#context.consentMode ? consentModeDefault(compiled.policy, this.#pageState, this.#connection.cspNonce?.()) : undefined,
    });
  }

  /**
   * The banner goes into HTML pages (not XHTML: its markup is HTML, not XML) while the
   * visitor has not decided; with a shared cache into every page, for its script to hide.
   */
  #wantsBanner(res: ServerResponse): boolean {
    return this.#bannerDue() && isHtml(res);
  }

  /** Everything but the content type says the banner goes in. */
  #bannerDue(): boolean {
    const { options } = this.#context;
    return options.banner && options.mode === 'enforce' && options.endpoint !== false && !this.#bannerSuppressed && !this.#pageState.decided;
  }

  /** A shared page cannot know the visitor's signal: its banner leaves the GPC line to the browser. */
  #gpcNotice(): 'shown' | 'if-browser-says' | 'none' {
    if (this.#context.sharedPageState) return 'if-browser-says';
    return sendsGpc(this.#req.headers) ? 'shown' : 'none';
  }

  /** The visitor's language (by Accept-Language) and the site's texts in it. */
  get #texts(): { locale: string; messages: Messages } {
    return (this.#textsForRequest ??= messagesForRequest(this.#req.headers['accept-language'], this.#context.options));
  }

  #banner(returnTo: string | undefined): string {
    const { compiled, options } = this.#context;
    const { locale, messages } = this.#texts;
    return bannerHtml({
      policy: compiled.policy,
      shared: this.#context.sharedPageState !== undefined,
      gpcNotice: this.#gpcNotice(),
      messages,
      locale,
      endpoint: options.endpoint || '/consent',
      declaration: options.declaration,
      returnTo,
      embedding: this.embedding,
    });
  }

  #reportSkip(reason: string): void {
    const { report } = this.#context;
    if (report.active) report(contextual(this.reportContext, { type: 'html-skipped', reason }));
  }

  filterLate(values: readonly string[]): string[] {
    const allowed = this.#judge(values);
    return this.#context.options.mode === 'report-only' ? [...values] : allowed;
  }

  /** The values enforcement lets out; every other one is reported. */
  #judge(values: readonly string[]): string[] {
    if (values.length === 0) return [];
    const { compiled, report } = this.#context;
    const verdicts = (this.#verdicts ??= new Map());
    const now = Date.now();
    return values.filter((value) => {
      const known = verdicts.get(value);
      if (known !== undefined) return known;
      const verdict = judgeSetCookie(compiled, this.state, value, now);
      verdicts.set(value, verdict.keep);
      if (!report.active) return verdict.keep;
      if (verdict.reason === 'undeclared' || verdict.reason === 'undeclared-allowed') {
        report(contextual(this.reportContext, { type: 'cookie-undeclared', name: verdict.name, action: verdict.keep ? 'allowed' : 'blocked' }));
      } else if (!verdict.keep) {
        report(contextual(this.reportContext, { type: 'cookie-blocked', name: verdict.name, reason: verdict.reason, category: verdict.category }));
      }
      return verdict.keep;
    });
  }
}

const NO_NAMES: ReadonlySet<string> = new Set();

function cookieName(setCookie: string): string {
  const end = setCookie.indexOf('=');
  return (end === -1 ? '' : setCookie.slice(0, end)).trim();
}

/** An HTML page (not XHTML: the banner's markup is HTML, not XML). */
function isHtml(res: ServerResponse): boolean {
  return /^\s*text\/html\s*(;|$)/i.test(String(res.getHeader('content-type') ?? ''));
}
