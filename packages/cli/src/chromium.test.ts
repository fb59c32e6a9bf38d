import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ChromiumNotFound, findChromium, shippedChromium, systemPaths } from './chromium.js';

describe('findChromium', () => {
  it('should take the browser named on the command line over the environment, and say when it is not there', async () => {
    const env = { CONSENT_GUARD_CHROMIUM: process.execPath };
    await expect(findChromium({ explicit: '/nonexistent/chromium', env })).rejects.toThrow(new ChromiumNotFound('there is none at /nonexistent/chromium: install Chrome or Chromium, or on Linux x64 `npm install -D @sparticuz/chromium@147.0.0`, or name one with --chromium <path> or CONSENT_GUARD_CHROMIUM'));
    await expect(findChromium({ env })).resolves.toBe(process.execPath);
    await expect(findChromium({ env: { CONSENT_GUARD_CHROMIUM: '/nonexistent/chrome' } })).rejects.toThrow(/^there is none at \/nonexistent\/chrome: /);
  });

  it('should say how to get a browser when there is none for the platform', async () => {
    await expect(findChromium({ env: {}, platform: 'freebsd', arch: 'x64' })).rejects.toThrow(/^none was found: install Chrome or Chromium, or on Linux x64 `npm install -D @sparticuz\/chromium@147.0.0`/);
  });

  it("should look where each system installs Chrome, Chromium and Edge", () => {
    expect(systemPaths('linux', {})).toEqual(expect.arrayContaining(['/usr/bin/chromium', '/usr/bin/google-chrome', '/opt/microsoft/msedge/msedge']));
    expect(systemPaths('linux', {})[0]).toBe('/usr/bin/chromium');
    expect(systemPaths('darwin', { HOME: '/Users/ada' })).toEqual(expect.arrayContaining(['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Users/ada/Applications/Chromium.app/Contents/MacOS/Chromium']));
    expect(systemPaths('win32', { PROGRAMFILES: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' })).toEqual([
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Users\\ada\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Program Files\\Chromium\\Application\\chrome.exe',
      'C:\\Users\\ada\\AppData\\Local\\Chromium\\Application\\chrome.exe',
      'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
      'C:\\Users\\ada\\AppData\\Local\\Microsoft\\Edge\\Application\\msedge.exe',
    ]);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')('should unpack the npm-shipped Chromium into node_modules/.cache, whole even when two runs ask at once, as a browser that runs', async () => {
    const [first, second] = await Promise.all([shippedChromium(), shippedChromium()]);
    expect(first).toBe(second);
    expect(first).toMatch(/node_modules\/\.cache\/consent-guard-chromium\/147\.0\.0\/chromium$/);
    expect(execFileSync(first!, ['--headless', '--no-sandbox', '--version'], { encoding: 'utf8' })).toMatch(/^Chromium 147\./);
  }, 60_000);
});
