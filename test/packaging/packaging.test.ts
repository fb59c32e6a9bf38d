// The packages as a user installs them: `npm pack` each one (from the build `npm test`
// runs first), lint the tarballs with publint and @arethetypeswrong/cli, install them into
// fresh projects in a temporary folder (ESM JavaScript, CommonJS, strict TypeScript with
// nodenext) and run an Express, a Koa and a Fastify app and the proxy in each, and the CLI from its tarball. Nothing
// here imports this repository's sources.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attwProblems, NOT_A_PROBLEM, publintMessages } from './checks.js';
import { createFixture, type Fixture, type Flavour } from './fixtures.js';
import { PACKAGE_NAMES, packAll, type PackageName, type Tarball } from './pack.js';
import { run, runOk, startNode } from './run.js';

const FLAVOURS: readonly Flavour[] = ['esm', 'cjs', 'ts'];
const LIBRARIES = ['@consent-guard/core', '@consent-guard/express', '@consent-guard/koa', '@consent-guard/fastify', '@consent-guard/proxy'] as const;

/** What the public contract promises each library exports (PRODUCT.md), at least. */
const CONTRACT: Record<(typeof LIBRARIES)[number], string[]> = {
  '@consent-guard/core': ['createGuard', 'loadPolicy', 'renderDeclaration'],
  '@consent-guard/express': ['consentGuard'],
  '@consent-guard/koa': ['consentGuard'],
  '@consent-guard/fastify': ['consentGuard'],
  '@consent-guard/proxy': ['createConsentProxy'],
};

let work: string;
let tarballs: Record<PackageName, Tarball>;
/** Installs run side by side from the start; each test waits for the one it needs. */
const fixtures = new Map<Flavour, Promise<Fixture>>();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'consent-guard-packaging-'));
  tarballs = await packAll(work);
  for (const flavour of FLAVOURS) {
    const fixture = createFixture(flavour, join(work, flavour), tarballs);
    fixture.catch(() => {}); // reported by the test that awaits it
    fixtures.set(flavour, fixture);
  }
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(fixtures.values()); // npm must be done writing before the folder goes
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

