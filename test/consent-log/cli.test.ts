import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openConsentStore, type ConsentRecord } from '@consent-guard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../packages/cli/src/main.js';
import { runCli, runMain } from '../helpers/cli.js';
import { record } from '../helpers/store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'consent-guard-records-'));
const small = join(dir, 'small.db');
const large = join(dir, 'large.db');
const RECORDS = [
  record('visitor-a', '2026-01-31T23:59:59.999Z', { action: 'accept-all', granted: ['essential', 'functionality', 'performance', 'marketing'], denied: [] }),
  record('visitor-b', '2026-02-01T00:00:00.000Z', { userAgent: 'other, "quoted" / other / desktop', ipHash: 'h4sh' }),
  record('visitor-a', '2026-02-15T08:00:00.000Z', { action: 'withdraw', granted: ['essential'], denied: ['functionality', 'performance', 'marketing'], locale: null }),
  record('visitor-c', '2026-03-01T00:00:00.000Z', { source: 'cookiebot' }),
];
const LARGE = 12_000;

async function seed(path: string, records: readonly ConsentRecord[]): Promise<void> {
  const store = openConsentStore(path);
  await store.open();
  await store.write(records);
  await store.close();
}

beforeAll(async () => {
  await seed(small, RECORDS);
  await seed(large, Array.from({ length: LARGE }, (_, i) => record(`bulk-${i}`, new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString())));
});

const jsonl = (records: readonly ConsentRecord[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');


describe('consent-guard records export', () => {
  it('should print every record as JSON Lines, oldest first', async () => {
    expect(await runCli(['records', 'export', '--store', small])).toEqual({ code: 0, stdout: jsonl(RECORDS), stderr: '' });
  });

  it('should export a range: --since inclusive, --until exclusive, dates as UTC midnight', async () => {
    const { code, stdout } = await runCli(['records', 'export', '--store', `sqlite:${small}`, '--since', '2026-02-01', '--until', '2026-02-15T08:00:00Z']);
    expect({ code, stdout }).toEqual({ code: 0, stdout: jsonl([RECORDS[1]!]) });
    const later = await runMain(['records', 'export', '--store', small, '--since', '2026-02-15T09:00:00+01:00']);
    expect(later.stdout).toBe(jsonl(RECORDS.slice(2)));
  });

  it('should write CSV with a header row, ids space-separated and cells quoted where needed', async () => {
    const { code, stdout } = await runMain(['records', 'export', '--store', small, '--format', 'csv', '--until', '2026-02-02']);
    expect(code).toBe(0);
    expect(stdout).toBe(
      'format,consent_id,time,revision,granted,denied,action,source,locale,user_agent,ip_hash\n' +
        '1,visitor-a,2026-01-31T23:59:59.999Z,2018-09-10,essential functionality performance marketing,,accept-all,endpoint,nb,Firefox 121 / Linux / desktop,\n' +
        '1,visitor-b,2026-02-01T00:00:00.000Z,2018-09-10,essential marketing,functionality performance,save,endpoint,nb,"other, ""quoted"" / other / desktop",h4sh\n',
    );
  });

  it('should write to --out, and print progress lines on stderr for a long export', async () => {
    const out = join(dir, 'export.jsonl');
    const { code, stdout, stderr } = await runCli(['records', 'export', '--store', large, '--out', out]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(LARGE);
    expect(stderr.trimEnd().split('\n')).toEqual(Array.from({ length: 10 }, (_, i) => `exporting ${(i + 1) * 1200}/${LARGE} records`));
  });

  it('should draw a bar on a terminal', async () => {
    const stdout = new PassThrough();
    stdout.resume();
    const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 60 });
    let drawn = '';
    stderr.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    expect(await main(['records', 'export', '--store', large], { stdout, stderr })).toBe(0);
    const frames = drawn.split('\r').filter(Boolean);
    expect(frames).toHaveLength(100);
    expect(frames[0]!.trimEnd()).toBe('exporting [--------------------] 120/12000 records');
    expect(frames.at(-1)).toBe(`${'exporting [####################] 12000/12000 records'.padEnd(59)}\n`);
  });

  it.each<[string[], string]>([
    [['records', 'export'], 'missing --store <sqlite file | postgres://…>'],
    [['records', 'export', '--store', 'memory'], "--store memory has no records outside the site's process; give a SQLite file or a postgres:// URL"],
    [['records', 'export', '--store', 'x.db', '--format', 'xml'], '--format must be jsonl or csv, not "xml"'],
    [['records', 'export', '--store', 'x.db', '--since', 'yesterday'], '--since must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not "yesterday"'],
    [['records', 'export', '--store', 'x.db', '--until', '2026-13-01'], '--until must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not "2026-13-01"'],
    [['records', 'export', '--store', 'x.db', 'extra'], 'unexpected argument "extra": consent-guard records export --store <db>'],
    [['records', 'show', '--store', 'x.db'], 'missing argument: consent-guard records show <consent id> --store <db>'],
    [['records'], 'missing subcommand: consent-guard records export|show'],
    [['records', 'list'], 'unknown subcommand "records list"; use records export or records show'],
  ])('should refuse %j with exit 1 and say why', async (args, message) => {
    expect(await runMain(args)).toEqual({ code: 1, stdout: '', stderr: `consent-guard: ${message}\n(consent-guard records --help shows how to call it)\n` });
  });

  it('should exit 1 with the reason when the store cannot be opened, without a password from the URL', async () => {
    const { code, stderr } = await runMain(['records', 'export', '--store', 'postgres://user:hunter2@127.0.0.1:1/db']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^consent-guard: postgres:\/\/…@127\.0\.0\.1:1\/db: .*ECONNREFUSED/);
    expect(stderr).not.toContain('hunter2');
  });
});

describe('a store path that does not exist', () => {
  it.each([
    ['export', ['records', 'export', '--store']],
    ['show', ['records', 'show', 'visitor-a', '--store']],
  ])('should make records %s exit 1 naming the path, and create nothing', async (_, args) => {
    for (const spec of [join(dir, 'typo.db'), `sqlite:${join(dir, 'typo.db')}`]) {
      expect(await runMain([...args, spec])).toEqual({
        code: 1,
        stdout: '',
        stderr: `consent-guard: ${join(dir, 'typo.db')}: no such file (the consent log is a SQLite file or a postgres:// URL; nothing was created)\n`,
      });
      expect(existsSync(join(dir, 'typo.db'))).toBe(false);
    }
  });
});

describe('consent-guard records show', () => {
  it('should print every record of one consent id as JSON Lines', async () => {
    expect(await runCli(['records', 'show', 'visitor-a', '--store', small])).toEqual({ code: 0, stdout: jsonl([RECORDS[0]!, RECORDS[2]!]), stderr: '' });
  });

  it('should exit 1 when there is none', async () => {
    expect(await runMain(['records', 'show', 'nobody', '--store', small])).toEqual({ code: 1, stdout: '', stderr: 'consent-guard: no records of consent id "nobody"\n' });
  });
});
