import { decodeHTMLAttribute } from 'entities';
import type { Policy, TrackerDeclaration } from '../policy/schema.js';
import { hostFilter } from './host-filter.js';
import { latin1 } from './latin1.js';
import { GOOGLE_TAG_HINTS, GOOGLE_TAG_HOST } from './quick-look.js';
import { signatureFilter, signatureSearch } from './signatures.js';

/** The policy's trackers, compiled for matching URLs and inline scripts in markup. */
export interface TrackerMatcher {
  /** The tracker a URL attribute value (raw, as in the markup) points at. */
  matchUrl(rawValue: string): TrackerDeclaration | undefined;
  /** The same for the value's bytes, `bytes` from `start` to `end` (no string is built for most values). */
  matchUrlAt(bytes: Buffer, start: number, end: number): TrackerDeclaration | undefined;
  /** The trackers the candidates of a `srcset` value point at, `bytes` from `start` to `end` (raw, as in the markup). */
  matchSrcsetAt(bytes: Buffer, start: number, end: number): TrackerDeclaration[];
  /** The trackers whose inline signatures occur in a script's text. */
  matchInline(text: Buffer): TrackerDeclaration[];
  readonly hasInline: boolean;
  /** The hosts the trackers load from, and the Google tag's, as the WebAssembly tokenizer looks them up (see host-filter.ts). */
  readonly hostFilter: Uint8Array;
  /** The inline signatures, and what shows a Google tag, as the WebAssembly tokenizer looks for them (see `signatureFilter`). */
  readonly inlineFilter: Uint8Array;
  /** The categories that have a tracker (hosts or inline signatures). */
  readonly categories: ReadonlySet<string>;
}

interface PathRule {
  readonly prefix: string;
  readonly tracker: TrackerDeclaration;
}

