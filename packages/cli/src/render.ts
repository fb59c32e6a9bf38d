import { writeFileSync } from 'node:fs';
import { loadPolicy, PolicyError, renderDeclaration } from '@consent-guard/core';
import { EXIT, UsageError, type Io } from './io.js';

interface RenderOptions {
  readonly format?: string | undefined;
  readonly locale?: string | undefined;
  readonly out?: string | undefined;
}

const FORMATS = ['html', 'markdown'] as const;
const LOCALES = ['en', 'nb'];

/** `consent-guard render <policy>`: the cookie declaration as HTML or Markdown. */
export function render(path: string, options: RenderOptions, io: Io): number {
  const format = options.format ?? 'markdown';
  if (!FORMATS.includes(format as (typeof FORMATS)[number])) throw new UsageError(`--format must be html or markdown, not "${format}"`);
  const locale = options.locale ?? 'en';
  if (!LOCALES.includes(locale)) throw new UsageError(`--locale must be en or nb, not "${locale}"`);
  let policy;
  try {
    policy = loadPolicy(path);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    // Lint helps with a policy that has problems, not with a file that cannot be read.
    const unreadable = error.problems.every((problem) => problem.line === undefined && problem.path === '');
    io.stderr.write(unreadable ? `${error.message}\n` : `${error.message}\n(consent-guard lint ${path} lists them with warnings)\n`);
    return EXIT.error;
  }
  const text = renderDeclaration(policy, { format: format as (typeof FORMATS)[number], locale });
  if (options.out === undefined) io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  else writeFileSync(options.out, text);
  return EXIT.ok;
}
