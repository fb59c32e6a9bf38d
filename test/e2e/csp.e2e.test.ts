import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as fastifyGuard } from '@consent-guard/fastify';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import fastifyHelmet from '@fastify/helmet';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POLICY } from '../helpers/apps.js';
import { launchChromium } from './browser.js';

vi.setConfig({ testTimeout: 60_000 });

const PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict</title></head><body><h1>Strict</h1></body></html>';

const servers: Server[] = [];
const origins = { 'express, no nonce': '', 'koa, with a nonce': '', 'fastify, @fastify/helmet with a script and a style nonce': '' };
let browser: Browser;
let fastify: FastifyInstance | undefined;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler).listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  // Only this origin's files: the banner's inline style and script would be refused.
  const site = express();
  site.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'");
    next();
  });
  site.use(expressGuard({ policy: POLICY }));
  site.get('/', (_req, res) => {
    res.type('html').send(PAGE);
  });
  origins['express, no nonce'] = await listen(site);
  // Only what carries this response's nonce.
  const koa = new Koa();
  koa.use((ctx, next) => {
    ctx.state.cspNonce = Math.random().toString(36).slice(2);
    ctx.set('Content-Security-Policy', `default-src 'self'; script-src 'nonce-${ctx.state.cspNonce}'; style-src 'nonce-${ctx.state.cspNonce}'`);
    return next();
  });
  koa.use(koaGuard({ policy: POLICY }));
  koa.use((ctx) => {
    if (ctx.path !== '/') return;
    ctx.type = 'html';
    ctx.body = PAGE;
  });
  origins['koa, with a nonce'] = await listen(koa.callback());
  // helmet's CSP, scripts and styles only by their nonce (helmet adds one for each).
  fastify = Fastify();
  await fastify.register(fastifyHelmet, { enableCSPNonces: true, contentSecurityPolicy: { directives: { scriptSrc: [], styleSrc: [] } } });
  await fastify.register(fastifyGuard, { policy: POLICY });
  fastify.get('/', (_request, reply) => reply.type('text/html').send(PAGE));
  await fastify.ready();
  origins['fastify, @fastify/helmet with a script and a style nonce'] = await listen(fastify.routing);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await fastify?.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe.each(Object.keys(origins) as (keyof typeof origins)[])('the banner under a strict CSP (%s)', (name) => {
  it('should be styled and apply a choice in place, with nothing refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${origins[name]}/`, { waitUntil: 'networkidle' });
    expect(await page.locator('#consent-guard-banner').evaluate((banner) => getComputedStyle(banner).position)).toBe('fixed');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.getByRole('button', { name: 'Accept all' }).click();
    await page.waitForFunction(() => !document.getElementById('consent-guard-banner'));
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(refused).toEqual([]);
    await context.close();
  });
});