describe.each(PACKAGE_NAMES)('%s tarball', (name) => {
  test('ships its build, README and CHANGELOG, and no tests or fixtures', () => {
    const { files } = tarballs[name];
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md']));
    expect(files.filter((file) => /\.(test|bench)\.ts$|test-support|fixtures\//.test(file))).toEqual([]);
    expect(files.filter((file) => !/^(dist|src)\/|^(package\.json|README\.md|CHANGELOG\.md|policy\.schema\.json)$/.test(file))).toEqual([]);
    // The CLI has no importable API: no declarations, and no source maps without a source.
    if (name === '@consent-guard/cli') expect(files.filter((file) => !/^dist\/.*\.js$/.test(file) && file.startsWith('dist/'))).toEqual([]);
    if (name === '@consent-guard/core') expect(files).toEqual(expect.arrayContaining(['policy.schema.json', 'dist/html/tokenizer.wasm']));
  });

  test('publint reports nothing, not even a suggestion', async () => {
    expect(await publintMessages(tarballs[name].path)).toEqual([]);
  });

  test(`attw reports no problem but ${NOT_A_PROBLEM} (see checks.ts)`, async () => {
    const expected = name === '@consent-guard/cli' ? [] : [`${NOT_A_PROBLEM} at . (node16-cjs)`];
    expect(await attwProblems(tarballs[name].path)).toEqual(expected);
  }, 30_000);
});

/** What a visitor who has not decided gets from the fixture's two apps and its proxied site. */
async function expectGuarded(fixture: Fixture): Promise<void> {
  const { child, ready } = await startNode<{ express: number; koa: number; fastify: number; proxy: number }>(fixture.server, fixture.dir);
  try {
    for (const port of [ready.express, ready.koa, ready.fastify, ready.proxy]) {
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe('ok');
      // The app set `session` (essential) and `_ga` (statistics, not granted): only one leaves.
      expect(page.headers.getSetCookie().map((cookie) => cookie.split('=')[0])).toEqual(['session']);
      expect(page.headers.get('vary')).toMatch(/\bCookie\b/i);

      const consent = await fetch(`http://127.0.0.1:${port}/consent`, { headers: { accept: 'application/json' } });
      expect(consent.status).toBe(200);
      expect(consent.headers.get('content-type')).toMatch(/^application\/json\b/);
      expect(await consent.json()).toEqual({ decided: false, revision: '2026-01-01', granted: ['essential'], denied: ['performance'], source: 'default' });
    }
  } finally {
    child.kill();
  }
}

/** The names each library exports, loaded the fixture's way: `import()` or `require()`. */
async function exportedNames(fixture: Fixture, load: 'import' | 'require'): Promise<Record<string, string[]>> {
  const script = `Promise.all(${JSON.stringify(LIBRARIES)}.map(async (name) => [name, Object.keys(await ${load}(name)).sort()]))
    .then((entries) => console.log(JSON.stringify(Object.fromEntries(entries))))`;
  const { stdout, stderr } = await runOk(process.execPath, ['-e', script], fixture.dir);
  expect(stderr).toBe(''); // no warning either (require(esm) prints none on 20.19+)
  return JSON.parse(stdout) as Record<string, string[]>;
}

describe('installed from the tarballs', () => {
  test('ESM JavaScript: the contract\'s exports, and Express 5, Koa 3 and Fastify 5 apps with the guard', async () => {
    const fixture = await fixtures.get('esm')!;
    const names = await exportedNames(fixture, 'import');
    for (const library of LIBRARIES) expect(names[library]).toEqual(expect.arrayContaining(CONTRACT[library]));
    await expectGuarded(fixture);
  }, 120_000);

  test('CommonJS: require() loads the same exports (Node >= 20.19), and Express 4.17, Koa 2.13 and Fastify 4.0 apps with the guard', async () => {
    const fixture = await fixtures.get('cjs')!;
    expect(await exportedNames(fixture, 'require')).toEqual(await exportedNames(await fixtures.get('esm')!, 'import'));
    await expectGuarded(fixture);
  }, 120_000);

  test('TypeScript, strict, module nodenext: compiles with tsc against the packed declarations and runs', async () => {
    await expectGuarded(await fixtures.get('ts')!);
  }, 120_000);

  test('the WebAssembly tokenizer (the default) loads from the installed package, without a warning, and rewrites as the JavaScript one (CONSENT_GUARD_WASM=0) does', async () => {
    const { dir } = await fixtures.get('esm')!;
    const script = `import { createGuard, loadPolicy } from '@consent-guard/core';
const guard = createGuard({ policy: loadPolicy('./consent-policy.yaml'), secret: 'fixture-secret-0123456789abcdef0123456789' });
const page = Buffer.from('<html><body><script data-consent-category="performance" src="/stats.js"></script><p>x</p></body></html>');
const outputs = ['0', undefined].map((flag) => {
  if (flag) process.env.CONSENT_GUARD_WASM = flag;
  else delete process.env.CONSENT_GUARD_WASM;
  const rewriter = guard.htmlRewriter(guard.consentFor({}));
  return Buffer.concat([rewriter.write(page), rewriter.end()]).toString();
});
console.log(JSON.stringify(outputs));`;
    const { stdout, stderr } = await runOk(process.execPath, ['--input-type=module', '-e', script], dir);
    expect(stderr).toBe('');
    const [javascript, webassembly] = JSON.parse(stdout) as [string, string];
    expect(javascript).toContain('<script data-consent-category="performance" data-consent-src="/stats.js" type="text/plain"></script>');
    expect(webassembly).toBe(javascript);
  }, 60_000);

  test('the CLI from its tarball: npx consent-guard lint exits 0 on a valid policy, 1 on a broken one', async () => {
    const { dir } = await fixtures.get('esm')!;
    expect(await run('npx', ['--no', 'consent-guard', 'lint', 'consent-policy.yaml'], dir)).toMatchObject({ code: 0 });
    const broken = await run('npx', ['--no', 'consent-guard', 'lint', 'broken-policy.yaml'], dir);
    expect(broken.code).toBe(1);
    expect(broken.stdout + broken.stderr).toMatch(/broken-policy\.yaml:\d+:\d+: cookies\[1\]\.category: unknown category "statistics"/);
  }, 60_000);
});
