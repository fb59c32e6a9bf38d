import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gpp } from './gpp.js';
import { tcf } from './tcf.js';
import { granted, gppString, readHeader, tcString } from './test-support.js';

const IDS = ['1', '2', '3', '4', '7', '5|6|11', '8|9|10', 'vendor:755', 'vendor:91'];
const readTcf = (value: string) => readHeader(tcf, `euconsent-v2=${value}`, IDS);
const readGpp = (header: string) => readHeader(gpp, header, IDS);

describe('tcf euconsent-v2', () => {
  it('should read purposes and vendors from a TC string built by @iabtechlabtcf/core, URL-encoded or not', () => {
    const value = tcString({ purposes: [1, 2, 3, 4, 7, 8], vendors: [755] });
    expect(granted(readTcf(value))).toEqual(['1', '2', '3', '4', '7', '8|9|10', 'vendor:755']);
    expect(granted(readTcf(encodeURIComponent(value)))).toEqual(granted(readTcf(value)));
    // A publisher segment after the core one is allowed and not needed.
    expect(granted(readTcf(`${value}.YAAAAAAAAAAA`))).toEqual(granted(readTcf(value)));
  });

  // Real values. GH = a Cookie header captured in public GitHub code (code-search hit; the site
  // in brackets where the header names it). The CMP id is the string's own: 6 Sourcepoint, 7 Didomi.
  it.each([
    // GH, CMP 7, TCF policy 5 (v2.3): everything refused
    ['CQGiOUAQGiOUAAHABBENBLFgAAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAAA', []],
    // GH [transfermarkt.com], CMP 6: all purposes, Google (755) but not Criteo (91)
    [
      'CQTQT4AQTQT4AAGABCENBvFsAP_gAELAABp4IzQHwAFAANAAqABwAEAALQAZAA0ACKAEwAKQAYgA3gBzAEIAI4ATQApACEAFDAPaAhsBGoC2gF5gMZAZIA0IBqIELgIzAIRADAAUAI4AhAA4SAYABUADgAIIAZABoAEwAN4AhABNAHtAXmAyQCFw6AWABUADgAIIAZABoAEwAMQAbwBNAHtAXmAyQhACADEAG8lAGAA4AEwAMQB7QF5gMkKQCQAKgAcABAADQAJgAYgD2gLzAZIVAAgAKKAAQAZA.YAAAAAAAA',
      ['1', '2', '3', '4', '5|6|11', '7', '8|9|10', 'vendor:755'],
    ],
    // GH, CMP 7: all purposes and vendors, with a publisher segment
    ['CQbB_cAQbB_cAAHABBENCFFsAP_gAAAAAAAAHXwCAAIAAqABaAFsAUgBZgF5gOvAAAAKSgAwABBd8pABgACC75CADAAEF3x0AGAAILvhIAMAAQXf.f_wAAAAAAAAA', ['1', '2', '3', '4', '5|6|11', '7', '8|9|10', 'vendor:755', 'vendor:91']],
  ])('should read a real string: %s', (value, expected) => {
    expect(granted(readTcf(value))).toEqual(expected);
  });

  it('should date the choice by lastUpdated', () => {
    const reading = readTcf(tcString({ purposes: [1], lastUpdated: new Date('2026-03-04T00:00:00Z') }));
    expect(reading).toMatchObject({ decided: true, decidedAt: Date.parse('2026-03-04T00:00:00Z') });
  });

  it('should read a refusal of everything as a decision granting nothing', () => {
    expect(granted(readTcf(tcString({ purposes: [] })))).toEqual([]);
  });

  it('should ask again for a string from before TCF v2.2', () => {
    expect(readTcf(tcString({ purposes: [1, 2], policyVersion: 2 }))).toMatchObject({ decided: false, reason: 'undecided', detail: 'TCF policy version 2 predates TCF v2.2' });
  });

  it.each([
    ['bad base64', 'CQ*AQ', 'bad base64url'],
    ['bad percent-encoding', 'CQ%E0%A4%A', 'bad percent-encoding'],
    ['a TCF v1 string', 'BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA', 'TCF version 1, not 2'],
    ['a truncated string', 'CQtAQoAQt-4cAAKABBENEsFgAPMAAAAAAAAA', 'truncated'],
    ['garbage of the right alphabet', 'A'.repeat(300), 'TCF version 0, not 2'],
    ['a huge value', 'C'.repeat(5000), 'longer than 4096 characters'],
  ])('should count %s as malformed', (_name, value, detail) => {
    expect(readTcf(value)).toMatchObject({ decided: false, reason: 'malformed', detail });
  });

  it('should refuse vendor ranges that make the decoder expand millions of ids, in microseconds', () => {
    // 100 ranges over all 65 535 vendors in both sections: 1.1 KB that costs @iabtechlabtcf/core ~1.5 s.
    const n = (value: number, width: number) => value.toString(2).padStart(width, '0');
    let bits = n(2, 6) + n(1, 36) + n(1, 36) + n(10, 12) + n(1, 12) + n(1, 6) + n(0, 12) + n(300, 12) + n(5, 6) + '10' + n(0, 12) + n(0xffffff, 24) + n(0, 24) + '0' + n(0, 12);
    for (let section = 0; section < 2; section++) bits += n(65535, 16) + '1' + n(100, 12) + ('1' + n(1, 16) + n(65535, 16)).repeat(100);
    bits += n(0, 12);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const value = (bits + '00000').match(/.{6}/g)!.map((sextet) => alphabet[parseInt(sextet, 2)]).join('');
    const started = performance.now();
    expect(readTcf(value)).toMatchObject({ reason: 'malformed', detail: 'vendor ranges overlap far beyond the vendor list' });
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('gpp __gpp / __gpp_sid', () => {
  const TCF_SECTION = { CmpId: 10, CmpVersion: 1, PurposeConsents: [true, true, true, true, false, false, true, true, false, false, false], VendorConsents: [755, 91] };

  it('should read its TCF EU section as a TC string', () => {
    const value = gppString({ tcfeuv2: TCF_SECTION });
    expect(granted(readGpp(`__gpp=${value}; __gpp_sid=2`))).toEqual(['1', '2', '3', '4', '7', '8|9|10', 'vendor:755', 'vendor:91']);
  });

  it('should read the US sections as opt-outs: any of the three set to 1 denies the marketing purposes and vendors', () => {
    const notOptedOut = gppString({ usnat: { SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 2 } });
    expect(granted(readGpp(`__gpp=${notOptedOut}; __gpp_sid=7`))).toEqual(['1', '2', '3', '4', '5|6|11', '7', '8|9|10', 'vendor:755', 'vendor:91']);
    const sharing = gppString({ usnat: { SaleOptOut: 2, SharingOptOut: 1, TargetedAdvertisingOptOut: 2 } });
    expect(granted(readGpp(`__gpp=${sharing}; __gpp_sid=7`))).toEqual(['1', '5|6|11', '8|9|10', 'vendor:755', 'vendor:91']);
    const california = gppString({ usca: { SaleOptOut: 1, SharingOptOut: 2 } });
    expect(granted(readGpp(`__gpp=${california}`))).toEqual(['1', '5|6|11', '8|9|10', 'vendor:755', 'vendor:91']);
  });

  it('should apply a US opt-out on top of the TCF section, and only the sections __gpp_sid names', () => {
    const both = gppString({ tcfeuv2: TCF_SECTION, usnat: { SaleOptOut: 1 } });
    expect(granted(readGpp(`__gpp=${both}`))).toEqual(['1', '8|9|10']);
    expect(granted(readGpp(`__gpp=${both}; __gpp_sid=2`))).toEqual(['1', '2', '3', '4', '7', '8|9|10', 'vendor:755', 'vendor:91']);
  });

  it('should say nothing without a section it reads', () => {
    expect(readGpp(`__gpp=DBAA`)).toMatchObject({ decided: false, reason: 'undecided' });
    expect(readGpp(`__gpp=${gppString({ uspv1: { Notice: 'Y', OptOutSale: 'N', LspaCovered: 'N' } })}`)).toMatchObject({ decided: false, reason: 'undecided' });
  });

  it.each([
    ['bad base64', 'DB*A~CQ', 'bad base64'],
    ['a TC string where the GPP string belongs', 'CQtAQoAQt-4cAAKABBENEsFgAPMAAAAAAAAAF5wAgAtgLzAAAAAA', 'not a GPP v1 header (type 2, version 16)'],
    ['a missing section', 'DBABMA', 'the header does not list the sections the string has'],
    ['a blank section', 'DBABMA~', 'the header does not list the sections the string has'],
    ['a truncated TCF section', 'DBABMA~CQtAQoAQt', 'truncated'],
    ['a huge value', `DBABMA~${'C'.repeat(5000)}`, 'longer than browsers store'],
    ['a bad __gpp_sid', 'DBABMA~CQ; __gpp_sid=2|7', '__gpp_sid is not a list of section ids'],
  ])('should count %s as malformed', (_name, value, detail) => {
    expect(readGpp(`__gpp=${value}`)).toMatchObject({ decided: false, reason: 'malformed', detail });
  });

  it('should refuse a header whose Fibonacci range lists 10^17 sections, in microseconds', () => {
    // Type 3, version 1, one range from 1 to fib(82): @iabgpp/cmpapi would push every id.
    const bits = '000011' + '000001' + '000000000001' + '1' + '11' + `${'0'.repeat(80)}11`;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const header = `${bits}00000`.match(/.{6}/g)!.map((sextet) => alphabet[parseInt(sextet, 2)]).join('');
    const started = performance.now();
    expect(readGpp(`__gpp=${header}~CQ`)).toMatchObject({ reason: 'malformed', detail: 'truncated or oversized section id' });
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('loading the IAB decoders', () => {
  it('should load neither until a TC or GPP string is read, and the GPP one only for GPP', () => {
    const formats = new URL('./formats.ts', import.meta.url).href;
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('@iab')).map((path) => path.includes('@iabgpp') ? 'gpp' : 'tcf');
      const { FORMATS } = await import(${JSON.stringify(formats)});
      const before = [...new Set(loaded())];
      FORMATS.tcf.read(${JSON.stringify(tcString({ purposes: [1] }))}, ['1']);
      const afterTcf = [...new Set(loaded())];
      FORMATS.gpp.read(${JSON.stringify(`${gppString({ usnat: { SaleOptOut: 1 } })}\n`)}, ['1']);
      console.log(JSON.stringify([before, afterTcf, [...new Set(loaded())].sort()]));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../../../..', import.meta.url)) });
    expect(JSON.parse(output)).toEqual([[], ['tcf'], ['gpp', 'tcf']]);
  });
});
