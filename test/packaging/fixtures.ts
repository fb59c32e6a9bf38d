import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { installedVersion, type PackageName, type Tarball } from './pack.js';
import { runOk } from './run.js';

/** One small site: an essential cookie the policy declares, and a statistics cookie. */
export const POLICY = `revision: "2026-01-01"
categories:
  essential: { label: Essential, description: Keeps the site working., required: true }
  performance: { label: Statistics, description: Counts visits. }
cookies:
  - { name: session, category: essential, provider: Fixture, type: session, duration: When the browser is closed, purpose: Keeps you signed in. }
  - { name: "_ga*", category: performance, provider: Google, type: persistent, duration: 2 years, purpose: Counts visits. }
`;

/** A policy with a mistake, for the CLI's exit code. */
export const BROKEN_POLICY = POLICY.replace('category: performance', 'category: statistics');

export type Flavour = 'esm' | 'cjs' | 'ts';

/** How each flavour imports the packages and states its options; the app itself is shared. */
const PRELUDE: Record<Flavour, string> = {
  esm: `import { createServer } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { loadPolicy } from '@consent-guard/core';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import { consentGuard as fastifyGuard } from '@consent-guard/fastify';
import { createConsentProxy } from '@consent-guard/proxy';

const options = { policy: loadPolicy('./consent-policy.yaml'), secret: 'fixture-secret-0123456789abcdef0123456789' };
const portOf = (server) => server.address().port;
`,
  cjs: `const { createServer } = require('node:http');
const express = require('express');
const Koa = require('koa');
const Fastify = require('fastify');
const { consentGuard: expressGuard } = require('@consent-guard/express');
const { consentGuard: koaGuard } = require('@consent-guard/koa');
const { consentGuard: fastifyGuard } = require('@consent-guard/fastify');
const { createConsentProxy } = require('@consent-guard/proxy');

const options = { policy: './consent-policy.yaml', secret: 'fixture-secret-0123456789abcdef0123456789' };
const portOf = (server) => server.address().port;
`,
  ts: `import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { loadPolicy } from '@consent-guard/core';
import { consentGuard as expressGuard, type ConsentOptions } from '@consent-guard/express';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import { consentGuard as fastifyGuard, type ConsentState } from '@consent-guard/fastify';
import { createConsentProxy } from '@consent-guard/proxy';

const options: ConsentOptions = { policy: loadPolicy('./consent-policy.yaml'), secret: 'fixture-secret-0123456789abcdef0123456789' };
// @ts-expect-error The declarations are real types, not any: there is no mode 'enforced'.
export const misspelt: ConsentOptions['mode'] = 'enforced';
const portOf = (server: Server): number => (server.address() as AddressInfo).port;
// request.consent is typed by the package's declaration merging into Fastify's request.
export const consentOf = (request: import('fastify').FastifyRequest): ConsentState => request.consent;
`,
};

/** The three frameworks with the guard, and a bare site behind the proxy, on ephemeral ports; prints them as one JSON line. */
const APP = `
const expressApp = express();
expressApp.use(expressGuard(options));
expressApp.get('/', (_req, res) => {
  res.cookie('session', '1');
  res.cookie('_ga', 'GA1.1.1');
  res.send('ok');
});

const koaApp = new Koa();
koaApp.use(koaGuard(options));
koaApp.use((ctx) => {
  ctx.cookies.set('session', '1');
  ctx.cookies.set('_ga', 'GA1.1.1');
  ctx.body = 'ok';
});

const fastifyApp = Fastify();
fastifyApp.register(fastifyGuard, options);
fastifyApp.get('/', (request, reply) => {
  reply.header('set-cookie', ['session=1', '_ga=GA1.1.1']);
  reply.send(request.consent.decided ? 'decided' : 'ok');
});

const site = createServer((_req, res) => {
  res.setHeader('Set-Cookie', ['session=1', '_ga=GA1.1.1']);
  res.end('ok');
});

let listening = 0;
let proxyPort = 0;
const expressServer = expressApp.listen(0, '127.0.0.1', ready);
const koaServer = koaApp.listen(0, '127.0.0.1', ready);
fastifyApp.listen({ port: 0, host: '127.0.0.1' }).then(ready);
site.listen(0, '127.0.0.1', () => {
  const proxyServer = createConsentProxy({ upstream: \`http://127.0.0.1:\${portOf(site)}\`, ...options });
  proxyServer.listen(0, '127.0.0.1', () => {
    proxyPort = portOf(proxyServer);
    ready();
  });
});
function ready() {
  listening += 1;
  if (listening === 4) console.log(JSON.stringify({ express: portOf(expressServer), koa: portOf(koaServer), fastify: portOf(fastifyApp.server), proxy: proxyPort }));
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'es2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    // As `tsc --init` sets it: with false, @types/koa 3.0.3 itself fails against the
    // content-disposition it installs (its Options type is gone), whatever our types are.
    skipLibCheck: true,
    types: ['node'],
    rootDir: 'src',
    outDir: 'dist',
  },
};

/** The lowest versions the adapters' peer ranges admit (`^4.17.0 || ^5.0.0`, `^2.13.0 || ^3.0.0`, `^4.0.0 || ^5.0.0`). */
const PEER_FLOORS = { express: '4.17.0', koa: '2.13.0', fastify: '4.0.0' };

export interface Fixture {
  readonly dir: string;
  /** The program that starts the app, relative to `dir`. */
  readonly server: string;
}

/**
 * Writes a fresh project of the flavour into `dir` and installs the tarballs into it from
 * npm's cache (the registry only for what the cache lacks), then builds it if it is
 * TypeScript. ESM and TypeScript run on the framework versions this repository tests;
 * CommonJS on the lowest versions the adapters' peer ranges admit.
 */
export async function createFixture(flavour: Flavour, dir: string, tarballs: Record<PackageName, Tarball>): Promise<Fixture> {
  const packages: PackageName[] = ['@consent-guard/core', '@consent-guard/express', '@consent-guard/koa', '@consent-guard/fastify', '@consent-guard/proxy'];
  if (flavour === 'esm') packages.push('@consent-guard/cli');
  const dependencies: Record<string, string> = Object.fromEntries(packages.map((name) => [name, `file:${tarballs[name].path}`]));
  if (flavour === 'cjs') Object.assign(dependencies, PEER_FLOORS);
  else {
    const tools = flavour === 'ts' ? ['@types/express', '@types/koa', '@types/node', 'typescript'] : [];
    for (const name of ['express', 'koa', 'fastify', ...tools]) dependencies[name] = await installedVersion(name);
  }

  const server = { esm: 'server.js', cjs: 'server.cjs', ts: 'dist/server.js' }[flavour];
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: `consent-guard-fixture-${flavour}`, private: true, type: flavour === 'cjs' ? 'commonjs' : 'module', dependencies }, null, 2),
    'consent-policy.yaml': POLICY,
    [flavour === 'ts' ? 'src/server.ts' : server]: PRELUDE[flavour] + APP,
  };
  if (flavour === 'esm') files['broken-policy.yaml'] = BROKEN_POLICY;
  if (flavour === 'ts') files['tsconfig.json'] = JSON.stringify(TSCONFIG, null, 2);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }

  await runOk('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock'], dir);
  if (flavour === 'ts') await runOk(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], dir);
  return { dir, server };
}
