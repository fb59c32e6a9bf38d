import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import express from 'express';
import Koa from 'koa';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { launchChromium } from './browser.js';

// A browser is slower than supertest, and the shared machines are busy.
vi.setConfig({ testTimeout: 60_000 });

const POLICY = fileURLToPath(new URL('../../examples/express-demo/consent-policy.yaml', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

// A page whose trackers point at real tracker hosts; the browser resolves them to the
// stand-in on port 80 of this machine, which records every request.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script async src="http://www.googletagmanager.com/gtag/js?id=G-1"></script>
</head><body><h1>Shop</h1>
<iframe src="http://www.google.com/maps/embed?pb=1" width="300" height="200" title="Map"></iframe>
<img src="http://track.hubspot.com/__ptq.gif?k=1" width="1" height="1" alt="">
<script src="http://js.hs-scripts.com/4242.js"></script>
</body></html>`;

// What the browser asked of tracker hosts, seen from the browser: Chromium upgrades some of
// them to https itself (HSTS preload), which the stand-in never sees.
const TRACKER_HOSTS = ['www.googletagmanager.com', 'www.google.com', 'track.hubspot.com', 'js.hs-scripts.com'];
let trackerRequests: string[] = [];
let trackers: Server;
const apps: Server[] = [];
/** The same site on Express and on Koa. */
const origins = { express: '', koa: '' };
let browser: Browser;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler).listen(0, '127.0.0.1');
  apps.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  trackers = createServer((req, res) => {
    res.setHeader('Set-Cookie', 'tracker_id=1; Path=/');
    res.end(req.url?.endsWith('.js') ? 'document.cookie = "__hstc=from-script; path=/";' : '');
  }).listen(80, '127.0.0.1');
  await new Promise((resolve) => trackers.once('listening', resolve));
  const site = express();
  site.use(expressGuard({ policy: POLICY, secret: 'e2e-secret' }));
  site.get('/', (_req, res) => {
    res.cookie('PHPSESSID', 'session-1', { httpOnly: true });
    res.cookie('__hstc', 'from-server');
    res.type('html').send(PAGE);
  });
  origins.express = await listen(site);
  const koa = new Koa();
  koa.use(koaGuard({ policy: POLICY, secret: 'e2e-secret' }));
  koa.use((ctx) => {
    if (ctx.path !== '/') return;
    ctx.cookies.set('PHPSESSID', 'session-1');
    ctx.cookies.set('__hstc', 'from-server', { httpOnly: false });
    ctx.type = 'html';
    ctx.body = PAGE;
  });
  origins.koa = await listen(koa.callback());
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([trackers, ...apps].map((server) => new Promise((resolve) => server.close(resolve))));
});

beforeEach(() => {
  trackerRequests = [];
});

function watch(context: BrowserContext): void {
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (TRACKER_HOSTS.includes(url.host)) trackerRequests.push(`${url.host}${url.pathname}`);
  });
}

/** A form post (303) and the page it leads back to, loaded with everything it loads. */
async function submit(page: Page, action: Promise<void>): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle' }), action]);
}

const cookieNames = async (context: BrowserContext) => (await context.cookies()).map((cookie) => cookie.name).sort();

describe.each([
  ['express', true],
  ['express', false],
  ['koa', true],
  ['koa', false],
] as const)('the banner in Chromium on %s (JavaScript %s)', (framework, javaScriptEnabled) => {
  const origin = () => origins[framework];
  /** With JavaScript the choice applies in place; without, the form posts and the page comes back. */
  const choose = async (page: Page, action: Promise<void>) => {
    if (!javaScriptEnabled) return submit(page, action);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await action;
    await page.waitForFunction(() => !document.getElementById('consent-guard-banner'));
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42); // no reload
  };
  const open = async () => {
    const context = await browser.newContext({ javaScriptEnabled });
    watch(context);
    const page = await context.newPage();
    await page.goto(`${origin()}/`);
    return { context, page };
  };

  it('should load no tracker and store only essential cookies before a choice', async () => {
    const { context, page } = await open();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#consent-guard-banner').isVisible()).toBe(true);
    expect(trackerRequests).toEqual([]);
    expect(await cookieNames(context)).toEqual(['PHPSESSID']);
    await page.screenshot({ path: `${ARTIFACTS}banner-${framework}-${javaScriptEnabled ? 'js' : 'nojs'}.png` });
    await context.close();
  });

  it('should keep it so after Reject all, and close the banner', async () => {
    const { context, page } = await open();
    await choose(page, page.getByRole('button', { name: 'Reject all' }).click());
    expect(await page.locator('#consent-guard-banner').count()).toBe(0);
    expect(trackerRequests).toEqual([]);
    expect(await cookieNames(context)).toEqual(['PHPSESSID', 'cg_consent']);
    await context.close();
  });

  it('should load the trackers and keep their cookies after Accept all, chosen with the keyboard', async () => {
    const { context, page } = await open();
    await page.getByRole('button', { name: 'Accept all' }).focus();
    await choose(page, page.keyboard.press('Enter'));
    expect(await page.locator('#consent-guard-banner').count()).toBe(0);
    // Without JavaScript the browser runs no script at all, tracker or not.
    if (javaScriptEnabled) await expect.poll(() => trackerRequests.some((url) => url.startsWith('js.hs-scripts.com/4242.js')), { timeout: 15_000 }).toBe(true);
    else expect(trackerRequests.some((url) => url.startsWith('js.hs-scripts.com/4242.js'))).toBe(false);
    await expect.poll(() => trackerRequests.some((url) => url.startsWith('track.hubspot.com/__ptq.gif')), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => trackerRequests.some((url) => url.startsWith('www.google.com/maps/embed')), { timeout: 15_000 }).toBe(true);
    expect(await cookieNames(context)).toContain(javaScriptEnabled ? 'cg_consent' : '__hstc');
    if (javaScriptEnabled) {
      // Google Consent Mode: the server's default before the Google tag, then the in-place update.
      const consent = await page.evaluate(() =>
        ((window as unknown as { dataLayer: ArrayLike<unknown>[] }).dataLayer ?? []).map((entry) => Array.from(entry)).filter((entry) => entry[0] === 'consent'),
      );
      expect(consent).toEqual([
        ['consent', 'default', { ad_storage: 'denied', analytics_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', functionality_storage: 'denied', personalization_storage: 'denied', security_storage: 'granted' }],
        ['consent', 'update', { functionality_storage: 'granted', personalization_storage: 'granted', analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }],
      ]);
    }
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.locator('#consent-guard-banner').count()).toBe(0);
    expect(await cookieNames(context)).toContain('__hstc');
    await context.close();
  });

  it('should load only the chosen category', async () => {
    const { context, page } = await open();
    await page.getByText('Choose', { exact: true }).first().click();
    await page.getByLabel('Functionality').check();
    await choose(page, page.getByRole('button', { name: 'Save my choice' }).click());
    await expect.poll(() => trackerRequests.some((url) => url.startsWith('www.google.com/maps/embed')), { timeout: 15_000 }).toBe(true);
    expect(trackerRequests.filter((url) => !url.startsWith('www.google.com/maps'))).toEqual([]);
    await context.close();
  });
});

describe.each(['express', 'koa'] as const)('the declaration page in Chromium on %s', (framework) => {
  it('should withdraw consent and delete the deletable cookies from the jar', async () => {
    const origin = origins[framework];
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.waitForFunction(() => !document.getElementById('consent-guard-banner'));
    await page.reload({ waitUntil: 'networkidle' });
    expect(await cookieNames(context)).toContain('__hstc');
    await page.goto(`${origin}/cookie-policy`);
    await page.screenshot({ path: `${ARTIFACTS}declaration-${framework}.png`, fullPage: true });
    await submit(page, page.getByRole('button', { name: 'Withdraw my consent' }).click());
    const names = await cookieNames(context);
    expect(names).not.toContain('__hstc');
    expect(names).toContain('PHPSESSID');
    await context.close();
  });
});
