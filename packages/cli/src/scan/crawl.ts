import type { BrowserContext, Page } from 'playwright-core';
import { RunError } from '../io.js';
import type { Progress } from '../progress.js';
import { Observer, type Observation } from './observe.js';

const ACCEPT_ALL = '#consent-guard-banner form:has(input[name="action"][value="accept-all"]) [type="submit"]';

/**
 * Visits `start` and the same-origin pages it links to, breadth first, up to `limit`
 * pages (or exactly `pages`, when given), and returns what the context stored and requested.
 */
export async function crawl(context: BrowserContext, start: URL, options: { limit: number; pages?: readonly string[]; progress: Progress; phase: string }): Promise<Observation> {
  const observer = await Observer.watch(context, start);
  const page = await context.newPage();
  const queue = options.pages ? [...options.pages] : [start.href];
  const queued = new Set(queue);
  const total = () => Math.min(options.limit, observer.observation.pages.length + queue.length + 1);
  while (queue.length > 0 && observer.observation.pages.length < options.limit) {
    const url = queue.shift()!;
    options.progress.step(observer.observation.pages.length, total(), `${options.phase}: ${url}`);
    const failure = await observer.visit(page, url);
    if (failure && url === start.href) throw new RunError(`could not load ${url}: ${failure}`);
    if (failure || options.pages) continue; // a broken link is not the scan's business
    for (const link of await sameOriginLinks(page, start)) {
      if (queued.has(link)) continue;
      queued.add(link);
      queue.push(link);
    }
  }
  options.progress.step(observer.observation.pages.length, observer.observation.pages.length, `${options.phase}: done`);
  await page.close();
  return observer.observation;
}

/**
 * Opens `start`, accepts everything in the consent-guard banner, and then crawls `pages`
 * as a visitor who did. Undefined when the page has no banner to accept in.
 */
export async function crawlAccepted(context: BrowserContext, start: URL, options: { pages: readonly string[]; progress: Progress }): Promise<Observation | undefined> {
  const observer = await Observer.watch(context, start);
  const page = await context.newPage();
  options.progress.step(0, options.pages.length, `accepting everything on ${start.href}`);
  const failure = await observer.visit(page, start.href);
  if (failure) throw new RunError(`could not load ${start.href}: ${failure}`);
  const accept = page.locator(ACCEPT_ALL).first();
  if ((await accept.count()) === 0) {
    await page.close();
    return undefined;
  }
  // With the banner's script the choice applies in place; without, the form posts and the page comes back.
  await Promise.all([page.waitForSelector('#consent-guard-banner', { state: 'detached' }), accept.click()]);
  await page.waitForLoadState('networkidle').catch(() => {});
  await observer.settle(page);
  for (const [index, url] of options.pages.entries()) {
    options.progress.step(index, options.pages.length, `accepted: ${url}`);
    await observer.visit(page, url);
  }
  options.progress.step(options.pages.length, options.pages.length, 'accepted: done');
  await page.close();
  return observer.observation;
}

async function sameOriginLinks(page: Page, start: URL): Promise<string[]> {
  const hrefs = await page.$$eval('a[href]', (links) => links.map((link) => (link as unknown as { href: string }).href));
  const found: string[] = [];
  for (const href of hrefs) {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      continue;
    }
    if (url.origin !== start.origin) continue;
    url.hash = '';
    found.push(url.href);
  }
  return found;
}
