import type { ConsentRecord } from './record.js';

/** A time range: `since` inclusive, `until` exclusive; either may be left out. */
export interface RecordRange {
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
}

/**
 * Where the consent log keeps its records. The bundled stores (memory, SQLite, PostgreSQL)
 * implement it; pass your own as `consentLog.store`. The log calls `open` once before
 * anything else and never runs two `write`s at once; methods may reject, the log reports.
 */
export interface ConsentStore {
  /** Creates or migrates the schema. Called again after a failure, until it succeeds. */
  open(): Promise<void>;
  /** Appends records, all or none. */
  write(records: readonly ConsentRecord[]): Promise<void>;
  /** Every record of one consent id, oldest first. */
  byConsentId(consentId: string): Promise<ConsentRecord[]>;
  /** The records of a time range, oldest first, streamed (a large range is not held in memory). */
  export(range?: RecordRange): AsyncIterable<ConsentRecord>;
  /** How many records `export(range)` yields. */
  count(range?: RecordRange): Promise<number>;
  /** Deletes the records older than `time`; resolves to how many. */
  deleteBefore(time: Date): Promise<number>;
  close(): Promise<void>;
}

/** Records per page when a store streams an export (keyset pagination: memory stays bounded). */
export const EXPORT_PAGE = 1000;
