import type { ReportEvent } from './reports.js';

/** How often one thing happened: a cookie blocked, a tracker neutralized, a choice made. */
export interface StatsRow {
  readonly type: ReportEvent['type'];
  /** The cookie, the tracker (or the element, for author-marked tags), the source or the reason. */
  readonly subject: string;
  readonly category: string | undefined;
  /** What happened to it: blocked or allowed, a consent action, a reason. */
  readonly detail: string | undefined;
  readonly count: number;
}

export interface StatsSnapshot {
  /** When counting started (or was last reset), ISO 8601. */
  readonly since: string;
  /** Events counted, in enforcement and in report-only mode. */
  readonly events: number;
  /** One row per distinct thing, most frequent first. */
  readonly rows: readonly StatsRow[];
}

export interface ConsentStats {
  /** Counts one event: pass it as (or call it from) the guard's `onReport`. */
  readonly record: (event: ReportEvent) => void;
  snapshot(): StatsSnapshot;
  /** The snapshot as a plain-text table, for a log or an admin page. */
  summary(): string;
  reset(): void;
}

/** Beyond this many distinct rows, new ones are counted together, so memory stays bounded. */
const MAX_ROWS = 10_000;

/**
 * A reporter that aggregates the guard's events: counts per cookie name or tracker, per
 * category, per what happened. Run a site in `report-only` for a week with it and read
 * exactly what enforcement will change.
 */
export function createConsentStats(): ConsentStats {
  let since = new Date();
  let events = 0;
  let rows = new Map<string, { row: Omit<StatsRow, 'count'>; count: number }>();
  const record = (event: ReportEvent) => {
    events++;
    const row = rowOf(event);
    const key = `${row.type}\0${row.subject}\0${row.category ?? ''}\0${row.detail ?? ''}`;
    const entry = rows.get(key) ?? (rows.size < MAX_ROWS ? { row, count: 0 } : undefined);
    const counted = entry ?? rows.get(OTHER_KEY) ?? { row: { type: row.type, subject: '(others)', category: undefined, detail: undefined }, count: 0 };
    // Some events stand for several (a throttled report says how many since the last).
    counted.count += event.type === 'consent-source-ignored' || event.type === 'consent-log-dropped' ? event.count : 1;
    rows.set(entry ? key : OTHER_KEY, counted);
  };
  const snapshot = (): StatsSnapshot => ({
    since: since.toISOString(),
    events,
    rows: [...rows.values()].map(({ row, count }) => ({ ...row, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type) || a.subject.localeCompare(b.subject)),
  });
  return {
    record,
    snapshot,
    summary: () => formatSummary(snapshot()),
    reset() {
      since = new Date();
      events = 0;
      rows = new Map();
    },
  };
}

const OTHER_KEY = '\0others';

function rowOf(event: ReportEvent): Omit<StatsRow, 'count'> {
  switch (event.type) {
    case 'cookie-blocked':
      return { type: event.type, subject: event.name, category: event.category, detail: event.reason };
    case 'cookie-undeclared':
      return { type: event.type, subject: event.name, category: undefined, detail: event.action };
    case 'cookie-purged':
      return { type: event.type, subject: event.name, category: event.category, detail: undefined };
    case 'tag-neutralized':
      return { type: event.type, subject: event.tracker ?? `<${event.element}>`, category: event.category, detail: event.tracker ? hostOf(event.url) : undefined };
    case 'unknown-category':
      return { type: event.type, subject: `<${event.element}>`, category: event.category, detail: undefined };
    case 'html-skipped':
      return { type: event.type, subject: event.reason, category: undefined, detail: undefined };
    case 'consent-changed':
      return { type: event.type, subject: event.source, category: undefined, detail: event.action };
    case 'consent-source-ignored':
      return { type: event.type, subject: event.source, category: undefined, detail: event.reason };
    case 'consent-log-failed':
      return { type: event.type, subject: event.operation, category: undefined, detail: undefined };
    case 'consent-log-dropped':
      return { type: event.type, subject: event.reason, category: undefined, detail: undefined };
  }
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined; // an inline script, known by its text
  try {
    return new URL(url, 'https://consent-guard.invalid').host;
  } catch {
    return undefined;
  }
}

function formatSummary(snapshot: StatsSnapshot): string {
  const header = ['count', 'event', 'subject', 'category', 'detail'];
  const table = snapshot.rows.map((row) => [String(row.count), row.type, row.subject, row.category ?? '', row.detail ?? '']);
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [`consent-guard: ${snapshot.events} events since ${snapshot.since}`, line(header), ...table.map(line)].join('\n') + '\n';
}
