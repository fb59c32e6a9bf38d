import { colonPairs, incomplete, malformed, MAX_COOKIE_LENGTH, strictDecode, undecided, type ManagerFormat, type Reading } from './format.js';

/**
 * OneTrust, cookie `OptanonConsent`: a query string
 * (`isGpcEnabled=0&datestamp=…&version=…&consentId=…&interactionCount=1&landingPath=…&groups=C0001%3A1%2CC0002%3A0&…`),
 * plus `OptanonAlertBoxClosed` (the time the banner was closed). A decision needs one of
 * them: the banner closed, or an interaction count of at least 1. The pairs are split
 * before their values are decoded, so a landing path cannot inject a `groups` field.
 * Standard groups: C0001 strictly necessary, C0002 performance, C0003 functional,
 * C0004 targeting (C0005 social media is not on every site, so it is not mapped by default).
 */
export const onetrust: ManagerFormat = {
  cookie: 'OptanonConsent',
  renamable: false,
  defaultMap: { C0002: 'performance', C0003: 'functionality', C0004: 'marketing' },
  raw(cookies, name) {
    const consent = cookies[name];
    return consent === undefined ? undefined : `${consent}\n${cookies[ALERT_BOX_CLOSED] ?? ''}`;
  },
  read,
};

const ALERT_BOX_CLOSED = 'OptanonAlertBoxClosed';
const FIELD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const GROUP = /^[A-Za-z0-9_-]{1,32}$/;
const FLAG = /^[01]$/;
const COUNT = /^[0-9]{1,9}$/;

function read(raw: string): Reading {
  const newline = raw.lastIndexOf('\n');
  const consent = raw.slice(0, newline);
  const closed = raw.slice(newline + 1);
  if (consent.length > MAX_COOKIE_LENGTH || closed.length > 64) return malformed('longer than browsers store');
  const fields = new Map<string, string>();
  for (const pair of consent.split('&')) {
    const equals = pair.indexOf('=');
    const key = pair.slice(0, equals);
    if (equals === -1 || !FIELD.test(key) || fields.has(key)) return malformed('not a query string with distinct keys');
    fields.set(key, pair.slice(equals + 1));
  }
  const groups = strictDecode(fields.get('groups') ?? '');
  if (groups === undefined) return malformed('bad percent-encoding in groups');
  if (groups === '') return incomplete('no groups');
  const flags = colonPairs(groups, GROUP, FLAG);
  if (!flags) return malformed('groups is not a list of <id>:0|1 with distinct ids');
  const count = fields.get('interactionCount');
  if (count !== undefined && !COUNT.test(count)) return malformed('interactionCount is not a number');
  const bannerClosed = closed !== '' && !Number.isNaN(Date.parse(strictDecode(closed) ?? ''));
  if (!bannerClosed && !(count !== undefined && Number(count) >= 1)) return undecided(`no ${ALERT_BOX_CLOSED} and no interactionCount`);
  if (fields.get('AwaitingReconsent') === 'true') return undecided('AwaitingReconsent=true: the site asks again');
  const consentId = strictDecode(fields.get('consentId') ?? '');
  return { decided: true, ids: new Map([...flags].map(([id, flag]) => [id, flag === '1'])), consentId: consentId || undefined };
}
