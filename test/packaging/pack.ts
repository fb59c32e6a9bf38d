import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOk } from './run.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The published packages, by name, with their folder in this repository. */
export const PACKAGES = {
  '@consent-guard/core': 'packages/core',
  '@consent-guard/express': 'packages/express',
  '@consent-guard/koa': 'packages/koa',
  '@consent-guard/proxy': 'packages/proxy',
  '@consent-guard/fastify': 'packages/fastify',
  '@consent-guard/cli': 'packages/cli',
} as const;
export type PackageName = keyof typeof PACKAGES;
export const PACKAGE_NAMES = Object.keys(PACKAGES) as PackageName[];

export interface Tarball {
  readonly path: string;
  /** Every path in the tarball, relative to the package root. */
  readonly files: readonly string[];
}

/**
 * `npm pack`s every package into `destination`, from the build that `npm test` ran first
 * (packing does not build: no package has a prepack script).
 */
export async function packAll(destination: string): Promise<Record<PackageName, Tarball>> {
  for (const folder of Object.values(PACKAGES)) {
    if (!existsSync(join(ROOT, folder, 'dist'))) throw new Error(`${folder}/dist is missing: run \`npm run build\` first (\`npm test\` does)`);
  }
  const workspaces = PACKAGE_NAMES.flatMap((name) => ['--workspace', name]);
  const { stdout } = await runOk('npm', ['pack', '--json', '--pack-destination', destination, ...workspaces], ROOT);
  const packed = JSON.parse(stdout) as { name: PackageName; filename: string; files: { path: string }[] }[];
  const tarballs: Partial<Record<PackageName, Tarball>> = {};
  for (const entry of packed) tarballs[entry.name] = { path: join(destination, entry.filename), files: entry.files.map((file) => file.path).sort() };
  const missing = PACKAGE_NAMES.filter((name) => !tarballs[name]);
  if (missing.length > 0) throw new Error(`npm pack made no tarball for ${missing.join(', ')}`);
  return tarballs as Record<PackageName, Tarball>;
}

/** The version this repository installed of a package, so that fixtures install it from npm's cache. */
export async function installedVersion(name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
