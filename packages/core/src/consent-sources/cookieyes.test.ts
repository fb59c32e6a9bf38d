import { describe, expect, it } from 'vitest';
import { cookieyes } from './cookieyes.js';
import { granted, readHeader } from './test-support.js';

const read = (header: string) => readHeader(cookieyes, header);

// Real values. GH = a Cookie header captured in public GitHub code (code-search hit; the site in brackets).
// uBO = uBlockOrigin/uBOL-home, firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js (commit 13f3cca5).
describe('cookieyes cookieyes-consent', () => {
  it('should read an acceptance of everything, with the consent id', () => {
    // GH [boilerhousespaces.com]
    const reading = read('cookieyes-consent=consentid:QkMzRTVzc2w3eWJPM3ptTXBUY1AwRUdyaTVlenJtTUg,consent:yes,action:yes,necessary:yes,functional:yes,analytics:yes,performance:yes,advertisement:yes,other:yes');
    expect(granted(reading)).toEqual(['advertisement', 'analytics', 'functional', 'necessary', 'other', 'performance']);
    expect(reading).toMatchObject({ consentId: 'QkMzRTVzc2w3eWJPM3ptTXBUY1AwRUdyaTVlenJtTUg' });
  });

  it('should read an older value without "other"', () => {
    // GH [benidormevents…]
    expect(granted(read('cookieyes-consent=consentid:TGVWbW9zOXZmUG1CcXdkSGVkaEtkb2R0enNRZVVNMWg,consent:yes,action:yes,necessary:yes,functional:yes,analytics:yes,performance:yes,advertisement:yes'))).toEqual([
      'advertisement', 'analytics', 'functional', 'necessary', 'performance',
    ]);
  });

  it('should read a refusal without a consent id, as uBO writes it', () => {
    // uBO [ilovefreegle.org]
    const reading = read('cookieyes-consent=consent:no,action:yes,necessary:yes,functional:no,analytics:no,performance:no,advertisement:no,other:no');
    expect(granted(reading)).toEqual([]);
    expect(reading).toMatchObject({ decided: true, consentId: undefined });
  });

  it('should count no action:yes as no decision', () => {
    // GH [selfservice.mvnu.edu]: the banner not answered yet
    expect(read('cookieyes-consent=consentid:d0owaVVvazVQeldUemZ0aVF5OGs1RVdLM3pPQlBaY24,consent:no,action:,necessary:yes,functional:no,analytics:no,performance:no,advertisement:no,other:no')).toMatchObject({ decided: false, reason: 'undecided' });
    // GH [www.bayt.com]: consent:yes but action:no
    expect(read('cookieyes-consent=consentid:S2k4RFFzdHlnUEoxSWlCNUFEc05Jb0dWaHBaNnY1NTk,consent:yes,action:no,necessary:yes,functional:yes,analytics:yes,performance:yes,advertisement:yes')).toMatchObject({ decided: false, reason: 'undecided' });
  });

  it('should deny every category on consent:no, whatever the categories say (fail closed)', () => {
    // GH [a site sending consent:no with categories yes]
    const reading = read('cookieyes-consent=consentid:TzljcGFOWkF2OHRESURkSXZucDlvaXAyYjg1SU9WSXU,consent:no,action:yes,necessary:yes,functional:yes,analytics:yes,advertisement:yes');
    expect(granted(reading)).toEqual([]);
    expect(reading).toMatchObject({ decided: true });
  });

  it('should refuse duplicate keys, other values and other syntax', () => {
    expect(read('cookieyes-consent=consent:yes,action:yes,analytics:no,analytics:yes')).toMatchObject({ reason: 'malformed' });
    expect(read('cookieyes-consent=consent:yes,action:yes,analytics:true')).toMatchObject({ reason: 'malformed', detail: 'category "analytics" is not yes or no' });
    expect(read('cookieyes-consent=consent:yes%2Caction:yes%2Canalytics:yes')).toMatchObject({ reason: 'malformed' });
    expect(read('cookieyes-consent=necessary:yes,analytics:yes')).toMatchObject({ reason: 'incomplete' });
    expect(read('cookieyes-consent=')).toMatchObject({ reason: 'malformed' });
  });
});
