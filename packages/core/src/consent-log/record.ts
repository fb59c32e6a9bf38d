import { createHash, createHmac } from 'node:crypto';
import type { ConsentAction } from '../reports.js';

/** The version of `ConsentRecord`'s shape, stored with every record (`format`). */
export const CONSENT_RECORD_FORMAT = 1;

/**
 * One consent change, as the consent log keeps it (format 1). Nothing else about the
 * visitor is recorded: no raw IP address, no raw User-Agent, no other cookie.
 */
export interface ConsentRecord {
  readonly format: typeof CONSENT_RECORD_FORMAT;
  /** The random id in the guard's consent cookie; for a consent manager's decision, its own id (see README). */
  readonly consentId: string;
  /** When the guard saw the change: ISO 8601, UTC, milliseconds. */
  readonly time: string;
  /** The policy revision the choice was made for. */
  readonly revision: string;
  readonly granted: readonly string[];
  readonly denied: readonly string[];
  readonly action: ConsentAction;
  /** `endpoint` (the guard's banner or API), or the consent manager's `cmp` name. */
  readonly source: string;
  /** The locale the guard's banner spoke to this request; null for a consent manager's decision. */
  readonly locale: string | null;
  /** Browser, major version, operating system and device class, e.g. "Firefox 121 / Linux / desktop". */
  readonly userAgent: string | null;
  /** HMAC-SHA256 of the client IP with `hashIp.secret`, base64url; null unless the site opted in. */
  readonly ipHash: string | null;
}

/** Keyed hash of a client address: the same address and secret give the same hash; the address cannot be read back. */
export function hashIp(secret: string, ip: string): string {
  // An IPv4 client seen through a dual-stack socket is the same client.
  const address = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  return createHmac('sha256', secret).update(address).digest('base64url');
}

/**
 * The consent id of a manager's decision when the manager keeps none (Klaro,
 * CookieLawInfo): a hash of its cookie value, so the site can find the record from the
 * visitor's cookie.
 */
export function derivedConsentId(cmp: string, cookieValue: string): string {
  return `${cmp}:${createHash('sha256').update(cookieValue).digest('base64url').slice(0, 22)}`;
}
