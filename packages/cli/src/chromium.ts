// Which Chromium `scan` (and the project's browser tests) drive. In order: the one named
// (--chromium, else $CONSENT_GUARD_CHROMIUM); a Chrome, Chromium or Edge installed where
// the system keeps it; Playwright's own download, if the user installed one; last, the
// headless Chromium the npm package @sparticuz/chromium ships for Linux x64, unpacked once.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch as hostArch, homedir, platform as hostPlatform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

export interface ChromiumSearch {
  /** A path given on the command line; wins over everything. */
  readonly explicit?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
}

/** No browser to drive. The message reads after "needs Chromium, and" and says how to get one, in one line. */
export class ChromiumNotFound extends Error {}

const NPM_CHROMIUM = '@sparticuz/chromium';

const HOW_TO_GET_ONE = `install Chrome or Chromium, or on Linux x64 \`npm install -D ${NPM_CHROMIUM}@147.0.0\`, or name one with --chromium <path> or CONSENT_GUARD_CHROMIUM`;

/** Headless, and quiet: no background requests to Google's services, which a closed network refuses. */
export const HEADLESS_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] as const;

export async function findChromium(search: ChromiumSearch = {}): Promise<string> {
  const { env = process.env, platform = hostPlatform(), arch = hostArch() } = search;
  const named = search.explicit ?? env.CONSENT_GUARD_CHROMIUM;
  if (named !== undefined && named !== '') {
    if (!existsSync(named)) throw new ChromiumNotFound(`there is none at ${named}: ${HOW_TO_GET_ONE}`);
    return named;
  }
  const installed = systemPaths(platform, env).find((path) => existsSync(path));
  if (installed) return installed;
  // Playwright knows only where its browsers are for the machine it runs on.
  const playwrights = platform === hostPlatform() ? await playwrightChromium() : undefined;
  if (playwrights) return playwrights;
  if (platform === 'linux' && arch === 'x64') {
    const shipped = await shippedChromium();
    if (shipped) return shipped;
  }
  throw new ChromiumNotFound(`none was found: ${HOW_TO_GET_ONE}`);
}

/** Where Chrome, Chromium and Edge install themselves, most likely first. */
export function systemPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  switch (platform) {
    case 'linux':
      return [
        '/usr/bin/chromium',
        '/usr/bin/chromium-browser',
        '/snap/bin/chromium',
        '/usr/bin/google-chrome',
        '/usr/bin/google-chrome-stable',
        '/opt/google/chrome/chrome',
        '/usr/bin/microsoft-edge',
        '/usr/bin/microsoft-edge-stable',
        '/opt/microsoft/msedge/msedge',
      ];
    case 'darwin': {
      const apps = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'];
      return ['/Applications', join(env.HOME ?? homedir(), 'Applications')].flatMap((folder) => apps.map((app) => `${folder}/${app}`));
    }
    case 'win32': {
      const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((root): root is string => Boolean(root));
      const apps = ['Google\\Chrome\\Application\\chrome.exe', 'Chromium\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe'];
      return apps.flatMap((app) => roots.map((root) => `${root}\\${app}`));
    }
    default:
      return [];
  }
}

async function playwrightChromium(): Promise<string | undefined> {
  try {
    const { chromium } = await import('playwright-core');
    const path = chromium.executablePath();
    return existsSync(path) ? path : undefined;
  } catch {
    // This Playwright has no Chromium build for this platform.
    return undefined;
  }
}

/**
 * The npm package's browser, brotli-compressed in its `bin/`: unpacked once per version into
 * a cache folder, through a temporary file renamed into place, so that a concurrent run never
 * starts a half-written binary. (The package's own unpacker shares one unversioned /tmp path
 * between every user and version.)
 */
export async function shippedChromium(): Promise<string | undefined> {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve(NPM_CHROMIUM);
  } catch {
    return undefined;
  }
  const root = packageRoot(main);
  const packed = join(root, 'bin', 'chromium.br');
  if (!existsSync(packed)) return undefined;
  const { version } = createRequire(import.meta.url)(join(root, 'package.json')) as { version: string };
  const binary = join(cacheFolder(root, version), 'chromium');
  if (existsSync(binary)) return binary;
  const partial = `${binary}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await pipeline(createReadStream(packed), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
    renameSync(partial, binary);
  } finally {
    rmSync(partial, { force: true });
  }
  return binary;
}

/** The package's folder: its entry points sit in folders with package.json files of their own. */
function packageRoot(main: string): string {
  const folder = join('node_modules', NPM_CHROMIUM);
  return main.slice(0, main.lastIndexOf(folder) + folder.length);
}

/**
 * node_modules/.cache beside the package when it is writable (a project's own install);
 * else a folder of this user's in the temporary directory, which nobody else may write.
 */
function cacheFolder(root: string, version: string): string {
  const at = root.lastIndexOf('node_modules');
  if (at !== -1) {
    try {
      const beside = join(root.slice(0, at + 'node_modules'.length), '.cache', 'consent-guard-chromium', version);
      mkdirSync(beside, { recursive: true });
      return beside;
    } catch {
      // A read-only install (global, or a container's): use the temporary directory.
    }
  }
  const own = join(tmpdir(), `consent-guard-chromium-${process.getuid?.() ?? 'user'}`);
  mkdirSync(own, { recursive: true, mode: 0o700 });
  const { uid, mode } = statSync(own);
  if (uid !== process.getuid?.() || (mode & 0o022) !== 0) throw new ChromiumNotFound(`the folder to unpack ${NPM_CHROMIUM} into, ${own}, is not this user's alone`);
  const versioned = join(own, version);
  mkdirSync(versioned, { recursive: true });
  return versioned;
}
