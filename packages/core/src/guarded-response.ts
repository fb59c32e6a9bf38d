import type { IncomingMessage, ServerResponse } from 'node:http';
import vary from 'vary';
import { sendsGpc, type ConsentState } from './consent-state.js';
import type { ConsentLogWriter } from './consent-log/log.js';
import type { RequestConsent } from './guard.js';
import type { Embedding } from './declaration/assets.js';
import type { BannerTemplates } from './declaration/banner.js';
import { consentModeDefault } from './declaration/consent-mode.js';
import { messagesForRequest, type Messages } from './declaration/messages.js';
import { safeReturnPath } from './endpoint/checks.js';
import { createPageRewriter } from './html/page.js';
import { mayHaveGoogleTag, mayHaveMarkers } from './html/quick-look.js';
import type { HtmlRewriter } from './html/rewriter.js';
import type { TrackerMatcher } from './html/trackers.js';
import { BodyHook, toBuffer, type BodyHooks, type BodyTransform } from './node/body-hook.js';
import { withUtf8 } from './node/utf8-scratch.js';
import { hookMethods, methodsOf } from './node/methods.js';
import type { Coding } from './node/recoder.js';
import { HeaderHook, installedHooks, setCookieValues, type HeaderHooks } from './node/response-hook.js';
import type { ConsentReach } from './consent-reach.js';
import { consentEtag, dropRangeForPages, isHtml, isPageView, planBody, refuseRange, stateKey, translateIfNoneMatch } from './response-body.js';
import type { ResolvedOptions } from './options.js';
import type { CompiledPolicy } from './policy/compile.js';
import { purgeHeaders } from './purge.js';
import { contextual, requestContext, type ReportContext, type Reporter } from './reports.js';
import { cookieName, judgeSetCookie } from './set-cookie.js';

/** What every response of one guard shares. */
export interface GuardContext {
  readonly compiled: CompiledPolicy;
  readonly trackers: TrackerMatcher;
  readonly options: ResolvedOptions;
  readonly report: Reporter;
  /** The consent log, when `consentLog` is configured. */
  readonly log: ConsentLogWriter | undefined;
  /** The Vary value of a response that depends on consent: the cookie, and the GPC signal when honoured. */
  readonly vary: string;
  /** What in the policy can make a response depend on consent. */
  readonly reach: ConsentReach;
  /** Some page can differ from what the app sent, in some state (enforcing, with a banner, an optional category or Consent Mode). */
  readonly pagesMayChange: boolean;
  /** With `cache: 'shared'`, the state every page is rewritten for: nothing optional granted. */
  readonly sharedPageState: ConsentState | undefined;
  /** The policy maps categories to Google Consent Mode: pages with a Google tag get its default. */
  readonly consentMode: boolean;
  /** This guard's banner, built once per locale and embedding. */
  readonly banners: BannerTemplates;
}

/** What the adapter knows about the connection and the app's page settings (read when needed, on this object). */
export interface Connection {
  readonly secure: boolean;
  /** The app's CSP nonce for this response (`res.locals.cspNonce`, `ctx.state.cspNonce`). */
  cspNonce?(): string | undefined;
  /** The app's nonce for styles, when it has one apart (@fastify/helmet's `reply.cspNonce.style`); else `cspNonce`. */
  cspStyleNonce?(): string | undefined;
  /** The client's address as the framework's trust-proxy setting sees it (`req.ip`, `ctx.ip`), for `consentLog.hashIp`. */
  clientIp?(): string | undefined;
}

const DISCARD: BodyTransform = { write: () => Buffer.alloc(0), end: () => Buffer.alloc(0) };

/** A page of at most this many bytes, with a Content-Length, is read whole before its head is written. */
const WHOLE_BODY_LIMIT = 256 * 1024;

/**
 * One response under the guard: at header time it removes every Set-Cookie the visitor's
 * consent does not allow, adds deletions for stored cookies of denied categories on page
 * views, chooses whether its HTML body is rewritten, and marks the response as varying by
 * Cookie (and Sec-GPC) when, and only when, it can differ by consent.
 */
