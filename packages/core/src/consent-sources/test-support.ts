import { createRequire } from 'node:module';
import { GVL, TCModel, TCString } from '@iabtechlabtcf/core';
import { parseCookie } from 'cookie';
import type { ManagerFormat, Reading } from './format.js';

/** What `format` reads from a Cookie header (values kept raw, as the guard parses them), for manager `ids`. */
export function readHeader(format: ManagerFormat, header: string, ids: readonly string[] = []): Reading | 'absent' {
  const raw = format.raw(parseCookie(header, { decode: (value) => value }), format.cookie, ids);
  return raw === undefined ? 'absent' : format.read(raw, ids);
}

/** The ids a decided reading grants, sorted; or the reason it was ignored. */
export function granted(reading: Reading | 'absent'): string[] | string {
  if (reading === 'absent') return 'absent';
  if (!reading.decided) return reading.reason;
  return [...reading.ids].filter(([, value]) => value).map(([id]) => id).sort();
}

// TC and GPP strings built with IAB's own encoders.

const require = createRequire(import.meta.url);
const { GppModel } = require('@iabgpp/cmpapi') as typeof import('@iabgpp/cmpapi');

const PURPOSES = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [i + 1, { id: i + 1, name: `Purpose ${i + 1}`, description: '', illustrations: [] }]));
const vendor = (id: number) => ({
  id,
  name: `Vendor ${id}`,
  purposes: [1, 2, 3, 4, 7, 8],
  legIntPurposes: [],
  flexiblePurposes: [],
  specialPurposes: [],
  features: [],
  specialFeatures: [],
  cookieMaxAgeSeconds: 0,
  usesCookies: true,
  cookieRefresh: false,
  usesNonCookieAccess: false,
  deviceStorageDisclosureUrl: '',
  urls: [],
});

export interface TcChoice {
  readonly purposes: readonly number[];
  readonly vendors?: readonly number[];
  readonly lastUpdated?: Date;
  readonly policyVersion?: number;
}

/** A TC string as a CMP writes it, encoded by @iabtechlabtcf/core. */
export function tcString({ purposes, vendors = [], lastUpdated = new Date(), policyVersion = 5 }: TcChoice): string {
  const gvl = new GVL({
    gvlSpecificationVersion: 3,
    vendorListVersion: 300,
    tcfPolicyVersion: policyVersion,
    lastUpdated: '2026-11-01T00:00:00Z',
    purposes: PURPOSES,
    specialPurposes: {},
    features: {},
    specialFeatures: {},
    stacks: {},
    vendors: Object.fromEntries([755, 91, 42, 804, 33].map((id) => [id, vendor(id)])),
  } as unknown as ConstructorParameters<typeof GVL>[0]);
  const model = new TCModel(gvl);
  model.cmpId = 10;
  model.cmpVersion = 1;
  model.consentScreen = 1;
  model.isServiceSpecific = true;
  model.purposeConsents.set([...purposes]);
  model.vendorConsents.set([...vendors]);
  model.created = lastUpdated;
  model.lastUpdated = lastUpdated;
  model.policyVersion = policyVersion;
  return TCString.encode(model);
}

/** A GPP string, encoded by @iabgpp/cmpapi, from section → field → value. */
export function gppString(fields: Record<string, Record<string, unknown>>): string {
  const model = new GppModel();
  for (const [section, values] of Object.entries(fields)) for (const [field, value] of Object.entries(values)) model.setFieldValue(section, field, value);
  return model.encode();
}
