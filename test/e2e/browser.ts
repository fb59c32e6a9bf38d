// Chromium driven by playwright-core, with every host name resolved to this machine: the
// page's trackers load from a local stand-in, and nothing leaves it. The browser is the one
// `consent-guard scan` would use (with `npm install` alone, the one @sparticuz/chromium ships).
import { chromium, type Browser } from 'playwright-core';
import { ChromiumNotFound, findChromium, HEADLESS_ARGS } from '../../packages/cli/src/chromium.js';

export async function launchChromium(): Promise<Browser> {
  let executablePath: string;
  try {
    executablePath = await findChromium();
  } catch (error) {
    if (error instanceof ChromiumNotFound) throw new Error(`The browser tests need Chromium, and ${error.message}`);
    throw error;
  }
  return chromium.launch({ executablePath, args: [...HEADLESS_ARGS, '--host-resolver-rules=MAP * 127.0.0.1, EXCLUDE localhost'] });
}
