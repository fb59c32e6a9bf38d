import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POLICY } from '../helpers/apps.js';
import { runCli } from '../helpers/cli.js';
import { startDemo, startSite, stopSites, type Demo } from './demo.js';

// Each scan drives Chromium through a few pages twice (before and after accepting).
vi.setConfig({ testTimeout: 120_000 });

const KOA_POLICY = fileURLToPath(new URL('../../examples/koa-demo/consent-policy.yaml', import.meta.url));
const LEAKY = fileURLToPath(new URL('../fixtures/leaky-site.js', import.meta.url));

interface JsonReport {
  pages: string[];
  undecided: { cookies: { name: string; setBy: string; category: string | null }[]; thirdPartyHosts: { host: string; tracker: { category: string } | null }[] };
  accepted: JsonReport['undecided'] | null;
  violations: { kind: string; name?: string; tracker?: string; category: string; setBy?: string }[];
  undeclaredCookies: { name: string; setBy: string; phase: string }[];
  undeclaredHosts: { host: string; phase: string }[];
  suggestion?: string;
}

const names = (list: readonly { name: string }[]) => list.map((item) => item.name).sort();
const hostnames = (list: readonly { host: string }[]) => list.map((item) => item.host.split(':')[0]).sort();

const sites = {} as { express: Demo; koa: Demo; leaky: Demo };

beforeAll(async () => {
  [sites.express, sites.koa, sites.leaky] = await Promise.all([startDemo('express'), startDemo('koa'), startSite(LEAKY)]);
}, 60_000);

afterAll(stopSites);

describe('consent-guard scan', () => {
  it('should find the Express demo clean: only the essential cookie before consent, every tracker declared after', async () => {
    const { code, stdout, stderr } = await runCli(['scan', `${sites.express.origin}/`, '--policy', POLICY, '--pages', '3', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.pages).toEqual([`${sites.express.origin}/`, `${sites.express.origin}/cookie-policy`, `${sites.express.origin}/consent`]);
    expect(report.undecided.cookies).toEqual([expect.objectContaining({ name: 'PHPSESSID', setBy: 'set-cookie', category: 'essential' })]);
    expect(report.undecided.thirdPartyHosts).toEqual([]);
    expect(names(report.accepted!.cookies)).toEqual(['PHPSESSID', '__ab12', '__hssc', '__hssrc', '__hstc', '_ga', '_ga_DEMO', 'cg_consent', 'hubspotutk']);
    expect(report.accepted!.cookies.find((cookie) => cookie.name === '_ga')).toMatchObject({ setBy: 'script', category: 'performance' });
    expect(report.accepted!.cookies.find((cookie) => cookie.name === '__ab12')).toMatchObject({ setBy: 'set-cookie', category: 'performance' });
    expect(hostnames(report.accepted!.thirdPartyHosts)).toEqual(['googletagmanager.localhost', 'hubspot.localhost', 'maps.localhost', 'youtube.localhost']);
    expect(report).toMatchObject({ violations: [], undeclaredCookies: [], undeclaredHosts: [] });
    // Progress goes to stderr as plain lines when it is not a terminal.
    expect(stderr).toContain(`scan 1/3 undecided: ${sites.express.origin}/cookie-policy\n`);
  });

  it('should report the Koa demo for people', async () => {
    const { code, stdout } = await runCli(['scan', `${sites.koa.origin}/`, '--policy', KOA_POLICY, '--pages', '1']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Scanned ${sites.koa.origin}/: 1 page, checked against ${KOA_POLICY}`);
    expect(stdout).toMatch(/After accepting everything\n {2}cookies \(\d+\):\n/);
    expect(stdout).toMatch(/ {4}_ga {2}localhost {2}persistent {2}by a script {2}on http:\/\/localhost:\d+\/ {2}\[performance\]/);
    expect(stdout).toContain('Violations (0):\nUndeclared cookies (0):\nUndeclared third-party hosts (0):\n');
  });

  it('should catch a tracker injected in the browser before consent (exit 2), and draft what the policy lacks', async () => {
    const { code, stdout } = await runCli(['scan', `${sites.leaky.origin}/`, '--policy', POLICY, '--json', '--suggest']);
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as JsonReport;
    // The banner links the declaration page.
    expect(report.pages).toEqual([`${sites.leaky.origin}/`, `${sites.leaky.origin}/about`, `${sites.leaky.origin}/cookie-policy`]);
    expect(report.violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'request-before-consent', tracker: 'HubSpot tracking code', category: 'marketing' }),
        expect.objectContaining({ kind: 'cookie-before-consent', name: '__hstc', category: 'marketing', setBy: 'script' }),
        expect.objectContaining({ kind: 'cookie-before-consent', name: 'hubspotutk', category: 'marketing', setBy: 'script' }),
      ]),
    );
    expect(report.undeclaredCookies).toEqual([expect.objectContaining({ name: 'leaky_id', setBy: 'script', phase: 'undecided' })]);
    expect(hostnames(report.undeclaredHosts)).toEqual(['pixel.localhost']);
    expect(report.suggestion).toContain('- name: leaky_id\n    category: TODO');
    expect(report.suggestion).toContain('hosts:\n      - pixel.localhost');
  });

  it('should say clearly what it cannot do (exit 1)', async () => {
    const noBrowser = await runCli(['scan', `${sites.express.origin}/`, '--chromium', '/nonexistent/chromium']);
    expect(noBrowser).toMatchObject({ code: 1, stderr: expect.stringMatching(/^consent-guard: scan needs Chromium, and there is none at \/nonexistent\/chromium: install Chrome or Chromium, or on Linux x64 `npm install -D @sparticuz\/chromium@147.0.0`, or name one with --chromium <path> or CONSENT_GUARD_CHROMIUM\n$/) });
    const namedInEnvironment = await runCli(['scan', `${sites.express.origin}/`], { env: { CONSENT_GUARD_CHROMIUM: '/nonexistent/chrome' } });
    expect(namedInEnvironment).toMatchObject({ code: 1, stderr: expect.stringMatching(/^consent-guard: scan needs Chromium, and there is none at \/nonexistent\/chrome: [^\n]+\n$/) });
    const notUrl = await runCli(['scan', 'localhost:3000']);
    expect(notUrl).toMatchObject({ code: 1, stderr: expect.stringContaining('scan needs an http or https URL') });
    const down = await runCli(['scan', 'http://localhost:9/']);
    expect(down).toMatchObject({ code: 1, stderr: expect.stringContaining('could not load http://localhost:9/: ') });
    expect(down.stderr).not.toContain('    at ');
  });
});
