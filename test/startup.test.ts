import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { format, promisify } from 'node:util';
import { loadPolicy, PolicyError } from '@consent-guard/core';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as fastifyGuard } from '@consent-guard/fastify';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import createDebug from 'debug';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { POLICY, SECRET } from './helpers/apps.js';

const BAD_OPTIONS: [unknown, string][] = [
  [{}, 'argument policy is required: a policy file path or object'],
  [{ policy: POLICY, polcy: 1 }, 'consent-guard received an unknown option `polcy`. Did you mean `policy`?'],
  [{ policy: POLICY, mode: 'report' }, 'option mode must be "enforce" or "report-only", not "report"'],
  [{ policy: POLICY, secret: '' }, 'option secret must be a non-empty string or a non-empty list of them (leave it out to disable signing)'],
  [{ policy: POLICY, endpoint: 'consent' }, 'option endpoint must be a path starting with "/", or false to disable it'],
  [{ policy: POLICY, onReport: 'log' }, 'option onReport must be a function'],
  [{ policy: POLICY, locale: 'english!' }, 'option locale must be a language tag such as "en" or "nb"'],
  [{ policy: POLICY, messages: { nb: { acceptAll: 1 } } }, 'option messages must map locales to objects of texts, e.g. { nb: { acceptAll: "Godta alle" } }'],
  [{ policy: POLICY, messages: { nb: { acceptAl: 'Godta alle' } } }, 'option messages.nb has an unknown text `acceptAl`. Did you mean `acceptAll`?'],
  [{ policy: POLICY, locale: 'de' }, 'option locale "de" has no texts: the locales are "en", "nb"; add yours in messages, e.g. { de: { acceptAll: "…" } }'],
  [{ policy: POLICY, locale: 'de', messages: { sv: { acceptAll: 'Godkänn alla' } } }, 'option locale "de" has no texts: the locales are "en", "nb", "sv"; add yours in messages, e.g. { de: { acceptAll: "…" } }'],
];

const MISUSE = 'It appears you have done something like `app.use(consentGuard)`, but it should be `app.use(consentGuard({ policy: "./consent-policy.yaml" }))`.';

describe.each([
  ['express', expressGuard],
  ['koa', koaGuard],
] as const)('%s consentGuard() at startup', (_name, consentGuard) => {
  it('should return a named middleware', () => {
    expect(consentGuard({ policy: POLICY }).name).toBe('consentGuardMiddleware');
  });

  it('should throw a PolicyError for a bad policy, before any request', () => {
    expect(() => consentGuard({ policy: '/nowhere/consent-policy.yaml' })).toThrow(PolicyError);
    expect(() => consentGuard({ policy: { revision: 'r', categories: { ads: { label: 'Ads', required: 'yes' } } } as never })).toThrow(
      'policy: categories.ads.required: must be a boolean, not a string ("yes")',
    );
  });

  it.each<[unknown, string]>([[undefined, 'argument options is required: consentGuard({ policy })'], ...BAD_OPTIONS])('should throw a TypeError for options %j', (options, message) => {
    expect(() => consentGuard(options as never)).toThrow(new TypeError(message));
  });
});

describe('fastify app.register(consentGuard, options) at startup', () => {
  /** What `ready()` (and so `listen()`) rejects with, once the plugin has registered. */
  async function startupError(options: unknown): Promise<unknown> {
    const app = Fastify();
    void app.register(fastifyGuard, options as never);
    try {
      await app.ready();
    } catch (error) {
      return error;
    } finally {
      await app.close();
    }
    throw new Error('the app started');
  }

  it('should fail ready() with a PolicyError for a bad policy, before any request', async () => {
    expect(await startupError({ policy: '/nowhere/consent-policy.yaml' })).toBeInstanceOf(PolicyError);
    expect(await startupError({ policy: { revision: 'r', categories: { ads: { label: 'Ads', required: 'yes' } } } })).toMatchObject({
      message: expect.stringContaining('policy: categories.ads.required: must be a boolean, not a string ("yes")'),
    });
  });

  it.each(BAD_OPTIONS)('should fail ready() with a TypeError for options %j', async (options, message) => {
    expect(await startupError(options)).toEqual(new TypeError(message));
  });

  it('should explain when called for its options instead of registered with them', () => {
    expect(() => (fastifyGuard as (options: unknown) => never)({ policy: POLICY })).toThrow(
      new TypeError('It appears you have done something like `app.register(consentGuard({ policy }))`, but it should be `app.register(consentGuard, { policy: "./consent-policy.yaml" })`.'),
    );
  });
});

