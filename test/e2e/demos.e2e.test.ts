import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from './browser.js';
import { startDemo, stopSites, type Demo, type DemoFramework } from './demo.js';

// A browser is slower than supertest, and the shared machines are busy.
vi.setConfig({ testTimeout: 60_000 });

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

// What each of the demo's trackers asks of its stand-in (host and path), seen from the browser.
const ANALYTICS = ['googletagmanager.localhost/g/collect', 'googletagmanager.localhost/gtag/js'];
const HUBSPOT_SCRIPT = ['hubspot.localhost/4242.js', 'hubspot.localhost/__ptq.gif'];
const HUBSPOT_PIXEL = 'hubspot.localhost/__ptq.gif';
const MAPS = 'maps.localhost/maps/embed';
const YOUTUBE = 'youtube.localhost/embed/dQw4w9WgXcQ';

const demos = {} as Record<DemoFramework, Demo>;
let browser: Browser;

beforeAll(async () => {
  [demos.express, demos.koa, demos.fastify, demos.proxy, browser] = await Promise.all([startDemo('express'), startDemo('koa'), startDemo('fastify'), startDemo('proxy'), launchChromium()]);
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopSites();
});

interface Visit {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every request to a tracker stand-in, as `host/path`, in order. */
  readonly trackers: string[];
}

async function visit(origin: string, options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Visit> {
  const context = await browser.newContext(options);
  const trackers: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.hostname.endsWith('.localhost')) trackers.push(`${url.hostname}${url.pathname}`);
  });
  const page = await context.newPage();
  await page.goto(`${origin}/`, { waitUntil: 'networkidle' });
  return { context, page, trackers };
}

/** A form post (303) and the page it leads back to, loaded with everything it loads. */
async function submit(page: Page, action: Promise<void>): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle' }), action]);
}

const cookieNames = async (context: BrowserContext) => [...new Set((await context.cookies()).map((cookie) => cookie.name))].sort();
const unique = (requests: readonly string[]) => [...new Set(requests)].sort();

describe.each([
  ['express', true],
  ['express', false],
  ['koa', true],
  ['koa', false],
  ['fastify', true],
  ['fastify', false],
  ['proxy', true],
  ['proxy', false],
] as const)('the %s demo in Chromium (JavaScript %s)', (framework, javaScriptEnabled) => {
  const open = () => visit(demos[framework].origin, { javaScriptEnabled });
  /** With JavaScript the choice applies in place; without, the form posts and the page comes back. */
  const choose = async (page: Page, action: Promise<void>) => {
    if (!javaScriptEnabled) return submit(page, action);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await action;
    await page.waitForFunction(() => !document.getElementById('consent-guard-banner'));
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42); // no reload
  };

  it('should load no tracker and store only the essential cookie before a choice', async () => {
    const { context, page, trackers } = await open();
    expect(await page.locator('#consent-guard-banner').isVisible()).toBe(true);
    expect(trackers).toEqual([]);
    expect(await cookieNames(context)).toEqual(['PHPSESSID']);
    await page.screenshot({ path: `${ARTIFACTS}demo-${framework}-${javaScriptEnabled ? 'js' : 'nojs'}.png` });
    await context.close();
  });

  it('should keep it so after Reject all, and close the banner', async () => {
    const { context, page, trackers } = await open();
    await choose(page, page.getByRole('button', { name: 'Reject all' }).click());
    expect(await page.locator('#consent-guard-banner').count()).toBe(0);
    await page.reload({ waitUntil: 'networkidle' });
    expect(trackers).toEqual([]);
    expect(await cookieNames(context)).toEqual(['PHPSESSID', 'cg_consent']);
    await context.close();
  });

  it('should load every tracker after Accept all, and keep their cookies after a reload', async () => {
    const { context, page, trackers } = await open();
    await choose(page, page.getByRole('button', { name: 'Accept all' }).click());
    expect(await page.locator('#consent-guard-banner').count()).toBe(0);
    // The page's server-rendered state box follows the choice (in place, or from the reloaded
    // page). PHP behind the proxy cannot know the choice: its page shows the cookies it got.
    if (framework !== 'proxy') expect(await page.locator('[data-state="decided"]').textContent()).toBe('true');
    if (javaScriptEnabled) {
      await expect.poll(() => unique(trackers), { timeout: 15_000 }).toEqual(unique([...ANALYTICS, ...HUBSPOT_SCRIPT, MAPS, YOUTUBE]));
      // The trackers' scripts set their cookies on the site; the A/B cookie comes with the next page.
      expect(await cookieNames(context)).toEqual(['PHPSESSID', '__hssc', '__hssrc', '__hstc', '_ga', '_ga_DEMO', 'cg_consent', 'hubspotutk']);
      const consent = await page.evaluate(() =>
        ((window as unknown as { dataLayer: ArrayLike<unknown>[] }).dataLayer ?? []).map((entry) => Array.from(entry)).filter((entry) => entry[0] === 'consent'),
      );
      expect(consent).toEqual([
        ['consent', 'default', { ad_storage: 'denied', analytics_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', functionality_storage: 'denied', personalization_storage: 'denied', security_storage: 'granted' }],
        ['consent', 'update', { functionality_storage: 'granted', personalization_storage: 'granted', analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }],
      ]);
    } else {
      // No script runs without JavaScript, tracker or not; the embeds and the <noscript> pixel load.
      expect(unique(trackers)).toEqual(unique([HUBSPOT_PIXEL, MAPS, YOUTUBE]));
      expect(await cookieNames(context)).toEqual(['PHPSESSID', '__ab12', 'cg_consent']);
    }
    trackers.length = 0;
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.locator('#consent-guard-banner').count()).toBe(0);
    expect(unique(trackers)).toEqual(javaScriptEnabled ? unique([...ANALYTICS, ...HUBSPOT_SCRIPT, MAPS, YOUTUBE]) : unique([HUBSPOT_PIXEL, MAPS, YOUTUBE]));
    expect(await cookieNames(context)).toContain('__ab12');
    await context.close();
  });

  it('should load only the chosen category, the whole choice made with the keyboard', async () => {
    const { context, page, trackers } = await open();
    // The banner comes first in tab order: the first Tab lands in it, before anything of the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('#consent-guard-banner') !== null)).toBe(true);
    // Tab on until its first button has the focus, and see the focus.
    for (let tabs = 0; tabs < 40 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Accept all'; tabs++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Accept all');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Reject all');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // opens "Choose"
    await page.keyboard.press('Tab'); // Essential is on and disabled: the focus goes to Functionality
    await page.keyboard.press('Tab'); // Performance / statistics
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Performance / statistics').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save my choice');
    await choose(page, page.keyboard.press('Enter'));
    // Chosen in place, the dialog hands the focus to the page's main content.
    if (javaScriptEnabled) expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('MAIN');
    const state = await page.evaluate(() => fetch('/consent', { headers: { Accept: 'application/json' } }).then((response) => response.json()));
    expect(state).toMatchObject({ decided: true, granted: ['essential', 'performance'] });
    if (javaScriptEnabled) await expect.poll(() => unique(trackers), { timeout: 15_000 }).toEqual(ANALYTICS);
    else expect(trackers).toEqual([]);
    await page.reload({ waitUntil: 'networkidle' });
    expect(unique(trackers)).toEqual(javaScriptEnabled ? ANALYTICS : []);
    const names = await cookieNames(context);
    expect(names).toContain('__ab12');
    expect(names).not.toContain('__hstc');
    await context.close();
  });
});

