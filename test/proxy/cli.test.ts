import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY, SECRET } from '../helpers/apps.js';
import { runCli } from '../helpers/cli.js';
import { close, startOrigin, type Origin } from './helpers.js';

const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

let origin: Origin;
let slowResponse: (() => void) | undefined;

beforeAll(async () => {
  origin = await startOrigin({
    '/': (_req, res) => {
      res.setHeader('Set-Cookie', ['PHPSESSID=s1; Path=/', '__hstc=h; Path=/']);
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>site</title><body><p>Hello</p></body>');
    },
    '/slow': (_req, res) => {
      slowResponse = () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('finished');
    },
  });
});

afterAll(() => close(origin.server));

/** `consent-guard proxy …` as a user starts it; resolves once it says where it listens. */
async function startCli(args: readonly string[], env: Record<string, string> = { CONSENT_SECRET: SECRET }): Promise<{ child: ChildProcessByStdio<null, Readable, Readable>; url: string; stdout: () => string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'proxy', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += String(chunk);
      const match = /listening on (http:\/\/\S+),/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr };
}

describe('consent-guard proxy', () => {
  it('should guard the upstream, say what it does, and drain on SIGTERM with exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'consent-guard-proxy-'));
    const log = join(dir, 'consent.db');
    const cli = await startCli(['--upstream', origin.url, '--policy', POLICY, '--port', '0', '--consent-log', log]);
    expect(cli.stdout()).toMatch(new RegExp(`^consent-guard proxy: listening on http://127\\.0\\.0\\.1:\\d+, guarding ${origin.url} with ${POLICY} \\(mode enforce, cache vary, consent log ${log}\\)\\n$`));
    expect(cli.stderr()).toBe('');

    const page = await request(cli.url).get('/').expect(200);
    expect(page.headers['set-cookie']).toEqual(['PHPSESSID=s1; Path=/']);
    expect(page.text).toContain('id="consent-guard-banner"');
    await request(cli.url).post('/consent').set('Origin', cli.url).set('Accept', 'application/json').send({ action: 'reject-all' }).expect(200);

    // A request in flight when the signal comes is answered before the process exits.
    const inFlight = request(cli.url).get('/slow');
    const pending = inFlight.then((response) => response);
    while (!slowResponse) await new Promise((resolve) => setTimeout(resolve, 20));
    cli.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    slowResponse();
    const [code] = (await once(cli.child, 'exit')) as [number];
    expect((await pending).text).toBe('finished');
    expect(code).toBe(0);
    expect(cli.stdout()).toContain('consent-guard proxy: SIGTERM: finishing the requests in flight\nconsent-guard proxy: stopped\n');

    const records = await runCli(['records', 'export', '--store', log]);
    expect(records.code).toBe(0);
    expect(records.stdout).toContain('"action":"reject-all"');
  }, 30_000);

  it('should stop on SIGINT with exit 0, and warn when CONSENT_SECRET is not set', async () => {
    const cli = await startCli(['--upstream', origin.url, '--policy', POLICY, '--port', '0', '--mode', 'report-only'], { CONSENT_SECRET: '' });
    cli.child.kill('SIGINT');
    const [code] = (await once(cli.child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(cli.stdout()).toContain('(mode report-only, cache vary)');
    expect(cli.stderr()).toContain('CONSENT_SECRET is not set');
  }, 30_000);

  it('should refuse bad arguments with exit 1 and no stack trace', async () => {
    const missing = await runCli(['proxy', '--policy', POLICY]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('missing --upstream') });
    const mode = await runCli(['proxy', '--upstream', origin.url, '--policy', POLICY, '--mode', 'enforced']);
    expect(mode).toMatchObject({ code: 1, stderr: expect.stringContaining('--mode must be "enforce" or "report-only", not "enforced"') });
    const upstream = await runCli(['proxy', '--upstream', 'localhost:8080', '--policy', POLICY]);
    expect(upstream).toMatchObject({ code: 1, stderr: expect.stringContaining('--upstream must be an http: or https: URL') });
    const policy = await runCli(['proxy', '--upstream', origin.url, '--policy', join(tmpdir(), 'no-such-policy.yaml')]);
    expect(policy.code).toBe(1);
    expect(policy.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
