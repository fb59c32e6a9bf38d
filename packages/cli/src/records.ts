import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { openConsentStore, type ConsentRecord, type ConsentStore, type RecordRange } from '@consent-guard/core';
import { EXIT, UsageError, type Io } from './io.js';
import { progress } from './progress.js';

interface ExportOptions {
  readonly store?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly format?: string | undefined;
  readonly out?: string | undefined;
}

const FORMATS = ['jsonl', 'csv'] as const;
const CSV_COLUMNS = ['format', 'consent_id', 'time', 'revision', 'granted', 'denied', 'action', 'source', 'locale', 'user_agent', 'ip_hash'];
/** Exports shorter than this print no progress. */
const LONG_EXPORT = 10_000;

/** `consent-guard records export --store …`: the records of a time range as JSON Lines or CSV, oldest first. */
export async function exportRecords(options: ExportOptions, io: Io): Promise<number> {
  const format = options.format ?? 'jsonl';
  if (!FORMATS.includes(format as (typeof FORMATS)[number])) throw new UsageError(`--format must be jsonl or csv, not "${format}"`);
  const range: RecordRange = { since: dateOption('since', options.since), until: dateOption('until', options.until) };
  return withStore(options.store, io, async (store) => {
    const total = await store.count(range);
    const out = options.out === undefined ? io.stdout : createWriteStream(options.out);
    const bar = total >= LONG_EXPORT ? progress(io, 'exporting') : undefined;
    // A terminal's bar moves every 1%; a log gets a line every 10%.
    const every = Math.max(1, Math.floor(total / (io.stderr.isTTY ? 100 : 10)));
    if (format === 'csv') await write(out, `${CSV_COLUMNS.join(',')}\n`);
    let done = 0;
    for await (const record of store.export(range)) {
      await write(out, format === 'csv' ? csvLine(record) : `${JSON.stringify(record)}\n`);
      if (bar && ++done % every === 0) bar.step(done, total, 'records');
    }
    bar?.done();
    if (out !== io.stdout) {
      out.end();
      await once(out, 'close');
    }
    return EXIT.ok;
  });
}

/** `consent-guard records show <consent id> --store …`: every record of one consent id, as JSON Lines. */
export async function showRecords(consentId: string, options: { readonly store?: string | undefined }, io: Io): Promise<number> {
  return withStore(options.store, io, async (store) => {
    const records = await store.byConsentId(consentId);
    if (records.length === 0) {
      io.stderr.write(`consent-guard: no records of consent id "${consentId}"\n`);
      return EXIT.error;
    }
    for (const record of records) io.stdout.write(`${JSON.stringify(record)}\n`);
    return EXIT.ok;
  });
}

async function withStore(spec: string | undefined, io: Io, use: (store: ConsentStore) => Promise<number>): Promise<number> {
  if (spec === undefined) throw new UsageError('missing --store <sqlite file | postgres://…>');
  if (spec === 'memory') throw new UsageError('--store memory has no records outside the site\'s process; give a SQLite file or a postgres:// URL');
  // Reading must not leave an empty database behind a mistyped path.
  const file = sqliteFile(spec);
  if (file !== undefined && !existsSync(file)) {
    io.stderr.write(`consent-guard: ${file}: no such file (the consent log is a SQLite file or a postgres:// URL; nothing was created)\n`);
    return EXIT.error;
  }
  let store: ConsentStore | undefined;
  try {
    store = openConsentStore(spec);
    await store.open();
    return await use(store);
  } catch (error) {
    // The URL's password stays out of the message.
    io.stderr.write(`consent-guard: ${spec.replace(/\/\/[^@/]*@/, '//…@')}: ${(error as Error).message}\n`);
    return EXIT.error;
  } finally {
    await store?.close();
  }
}

/** The SQLite file a `--store` names, or undefined for a PostgreSQL URL. */
function sqliteFile(spec: string): string | undefined {
  if (/^postgres(ql)?:\/\//i.test(spec)) return undefined;
  return spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** An ISO 8601 date (midnight UTC) or date and time (UTC when it has no offset). */
function dateOption(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const iso = DATE.test(value) ? `${value}T00:00:00Z` : DATE_TIME.test(value) ? (/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`) : undefined;
  const date = iso === undefined ? undefined : new Date(iso);
  if (!date || Number.isNaN(date.getTime())) throw new UsageError(`--${name} must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not "${value}"`);
  return date;
}

function csvLine(record: ConsentRecord): string {
  const cells = [record.format, record.consentId, record.time, record.revision, record.granted.join(' '), record.denied.join(' '), record.action, record.source, record.locale, record.userAgent, record.ipHash];
  return `${cells.map((cell) => csvCell(cell === null ? '' : String(cell))).join(',')}\n`;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes with backpressure, so a large export to a slow pipe stays bounded in memory. */
async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
