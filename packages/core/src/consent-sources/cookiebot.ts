import { incomplete, malformed, MAX_COOKIE_LENGTH, strictDecode, undecided, singleCookie, type ManagerFormat, type Reading } from './format.js';

/**
 * Cookiebot, cookie `CookieConsent`: URL-encoded
 * `{stamp:'…',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1,utc:…,region:'…'}`,
 * a JavaScript object literal, not JSON, read here by a small strict parser (never eval).
 * A stamp of `-1` (or the whole value `-1`) means Cookiebot placed the visitor in a region
 * that needs no consent: that is a question of regime (the guard's `regime` option), not a
 * choice the visitor made, so it counts as no decision (fail closed).
 */
export const cookiebot: ManagerFormat = {
  cookie: 'CookieConsent',
  renamable: false,
  defaultMap: { preferences: 'functionality', statistics: 'performance', marketing: 'marketing' },
  raw: singleCookie,
  read,
};

const CATEGORIES = ['necessary', 'preferences', 'statistics', 'marketing'];
const NO_CONSENT_REQUIRED = "the region needs no consent (stamp -1): a regime question, see the guard's regime option";

function read(raw: string): Reading {
  if (raw.length > MAX_COOKIE_LENGTH) return malformed(`longer than ${MAX_COOKIE_LENGTH} characters`);
  if (raw === '-1') return undecided(NO_CONSENT_REQUIRED);
  const text = strictDecode(raw);
  if (text === undefined) return malformed('bad percent-encoding');
  const fields = parseObjectLiteral(text);
  if (typeof fields === 'string') return malformed(fields);
  const stamp = fields.get('stamp');
  if (stamp !== undefined && typeof stamp !== 'string') return malformed('stamp is not a string');
  if (stamp === '-1') return undecided(NO_CONSENT_REQUIRED);
  const ids = new Map<string, boolean>();
  for (const category of CATEGORIES) {
    const value = fields.get(category);
    if (typeof value !== 'boolean') return incomplete(`no true/false "${category}"`);
    ids.set(category, value);
  }
  return { decided: true, ids, consentId: stamp || undefined };
}

type Literal = string | number | boolean;

const KEY = /[A-Za-z_][A-Za-z0-9_]{0,31}/y;
const NUMBER = /-?[0-9]{1,20}(?:\.[0-9]{1,20})?/y;
const MAX_FIELDS = 64;

/**
 * `{key:value,…}` with values `true`, `false`, a number or a single-quoted string (no
 * escapes, as Cookiebot writes none), no spaces, distinct keys. The fields, or what is wrong.
 * One pass with sticky regexps: linear in the input.
 */
function parseObjectLiteral(text: string): Map<string, Literal> | string {
  if (!text.startsWith('{') || !text.endsWith('}')) return 'not an object literal {…}';
  const fields = new Map<string, Literal>();
  let at = 1;
  const end = text.length - 1;
  while (at < end) {
    KEY.lastIndex = at;
    const key = KEY.exec(text)?.[0];
    if (key === undefined || text[at + key.length] !== ':') return `expected key: at ${at}`;
    if (fields.has(key)) return `duplicate key "${key}"`;
    if (fields.size === MAX_FIELDS) return `more than ${MAX_FIELDS} fields`;
    at += key.length + 1;
    const literal = literalAt(text, at, end);
    if (literal === undefined) return `unexpected value at ${at}`;
    const [value, length] = literal;
    at += length;
    fields.set(key, value);
    if (at < end && text[at++] !== ',') return `expected , at ${at - 1}`;
    if (at === end && text[at - 1] === ',') return 'trailing comma';
  }
  return fields;
}

/** The literal starting at `at` and its length in the text. */
function literalAt(text: string, at: number, end: number): [Literal, number] | undefined {
  if (text.startsWith('true', at)) return [true, 4];
  if (text.startsWith('false', at)) return [false, 5];
  if (text[at] === "'") {
    const close = text.indexOf("'", at + 1);
    return close === -1 || close > end ? undefined : [text.slice(at + 1, close), close + 1 - at];
  }
  NUMBER.lastIndex = at;
  const number = NUMBER.exec(text)?.[0];
  return number === undefined ? undefined : [Number(number), number.length];
}
