import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from './browser.js';
import { startDemo, stopSites, type Demo } from './demo.js';

vi.setConfig({ testTimeout: 60_000 });

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let demo: Demo;
let browser: Browser;

beforeAll(async () => {
  [demo, browser] = await Promise.all([startDemo('express'), launchChromium()]);
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopSites();
});

/** axe-core's violations of serious or critical impact within `selector`. */
async function seriousViolations(page: Page, selector: string): Promise<Violation[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (context) => {
    const axe = (window as unknown as { axe: { run(context: string): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(context)).violations;
  }, selector);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

describe.each([
  { name: 'desktop', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  { name: '320 px', viewport: { width: 320, height: 640 }, deviceScaleFactor: 1 },
  // A 1280 x 800 window zoomed to 200%: half the CSS pixels, each drawn twice as large.
  { name: '200% zoom', viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 },
])('accessibility of the demo ($name)', ({ name, viewport, deviceScaleFactor }) => {
  const artifact = (what: string) => `${ARTIFACTS}${what}-${name.replace(/\W/g, '')}.png`;

  it('should find no serious or critical axe violation in the banner, opened', async () => {
    const page = await browser.newPage({ viewport, deviceScaleFactor });
    await page.goto(`${demo.origin}/`);
    await page.getByText('Choose', { exact: true }).first().click();
    expect(await seriousViolations(page, '#consent-guard-banner')).toEqual([]);
    // Accept and Reject fit side by side or stack, but stay fully visible and the same size.
    const [accept, reject] = await Promise.all(['Accept all', 'Reject all'].map((label) => page.getByRole('button', { name: label }).boundingBox()));
    expect(accept && reject && accept.width === reject.width && accept.height === reject.height).toBe(true);
    await page.screenshot({ path: artifact('banner-open') });
    await page.close();
  });

  it('should reflow the banner: no sideways scrolling, and every control reachable', async () => {
    const page = await browser.newPage({ viewport, deviceScaleFactor });
    await page.goto(`${demo.origin}/`);
    await page.getByText('Choose', { exact: true }).first().click();
    const layout = await page.evaluate(() => {
      const banner = document.getElementById('consent-guard-banner')!;
      const box = banner.getBoundingClientRect();
      return { pageOverflow: document.documentElement.scrollWidth - innerWidth, bannerOverflow: banner.scrollWidth - banner.clientWidth, bottom: box.bottom - innerHeight, height: box.height - innerHeight };
    });
    expect(layout).toEqual({ pageOverflow: 0, bannerOverflow: 0, bottom: 0, height: expect.any(Number) });
    expect(layout.height).toBeLessThanOrEqual(0);
    // The banner scrolls within itself when taller than the window: its last control comes into view.
    const save = page.getByRole('button', { name: 'Save my choice' });
    await save.scrollIntoViewIfNeeded();
    const box = (await save.boundingBox())!;
    expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height).toBe(true);
    await page.close();
  });

  it('should find no serious or critical axe violation on the declaration page', async () => {
    const page = await browser.newPage({ viewport, deviceScaleFactor });
    await page.goto(`${demo.origin}/cookie-policy`);
    expect(await seriousViolations(page, 'body')).toEqual([]);
    await page.screenshot({ path: artifact('declaration'), fullPage: true });
    await page.close();
  });
});
