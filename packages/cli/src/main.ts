import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { EXIT, RunError, UsageError, type Io } from './io.js';
import { lint } from './lint.js';
import { render } from './render.js';

/** Each command's line and options, as `--help` and `<command> --help` print them. */
const COMMANDS = {
  lint: `  lint <policy>                 Check a policy file: every error at once (exit 1), then likely mistakes.
`,
  render: `  render <policy>               Print the cookie declaration.
      --format html|markdown    (default: markdown)
      --locale en|nb            (default: en)
      --out <file>              Write to a file instead of stdout.
`,
  scan: `  scan <url>                    Visit a running site in headless Chromium, before and after accepting
                                everything in its banner, and report the cookies and third-party hosts.
                                A URL without a scheme (localhost:3000) is taken as http://.
      --policy <file>           Check what was found against the policy (a violation exits with 2).
      --strict                  With --policy, also exit 2 for anything the policy does not declare.
      --pages <n>               Same-origin pages to visit (default: 10).
      --json                    Print the report as JSON.
      --suggest                 Also print a policy draft for what the policy does not declare.
      --chromium <path>         The browser (default: $CONSENT_GUARD_CHROMIUM, else an installed
                                Chrome/Chromium/Edge, Playwright's, or @sparticuz/chromium).
`,
  proxy: `  proxy                         Guard a running site: a reverse proxy that enforces the policy on every
                                response and forwards only consented cookies. CONSENT_SECRET signs the
                                consent cookie. SIGTERM or SIGINT finish the requests in flight and exit 0.
      --upstream <url>          The site to guard, e.g. http://127.0.0.1:8080 (required).
      --policy <file>           The policy file (required).
      --port <n>                (default: 3000)
      --host <address>          (default: 127.0.0.1; 0.0.0.0 for every interface)
      --mode enforce|report-only  (default: enforce)
      --cache vary|shared       (default: vary)
      --consent-log <db>        Record consent changes in a SQLite file or a postgres:// URL.
      --trust-proxy             Believe X-Forwarded-For/-Proto/-Host from a proxy in front.
`,
  records: `  records export                The consent log's records of a time range, oldest first.
      --store <db>              A SQLite file or a postgres:// URL (required).
      --since <date>            From this date or time, inclusive (ISO 8601, UTC when no offset).
      --until <date>            Up to this date or time, exclusive.
      --format jsonl|csv        (default: jsonl)
      --out <file>              Write to a file instead of stdout.
  records show <consent id>     Every record of one consent id, as JSON Lines (exit 1 when none).
      --store <db>              A SQLite file or a postgres:// URL (required).
`,
} as const;

type Command = keyof typeof COMMANDS;
const EXIT_CODES = 'Exit codes: 0 clean, 1 errors, 2 scan found a violation.\n';
const USAGE = `Usage: consent-guard <command> [options]\n\nCommands:\n${Object.values(COMMANDS).join('')}\n  --version                     Print the version.\n\n${EXIT_CODES}`;

/** Runs one command line; resolves to the exit code. Nothing is thrown at the caller. */
export async function main(args: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (isCommand(command) && rest.some((arg) => arg === '--help' || arg === '-h')) {
      io.stdout.write(`Usage: consent-guard ${command} [options]\n\n${COMMANDS[command]}\n${EXIT_CODES}`);
      return EXIT.ok;
    }
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
          strict: { type: 'boolean' },
          chromium: { type: 'string' },
        });
        // Loaded only here: the browser driver is most of the CLI's start-up time.
        const { scan } = await import('./scan/scan.js');
        return await scan(single(parsed, 'scan <url>'), parsed.values, io);
      }
      case 'proxy': {
        const parsed = parse(rest, {
          upstream: { type: 'string' },
          policy: { type: 'string' },
          port: { type: 'string' },
          host: { type: 'string' },
          mode: { type: 'string' },
          cache: { type: 'string' },
          'consent-log': { type: 'string' },
          'trust-proxy': { type: 'boolean' },
        });
        if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}": consent-guard proxy --upstream <url> --policy <file>`);
        // Loaded only here: the HTTP client is not needed by the other commands.
        const { proxy } = await import('./proxy.js');
        return await proxy(parsed.values, io);
      }
      case 'records':
        return await records(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? EXIT.error : EXIT.ok;
      case '--version':
      case '-v':
        io.stdout.write(`${VERSION}\n`);
        return EXIT.ok;
      default: {
        const guess = didYouMean(command);
        throw new UsageError(`unknown command "${command}"${guess ? `; did you mean "${guess}"?` : ''} (the commands are lint, render, scan, proxy and records)`);
      }
    }
  } catch (error) {
    if (error instanceof RunError) {
      io.stderr.write(`consent-guard: ${error.message}\n`);
      return EXIT.error;
    }
    if (!(error instanceof UsageError)) throw error;
    const help = isCommand(command) ? `consent-guard ${command} --help` : 'consent-guard --help';
    io.stderr.write(`consent-guard: ${error.message}\n(${help} shows how to call it)\n`);
    return EXIT.error;
  }
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function isCommand(word: string | undefined): word is Command {
  return word !== undefined && Object.hasOwn(COMMANDS, word);
}

/** A command with the same letters in another order, or one the word starts (or is the start of). */
function didYouMean(word: string): Command | undefined {
  const letters = (text: string) => [...text.toLowerCase()].sort().join('');
  return (Object.keys(COMMANDS) as Command[]).find(
    (command) => letters(command) === letters(word) || (word.length >= 3 && command.startsWith(word.toLowerCase().slice(0, 3))),
  );
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
