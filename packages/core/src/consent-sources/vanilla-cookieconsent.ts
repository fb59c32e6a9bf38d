import { incomplete, jsonFormat, malformed, own, stringList, undecided, type Reading } from './format.js';

/**
 * orestbida/cookieconsent (`vanilla-cookieconsent`), cookie `cc_cookie` (renamable with
 * `cookie.name`). v3 (src/utils/cookies.js `setCookie`) writes URL-encoded JSON
 * `{ categories: [accepted ids], revision, data, consentTimestamp, consentId, services,
 * lastConsentTimestamp, expirationTime? }`; v2 (src/cookieconsent.js) writes JSON, URL-encoded
 * only with `use_rfc_cookie`, with the accepted ids in `level` (v2.8+ also in `categories`).
 * The category names are the site's own, so the default map is by equal name.
 */
export const vanillaCookieconsent = jsonFormat('cc_cookie', read);

function read(value: Readonly<Record<string, unknown>>): Reading {
  const level = own(value, 'level');
  if (level !== undefined) {
    const accepted = stringList(level);
    return accepted ? decided(accepted, own(value, 'consent_uuid')) : malformed('"level" is not a list of category names');
  }
  const categories = own(value, 'categories');
  if (categories === undefined) return incomplete('no "categories" (v3) or "level" (v2)');
  const accepted = stringList(categories);
  if (!accepted) return malformed('"categories" is not a list of category names');
  const consentId = own(value, 'consentId');
  const timestamp = own(value, 'consentTimestamp');
  // v3 itself counts consent as valid only with a consent id and a consent time.
  if (typeof consentId !== 'string' || consentId === '') return incomplete('no "consentId"');
  if (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp))) return incomplete('no valid "consentTimestamp"');
  const expiration = own(value, 'expirationTime');
  if (expiration !== undefined && (typeof expiration !== 'number' || expiration <= Date.now())) return undecided('"expirationTime" has passed');
  return decided(accepted, consentId);
}

function decided(accepted: readonly string[], consentId: unknown): Reading {
  return { decided: true, ids: new Map(accepted.map((id) => [id, true])), consentId: typeof consentId === 'string' ? consentId : undefined };
}
