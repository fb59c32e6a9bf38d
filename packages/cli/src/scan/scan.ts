import { inspectPolicy, loadPolicy, PolicyError, type Policy } from '@consent-guard/core';
import { chromium } from 'playwright-core';
import { ChromiumNotFound, findChromium, HEADLESS_ARGS } from '../chromium.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { progress } from '../progress.js';
import { analyze } from './analyze.js';
import { crawl, crawlAccepted } from './crawl.js';
import { jsonReport, textReport, type ScanResult } from './report.js';
import { policyDraft } from './suggest.js';

interface ScanOptions {
  readonly policy?: string | undefined;
  readonly pages?: string | undefined;
  readonly json?: boolean | undefined;
  readonly suggest?: boolean | undefined;
  readonly chromium?: string | undefined;
}

// What a policy-less scan's draft is measured against: nothing declared.
const NOTHING_DECLARED = { revision: 'draft', categories: { essential: { label: 'Essential', required: true } } };

/** `consent-guard scan <url>`: what a site stores and requests before and after consent. */
export async function scan(target: string, options: ScanOptions, io: Io): Promise<number> {
  const site = siteUrl(target);
  const limit = pageLimit(options.pages);
  let policy: Policy | undefined;
  try {
    policy = options.policy === undefined ? undefined : loadPolicy(options.policy);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.error;
  }
  const against = policy ?? loadPolicy(NOTHING_DECLARED);
  let executablePath: string;
  try {
    executablePath = await findChromium({ explicit: options.chromium });
  } catch (error) {
    if (!(error instanceof ChromiumNotFound)) throw error;
    io.stderr.write(`consent-guard: scan needs Chromium, and ${error.message}\n`);
    return EXIT.error;
  }
  const browser = await chromium.launch({ executablePath, args: [...HEADLESS_ARGS] });
  let result: ScanResult;
  try {
    const bar = progress(io, 'scan');
    const undecided = await crawl(await browser.newContext(), site, { limit, progress: bar, phase: 'undecided' });
    const accepted = await crawlAccepted(await browser.newContext(), site, { pages: undecided.pages, progress: bar });
    bar.done();
    const phases = { undecided, ...(accepted ? { accepted } : {}) };
    const findings = policy ? analyze(policy, inspectPolicy(policy), site, phases) : undefined;
    result = {
      site: site.href,
      policy: options.policy,
      pages: undecided.pages,
      phases,
      acceptedSkipped: accepted ? undefined : 'no consent-guard banner with "Accept all" on the first page',
      findings,
      suggestion: options.suggest ? policyDraft(findings ?? analyze(against, inspectPolicy(against), site, phases), Object.keys(against.categories)) : undefined,
    };
  } finally {
    await browser.close();
  }
  const inspector = policy && inspectPolicy(policy);
  io.stdout.write(options.json ? `${JSON.stringify(jsonReport(result, inspector), null, 2)}\n` : textReport(result, inspector, against.consentCookie.name));
  return result.findings && result.findings.violations.length > 0 ? EXIT.violations : EXIT.ok;
}

function siteUrl(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`"${target}" is not a URL; give the site's address, such as http://localhost:3000/`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`scan needs an http or https URL, not ${url.protocol}`);
  url.hash = '';
  return url;
}

function pageLimit(value: string | undefined): number {
  if (value === undefined) return 10;
  const pages = Number(value);
  if (!Number.isInteger(pages) || pages < 1 || pages > 1000) throw new UsageError(`--pages must be a whole number from 1 to 1000, not "${value}"`);
  return pages;
}
