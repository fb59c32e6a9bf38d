import { describe, expect, it } from 'vitest';
import { onetrust } from './onetrust.js';
import { granted, readHeader } from './test-support.js';

const read = (header: string) => readHeader(onetrust, header);

// Real values. GH = a Cookie header captured in public GitHub code (code-search hit; the site in brackets).
// uBO = uBlockOrigin/uBOL-home, firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js
// (commit 13f3cca5): it sets `OptanonConsent=groups=…` with `OptanonAlertBoxClosed=$currentDate$`
// (a date uBO fills in; an ISO date stands in for it here).
const TRIVAGO =
  'OptanonConsent=isGpcEnabled=0&datestamp=Tue+Oct+19+2021+11%3A31%3A41+GMT%2B0800+(%E5%8F%B0%E5%8C%97%E6%A8%99%E6%BA%96%E6%99%82%E9%96%93)&version=6.20.0&isIABGlobal=false&hosts=&consentId=0c737b02-e9a0-4211-a8f2-d5ba02e29d69&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0003%3A1%2CC0002%3A1%2CC0004%3A1&geolocation=TW%3BTPE&AwaitingReconsent=false';

describe('onetrust OptanonConsent', () => {
  it('should read a full value with its consent id and the banner closed', () => {
    // GH [www.trivago.com.tw]
    const reading = read(`${TRIVAGO}; OptanonAlertBoxClosed=2021-10-19T03:31:41.236Z`);
    expect(granted(reading)).toEqual(['C0001', 'C0002', 'C0003', 'C0004']);
    expect(reading).toMatchObject({ consentId: '0c737b02-e9a0-4211-a8f2-d5ba02e29d69' });
  });

  it('should take an interaction count as a decision without OptanonAlertBoxClosed', () => {
    // GH [www.trivago.com.tw], the same value sent without its companion cookie
    expect(granted(read(TRIVAGO))).toEqual(['C0001', 'C0002', 'C0003', 'C0004']);
  });

  it('should read an older value without interactionCount when the banner was closed', () => {
    // GH [banner.apps.uillinois.edu]
    const header =
      'OptanonAlertBoxClosed=2024-07-29T03:03:35.027Z; OptanonConsent=isGpcEnabled=0&datestamp=Sun+Jul+28+2024+22%3A03%3A35+GMT-0500+(Central+Daylight+Time)&version=6.39.0&isIABGlobal=false&hosts=&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1';
    expect(granted(read(header))).toEqual(['C0001', 'C0002', 'C0003', 'C0004']);
    // The same without OptanonAlertBoxClosed: no decision recorded.
    expect(read(header.slice(header.indexOf('OptanonConsent')))).toMatchObject({ decided: false, reason: 'undecided' });
  });

  it('should read refusals as uBO writes them, with numeric and custom group ids', () => {
    // uBO [redbull.com]
    expect(granted(read('OptanonConsent=groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1; OptanonAlertBoxClosed=2025-01-01T00:00:00.000Z'))).toEqual(['C0001', 'C0003']);
    // uBO
    expect(granted(read('OptanonConsent=groups=1%3A1%2C2%3A0%2C3%3A1%2C4%3A0%2CV2STACK42%3A0; OptanonAlertBoxClosed=2025-01-01T00:00:00.000Z'))).toEqual(['1', '3']);
  });

  it('should count an empty groups list as incomplete', () => {
    // GH [a site sending groups= with the banner closed]
    const header =
      'OptanonConsent=isGpcEnabled=0&datestamp=Mon+Mar+06+2023+18%3A48%3A57+GMT-0500+(Eastern+Standard+Time)&version=202211.1.0&isIABGlobal=false&hosts=&landingPath=NotLandingPage&groups=&AwaitingReconsent=false&geolocation=US%3BNC; OptanonAlertBoxClosed=2023-03-06T23:48:57.900Z';
    expect(read(header)).toMatchObject({ decided: false, reason: 'incomplete', detail: 'no groups' });
  });

  it('should ask again when OneTrust awaits reconsent', () => {
    expect(read(`${TRIVAGO.replace('AwaitingReconsent=false', 'AwaitingReconsent=true')}`)).toMatchObject({ decided: false, reason: 'undecided' });
  });

  it('should not let a landing path inject groups, nor accept duplicate fields or groups', () => {
    const injected = TRIVAGO.replace('landingPath=NotLandingPage', 'landingPath=https%3A%2F%2Fsite.example%2F%3Fx%3D1%26groups%3DC0004%3A1');
    expect(granted(read(injected))).toEqual(['C0001', 'C0002', 'C0003', 'C0004']);
    expect(read('OptanonConsent=interactionCount=1&groups=C0004%3A0&groups=C0004%3A1')).toMatchObject({ reason: 'malformed' });
    expect(read('OptanonConsent=interactionCount=1&groups=C0004%3A0%2CC0004%3A1')).toMatchObject({ reason: 'malformed' });
    expect(read('OptanonConsent=interactionCount=1&groups=C0004%3Ayes')).toMatchObject({ reason: 'malformed' });
    expect(read('OptanonConsent=interactionCount=1&groups=C0004%3')).toMatchObject({ reason: 'malformed' });
    expect(read('OptanonConsent=interactionCount=-1&groups=C0004%3A1')).toMatchObject({ reason: 'malformed' });
    expect(read('OptanonConsent=interactionCount=0&groups=C0004%3A1; OptanonAlertBoxClosed=not-a-date')).toMatchObject({ reason: 'undecided' });
  });
});
