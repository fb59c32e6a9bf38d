import { jsonFormat, malformed, type Reading } from './format.js';

/**
 * Klaro (klaro-org/klaro-js), cookie `klaro` (renamable with `storageName`).
 * `ConsentManager.saveConsents` (src/consent-manager.js) writes
 * `encodeURIComponent(JSON.stringify(consents))`: service name → true/false, and only once
 * the visitor has confirmed, so a well-formed cookie is a decision. Services are the
 * site's own: a map (service → policy category) is required.
 */
export const klaro = jsonFormat('klaro', read);

function read(consents: Readonly<Record<string, unknown>>): Reading {
  const ids = new Map<string, boolean>();
  for (const [service, value] of Object.entries(consents)) {
    if (typeof value !== 'boolean') return malformed(`service "${service.slice(0, 40)}" is not true or false`);
    ids.set(service, value);
  }
  return { decided: true, ids, consentId: undefined };
}
