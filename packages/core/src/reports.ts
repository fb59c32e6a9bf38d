import createDebug from 'debug';
import type { CmpName, IgnoredReason } from './consent-sources/format.js';

const log = createDebug('consent-guard:report');

export type Mode = 'enforce' | 'report-only';

/** What every event says about where it happened. */
export interface ReportContext {
  /** `report-only`: the event says what enforcement would have done; nothing was changed. */
  readonly mode: Mode;
  readonly method: string;
  /** Request path, without the query string. */
  readonly path: string;
}

export type ReportEvent = ReportContext &
  (
    | {
        /** A Set-Cookie of a category the visitor has not granted, or one that could not be read. */
        readonly type: 'cookie-blocked';
        readonly name: string;
        readonly category?: string | undefined;
        readonly reason: 'not-granted' | 'malformed';
      }
    | {
        /** A Set-Cookie the policy does not declare; `action` follows `undeclaredCookies`. */
        readonly type: 'cookie-undeclared';
        readonly name: string;
        readonly action: 'blocked' | 'allowed';
      }
    | {
        /** A request cookie of a category not granted, deleted with a Set-Cookie. */
        readonly type: 'cookie-purged';
        readonly name: string;
        readonly category?: string | undefined;
        readonly cookieDomain?: string | undefined;
        readonly cookiePath: string;
      }
    | {
        /** A tracker tag of a category not granted, neutralized in an HTML response. */
        readonly type: 'tag-neutralized';
        readonly element: string;
        readonly category: string;
        /** The policy's name for the tracker, when matched by host or inline signature. */
        readonly tracker: string | undefined;
        readonly url: string | undefined;
      }
    | {
        /** A `data-consent-category` naming no category of the policy: treated as not granted. */
        readonly type: 'unknown-category';
        readonly element: string;
        readonly category: string;
      }
    | {
        /** An HTML body (or the rest of one) passed unchanged, and why. */
        readonly type: 'html-skipped';
        readonly reason: string;
      }
    | {
        /** The visitor recorded a choice at the consent endpoint. */
        readonly type: 'consent-changed';
        readonly action: ConsentAction;
        readonly granted: readonly string[];
        readonly denied: readonly string[];
        readonly source: 'endpoint';
        readonly consentId: string;
        readonly revision: string;
      }
    | {
        /**
         * A consent manager's decision this process reads for the first time (a visitor's
         * new or changed choice; again after a restart or when the cache forgot it).
         */
        readonly type: 'consent-changed';
        readonly action: 'save';
        readonly granted: readonly string[];
        readonly denied: readonly string[];
        readonly source: CmpName;
        /** The manager's own record id, when it keeps one (not Klaro, not CookieLawInfo). */
        readonly consentId: string | undefined;
        readonly revision: string;
      }
    | {
        /**
         * A consent manager's cookie that was ignored (treated as absent). Reported the first
         * time, then at most once an hour per source and reason, with the count since the last.
         */
        readonly type: 'consent-source-ignored';
        readonly source: CmpName;
        readonly cookie: string;
        readonly reason: IgnoredReason;
        readonly detail: string;
        readonly count: number;
      }
    | {
        /**
         * The consent log could not open its store, write a batch, or apply retention. Writes
         * are retried after `retryInMs` (null: not again, the log is closing), the records
         * staying queued. Not about one request: `method` and `path` are empty.
         */
        readonly type: 'consent-log-failed';
        readonly operation: 'open' | 'write' | 'retention';
        readonly error: string;
        /** Records waiting in the queue. */
        readonly pending: number;
        readonly retryInMs: number | null;
      }
    | {
        /**
         * Consent records lost: `queue-full` (the store is slow or down and the queue is
         * full: reported the first time, then at most every 10 s, with the count since the
         * last report), `store-failed` (still unwritten at `close()`), `closed` (a change
         * after `close()`). Not about one request: `method` and `path` are empty.
         */
        readonly type: 'consent-log-dropped';
        readonly reason: 'queue-full' | 'store-failed' | 'closed';
        readonly count: number;
      }
  );

export type ConsentAction = 'accept-all' | 'reject-all' | 'save' | 'withdraw';

export interface Reporter {
  (event: ReportEvent): void;
  /** Whether anyone listens: when not, the hot path builds no events. */
  readonly active: boolean;
}

/** Distributes `Omit` over the union, so each event type keeps its own fields. */
type Fields<E> = E extends ReportContext ? Omit<E, keyof ReportContext> : never;

/** Where a request is, for its events: its method and its path without the query. */
export function requestContext(mode: Mode, request: { readonly method?: string | undefined; readonly url?: string | undefined }): ReportContext {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return { mode, method: request.method ?? 'GET', path: query === -1 ? url : url.slice(0, query) };
}

/**
 * An event with its context. Object.assign onto a fresh literal: spreading the stored
 * context object cost ~4 µs per event on Node 20 (measured with bench/, see README).
 */
export function contextual(context: ReportContext, fields: Fields<ReportEvent>): ReportEvent {
  return Object.assign({ mode: context.mode, method: context.method, path: context.path }, fields) as ReportEvent;
}

/**
 * Sends every event to the `debug` namespace `consent-guard:report` (silent unless
 * `DEBUG=consent-guard:*`) and to `onReport`. A throwing `onReport` is logged, never
 * allowed to break the response.
 */
export function createReporter(onReport: ((event: ReportEvent) => void) | undefined): Reporter {
  const report = (event: ReportEvent) => {
    if (log.enabled) log('%j', event);
    if (!onReport) return;
    try {
      onReport(event);
    } catch (error) {
      log('onReport threw: %O', error);
    }
  };
  return Object.defineProperty(report, 'active', { get: () => onReport !== undefined || log.enabled }) as Reporter;
}
