import type { IncomingMessage, ServerResponse } from 'node:http';
import vary from 'vary';
import type { ConsentState } from './consent-state.js';
import type { RequestConsent } from './guard.js';
import { hookResponseHeaders, setCookieValues, type HeaderHooks } from './node/response-hook.js';
import type { ResolvedOptions } from './options.js';
import type { CompiledPolicy } from './policy/compile.js';
import { purgeHeaders } from './purge.js';
import type { ReportContext, Reporter } from './reports.js';
import { judgeSetCookie } from './set-cookie.js';

interface Deps {
  readonly compiled: CompiledPolicy;
  readonly options: ResolvedOptions;
  readonly report: Reporter;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly secure: boolean;
  readonly consent: RequestConsent;
}

/**
 * One response under the guard: at header time it removes every Set-Cookie the visitor's
 * consent does not allow, adds deletions for stored cookies of denied categories, and
 * marks the response as varying by Cookie (and Sec-GPC).
 */
export class GuardedResponse implements HeaderHooks {
  readonly consent: RequestConsent;
  readonly secure: boolean;
  readonly #deps: Deps;
  /** Verdicts so far: a list set again later (by a session middleware) is not judged or reported twice. */
  readonly #verdicts = new Map<string, boolean>();
  #purgeUndeclared = false;
  #context: ReportContext | undefined;

  constructor(deps: Deps) {
    this.#deps = deps;
    this.consent = deps.consent;
    this.secure = deps.secure;
    hookResponseHeaders(deps.res, this);
  }

  get state(): ConsentState {
    return this.consent.state;
  }

  /** The visitor chose at the endpoint: this response enforces (and purges by) the new state. */
  applyChoice(state: ConsentState, purgeUndeclared: boolean): void {
    this.consent.state = state;
    this.#purgeUndeclared = purgeUndeclared;
  }

  get reportContext(): ReportContext {
    if (!this.#context) {
      const { req, options } = this.#deps;
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      this.#context = { mode: options.mode, method: req.method ?? 'GET', path: query === -1 ? url : url.slice(0, query) };
    }
    return this.#context;
  }

  onHeaders(res: ServerResponse): void {
    const { compiled, options, report } = this.#deps;
    const values = setCookieValues(res.getHeader('set-cookie'));
    const allowed = this.#judge(values);
    const purges = purgeHeaders({
      compiled,
      state: this.state,
      cookies: this.consent.cookies,
      beingSet: new Set(allowed.map(cookieName)),
      secure: this.secure,
      includeUndeclared: this.#purgeUndeclared,
    });
    for (const purge of purges) report({ ...this.reportContext, type: 'cookie-purged', ...purge.event });
    if (options.mode === 'report-only') return;
    if (allowed.length !== values.length || purges.length > 0) {
      const all = [...allowed, ...purges.map((purge) => purge.header)];
      if (all.length > 0) res.setHeader('Set-Cookie', all);
      else res.removeHeader('Set-Cookie');
    }
    // The head and body depend on the visitor's cookies (and GPC signal): a shared cache
    // must key on them (RFC 9110 section 12.5.5).
    vary(res, compiled.gpcIds.size > 0 ? ['Cookie', 'Sec-GPC'] : 'Cookie');
  }

  filterLate(values: readonly string[]): string[] {
    const allowed = this.#judge(values);
    return this.#deps.options.mode === 'report-only' ? [...values] : allowed;
  }

  /** The values enforcement lets out; every other one is reported. */
  #judge(values: readonly string[]): string[] {
    const { compiled, report } = this.#deps;
    const now = Date.now();
    return values.filter((value) => {
      const known = this.#verdicts.get(value);
      if (known !== undefined) return known;
      const verdict = judgeSetCookie(compiled, this.state, value, now);
      const context = this.reportContext;
      if (verdict.reason === 'undeclared' || verdict.reason === 'undeclared-allowed') {
        report({ ...context, type: 'cookie-undeclared', name: verdict.name, action: verdict.keep ? 'allowed' : 'blocked' });
      } else if (!verdict.keep) {
        report({ ...context, type: 'cookie-blocked', name: verdict.name, reason: verdict.reason, ...(verdict.category ? { category: verdict.category } : {}) });
      }
      this.#verdicts.set(value, verdict.keep);
      return verdict.keep;
    });
  }
}

function cookieName(setCookie: string): string {
  const end = setCookie.indexOf('=');
  return (end === -1 ? '' : setCookie.slice(0, end)).trim();
}
