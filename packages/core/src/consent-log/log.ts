import { CONSENT_RECORD_FORMAT, hashIp, type ConsentRecord } from './record.js';
import type { ResolvedLogOptions } from './options.js';
import type { ConsentStore, RecordRange } from './store.js';
import { summarizeUserAgent } from './user-agent.js';
import { Writer, type WriterEvents } from './writer.js';

/** The consent log of a running guard: `middleware.consentLog`. */
export interface ConsentLog {
  /** Every record of one consent id, oldest first; what is still queued is written first. */
  byConsentId(consentId: string): Promise<ConsentRecord[]>;
  /** The records of a time range, oldest first, streamed from the store (after writing the queue). */
  export(range?: RecordRange): AsyncIterable<ConsentRecord>;
  /** Writes what is queued now (one attempt; rejects if the store fails, the records stay queued). */
  flush(): Promise<void>;
  /** Counters since start. */
  stats(): ConsentLogStats;
}

export interface ConsentLogStats {
  /** Records written to the store. */
  readonly written: number;
  /** Records waiting in the queue. */
  readonly pending: number;
  /** Records lost: the queue was full, the store failed at shutdown, or the log was closed. */
  readonly dropped: number;
  /** Failed attempts to open or write (each retried). */
  readonly failedWrites: number;
  /** Records deleted by retention. */
  readonly deleted: number;
}

/** A consent change as the guard sees it: the record's fields, with the raw headers it summarizes or hashes. */
export type ConsentChange = Pick<ConsentRecord, 'consentId' | 'revision' | 'granted' | 'denied' | 'action' | 'source' | 'locale'> & {
  readonly userAgent: string | undefined;
  readonly clientIp: (() => string | undefined) | undefined;
};

/** What the guard holds: the public log, plus recording and shutdown. */
export interface ConsentLogWriter extends ConsentLog {
  record(change: ConsentChange): void;
  close(): Promise<void>;
}

export interface LogEvents {
  failed(error: Error, operation: 'open' | 'write' | 'retention', pending: number, retryInMs: number | null): void;
  dropped: WriterEvents['dropped'];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often retention runs (and once when the store first opens). */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export function createConsentLog(options: ResolvedLogOptions, events: LogEvents): ConsentLogWriter {
  const { store, hashIpSecret, retentionDays } = options;
  let deleted = 0;
  const retain = async () => {
    if (retentionDays === undefined || !writer.opened) return;
    try {
      deleted += await store.deleteBefore(new Date(Date.now() - retentionDays * DAY_MS));
    } catch (error) {
      events.failed(error instanceof Error ? error : new Error(String(error)), 'retention', writer.pending, RETENTION_INTERVAL_MS);
    }
  };
  const writer = new Writer(store, options, { failed: events.failed, dropped: events.dropped, opened: () => void retain() });
  const retention = retentionDays === undefined ? undefined : setInterval(() => void retain(), RETENTION_INTERVAL_MS).unref();
  const flushed = async (): Promise<ConsentStore> => {
    await writer.flush();
    return store;
  };
  return {
    record(change) {
      const ip = hashIpSecret === undefined ? undefined : change.clientIp?.();
      writer.push({
        format: CONSENT_RECORD_FORMAT,
        consentId: change.consentId,
        time: new Date().toISOString(),
        revision: change.revision,
        granted: change.granted,
        denied: change.denied,
        action: change.action,
        source: change.source,
        locale: change.locale,
        userAgent: summarizeUserAgent(change.userAgent),
        ipHash: ip && hashIpSecret !== undefined ? hashIp(hashIpSecret, ip) : null,
      });
    },
    byConsentId: async (consentId) => (await flushed()).byConsentId(consentId),
    async *export(range) {
      yield* (await flushed()).export(range);
    },
    flush: () => writer.flush(),
    stats: () => ({ written: writer.written, pending: writer.pending, dropped: writer.dropped, failedWrites: writer.failedWrites, deleted }),
    async close() {
      clearInterval(retention);
      await writer.close();
    },
  };
}
