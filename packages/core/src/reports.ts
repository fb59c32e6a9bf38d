import createDebug from 'debug';

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
        readonly category?: string;
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
        readonly category?: string;
        readonly cookieDomain?: string;
        readonly cookiePath: string;
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
  );

export type ConsentAction = 'accept-all' | 'reject-all' | 'save' | 'withdraw';

export type Reporter = (event: ReportEvent) => void;

/**
 * Sends every event to the `debug` namespace `consent-guard:report` (silent unless
 * `DEBUG=consent-guard:*`) and to `onReport`. A throwing `onReport` is logged, never
 * allowed to break the response.
 */
export function createReporter(onReport: Reporter | undefined): Reporter {
  return (event) => {
    if (log.enabled) log('%j', event);
    if (!onReport) return;
    try {
      onReport(event);
    } catch (error) {
      log('onReport threw: %O', error);
    }
  };
}