describe.each([
  ['express', expressGuard],
  ['koa', koaGuard],
] as const)('%s consentGuard() with options that work but are risky', (_name, consentGuard) => {
  it('should accept a locale the site gives texts for, or that Norwegian or English covers', () => {
    for (const options of [{ locale: 'de', messages: { de: { acceptAll: 'Alle akzeptieren' } } }, { locale: 'no' }, { locale: 'nb-NO' }, { locale: 'en-GB' }]) {
      expect(consentGuard({ policy: POLICY, ...options }).name).toBe('consentGuardMiddleware');
    }
  });

  it('should warn at startup of a secret shorter than 32 bytes, once per guard, and not of a long one', async () => {
    const warnings: (Error & { code?: string })[] = [];
    // Other warnings (Node's own) may arrive meanwhile.
    const listen = (warning: Error & { code?: string }) => warning.code?.startsWith('CONSENT_GUARD') && warnings.push(warning);
    process.on('warning', listen);
    try {
      consentGuard({ policy: POLICY, secret: 'changeme' });
      consentGuard({ policy: POLICY, secret: [SECRET, 'old'] });
      consentGuard({ policy: POLICY, secret: SECRET });
      consentGuard({ policy: POLICY });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings.map((warning) => warning.code)).toEqual(['CONSENT_GUARD_WEAK_SECRET', 'CONSENT_GUARD_WEAK_SECRET']);
    expect(warnings[0]!.message).toMatch(/^consent-guard: option secret should be at least 32 bytes of random data/);
  });
});

describe('DEBUG=consent-guard:*', () => {
  it('should log the policy loaded and the options in effect at startup, without the secret', () => {
    const lines: string[] = [];
    const previous = createDebug.disable();
    const write = createDebug.log;
    createDebug.enable('consent-guard:*');
    createDebug.log = (...args: unknown[]) => lines.push(format(...args));
    try {
      expressGuard({ policy: POLICY, secret: SECRET, cache: 'shared', consentSources: [{ cmp: 'onetrust' }] });
    } finally {
      createDebug.log = write;
      createDebug.enable(previous);
    }
    const policy = loadPolicy(POLICY);
    const startup = lines.filter((line) => line.includes('consent-guard:startup')).map((line) => line.replace(/^.*consent-guard:startup /, '').replace(/ \+\d+m?s$/, ''));
    expect(startup).toEqual([
      `policy ${POLICY}: revision ${policy.revision}, ${Object.keys(policy.categories).length} categories, ${policy.cookies.length} cookies, ${policy.trackers.length} trackers`,
      'options: mode enforce, endpoint /consent, declaration /cookie-policy, banner on, cache shared, locale en (texts for en, nb), signed consent cookie (1 secret), consentSources onetrust, consentLog off, onReport not set, regime opt-in for everyone',
    ]);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});

describe('app.use(consentGuard) without the call', () => {
  it('should fail every Express request with the explanation', async () => {
    const app = express();
    let message = '';
    app.use(expressGuard as never);
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      message = error.message;
      res.status(500).send('misconfigured');
    });
    await request(app).get('/').expect(500);
    expect(message).toBe(MISUSE);
  });

  it('should fail every Koa request with the explanation', async () => {
    const app = new Koa();
    let message = '';
    app.on('error', (error: Error) => {
      message = error.message;
    });
    app.use(koaGuard as never);
    await request(app.callback()).get('/').expect(500);
    expect(message).toBe(MISUSE);
  });
});

describe('the built packages', () => {
  it('should import and guard from plain Node ESM (after npm run build)', async () => {
    const script = `
      import { consentGuard as expressGuard } from '@consent-guard/express';
      import { consentGuard as koaGuard } from '@consent-guard/koa';
      import { consentGuard as fastifyGuard } from '@consent-guard/fastify';
      import { loadPolicy, createGuard, PolicyError } from '@consent-guard/core';
      const policy = loadPolicy(${JSON.stringify(POLICY)});
      const guard = createGuard({ policy });
      console.log(JSON.stringify({
        express: typeof expressGuard({ policy }), koa: typeof koaGuard({ policy }), fastify: typeof fastifyGuard,
        state: guard.consentFor({ cookie: 'x=1' }), error: typeof PolicyError,
      }));
    `;
    const root = fileURLToPath(new URL('..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({
      express: 'function',
      koa: 'function',
      fastify: 'function',
      state: { decided: false, revision: '2018-09-10', granted: ['essential'], denied: ['functionality', 'performance', 'marketing'], source: 'default' },
      error: 'function',
    });
  });
});
