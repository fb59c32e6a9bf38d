// A browser suite's setup as the e2e files write it, with the browser failing to start: the
// site started beside it must still be stopped.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSite, stopSites, type Demo } from '../demo.js';

let site: Demo;

beforeAll(async () => {
  const starting = startSite(fileURLToPath(new URL('pid-site.js', import.meta.url)), { PID_FILE: process.env.PID_FILE! });
  const noBrowser = starting.then(() => Promise.reject(new Error('no browser')));
  [site] = await Promise.all([starting, noBrowser]);
});

afterAll(stopSites);

it('never runs: the setup failed', () => {
  expect(site).toBeUndefined();
});