// Resolving against this base tells relative URLs (same-origin: never a tracker) apart.
const BASE = new URL('https://consent-guard.invalid/');
const FAST_URL = /^(?:https?:)?\/\/([a-z0-9.-]+)(:\d+)?([/?#]|$)/i;
const CONTROL = /[\t\n\r]/;
const HOSTS_REMEMBERED = 4096;
/** A DNS name has at most 253 characters: longer values (a page's own, or hostile) are not remembered. */
const LONGEST_HOST_REMEMBERED = 253 + ':65535'.length;

export function compileTrackers(policy: Policy): TrackerMatcher {
  const exact = new Map<string, TrackerDeclaration>();
  const wildcard = new Map<string, TrackerDeclaration>();
  const paths = new Map<string, PathRule[]>();
  const signatures: Buffer[] = [];
  const signers: TrackerDeclaration[] = [];
  for (const tracker of policy.trackers as readonly TrackerDeclaration[]) {
    for (const entry of tracker.hosts) {
      const slash = entry.indexOf('/');
      const host = (slash === -1 ? entry : entry.slice(0, slash)).toLowerCase();
      if (slash !== -1) {
        const rules = paths.get(host) ?? [];
        rules.push({ prefix: entry.slice(slash), tracker });
        paths.set(host, rules);
      } else if (host.startsWith('*.')) {
        if (!wildcard.has(host.slice(2))) wildcard.set(host.slice(2), tracker);
      } else if (!exact.has(host)) {
        exact.set(host, tracker);
      }
    }
    for (const signature of tracker.inline) {
      signatures.push(Buffer.from(signature));
      signers.push(tracker);
    }
  }

  const searchSignatures = signatureSearch(signatures);

  const matchHost = (host: string, path: () => string): TrackerDeclaration | undefined => {
    const rules = paths.get(host);
    if (rules) {
      const p = path();
      const rule = rules.find(({ prefix }) => p === prefix || p.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`) || p.startsWith(`${prefix}?`));
      if (rule) return rule.tracker;
    }
    const found = exact.get(host);
    if (found) return found;
    // `*.example.com` matches every subdomain, not example.com itself.
    for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
      const parent = wildcard.get(host.slice(dot + 1));
      if (parent) return parent;
    }
    return undefined;
  };

  // Pages load from a few hosts many times: a host whose match does not hang on the path is
  // matched once (a bounded memory of them).
  const byHost = new Map<string, TrackerDeclaration | null>();

  const matchLocation = (host: string, path: () => string): TrackerDeclaration | undefined => {
    const known = byHost.get(host);
    if (known !== undefined) return known ?? undefined;
    // An entry with a port matches that port only; one without matches the host on any port.
    const port = host.lastIndexOf(':');
    const bare = port === -1 ? undefined : host.slice(0, port);
    const found = matchHost(host, path) ?? (bare === undefined ? undefined : matchHost(bare, path));
    if (host.length <= LONGEST_HOST_REMEMBERED && !paths.has(host) && (bare === undefined || !paths.has(bare))) {
      if (byHost.size >= HOSTS_REMEMBERED) byHost.clear();
      byHost.set(host, found ?? null);
    }
    return found;
  };

  const matchText = (rawValue: string): TrackerDeclaration | undefined => {
    const location = urlLocation(rawValue);
    return location && matchLocation(location.host, location.path);
  };

  const matchUrlAt = (bytes: Buffer, start: number, end: number): TrackerDeclaration | undefined => {
    const host = hostAt(bytes, start, end);
    if (host === undefined) return undefined;
    const text = () => bytes.toString('utf8', start, end);
    return host === SLOW ? matchText(text()) : matchLocation(host, () => urlLocation(text())?.path() ?? '/');
  };

  const matchUrl = (rawValue: string): TrackerDeclaration | undefined => {
    const bytes = Buffer.from(rawValue, 'utf8');
    const host = hostAt(bytes, 0, bytes.length);
    if (host === undefined) return undefined;
    return host === SLOW ? matchText(rawValue) : matchLocation(host, () => urlLocation(rawValue)?.path() ?? '/');
  };

  // Every piece between white space and commas is tried as a URL (descriptors such as `2x`
  // never match): a candidate cannot hide behind odd spacing.
  const matchSrcsetText = (rawValue: string): TrackerDeclaration[] => {
    const found: TrackerDeclaration[] = [];
    for (const candidate of rawValue.split(/[\s,]+/)) {
      const tracker = candidate ? matchUrl(candidate) : undefined;
      if (tracker) found.push(tracker);
    }
    return found;
  };

  // The same pieces read from the bytes, with no string for most values. JavaScript's `\s`
  // also knows non-ASCII spaces: a value with any non-ASCII byte is split as text.
  const matchSrcsetAt = (bytes: Buffer, start: number, end: number): TrackerDeclaration[] => {
    for (let k = start; k < end; k++) if (bytes[k]! >= 0x80) return matchSrcsetText(bytes.toString('utf8', start, end));
    let found: TrackerDeclaration[] | undefined;
    let k = start;
    while (k < end) {
      while (k < end && isSrcsetSeparator(bytes[k]!)) k++;
      const from = k;
      while (k < end && !isSrcsetSeparator(bytes[k]!)) k++;
      const tracker = k > from ? matchUrlAt(bytes, from, k) : undefined;
      if (tracker) (found ??= []).push(tracker);
    }
    return found ?? NONE;
  };

  return {
    matchUrl,
    matchUrlAt,
    matchSrcsetAt,
    matchInline(text) {
      const found = searchSignatures(text);
      return found.length === 0 ? [] : [...new Set(found.map((index) => signers[index]!))];
    },
    hasInline: signatures.length > 0,
    // With the Google tag's host: the rewriter looks for it (Consent Mode) whatever the policy.
    hostFilter: hostFilter([...exact.keys(), ...wildcard.keys(), ...paths.keys(), GOOGLE_TAG_HOST].flatMap(filteredHosts)),
    // With the Google tag's hints: an inline script is held to find it (Consent Mode).
    inlineFilter: signatureFilter([...signatures, ...GOOGLE_TAG_HINTS.map((hint) => Buffer.from(hint))]),
    categories: new Set(policy.trackers.filter((tracker) => tracker.hosts.length > 0 || tracker.inline.length > 0).map((tracker) => tracker.category)),
  };
}

const NONE: TrackerDeclaration[] = [];

/** A host entry as URLs' hosts are looked up in the filter: without its port, with and without a final dot. */
function filteredHosts(entry: string): string[] {
  const port = entry.lastIndexOf(':');
  const host = port === -1 ? entry : entry.slice(0, port);
  return host.endsWith('.') ? [host, host.slice(0, -1)] : [host];
}

/** ASCII white space as JavaScript's `\s` has it (with vertical tab), and the comma. */
const isSrcsetSeparator = (c: number) => c === 0x20 || c === 0x2c || (c >= 0x09 && c <= 0x0d);

/** `hostAt` cannot tell from the bytes alone: the URL needs the full reading of `urlLocation`. */
const SLOW = Symbol('slow');

const isUrlSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
const isHostByte = (c: number) => ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;
const isSchemeByte = (c: number) => isHostByte(c) || c === 0x2b;
/** After a host or port: `/`, `?`, `#`. */
const endsHost = (c: number) => c === 0x2f || c === 0x3f || c === 0x23;
const HTTP = 0x68747470; // "http"

/**
 * The host `urlLocation` gives for the URL in `bytes` from `start` to `end`, read from the
 * bytes for the plain forms (`https://host/…`, `//host:8080/…`, relative URLs, other
 * schemes): undefined when it is not a network URL, SLOW when the value needs decoding or
 * the URL parser (character references, tabs or newlines, backslashes, user info, non-ASCII).
 */
function hostAt(bytes: Buffer, start: number, end: number): string | undefined | typeof SLOW {
  let k = start;
  while (k < end && isUrlSpace(bytes[k]!)) k++;
  if (k === end) return undefined;
  let c = bytes[k]!;
  if (c === 0x2f || c === 0x5c) {
    const next = k + 1 < end ? bytes[k + 1]! : -1;
    if (c === 0x2f && next === 0x2f) return hostFrom(bytes, k + 2, end);
    // `/\`, `\\`, `/` + tab + `/` are network URLs to the URL parser; any other path is relative.
    return next === 0x5c || next === 0x2f || next === 0x09 || next === 0x0a || next === 0x0d || next === 0x26 ? SLOW : undefined;
  }
  if ((c | 0x20) < 0x61 || (c | 0x20) > 0x7a) return c === 0x26 || c >= 0x80 || c === 0x0b ? SLOW : undefined;
  // A scheme, or a relative path that starts with a letter.
  let colon = k + 1;
  while (colon < end && isSchemeByte(bytes[colon]!)) colon++;
  if (colon === end) return undefined;
  c = bytes[colon]!;
  if (c !== 0x3a) return c === 0x26 || c === 0x09 || c === 0x0a || c === 0x0d ? SLOW : undefined;
  const length = colon - k;
  const http = length >= 4 && length <= 5 && (((bytes[k]! | 0x20) << 24) | ((bytes[k + 1]! | 0x20) << 16) | ((bytes[k + 2]! | 0x20) << 8) | (bytes[k + 3]! | 0x20)) === HTTP && (length === 4 || (bytes[k + 4]! | 0x20) === 0x73);
  // Other schemes (data:, javascript:, mailto: …) never load from a host.
  if (!http) return undefined;
  return colon + 2 < end && bytes[colon + 1] === 0x2f && bytes[colon + 2] === 0x2f ? hostFrom(bytes, colon + 3, end) : SLOW;
}

/** The host (and port when not the default) starting at `from`, when it ends plainly. */
function hostFrom(bytes: Buffer, from: number, end: number): string | typeof SLOW {
  let k = from;
  let upper = false;
  while (k < end && isHostByte(bytes[k]!)) {
    if (bytes[k]! <= 0x5a && bytes[k]! >= 0x41) upper = true;
    k++;
  }
  const hostEnd = k;
  if (hostEnd === from) return SLOW;
  let portEnd = k;
  if (k < end && bytes[k] === 0x3a) {
    portEnd = k + 1;
    while (portEnd < end && bytes[portEnd]! >= 0x30 && bytes[portEnd]! <= 0x39) portEnd++;
    if (portEnd === k + 1) return SLOW;
  }
  if (portEnd < end && !endsHost(bytes[portEnd]!)) return SLOW;
  let host = latin1(bytes, from, bytes[hostEnd - 1] === 0x2e ? hostEnd - 1 : hostEnd);
  if (upper) host = host.toLowerCase();
  if (portEnd === hostEnd) return host;
  const port = latin1(bytes, hostEnd, portEnd);
  return port === ':443' || port === ':80' ? host : host + port;
}

/** `urlLocation(value)?.host` for the value in `bytes` from `start` to `end`, without a string for the plain forms. */
export function urlHostAt(bytes: Buffer, start: number, end: number): string | undefined {
  const host = hostAt(bytes, start, end);
  return host === SLOW ? urlLocation(bytes.toString('utf8', start, end))?.host : host;
}


/**
 * Host (with `:port` when not the default) and path of an absolute or protocol-relative
 * URL, as a browser would resolve it; undefined for relative and non-network URLs. The
 * path is computed only when asked for (few hosts have path rules).
 */
export function urlLocation(rawValue: string): { host: string; path: () => string } | undefined {
  // Browsers decode character references in attributes, strip leading and trailing
  // whitespace, and drop tabs and newlines inside URLs.
  let value = rawValue.includes('&') ? decodeHTMLAttribute(rawValue) : rawValue;
  value = value.trim();
  if (CONTROL.test(value)) value = value.replace(/[\t\n\r]/g, '');
  const fast = FAST_URL.exec(value);
  if (fast) {
    const host = fast[1]!.toLowerCase().replace(/\.$/, '');
    const port = fast[2];
    const from = fast[0].length - fast[3]!.length;
    return {
      host: port && port !== ':443' && port !== ':80' ? host + port : host,
      path: () => {
        const rest = value.slice(from);
        const end = rest.search(/[?#]/);
        return (end === -1 ? rest : rest.slice(0, end)) || '/';
      },
    };
  }
  if (!/^(?:[a-z][a-z0-9+.-]*:|[/\\]{2})/i.test(value)) return undefined;
  try {
    const url = new URL(value, BASE);
    if (url.host === BASE.host || (url.protocol !== 'https:' && url.protocol !== 'http:')) return undefined;
    return { host: url.host.replace(/\.$/, ''), path: () => url.pathname };
  } catch {
    return undefined;
  }
}
