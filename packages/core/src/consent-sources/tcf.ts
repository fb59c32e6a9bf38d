import { createRequire } from 'node:module';
import { malformed, MAX_COOKIE_LENGTH, singleCookie, strictDecode, undecided, type ManagerFormat, type Reading } from './format.js';
import { BASE64URL_TEXT, checkTcCore } from './tcf-bits.js';

type TcfCore = typeof import('@iabtechlabtcf/core');

// Loaded on first use: a site that reads no TC string never loads the decoder.
const require = createRequire(import.meta.url);
let tcfCore: TcfCore | undefined;

/**
 * The default map from TCF purposes to policy categories. A category needs Purpose 1
 * (store and access information on a device) and its own purposes: an id `8|9|10` is
 * granted when any of those purposes is. Marketing needs P2, P3, P4 and P7 all.
 */
export const TCF_DEFAULT_MAP: Readonly<Record<string, readonly string[]>> = {
  '1': ['functionality', 'performance', 'marketing'],
  '5|6|11': ['functionality'],
  '8|9|10': ['performance'],
  '2': ['marketing'],
  '3': ['marketing'],
  '4': ['marketing'],
  '7': ['marketing'],
};

const PURPOSES = /^(?:[1-9]|1[01])(?:\|(?:[1-9]|1[01]))*$/;
const VENDOR = /^vendor:([1-9][0-9]{0,4})$/;

/** The map's ids (purposes `1`, `8|9|10`; vendors `vendor:755`) as granted or not, by the given purpose and vendor consents. */
export function tcfIds(ids: readonly string[], purpose: (id: number) => boolean, vendor: (id: number) => boolean): Map<string, boolean> {
  return new Map(
    ids.map((id) => {
      const vendorId = VENDOR.exec(id)?.[1];
      if (vendorId !== undefined) return [id, vendor(Number(vendorId))];
      return [id, PURPOSES.test(id) && id.split('|').some((p) => purpose(Number(p)))];
    }),
  );
}

/**
 * A TC string (TCF v2.2 or v2.3, policy version 4 or later), decoded by IAB's
 * `@iabtechlabtcf/core`. Only the core segment is read: purpose and vendor consents and
 * when the choice was last updated (`decidedAt`, for `maxAgeDays`).
 */
export function readTcString(text: string, ids: readonly string[]): Reading {
  if (text.length > MAX_COOKIE_LENGTH) return malformed(`longer than ${MAX_COOKIE_LENGTH} characters`);
  const core = text.split('.')[0] ?? '';
  if (!BASE64URL_TEXT.test(core)) return malformed('bad base64url');
  const problem = checkTcCore(core);
  if (problem) return malformed(problem);
  let model: InstanceType<TcfCore['TCModel']>;
  try {
    tcfCore ??= require('@iabtechlabtcf/core') as TcfCore;
    model = tcfCore.TCString.decode(core);
  } catch (error) {
    return malformed(`not a TC string: ${String((error as Error).message).slice(0, 80)}`);
  }
  if (Number(model.policyVersion) < 4) return undecided(`TCF policy version ${model.policyVersion} predates TCF v2.2`);
  const decidedAt = model.lastUpdated?.getTime();
  if (decidedAt === undefined || Number.isNaN(decidedAt)) return malformed('no lastUpdated');
  return {
    decided: true,
    ids: tcfIds(ids, (id) => model.purposeConsents.has(id), (id) => model.vendorConsents.has(id)),
    consentId: undefined,
    decidedAt,
  };
}

/**
 * IAB TCF, cookie `euconsent-v2` (Didomi, consentmanager, Quantcast; OneTrust writes
 * `eupubconsent-v2`, so the name can be set): a TC string, URL-encoded or not.
 */
export const tcf: ManagerFormat = {
  cookie: 'euconsent-v2',
  renamable: true,
  defaultMap: TCF_DEFAULT_MAP,
  readsVendors: true,
  raw: singleCookie,
  read(raw, ids) {
    const text = strictDecode(raw);
    return text === undefined ? malformed('bad percent-encoding') : readTcString(text, ids);
  },
};
