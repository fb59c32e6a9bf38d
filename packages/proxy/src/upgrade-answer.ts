import { Readable, type Duplex } from 'node:stream';
import { util, type Dispatcher, type Pool } from 'undici';
import type { HeaderMap } from './headers.js';

/** The upstream's answer to an Upgrade request: the switched connection, or an ordinary response. */
export type UpgradeAnswer = { readonly statusCode: 101; readonly headers: HeaderMap; readonly socket: Duplex } | { readonly statusCode: number; readonly headers: HeaderMap; readonly body: Readable; readonly socket?: undefined };

/**
 * Sends an Upgrade request through `pool`. undici's `upgrade()` turns any answer but a 101
 * into an error; here a refusal (401, 403, a 200 page) resolves as a response whose body
 * streams with backpressure, and destroying that body aborts the upstream request. Rejects
 * when the upstream fails before its head, or when `signal` aborts.
 */
export function requestUpgrade(pool: Pool, options: Dispatcher.DispatchOptions & { upgrade: string }, signal: AbortSignal): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    let abort: ((error?: Error) => void) | undefined;
    let body: Readable | undefined;
    const onAbort = () => abort?.(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    const settled = () => signal.removeEventListener('abort', onAbort);
    pool.dispatch(options, {
      onConnect(abortRequest) {
        abort = abortRequest;
        if (signal.aborted) abortRequest(signal.reason as Error);
      },
      onUpgrade(statusCode, rawHeaders, socket) {
        settled();
        resolve({ statusCode: 101, headers: headerMap(rawHeaders), socket });
      },
      onHeaders(statusCode, rawHeaders, resume) {
        settled();
        body = new Readable({
          read: resume,
          destroy(error, done) {
            if (!this.readableEnded) abort?.(error ?? new Error('the visitor went away'));
            done(error);
          },
        });
        resolve({ statusCode, headers: headerMap(rawHeaders), body });
        return true;
      },
      onData(chunk) {
        return body?.push(chunk) ?? false;
      },
      onComplete() {
        body?.push(null);
      },
      onError(error) {
        settled();
        if (body) body.destroy(error);
        else reject(error);
      },
    });
  });
}

/** undici's raw [name, value, …] list as fields by lower-case name, read as its `request()` reads them (a repeated field, Set-Cookie, as a list). */
function headerMap(raw: Buffer[] | string[] | null): HeaderMap {
  return raw ? util.parseHeaders(raw) : {};
}
