import { parseArgs } from 'node:util';
import { EXIT, UsageError, type Io } from './io.js';
import { lint } from './lint.js';
import { render } from './render.js';

const USAGE = `Usage: consent-guard <command> [options]

Commands:
  lint <policy>                 Check a policy file: every error at once (exit 1), then likely mistakes.
  render <policy>               Print the cookie declaration.
      --format html|markdown    (default: markdown)
      --locale en|nb            (default: en)
      --out <file>              Write to a file instead of stdout.
  scan <url>                    Visit a running site in headless Chromium, before and after accepting
                                everything in its banner, and report the cookies and third-party hosts.
      --policy <file>           Check what was found against the policy (a violation exits with 2).
      --pages <n>               Same-origin pages to visit (default: 10).
      --json                    Print the report as JSON.
      --suggest                 Also print a policy draft for what the policy does not declare.
      --chromium <path>         The browser (default: $CONSENT_GUARD_CHROMIUM, else an installed
                                Chrome/Chromium/Edge, Playwright's, or @sparticuz/chromium).
  records export                The consent log's records of a time range, oldest first.
      --store <db>              A SQLite file or a postgres:// URL (required).
      --since <date>            From this date or time, inclusive (ISO 8601, UTC when no offset).
      --until <date>            Up to this date or time, exclusive.
      --format jsonl|csv        (default: jsonl)
      --out <file>              Write to a file instead of stdout.
  records show <consent id>     Every record of one consent id, as JSON Lines (exit 1 when none).
      --store <db>              A SQLite file or a postgres:// URL (required).

Exit codes: 0 clean, 1 errors, 2 scan found a violation.
`;

/** Runs one command line; resolves to the exit code. Nothing is thrown at the caller. */
export async function main(args: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'lint':
        return lint(single(parse(rest, {}), 'lint <policy>'), io);
      case 'render': {
        const parsed = parse(rest, { format: { type: 'string' }, locale: { type: 'string' }, out: { type: 'string' } });
        return render(single(parsed, 'render <policy>'), parsed.values, io);
      }
      case 'scan': {
        const parsed = parse(rest, {
          policy: { type: 'string' },
          pages: { type: 'string' },
          json: { type: 'boolean' },
          suggest: { type: 'boolean' },
          chromium: { type: 'string' },
        });
        // Loaded only here: the browser driver is most of the CLI's start-up time.
        const { scan } = await import('./scan/scan.js');
        return await scan(single(parsed, 'scan <url>'), parsed.values, io);
      }
      case 'records':
        return await records(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? EXIT.error : EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"; the commands are lint, render, scan and records`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`consent-guard: ${error.message}\n(consent-guard --help shows how to call it)\n`);
    return EXIT.error;
  }
}

async function records(args: readonly string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  // Loaded only here: opening a store loads its database driver.
  const { exportRecords, showRecords } = await import('./records.js');
  if (sub === 'export') {
    const parsed = parse(rest, { store: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } });
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}": consent-guard records export --store <db>`);
    return exportRecords(parsed.values, io);
  }
  if (sub === 'show') {
    const parsed = parse(rest, { store: { type: 'string' } });
    return showRecords(single(parsed, 'records show <consent id> --store <db>'), parsed.values, io);
  }
  throw new UsageError(sub === undefined ? 'missing subcommand: consent-guard records export|show' : `unknown subcommand "records ${sub}"; use records export or records show`);
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function parse<T extends Options>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function single(parsed: { positionals: string[] }, usage: string): string {
  const [value, ...extra] = parsed.positionals;
  if (value === undefined) throw new UsageError(`missing argument: consent-guard ${usage}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}": consent-guard ${usage}`);
  return value;
}
