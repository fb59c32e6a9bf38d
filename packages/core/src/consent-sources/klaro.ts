import { malformed, MAX_COOKIE_LENGTH, parseJsonObject, strictDecode, type ManagerFormat, type Reading } from './format.js';

/**
 * Klaro (klaro-org/klaro-js), cookie `klaro` (renamable with `storageName`).
 * `ConsentManager.saveConsents` (src/consent-manager.js) writes
 * `encodeURIComponent(JSON.stringify(consents))`: service name → true/false, and only once
 * the visitor has confirmed, so a well-formed cookie is a decision. Services are the
 * site's own: a map (service → policy category) is required.
 */
export const klaro: ManagerFormat = {
  cookie: 'klaro',
  renamable: true,
  defaultMap: undefined,
  raw: (cookies, name) => cookies[name],
  read,
};

function read(raw: string): Reading {
  if (raw.length > MAX_COOKIE_LENGTH) return malformed(`longer than ${MAX_COOKIE_LENGTH} characters`);
  const text = strictDecode(raw);
  if (text === undefined) return malformed('bad percent-encoding');
  const consents = parseJsonObject(text);
  if (!consents) return malformed('not a JSON object');
  const ids = new Map<string, boolean>();
  for (const [service, value] of Object.entries(consents)) {
    if (typeof value !== 'boolean') return malformed(`service "${service.slice(0, 40)}" is not true or false`);
    ids.set(service, value);
  }
  return { decided: true, ids, consentId: undefined };
}
