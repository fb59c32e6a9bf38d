import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { consentGuard } from '@consent-guard/express';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from './browser.js';

vi.setConfig({ testTimeout: 60_000 });

const POLICY = fileURLToPath(new URL('../../examples/express-demo/consent-policy.yaml', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let app: Server;
let origin = '';
let browser: Browser;

beforeAll(async () => {
  const site = express();
  site.use(consentGuard({ policy: POLICY, secret: 'a11y' }));
  site.get('/', (_req, res) => {
    res.type('html').send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page</title></head><body><main><h1>Page</h1><p>Text.</p></main></body></html>');
  });
  app = createServer(site).listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  origin = `http://localhost:${(app.address() as AddressInfo).port}`;
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => app.close(resolve));
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
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: '320 px', viewport: { width: 320, height: 640 } },
])('accessibility ($name)', ({ name, viewport }) => {
  it('should find no serious or critical axe violation in the banner, opened', async () => {
    const page = await browser.newPage({ viewport });
    await page.goto(`${origin}/`);
    await page.getByText('Choose', { exact: true }).first().click();
    expect(await seriousViolations(page, '#consent-guard-banner')).toEqual([]);
    // Accept and Reject fit side by side or stack, but stay fully visible and the same size.
    const [accept, reject] = await Promise.all(['Accept all', 'Reject all'].map((label) => page.getByRole('button', { name: label }).boundingBox()));
    expect(accept && reject && accept.width === reject.width && accept.height === reject.height).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}banner-open-${name.replace(' ', '')}.png`, fullPage: true });
    await page.close();
  });

  it('should find no serious or critical axe violation on the declaration page', async () => {
    const page = await browser.newPage({ viewport });
    await page.goto(`${origin}/cookie-policy`);
    expect(await seriousViolations(page, 'body')).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}declaration-${name.replace(' ', '')}.png`, fullPage: true });
    await page.close();
  });
});
