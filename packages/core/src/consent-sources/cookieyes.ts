import { colonPairs, incomplete, malformed, MAX_COOKIE_LENGTH, undecided, singleCookie, type ManagerFormat, type Reading } from './format.js';

/**
 * CookieYes, cookie `cookieyes-consent`:
 * `consentid:<id>,consent:yes|no,action:yes|<empty>,necessary:yes,functional:no,analytics:no,performance:no,advertisement:no,other:no`.
 * Only `action:yes` records a choice. `consent:no` with `action:yes` is a refusal: every
 * category counts as denied whatever its own flag says (fail closed on a contradiction).
 */
export const cookieyes: ManagerFormat = {
  cookie: 'cookieyes-consent',
  renamable: false,
  defaultMap: { functional: 'functionality', analytics: 'performance', performance: 'performance', advertisement: 'marketing' },
  raw: singleCookie,
  read,
};

const KEY = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const VALUE = /^[A-Za-z0-9_=-]{0,128}$/;
const FIELDS = new Set(['consentid', 'consent', 'action', 'lastRenewedDate']);

function read(raw: string): Reading {
  if (raw.length > MAX_COOKIE_LENGTH) return malformed(`longer than ${MAX_COOKIE_LENGTH} characters`);
  const pairs = colonPairs(raw, KEY, VALUE);
  if (!pairs) return malformed('not a list of key:value pairs with distinct keys');
  const consentId = pairs.get('consentid');
  const consent = pairs.get('consent');
  if ((consent !== 'yes' && consent !== 'no') || !pairs.has('action')) return incomplete('no consent:yes|no or no action');
  if (pairs.get('action') !== 'yes') return undecided('no action:yes yet');
  const ids = new Map<string, boolean>();
  for (const [key, value] of pairs) {
    if (FIELDS.has(key)) continue;
    if (value !== 'yes' && value !== 'no') return malformed(`category "${key}" is not yes or no`);
    ids.set(key, consent === 'yes' && value === 'yes');
  }
  return { decided: true, ids, consentId: consentId || undefined };
}
