/** The client-side consent managers whose cookies the guard can read. */
export const CMP_NAMES = ['vanilla-cookieconsent', 'klaro', 'cookieyes', 'cookielawinfo', 'cookiebot', 'onetrust', 'tcf', 'gpp'] as const;
export type CmpName = (typeof CMP_NAMES)[number];

/** Why a manager's cookie was ignored (treated as absent: no decision from that source). */
export type IgnoredReason =
  /** Not in the manager's format at all: bad encoding, bad syntax, wrong types, duplicate keys, oversize. */
  | 'malformed'
  /** In the format, but a field the decision needs is missing. */
  | 'incomplete'
  /** The manager records that the visitor has not decided (yet), or no longer has a valid decision. */
  | 'undecided';

/** What one manager cookie says: its ids (categories or services) granted or not, or why it says nothing. */
export type Reading =
  | {
      readonly decided: true;
      readonly ids: ReadonlyMap<string, boolean>;
      readonly consentId: string | undefined;
      /** When the choice was made (ms), where the format records it: older than `maxAgeDays` is no choice. */
      readonly decidedAt?: number;
    }
  | { readonly decided: false; readonly reason: IgnoredReason; readonly detail: string };

/** One manager's cookie format. Readers never throw and run in time linear in the input. */
export interface ManagerFormat {
  /** The cookie the manager stores the choice in. */
  readonly cookie: string;
  /** Whether a site may have renamed that cookie (the manager's own configuration allows it). */
  readonly renamable: boolean;
  /** Manager ids → policy id(s) used when `map` is left out; undefined when the ids are the site's own. */
  readonly defaultMap: Readonly<Record<string, string | readonly string[]>> | undefined;
  /** The format records per-vendor consent (IAB TCF): catalogue services with a TCF vendor id also need theirs. */
  readonly readsVendors?: boolean;
  /**
   * Everything the reader needs from a request's raw (still percent-encoded) cookies, as one
   * string (also the cache key); undefined when the manager's cookie is absent.
   */
  raw(cookies: Readonly<Record<string, string | undefined>>, cookieName: string, ids: readonly string[]): string | undefined;
  /** Reads `raw` for the manager ids the map uses. */
  read(raw: string, ids: readonly string[]): Reading;
}

/** Browsers store at most 4096 bytes per cookie; anything longer did not come from the manager. */
export const MAX_COOKIE_LENGTH = 4096;

export function malformed(detail: string): Reading {
  return { decided: false, reason: 'malformed', detail };
}

export function incomplete(detail: string): Reading {
  return { decided: false, reason: 'incomplete', detail };
}

export function undecided(detail: string): Reading {
  return { decided: false, reason: 'undecided', detail };
}

/** decodeURIComponent, or undefined for bad percent-encoding (never throws). */
export function strictDecode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The manager's cookie, for the formats that keep the choice in one cookie. */
export function singleCookie(cookies: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return cookies[name];
}

/**
 * A format whose one cookie, renamable by the site, holds a JSON object, URL-encoded or
 * not (vanilla-cookieconsent v2 writes it raw), with ids that are the site's own (no
 * default map). A duplicate key means what it means to the manager's own `JSON.parse`:
 * the last one wins.
 */
export function jsonFormat(cookie: string, readObject: (object: Readonly<Record<string, unknown>>) => Reading): ManagerFormat {
  return {
    cookie,
    renamable: true,
    defaultMap: undefined,
    raw: singleCookie,
    read(raw) {
      if (raw.length > MAX_COOKIE_LENGTH) return malformed(`longer than ${MAX_COOKIE_LENGTH} characters`);
      const text = raw.startsWith('{') ? raw : strictDecode(raw);
      if (text === undefined) return malformed('bad percent-encoding');
      const object = parseJsonObject(text);
      return object ? readObject(object) : malformed('not a JSON object');
    },
  };
}

function parseJsonObject(text: string): Readonly<Record<string, unknown>> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
/** An own property only: a `__proto__` or `constructor` key in hostile JSON is just data. */
export function own(object: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A list of strings, or undefined. */
export function stringList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
}

/** `a:b,c:d` pairs (CookieYes values, OneTrust groups) as a map; undefined on a bad or duplicate pair. */
export function colonPairs(text: string, key: RegExp, value: RegExp): Map<string, string> | undefined {
  const pairs = new Map<string, string>();
  for (const pair of text.split(',')) {
    const colon = pair.indexOf(':');
    const name = pair.slice(0, colon);
    const item = pair.slice(colon + 1);
    if (colon === -1 || !key.test(name) || !value.test(item) || pairs.has(name)) return undefined;
    pairs.set(name, item);
  }
  return pairs;
}
