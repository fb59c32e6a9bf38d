import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { installed, type Args, type Originals } from './methods.js';

export interface HeaderHooks {
  /**
   * Runs once, just before the head is written, when every header set by any API
   * (setHeader, appendHeader, writeHead's object or arrays, framework helpers) is on `res`.
   */
  onHeaders(res: ServerResponse): void;
  /** Filters Set-Cookie values set after `onHeaders` ran, by header-time hooks further in. */
  filterLate(values: readonly string[]): readonly string[];
}

type HeaderFields = OutgoingHttpHeaders | readonly OutgoingHttpHeader[] | readonly (readonly [string, OutgoingHttpHeader])[];
/** Node's own fields: whether the body is chunked, and the trailers serialized so far. */
type Chunked = ServerResponse & { chunkedEncoding?: boolean; _trailer?: string };
type AnyWriteHead = (this: ServerResponse, ...args: unknown[]) => ServerResponse;

/**
 * Hooks `res.writeHead` (and its alias `writeHeader`) the way jshttp/on-headers does: the
 * headers handed to writeHead are first moved onto `res`, so `onHeaders` sees one complete
 * set. Implicit heads (first `write`/`end`, `flushHeaders`) go through `this.writeHead` in
 * Node, so they come here too. 103 Early Hints go through `writeEarlyHints` here.
 *
 * Middleware that hooked writeHead before us (express-session mounted earlier, say) runs
 * its listener after ours; every Set-Cookie it adds then still passes `filterLate`, because
 * setHeader and appendHeader are filtered from the moment our listener has run.
 *
 * Every property written on an Express response costs ~4.5 µs and garbage (Express
 * switches its prototype; see bench/README.md), so the hook goes where `methodsOf` says
 * (see methods.ts) and writes as few as it can later: the setHeader filter only when an
 * inner writeHead hook needs it, and the trailer filter only on chunked responses, the
 * only ones that send trailers.
 */
export class HeaderHook {
  readonly hooks: HeaderHooks;
  readonly #originals: Originals;
  /** Something hooked writeHead on the instance before us: its header-time listener runs after ours. */
  readonly #innerHook: boolean;
  #fired = false;

  constructor(res: ServerResponse, hooks: HeaderHooks, originals: Originals) {
    this.hooks = hooks;
    this.#originals = originals;
    this.#innerHook = Object.hasOwn(res, 'writeHead');
  }

