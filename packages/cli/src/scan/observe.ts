import type { BrowserContext, Page } from 'playwright-core';

/** A cookie as the browser stored it, and where it first appeared. */
export interface ObservedCookie {
  readonly name: string;
  readonly domain: string;
  readonly path: string;
  /** Gone when the browser closes. */
  readonly session: boolean;
  /** Set by a response's Set-Cookie header, or by a script. */
  readonly setBy: 'set-cookie' | 'script';
  /** The page being visited when it appeared. */
  readonly page: string;
  /** Its domain is not the site's. */
  readonly thirdParty: boolean;
}

/** A request, the first of the visit to its host and path. */
export interface ObservedRequest {
  readonly host: string;
  readonly url: string;
  /** What the browser loaded it as: `script`, `image`, `document` (a frame), `stylesheet`, … */
  readonly type: string;
  readonly page: string;
}

export interface Observation {
  readonly pages: string[];
  readonly cookies: ObservedCookie[];
  /** Every request, first-party ones too (a tracker may be served from the site's own host). */
  readonly requests: ObservedRequest[];
}

const SETTLE_MS = 750;
const PAGE_TIMEOUT_MS = 30_000;

// Every document.cookie write, reported as it happens: a cookie a script stores may be
// deleted again before the jar is looked at (consent-guard itself purges denied cookies
// on the next request, even a favicon's).
const REPORT_COOKIE_WRITES = `(() => {
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (!cookie || !cookie.set) return;
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    enumerable: cookie.enumerable,
    get: cookie.get,
    set(value) {
      cookie.set.call(this, value);
      try { window.__consentGuardScanCookie(String(value)); } catch (error) {}
    },
  });
})();`;

/**
 * Watches one browser context: which cookies appear (and whether a Set-Cookie header or a
 * script put them there), and which hosts are requested, each credited to the page being
 * visited.
 */
export class Observer {
  readonly observation: Observation = { pages: [], cookies: [], requests: [] };

  static async watch(context: BrowserContext, site: URL): Promise<Observer> {
    const observer = new Observer(context, site);
    await context.exposeBinding('__consentGuardScanCookie', ({ frame }, written: unknown) => observer.#scriptWrote(frame.url(), String(written)));
    await context.addInitScript(REPORT_COOKIE_WRITES);
    return observer;
  }

  readonly #site: URL;
  readonly #known = new Set<string>();
  readonly #requested = new Set<string>();
  /** Cookie names some response set, by the host that set them. */
  readonly #setByHeader = new Set<string>();
  #page = '';

  private constructor(context: BrowserContext, site: URL) {
    this.#site = site;
    context.on('request', (request) => {
      let url: URL;
      try {
        url = new URL(request.url());
      } catch {
        return;
      }
      const key = url.host + url.pathname;
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || this.#requested.has(key)) return;
      this.#requested.add(key);
      this.observation.requests.push({ host: url.host, url: url.href, type: request.resourceType(), page: this.#page });
    });
    context.on('response', (response) => {
      response
        .headersArray()
        .then((headers) => {
          const host = new URL(response.url()).hostname;
          for (const { name, value } of headers) {
            if (name.toLowerCase() !== 'set-cookie') continue;
            for (const line of value.split('\n')) this.#setByHeader.add(`${line.slice(0, line.indexOf('=')).trim()}\0${host}`);
          }
        })
        .catch(() => {}); // the page moved on; its headers no longer matter
    });
  }

  /**
   * Loads `url` in `page`, lets its scripts settle, and records what appeared. Resolves to
   * why the page could not be loaded (unreachable, not a page), or undefined.
   */
  async visit(page: Page, url: string): Promise<string | undefined> {
    this.#page = url;
    try {
      await page.goto(url, { waitUntil: 'networkidle', timeout: PAGE_TIMEOUT_MS });
    } catch (error) {
      // A page that never goes quiet (polling, streaming) is scanned as far as it loaded.
      if ((error as Error).name !== 'TimeoutError') return (error as Error).message.split('\n')[0];
    }
    this.observation.pages.push(url);
    await this.settle(page);
    return undefined;
  }

  /** Waits for late scripts, then records the cookies that appeared, credited to the current page. */
  async settle(page: Page): Promise<void> {
    await page.waitForTimeout(SETTLE_MS);
    for (const cookie of await page.context().cookies()) {
      const domain = cookie.domain.replace(/^\./, '');
      this.#record(cookie.name, domain, cookie.path, cookie.expires === -1, this.#wasSetByHeader(cookie.name, domain) ? 'set-cookie' : 'script');
    }
  }

  #record(name: string, domain: string, path: string, session: boolean, setBy: ObservedCookie['setBy']): void {
    const key = `${name}\0${domain}\0${path}`;
    if (this.#known.has(key)) return;
    this.#known.add(key);
    this.observation.cookies.push({ name, domain, path, session, setBy, page: this.#page, thirdParty: siteOf(domain) !== siteOf(this.#site.hostname) });
  }

  /** `document.cookie = "name=value; …"` in a frame at `frameUrl`; deletions are not stores. */
  #scriptWrote(frameUrl: string, written: string): void {
    const [pair = '', ...attributes] = written.split(';');
    const name = pair.slice(0, pair.indexOf('=')).trim();
    if (!name) return;
    const attribute = (key: string) => attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const maxAge = attribute('max-age');
    const expires = attribute('expires');
    if ((maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) < Date.now())) return;
    let host: string;
    try {
      host = new URL(frameUrl).hostname;
    } catch {
      return;
    }
    const domain = (attribute('domain') ?? host).replace(/^\./, '').toLowerCase();
    this.#record(name, domain, attribute('path') ?? '/', maxAge === undefined && expires === undefined, 'script');
  }

  #wasSetByHeader(name: string, domain: string): boolean {
    for (const entry of this.#setByHeader) {
      const [setName, host] = entry.split('\0') as [string, string];
      if (setName === name && (host === domain || host.endsWith(`.${domain}`))) return true;
    }
    return false;
  }
}

/**
 * The site a host or cookie domain belongs to, approximated by its last two labels
 * (`cdn.example.com` and `www.example.com` are one site; `maps.localhost` and `localhost`
 * are two). Without the public suffix list, hosts under `co.uk` and the like count as one.
 */
export function siteOf(host: string): string {
  if (/^[\d.]+$|:/.test(host)) return host; // an IP address
  return host.split('.').slice(-2).join('.');
}
