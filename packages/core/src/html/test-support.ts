// Shared by the HTML tests (not part of the package: excluded from the build).
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { chosenState } from '../consent-state.js';
import { compilePolicy } from '../policy/compile.js';
import { loadPolicy } from '../policy/load.js';
import type { PolicyInput } from '../policy/schema.js';
import { messagesFor } from '../declaration/messages.js';
import { createPageRewriter } from './page.js';
import { compileTrackers } from './trackers.js';

export const TEST_POLICY: PolicyInput = {
  revision: 't1',
  categories: {
    essential: { label: 'Essential', required: true },
    functionality: { label: 'Functionality' },
    performance: { label: 'Performance' },
    marketing: { label: 'Marketing' },
  },
  trackers: [
    { name: 'HubSpot', category: 'marketing', hosts: ['js.hs-scripts.com', '*.hubspot.com'], inline: ['_hsq.push'] },
    { name: 'Google Analytics', category: 'performance', hosts: ['www.google-analytics.com', 'ssl.google-analytics.com', 'www.googletagmanager.com'], inline: ['GoogleAnalyticsObject', '_gaq.push', "gtag('config'"] },
    { name: 'DoubleClick', category: 'marketing', hosts: ['*.doubleclick.net', 'www.googletagservices.com', 'pagead2.googlesyndication.com'], inline: ['googletag.cmd'] },
    { name: 'Facebook', category: 'marketing', hosts: ['connect.facebook.net', 'www.facebook.com/plugins', 'www.facebook.com/tr'], inline: ['fbq(', 'facebook-jssdk'] },
    { name: 'Twitter', category: 'marketing', hosts: ['platform.twitter.com'], inline: ['twitter-wjs'] },
    { name: 'Quantcast', category: 'performance', hosts: ['edge.quantserve.com', 'pixel.quantserve.com'], inline: ['_qevents'] },
    { name: 'comScore', category: 'performance', hosts: ['b.scorecardresearch.com', 'sb.scorecardresearch.com'], inline: ['_comscore'] },
    { name: 'Google Maps', category: 'functionality', hosts: ['www.google.com/maps', 'maps.google.com', 'maps.googleapis.com'] },
    { name: 'YouTube', category: 'functionality', hosts: ['www.youtube.com/embed'] },
  ],
};

export interface RewriteOptions {
  granted?: string[];
  mode?: 'enforce' | 'report-only';
  /** Chunk boundaries (offsets into the input). */
  cuts?: number[];
  policy?: PolicyInput;
  endpoint?: string | false;
  beforeGoogleTag?: string;
  atBodyStart?: string;
  /** Every chunk written, and `end()` given none (a streamed response); by default the last chunk goes to `end` (a whole page). */
  streamed?: boolean;
}

/** Rewrites `input` as one response would, returning the bytes and the events. */
export function rewrite(input: Buffer | string, options: RewriteOptions = {}) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const compiled = compilePolicy(loadPolicy(options.policy ?? TEST_POLICY));
  const events: { type: string; [key: string]: unknown }[] = [];
  const rewriter = createPageRewriter({
    compiled,
    trackers: compileTrackers(compiled.policy),
    state: chosenState(compiled, options.granted ?? []),
    enforce: (options.mode ?? 'enforce') === 'enforce',
    endpoint: options.endpoint ?? '/consent',
    returnTo: '/page?x=1',
    texts: () => messagesFor('en'),
    report: (event) => events.push(event),
    beforeGoogleTag: options.beforeGoogleTag === undefined ? undefined : [Buffer.from(options.beforeGoogleTag)],
    atBodyStart: options.atBodyStart === undefined ? undefined : [Buffer.from(options.atBodyStart)],
  });
  const points = [0, ...(options.cuts ?? []).filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  const chunks = points.slice(1).map((point, p) => bytes.subarray(points[p], point));
  const last = options.streamed ? undefined : chunks.pop();
  const out = chunks.map((chunk) => rewriter.write(chunk));
  out.push(rewriter.end(last));
  return { output: Buffer.concat(out), events };
}

// An oracle independent of the rewriter: parse5's tree and WHATWG URL parsing.
type Element = DefaultTreeAdapterMap['element'];
type Node = DefaultTreeAdapterMap['node'];