  writeHead(res: ServerResponse, args: Args): ServerResponse {
    const next = this.#originals.writeHead as AnyWriteHead;
    if (this.#fired || res.headersSent) return next.apply(res, args as unknown[]);
    this.#fired = true;
    const statusCode = args[0] as number;
    const reasonOrFields = args[1] as string | HeaderFields | undefined;
    const maybeFields = args[2] as HeaderFields | undefined;
    const reason = typeof reasonOrFields === 'string' ? reasonOrFields : undefined;
    const fields = typeof reasonOrFields === 'string' ? maybeFields : reasonOrFields;
    if (res.statusCode !== statusCode) res.statusCode = statusCode;
    if (fields) moveFieldsOntoResponse(res, fields);
    this.hooks.onHeaders(res);
    if (this.#innerHook) filterLaterSetCookies(res, this.hooks);
    const result = reason === undefined ? next.call(res, res.statusCode) : next.call(res, res.statusCode, reason);
    if ((res as Chunked).chunkedEncoding) filterTrailers(res, this.hooks);
    return result as ServerResponse;
  }

  /** 103 Early Hints can carry any header; a Set-Cookie in them is judged like any other. */
  writeEarlyHints(res: ServerResponse, args: Args): void {
    const hints = args[0] as Record<string, string | string[]>;
    const callback = args[1] as (() => void) | undefined;
    const filtered: Record<string, string | readonly string[]> = {};
    for (const [name, value] of Object.entries(hints)) {
      if (!isSetCookie(name)) filtered[name] = value;
      else {
        const kept = this.hooks.filterLate(setCookieValues(value));
        if (kept.length > 0) filtered[name] = kept;
      }
    }
    this.#originals.writeEarlyHints.call(res, filtered as Record<string, string | string[]>, callback);
  }
}

/** The hooks a HeaderHook was made with, when ours is the outermost writeHead of `res`. */
export function installedHooks(res: ServerResponse): HeaderHooks | undefined {
  const hook = installed(res, 'writeHead');
  return hook instanceof HeaderHook ? hook.hooks : undefined;
}

/**
 * Same semantics as Node's writeHead: named fields replace what was set before, and an
 * array may repeat a name (`['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']`).
 * Flat arrays are validated as on-headers 1.1.0 does (CVE-2025-7339).
 */
function moveFieldsOntoResponse(res: ServerResponse, fields: HeaderFields): void {
  if (!Array.isArray(fields)) {
    // Fastify hands every header here: no pair array per header.
    for (const name of Object.keys(fields)) {
      const value = (fields as OutgoingHttpHeaders)[name];
      if (name && value !== undefined) res.setHeader(name, value);
    }
    return;
  }
  const pairs = toPairs(fields);
  for (const [name] of pairs) res.removeHeader(name);
  for (const [name, value] of pairs) res.appendHeader(name, value as string | readonly string[]);
}

function toPairs(fields: readonly unknown[]): [string, OutgoingHttpHeader][] {
  if (fields.length > 0 && Array.isArray(fields[0])) {
    return fields.map((entry) => {
      if (!Array.isArray(entry) || entry.length !== 2) throw new TypeError('headers array is malformed: expected [name, value] pairs');
      return [String(entry[0]), entry[1] as OutgoingHttpHeader];
    });
  }
  if (fields.length % 2 !== 0) throw new TypeError('headers array is malformed: expected an even number of entries');
  const pairs: [string, OutgoingHttpHeader][] = [];
  for (let i = 0; i < fields.length; i += 2) pairs.push([String(fields[i]), fields[i + 1] as OutgoingHttpHeader]);
  return pairs;
}

function filterLaterSetCookies(res: ServerResponse, hooks: HeaderHooks): void {
  const { setHeader, appendHeader } = res;
  res.setHeader = function setHeaderFiltered(name, value) {
    return setHeader.call(this, name, isSetCookie(name) ? hooks.filterLate(setCookieValues(value)) : value);
  };
  res.appendHeader = function appendHeaderFiltered(name, value) {
    if (!isSetCookie(name)) return appendHeader.call(this, name, value);
    const kept = hooks.filterLate(setCookieValues(value));
    return kept.length > 0 ? appendHeader.call(this, name, kept) : this;
  };
}

/**
 * Browsers ignore Set-Cookie in trailers, but none that is denied is sent anyway. Trailers
 * added before the head (Node keeps them serialized in `_trailer`) are filtered again.
 */
function filterTrailers(res: Chunked, hooks: HeaderHooks): void {
  const { addTrailers } = res;
  res.addTrailers = function addTrailersFiltered(trailers) {
    const pairs = Array.isArray(trailers) ? toPairs(trailers) : Object.entries(trailers as OutgoingHttpHeaders);
    if (!pairs.some(([name]) => isSetCookie(name))) return addTrailers.call(this, trailers);
    const kept = pairs.flatMap(([name, value]): [string, OutgoingHttpHeader][] => {
      if (!isSetCookie(name)) return value === undefined ? [] : [[name, value]];
      return hooks.filterLate(setCookieValues(value)).map((cookie) => [name, cookie]);
    });
    return addTrailers.call(this, kept as unknown as OutgoingHttpHeaders);
  };
  const early = res._trailer;
  if (early && /^set-cookie:/im.test(early)) {
    res.addTrailers(
      early
        .split('\r\n')
        .filter((line) => line !== '')
        .map((line): [string, string] => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]) as never,
    );
  }
}

export function isSetCookie(name: unknown): boolean {
  return typeof name === 'string' && name.length === 10 && name.toLowerCase() === 'set-cookie';
}

/** A header value as Node may hold it (string, number or array) as a list of strings: a list of strings as it is. */
export function setCookieValues(value: unknown): readonly string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [String(value)];
  return value.every(isString) ? (value as readonly string[]) : value.map(String);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