export class GuardedResponse implements HeaderHooks, BodyHooks {
  readonly consent: RequestConsent;
  readonly #connection: Connection;
  readonly #context: GuardContext;
  readonly #req: IncomingMessage;
  /** Verdicts so far (the last one, and those before it): a list set again later (by a session middleware) is not judged or reported twice. */
  #lastJudged: string | undefined;
  #lastKept = false;
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
  /** The head (its cookies, purges, the guard's own answers) can differ from one consent state to another. */
  #variesByState = false;
  /** The body can differ from one consent state to another: its ETag is keyed on the state. */
  #pageVaries = false;
  /** The page's texts (banner, placeholders) follow Accept-Language. */
  #byLanguage = false;
  /** A whole body came out different from the app's. */
  #rewritten = false;
  #textsForRequest: { readonly locale: string; readonly messages: Messages } | undefined;

  constructor(context: GuardContext, req: IncomingMessage, res: ServerResponse, connection: Connection, consent: RequestConsent) {
    this.#context = context;
    this.#req = req;
    this.#res = res;
    this.consent = consent;
    this.#connection = connection;
    const originals = methodsOf(res);
    const headers = new HeaderHook(res, this, originals);
    const body = new BodyHook(this, originals);
    hookMethods(res, originals, { writeHead: headers, writeEarlyHints: headers, write: body, end: body });
    if (context.pagesMayChange) dropRangeForPages(req);
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

  /** This response is the guard's own answer about the visitor's consent (the endpoint, the declaration page). */
  showsState(): void {
    this.#variesByState = true;
  }

  /** How the guard's own styles and scripts get past this response's CSP, as it stands now. */
  get embedding(): Embedding {
    const nonce = this.#connection.cspNonce?.();
    const { endpoint } = this.#context.options;
    const linked = !nonce && endpoint !== false && this.#res.hasHeader('content-security-policy');
    return { nonce, styleNonce: this.#connection.cspStyleNonce?.() ?? nonce, filesAt: linked ? endpoint : undefined };
  }

  get reportContext(): ReportContext {
    this.#reportContext ??= requestContext(this.#context.options.mode, this.#req);
    return this.#reportContext;
  }

  onHeaders(res: ServerResponse): void {
    const { compiled, options, report, reach } = this.#context;
    const values = setCookieValues(res.getHeader('set-cookie'));
    const allowed = this.#judge(values);
    // Purges go on page views and on responses that set cookies anyway: static files and API answers stay cacheable.
    const purgesHere = this.#purgeUndeclared || values.length > 0 || isPageView(this.#req, res);
    const purges =
      purgesHere && this.consent.hasCookies
        ? purgeHeaders({
            compiled,
            state: this.state,
            cookies: this.consent.cookies,
            beingSet: allowed.length === 0 ? NO_NAMES : new Set(allowed.map(cookieName)),
            secure: () => this.secure,
            includeUndeclared: this.#purgeUndeclared,
          })
        : [];
    // With a shared cache the page is everyone's: only a response that does purge says so (and is not cached).
    if (purgesHere && reach.purgeable && (this.#context.sharedPageState === undefined || purges.length > 0)) this.#variesByState = true;
    if (report.active) {
      for (const purge of purges) report(contextual(this.reportContext, { type: 'cookie-purged', ...purge.event }));
    }
    if (options.mode === 'enforce' && (allowed.length !== values.length || purges.length > 0)) {
      const all = purges.length === 0 ? allowed : [...allowed, ...purges.map((purge) => purge.header)];
      if (all.length > 0) res.setHeader('Set-Cookie', all);
      else res.removeHeader('Set-Cookie');
    }
    this.#planBodyAtHead(res);
    if (options.mode === 'enforce') this.#markVary(res);
  }

  /**
   * What a shared cache must key this response on (RFC 9110 section 12.5.5): the visitor's
   * cookies and GPC signal when the head or body can differ by consent, and the language of
   * an inserted banner or placeholder. A response that cannot differ gets nothing added.
   */
  #markVary(res: ServerResponse): void {
    const fields = this.#variesByState || this.#pageVaries ? this.#context.vary : '';
    const all = this.#byLanguage ? (fields ? `${fields}, Accept-Language` : 'Accept-Language') : fields;
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

  holdsWholeBody(res: ServerResponse): boolean {
    if (this.#context.options.mode !== 'enforce') return false;
    const length = Number(res.getHeader('content-length'));
    if (!(length > 0 && length <= WHOLE_BODY_LIMIT)) return false;
    const plan = planBody(this.#req, res);
    return plan.kind === 'rewrite' && !plan.coding;
  }

  wholeBody(res: ServerResponse, sent: unknown, encoding?: BufferEncoding): Buffer | undefined {
    const plan = planBody(this.#req, res);
    if (plan.kind !== 'rewrite' || plan.coding) return undefined;
    if (typeof sent === 'string' && (encoding === undefined || /^utf-?8$/i.test(encoding))) return withUtf8(sent, (chunk) => this.#wholePage(res, chunk));
    return this.#wholePage(res, toBuffer(sent, encoding));
  }

  #wholePage(res: ServerResponse, chunk: Buffer): Buffer {
    this.#bodyDone = true;
    const { reach, consentMode, options } = this.#context;
    const shared = this.#context.sharedPageState !== undefined;
    if (this.#nothingToChange(res, chunk)) {
      // Another state may still add the banner, or neutralize a tracker this one granted.
      this.#pageVaries ||= !shared && (this.#bannerOn(res) || reach.optionalTrackers);
      return chunk;
    }
    // Shared: the page is rewritten for one state, whoever asks.
    const rewriter = this.#pageRewriter(res, shared ? undefined : () => {
      this.#pageVaries = true;
    });
    const body = rewriter.end(chunk);
    if (!shared && (this.#bannerOn(res) || (consentMode && reach.consentModeVaries && mayHaveGoogleTag(chunk)))) this.#pageVaries = true;
    // Texts were asked for: a banner or a placeholder went in.
    this.#byLanguage = this.#textsForRequest !== undefined;
    if (options.mode === 'report-only') return chunk;
    this.#rewritten = body !== chunk && !body.equals(chunk);
    if (this.#rewritten && res.hasHeader('content-length')) res.setHeader('Content-Length', body.length);
    return body;
  }

  /**
   * No tracker of a denied category exists (everything granted, say) and no banner is due:
   * only author-marked tags or a Google tag's consent default could change, and the page
   * has none. The rewriter is then not run at all.
   */
  #nothingToChange(res: ServerResponse, body: Buffer): boolean {
    if (this.#deniesTrackers() || this.#wantsBanner(res)) return false;
    // A Google tag, when there is one, is near the top: looked for first.
    return !(this.#context.consentMode && mayHaveGoogleTag(body)) && !mayHaveMarkers(body);
  }

  /** The state the page is rewritten for denies a category that has trackers. */
  #deniesTrackers(): boolean {
    const { trackers } = this.#context;
    return this.#pageState.denied.some((id) => trackers.categories.has(id));
  }

  /**
   * Header time, after the cookies: rewrite the body, or let it pass (and say why, if it
   * matters). Where the body is not known (streamed, HEAD, 304), what the page can become
   * is judged from the policy and the state.
   */
  #planBodyAtHead(res: ServerResponse): void {
    const enforce = this.#context.options.mode === 'enforce';
    if (this.#bodyDone) {
      // The app's ETag stays only on bytes that are its own in every state.
      if (enforce && (this.#rewritten || this.#pageVaries)) this.#tagEtag(res);
      return;
    }
    const plan = planBody(this.#req, res);
    if (plan.kind === 'pass') {
      if (plan.report) this.#reportSkip(plan.report);
      if (enforce && res.statusCode === 304 && this.#etagTranslated) {
        this.#pageVaries = this.#context.sharedPageState === undefined;
        this.#tagEtag(res);
      }
      return;
    }
    if (plan.kind === 'head') {
      this.#planHead(res, enforce);
      return;
    }
    const mayVary = this.#context.sharedPageState === undefined && (this.#bannerOn(res) || this.#context.reach.optional);
    if (plan.kind === 'refuse-range') {
      // A page no state changes has nothing to neutralize: the range is the app's.
      if (!mayVary && !this.#wantsBanner(res) && !this.#context.consentMode) return;
      this.#reportSkip('a byte range of an HTML page was refused (416)');
      if (enforce) {
        refuseRange(res);
        this.#body = DISCARD;
      }
      return;
    }
    this.#pageVaries ||= mayVary;
    this.#byLanguage = this.#wantsBanner(res) || this.#pageState.denied.length > 0;
    this.#body = this.#pageRewriter(res);
    this.#coding = plan.coding;
    if (!enforce) return; // report-only: the bytes stay the app's, and so do its headers
    res.removeHeader('Content-Length');
    this.#tagEtag(res);
  }

  /**
   * A HEAD of a page that GET would rewrite: the headers GET would get (RFC 9110 section
   * 9.3.2) for a page without author-marked tags, as far as they can be known without the
   * body. Content-Length goes only when GET's would be computed as the page is rewritten.
   */
  #planHead(res: ServerResponse, enforce: boolean): void {
    const varies = this.#context.sharedPageState === undefined && (this.#bannerOn(res) || this.#context.reach.optionalTrackers);
    const banner = this.#wantsBanner(res);
    if (!varies && !banner) return;
    this.#pageVaries ||= varies;
    this.#byLanguage = banner || this.#deniesTrackers();
    if (!enforce) return;
    if (banner || this.#deniesTrackers()) res.removeHeader('Content-Length');
    this.#tagEtag(res);
  }

  #tagEtag(res: ServerResponse): void {
    const etag = res.getHeader('etag');
    if (typeof etag === 'string') res.setHeader('ETag', consentEtag(etag, stateKey(this.#pageState)));
  }

  #pageRewriter(res: ServerResponse, onStateDependence?: () => void): HtmlRewriter {
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
      onStateDependence,
      beforeGoogleTag: options.mode === 'enforce' && this.#context.consentMode ? consentModeDefault(compiled.policy, this.#pageState, this.#connection.cspNonce?.()) : undefined,
    });
  }

  /**
   * The banner goes into HTML pages (not XHTML: its markup is HTML, not XML) while the
   * visitor has not decided; with a shared cache into every page, for its script to hide.
   */
  #wantsBanner(res: ServerResponse): boolean {
    return !this.#pageState.decided && this.#bannerOn(res);
  }

  /** The banner goes into this response in the states that have not decided. */
  #bannerOn(res: ServerResponse): boolean {
    const { options } = this.#context;
    return options.banner && options.mode === 'enforce' && options.endpoint !== false && !this.#bannerSuppressed && isHtml(res);
  }

  /** A shared page cannot know the visitor's signal: its banner leaves the GPC line to the browser. */
  #gpcNotice(): 'shown' | 'if-browser-says' | 'none' {
    if (this.#context.sharedPageState) return 'if-browser-says';
    return sendsGpc(this.#req.headers) ? 'shown' : 'none';
  }

  /** The visitor's language (by Accept-Language) and the site's texts in it. */
  get #texts(): { readonly locale: string; readonly messages: Messages } {
    return (this.#textsForRequest ??= messagesForRequest(this.#req.headers['accept-language'], this.#context.options));
  }

  #banner(returnTo: string | undefined): readonly Buffer[] {
    const { compiled, options } = this.#context;
    const { locale, messages } = this.#texts;
    return this.#context.banners.bytes({
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

  filterLate(values: readonly string[]): readonly string[] {
    const allowed = this.#judge(values);
    return this.#context.options.mode === 'report-only' ? values : allowed;
  }

  /** The values enforcement lets out (`values` itself when it lets out all); every other one is reported. */
  #judge(values: readonly string[]): readonly string[] {
    let allowed: string[] | undefined;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (this.#keeps(value)) allowed?.push(value);
      else allowed ??= values.slice(0, i);
    }
    return allowed ?? values;
  }

  /**
   * Whether one value may leave, judged and reported once per response (a header-time hook
   * further in may set it again). Most responses set one cookie: no map for that one.
   */
  #keeps(value: string): boolean {
    if (value === this.#lastJudged) return this.#lastKept;
    const known = this.#verdicts?.get(value);
    if (known !== undefined) return known;
    const { compiled, report } = this.#context;
    const verdict = judgeSetCookie(compiled, this.state, value, Date.now());
    if (this.#lastJudged !== undefined) (this.#verdicts ??= new Map()).set(this.#lastJudged, this.#lastKept);
    this.#lastJudged = value;
    this.#lastKept = verdict.keep;
    // Kept or dropped by what the visitor chose: another state would get other headers.
    if (verdict.category !== undefined && !compiled.requiredIds.has(verdict.category)) this.#variesByState = true;
    if (!report.active) return verdict.keep;
    if (verdict.reason === 'undeclared' || verdict.reason === 'undeclared-allowed') {
      report(contextual(this.reportContext, { type: 'cookie-undeclared', name: verdict.name, action: verdict.keep ? 'allowed' : 'blocked' }));
    } else if (!verdict.keep) {
      report(contextual(this.reportContext, { type: 'cookie-blocked', name: verdict.name, reason: verdict.reason, category: verdict.category }));
    }
    return verdict.keep;
  }
}

const NO_NAMES: ReadonlySet<string> = new Set();