describe.each(['express', 'koa', 'fastify', 'proxy'] as const)('the declaration page of the %s demo in Chromium', (framework) => {
  it('should withdraw consent and delete the deletable cookies from the jar', async () => {
    const { origin } = demos[framework];
    const { context, page } = await visit(origin);
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.waitForFunction(() => !document.getElementById('consent-guard-banner'));
    await page.reload({ waitUntil: 'networkidle' });
    expect(await cookieNames(context)).toEqual(expect.arrayContaining(['__ab12', '__hstc', '_ga', 'hubspotutk']));
    await page.goto(`${origin}/cookie-policy`);
    await page.screenshot({ path: `${ARTIFACTS}declaration-${framework}.png`, fullPage: true });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Cookies on this site');
    await submit(page, page.getByRole('button', { name: 'Withdraw my consent' }).click());
    expect(await cookieNames(context)).toEqual(['PHPSESSID', 'cg_consent']);
    // Back on the page, which says the choice was saved, with a way back to the site.
    expect(await page.getByRole('status').textContent()).toBe('Your choice was saved.');
    await page.getByRole('link', { name: 'Back to the site' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
    await context.close();
  });
});

describe("the Express demo with cache: 'shared' in Chromium", () => {
  let shared: Demo;
  beforeAll(async () => {
    shared = await startDemo('express', { CONSENT_CACHE: 'shared' });
  }, 30_000);
  afterAll(() => shared?.stop());

  it('should show the banner only while undecided, and apply a stored choice in the browser', async () => {
    const { context, page, trackers } = await visit(shared.origin);
    expect(await page.locator('#consent-guard-banner').isVisible()).toBe(true);
    expect(trackers).toEqual([]);
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.waitForFunction(() => !document.getElementById('consent-guard-banner'));
    trackers.length = 0;
    await page.reload({ waitUntil: 'networkidle' });
    // The page came neutralized, as to everyone; the script asks for this visitor's choice and applies it.
    await expect.poll(() => page.locator('#consent-guard-banner').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => unique(trackers), { timeout: 15_000 }).toEqual(unique([...ANALYTICS, ...HUBSPOT_SCRIPT, MAPS, YOUTUBE]));
    expect(await cookieNames(context)).toEqual(expect.arrayContaining(['__ab12', '__hstc', '_ga']));
    await context.close();
  });

  it("should tell a visitor whose browser sends Global Privacy Control why marketing is off", async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { 'Sec-GPC': '1' } });
    // Chromium has no GPC setting of its own: the test plays a browser that has one.
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    const page = await context.newPage();
    await page.goto(`${shared.origin}/`, { waitUntil: 'networkidle' });
    await expect.poll(() => page.locator('#consent-guard-banner [data-consent-gpc]').isVisible()).toBe(true);
    expect(await page.locator('#consent-guard-banner [data-consent-gpc]').textContent()).toContain('(Global Privacy Control), so these stay off unless you turn them on here: Marketing.');
    await context.close();
  });
});
