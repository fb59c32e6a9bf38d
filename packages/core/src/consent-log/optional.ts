import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The npm package each store needs, and how to add it. */
const PACKAGES = {
  'better-sqlite3': 'npm install better-sqlite3@12',
  pg: 'npm install pg@8',
} as const;

type Package = keyof typeof PACKAGES;

/**
 * Throws, at startup, when the package a store needs is not installed: they are optional
 * peer dependencies, so a site without a consent log installs neither.
 */
export function assertInstalled(name: Package, store: string): void {
  try {
    require.resolve(name);
  } catch {
    throw new Error(`consent-guard: the ${store} consent log needs the ${name} package, which is not installed: ${PACKAGES[name]}`);
  }
}

/** The package, loaded on first use only. */
export async function requireOptional<T>(name: Package, store: string): Promise<T> {
  assertInstalled(name, store);
  return (await import(name)) as T;
}
