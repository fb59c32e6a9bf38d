import type { ConsentRecord } from './record.js';
import type { ConsentStore } from './store.js';

export type DropReason = 'queue-full' | 'closed' | 'store-failed';

export interface WriterEvents {
  /** Opening or writing failed; the batch stays queued and is tried again in `retryInMs` (null: not again, closing). */
  failed(error: Error, operation: 'open' | 'write', pending: number, retryInMs: number | null): void;
  /** Records lost: the first drop at once, then at most one report per interval, with how many since the last. */
  dropped(count: number, reason: DropReason): void;
  /** The store opened (once, at startup or after the first failures). */
  opened(): void;
}

export interface WriterSettings {
  readonly queueSize: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
}

const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
const DROP_REPORT_INTERVAL_MS = 10_000;

/**
 * The bounded queue between requests and the store. `push` never waits and never throws:
 * a full queue drops the record (reported). Records go out in batches, one write at a time,
 * after `flushIntervalMs` or as soon as a batch is full; a failed write keeps its batch at
 * the head of the queue and is retried with a growing delay (100 ms doubling to 5 s).
 */
export class Writer {
  readonly #store: ConsentStore;
  readonly #settings: WriterSettings;
  readonly #events: WriterEvents;
  #pending: ConsentRecord[] = [];
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #retryMs = 0;
  #opened = false;
  #closed = false;
  #lastError: Error | undefined;
  #unreportedDrops = 0;
  #lastDropReport = -Infinity;
  written = 0;
  failedWrites = 0;
  dropped = 0;

  constructor(store: ConsentStore, settings: WriterSettings, events: WriterEvents) {
    this.#store = store;
    this.#settings = settings;
    this.#events = events;
    // The schema is created or migrated now, at startup (retried until it works).
    this.#schedule(0);
  }

  get opened(): boolean {
    return this.#opened;
  }

  get pending(): number {
    return this.#pending.length;
  }

  push(record: ConsentRecord): void {
    if (this.#closed) return this.#drop(1, 'closed');
    if (this.#pending.length >= this.#settings.queueSize) return this.#drop(1, 'queue-full');
    this.#pending.push(record);
    if (this.#pending.length < this.#settings.batchSize) return this.#schedule(this.#settings.flushIntervalMs);
    // A full batch goes now, unless a retry is waiting out its delay.
    if (this.#retryMs === 0) this.#cancelTimer();
    this.#schedule(0);
  }

  /** One attempt, now, to write everything queued; rejects if the store fails (the records stay queued). */
  async flush(): Promise<void> {
    await this.#running;
    this.#cancelTimer();
    await this.#drain();
    if (this.#pending.length > 0 || !this.#opened) throw this.#lastError ?? new Error('the consent log could not write its queue');
  }

  /** Stops accepting records, makes a last attempt to write the queue (what fails is dropped and reported), closes the store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush().catch(() => {});
    if (this.#pending.length > 0) {
      this.#drop(this.#pending.length, 'store-failed');
      this.#pending = [];
    }
    if (this.#unreportedDrops > 0) this.#reportDrops('queue-full', 0, true);
    await this.#store.close();
  }

  #schedule(delayMs: number): void {
    if (this.#timer || this.#running || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain();
    }, delayMs);
    // A queued record must not keep the process alive: call close() on shutdown.
    this.#timer.unref();
  }

  #cancelTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #drain(): Promise<void> {
    this.#running ??= this.#writeAll().finally(() => {
      this.#running = undefined;
      if (this.#pending.length > 0 || !this.#opened) this.#schedule(this.#retryMs || this.#settings.flushIntervalMs);
    });
    return this.#running;
  }

  async #writeAll(): Promise<void> {
    if (!this.#opened) {
      try {
        await this.#store.open();
      } catch (error) {
        return this.#failed(error, 'open');
      }
      this.#opened = true;
      this.#events.opened();
    }
    while (this.#pending.length > 0) {
      const batch = this.#pending.slice(0, this.#settings.batchSize);
      try {
        await this.#store.write(batch);
      } catch (error) {
        return this.#failed(error, 'write');
      }
      this.#pending.splice(0, batch.length);
      this.written += batch.length;
      this.#retryMs = 0;
    }
  }

  #failed(error: unknown, operation: 'open' | 'write'): void {
    this.failedWrites++;
    this.#lastError = error instanceof Error ? error : new Error(String(error));
    this.#retryMs = Math.min(Math.max(this.#retryMs * 2, MIN_RETRY_MS), MAX_RETRY_MS);
    this.#events.failed(this.#lastError, operation, this.#pending.length, this.#closed ? null : this.#retryMs);
  }

  #drop(count: number, reason: DropReason): void {
    this.dropped += count;
    if (reason !== 'queue-full') return this.#events.dropped(count, reason);
    this.#unreportedDrops += count;
    this.#reportDrops(reason, Date.now(), false);
  }

  #reportDrops(reason: DropReason, now: number, force: boolean): void {
    if (!force && now - this.#lastDropReport < DROP_REPORT_INTERVAL_MS) return;
    this.#lastDropReport = now;
    const count = this.#unreportedDrops;
    this.#unreportedDrops = 0;
    this.#events.dropped(count, reason);
  }
}
