import { createRequire } from 'node:module';
import { malformed, MAX_COOKIE_LENGTH, strictDecode, undecided, type ManagerFormat, type Reading } from './format.js';
import { gppSectionIds } from './tcf-bits.js';
import { readTcString, TCF_DEFAULT_MAP, tcfIds } from './tcf.js';

type GppApi = typeof import('@iabgpp/cmpapi');

// IAB's GPP library is about 1 MB: loaded on first use, so only a site that reads GPP loads it.
const require = createRequire(import.meta.url);
let gppApi: GppApi | undefined;

const TCF_EU_V2 = 2;
const OPT_OUTS = ['SaleOptOut', 'SharingOptOut', 'TargetedAdvertisingOptOut'];
const OPTED_OUT = 1;
const MARKETING_PURPOSES = new Set([2, 3, 4, 7]);
const SECTION_IDS = /^[0-9]{1,2}(?:[,_][0-9]{1,2}){0,31}$/;

/**
 * IAB GPP, cookies `__gpp` (the string) and `__gpp_sid` (the sections that apply; all of
 * them when absent). Its TCF EU v2 section is read as a TC string. The US sections
 * (`usnat` and the states) record opt-outs, in an opt-out regime: everything is allowed
 * unless `SaleOptOut`, `SharingOptOut` or `TargetedAdvertisingOptOut` is 1, which denies
 * the marketing purposes (P2, P3, P4, P7), as GPC does. A string with neither says nothing.
 */
export const gpp: ManagerFormat = {
  cookie: '__gpp',
  renamable: false,
  defaultMap: TCF_DEFAULT_MAP,
  readsVendors: true,
  raw(cookies, name) {
    const value = cookies[name];
    return value === undefined ? undefined : `${value}\n${cookies.__gpp_sid ?? ''}`;
  },
  read,
};

function read(raw: string, ids: readonly string[]): Reading {
  const newline = raw.lastIndexOf('\n');
  const text = strictDecode(raw.slice(0, newline));
  const sid = strictDecode(raw.slice(newline + 1));
  if (text === undefined || sid === undefined) return malformed('bad percent-encoding');
  if (text.length > MAX_COOKIE_LENGTH || sid.length > 100) return malformed('longer than browsers store');
  if (sid !== '' && !SECTION_IDS.test(sid)) return malformed('__gpp_sid is not a list of section ids');
  const [header = '', ...sections] = text.split('~');
  const listed = gppSectionIds(header);
  if (typeof listed === 'string') return malformed(listed);
  if (listed.length !== sections.length || sections.some((section) => section === '')) return malformed('the header does not list the sections the string has');
  const applies = sid === '' ? listed : sid.split(/[,_]/).map(Number).filter((id) => listed.includes(id));
  const usOptedOut = optedOut(applies.filter((id) => id !== TCF_EU_V2), listed, sections);
  if (typeof usOptedOut === 'string') return malformed(usOptedOut);
  if (applies.includes(TCF_EU_V2)) {
    const reading = readTcString(sections[listed.indexOf(TCF_EU_V2)]!, ids);
    if (!reading.decided || usOptedOut !== true) return reading;
    return { ...reading, ids: new Map([...reading.ids].map(([id, granted]) => [id, granted && !deniesMarketing(id)])) };
  }
  if (usOptedOut === undefined) return undecided('no TCF EU or US section applies');
  return { decided: true, ids: tcfIds(ids, (purpose) => !(usOptedOut && MARKETING_PURPOSES.has(purpose)), () => true), consentId: undefined };
}

/** Whether a US section that applies records an opt-out; undefined when none applies; a string when one is malformed. */
function optedOut(applies: readonly number[], listed: readonly number[], sections: readonly string[]): boolean | undefined | string {
  let api: GppApi;
  try {
    api = gppApi ??= require('@iabgpp/cmpapi') as GppApi;
  } catch (error) {
    return `the GPP decoder did not load: ${(error as Error).message}`;
  }
  let found: boolean | undefined;
  for (const id of applies) {
    const name = api.Sections.SECTION_ID_NAME_MAP.get(id);
    if (!name?.startsWith('us') || name === 'uspv1') continue;
    try {
      // One section at a time: the model decodes only what it is given.
      const model = new api.GppModel();
      model.decodeSection(name, sections[listed.indexOf(id)]!);
      const flags = OPT_OUTS.filter((field) => model.hasField(name, field)).map((field) => model.getFieldValue(name, field));
      found = (found ?? false) || flags.includes(OPTED_OUT);
    } catch (error) {
      return `section ${name}: ${String((error as Error).message).slice(0, 80)}`;
    }
  }
  return found;
}

/** A map id that needs a marketing purpose (or is a vendor: vendors are what is sold or shared). */
function deniesMarketing(id: string): boolean {
  return id.startsWith('vendor:') || id.split('|').some((purpose) => MARKETING_PURPOSES.has(Number(purpose)));
}