/** Every element of a parse5 tree, template contents included, in document order. */
export function* elements(node: Node): Generator<Element> {
  if ('tagName' in node) yield node;
  const children = 'content' in node && node.content ? node.content.childNodes : 'childNodes' in node ? node.childNodes : [];
  for (const child of children) yield* elements(child as Node);
}

const TRACKERS = TEST_POLICY.trackers ?? [];

/** An independent "which tracker category is this URL": WHATWG URL parsing, no shared code. */
function trackerCategory(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim(), 'https://site.invalid/');
  } catch {
    return undefined;
  }
  if (url.host === 'site.invalid') return undefined;
  const matches = (entry: string) => {
    const [host, ...path] = entry.split('/');
    const prefix = path.length > 0 ? `/${path.join('/')}` : '';
    const hostMatches = host!.startsWith('*.') ? url.hostname.endsWith(host!.slice(1)) : url.hostname === host;
    return hostMatches && url.pathname.startsWith(prefix);
  };
  return TRACKERS.find((tracker) => (tracker.hosts ?? []).some(matches))?.category;
}

/** The attributes each element loads from, by the HTML standard. */
const LOADING: Record<string, readonly string[]> = {
  script: ['src'],
  iframe: ['src'],
  img: ['src', 'srcset'],
  source: ['src', 'srcset'],
  link: ['href', 'imagesrcset'],
  embed: ['src'],
  object: ['data'],
};

const attribute = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;

/**
 * Live tracker elements of `TEST_POLICY`, as `<category> <tag urls…>`, as parse5 (the
 * reference parser) builds the page with scripting off, so `<noscript>` content counts.
 */
export function liveTrackers(html: string): string[] {
  const document = parse(html, { scriptingEnabled: false });
  const found: string[] = [];
  for (const element of elements(document as unknown as Node)) {
    const urls = (LOADING[element.tagName] ?? []).flatMap((name) => {
      const value = attribute(element, name);
      if (value === undefined) return [];
      return name.endsWith('srcset') ? value.split(/[\s,]+/) : [value];
    });
    for (const category of new Set(urls.map(trackerCategory))) if (category) found.push(`${category} <${element.tagName} ${urls.join(' ')}>`);
    if (element.tagName === 'script' && attribute(element, 'type') !== 'text/plain' && !attribute(element, 'src')) {
      const text = element.childNodes.map((child) => ('value' in child ? child.value : '')).join('').slice(0, 64 * 1024);
      for (const tracker of TRACKERS) if ((tracker.inline ?? []).some((signature) => text.includes(signature))) found.push(`${tracker.category} <script>${text.slice(0, 60)}`);
    }
  }
  return found;
}

/** The neutralized page with the contract's renames undone: must equal the original's tree. */
export function undo(html: string): string {
  const document = parse(html, { scriptingEnabled: false });
  const placeholders: Element[] = [];
  for (const element of elements(document as unknown as Node)) {
    if (attribute(element, 'data-consent-placeholder') !== undefined && element.tagName === 'iframe' && !attribute(element, 'data-consent-src')) {
      placeholders.push(element); // a frame added after a blocked embed or inside an object
      continue;
    }
    if (attribute(element, 'data-consent-category') === undefined) continue;
    const originalType = attribute(element, 'data-consent-type');
    element.attrs = element.attrs
      .filter((a) => !['data-consent-category', 'data-consent-placeholder', 'data-consent-type'].includes(a.name))
      .filter((a) => !(a.name === 'srcdoc' && attribute(element, 'data-consent-placeholder') !== undefined))
      .filter((a) => !(a.name === 'type' && a.value === 'text/plain' && originalType === undefined))
      .map((a) => (a.name.startsWith('data-consent-') ? { ...a, name: a.name.slice('data-consent-'.length) } : a))
      .map((a) => (a.name === 'type' && originalType !== undefined ? { ...a, value: originalType } : a));
  }
  for (const placeholder of placeholders) {
    const siblings = placeholder.parentNode?.childNodes;
    siblings?.splice(siblings.indexOf(placeholder), 1);
  }
  return JSON.stringify(document, (key, value) => (key === 'parentNode' || key === 'sourceCodeLocation' ? undefined : value));
}
