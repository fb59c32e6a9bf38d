import { decodeHTMLAttribute } from 'entities';
import type { Policy, TrackerDeclaration } from '../policy/schema.js';

/** The policy's trackers, compiled for matching URLs and inline scripts in markup. */
export interface TrackerMatcher {
  /** The tracker a URL attribute value (raw, as in the markup) points at. */
  matchUrl(rawValue: string): TrackerDeclaration | undefined;
  /** The trackers the candidates of a `srcset` point at. */
  matchSrcset(rawValue: string): TrackerDeclaration[];
  /** The trackers whose inline signatures occur in a script's text. */
  matchInline(text: Buffer): TrackerDeclaration[];
  readonly hasInline: boolean;
  /** The categories that have a tracker (hosts or inline signatures). */
  readonly categories: ReadonlySet<string>;
}

interface PathRule {
  readonly prefix: string;
  readonly tracker: TrackerDeclaration;
}

interface Signature {
  readonly bytes: Buffer;
  readonly tracker: TrackerDeclaration;
}

/**
 * Finds every signature in a script's text in one pass: each two-byte prefix of a signature
 * marks a slot in a table, and only there are candidates compared. (One `indexOf` per
 * signature cost as many passes over the text as there are signatures.)
 */
function signatureSearch(signatures: readonly Signature[]): (text: Buffer) => TrackerDeclaration[] {
  const byPrefix = new Map<number, Signature[]>();
  const table = new Uint8Array(65536);
  for (const signature of signatures) {
    const prefix = (signature.bytes[0]! << 8) | signature.bytes[1]!;
    table[prefix] = 1;
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), signature]);
  }
  return (text) => {
    const found = new Set<TrackerDeclaration>();
    for (let i = 0; i + 1 < text.length; i++) {
      if (table[(text[i]! << 8) | text[i + 1]!] === 0) continue;
      for (const { bytes, tracker } of byPrefix.get((text[i]! << 8) | text[i + 1]!)!) {
        if (!found.has(tracker) && text.compare(bytes, 0, bytes.length, i, Math.min(i + bytes.length, text.length)) === 0) found.add(tracker);
      }
    }
    return [...found];
  };
}

// Resolving against this base tells relative URLs (same-origin: never a tracker) apart.
const BASE = new URL('https://consent-guard.invalid/');
const FAST_URL = /^(?:https?:)?\/\/([a-z0-9.-]+)(:\d+)?([/?#]|$)/i;
const CONTROL = /[\t\n\r]/;

export function compileTrackers(policy: Policy): TrackerMatcher {
  const exact = new Map<string, TrackerDeclaration>();
  const wildcard = new Map<string, TrackerDeclaration>();
  const paths = new Map<string, PathRule[]>();
  const signatures: Signature[] = [];
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
    for (const signature of tracker.inline) signatures.push({ bytes: Buffer.from(signature), tracker });
  }

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

  const matchUrl = (rawValue: string): TrackerDeclaration | undefined => {
    const location = urlLocation(rawValue);
    if (!location) return undefined;
    // An entry with a port matches that port only; one without matches the host on any port.
    const found = matchHost(location.host, location.path);
    const port = location.host.lastIndexOf(':');
    return found ?? (port === -1 ? undefined : matchHost(location.host.slice(0, port), location.path));
  };

  return {
    matchUrl,
    matchSrcset(rawValue) {
      const found: TrackerDeclaration[] = [];
      for (const candidate of rawValue.split(/[\s,]+/)) {
        const tracker = candidate ? matchUrl(candidate) : undefined;
        if (tracker) found.push(tracker);
      }
      return found;
    },
    matchInline: signatureSearch(signatures),
    hasInline: signatures.length > 0,
    categories: new Set(policy.trackers.filter((tracker) => tracker.hosts.length > 0 || tracker.inline.length > 0).map((tracker) => tracker.category)),
  };
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
