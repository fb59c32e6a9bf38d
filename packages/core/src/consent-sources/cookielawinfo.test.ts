import { describe, expect, it } from 'vitest';
import { cookielawinfo } from './cookielawinfo.js';
import { granted, readHeader } from './test-support.js';

const IDS = ['functional', 'performance', 'analytics', 'advertisement'];
const read = (header: string, ids = IDS) => readHeader(cookielawinfo, header, ids);

// Real values. GH = a Cookie header captured in public GitHub code (code-search hit; the site in brackets).
// The rule (both cookies must say yes, a missing checkbox is a no) is the plugin's own `check_consent`
// (`$main_cookie === 'yes' && $preference_cookie === 'yes'`, default 'no'); the old plugin's
// js/cookielawinfo.js (wp-plugins/cookie-law-info) sets only `viewed_cookie_policy=yes`.
describe('cookielawinfo viewed_cookie_policy + cookielawinfo-checkbox-*', () => {
  it('should read a refusal with every category cookie and the CookieLawInfoConsent cookie', () => {
    // GH [a WordPress site, websweep crawler]
    const header =
      'cookielawinfo-checkbox-necessary=yes; cookielawinfo-checkbox-functional=no; cookielawinfo-checkbox-performance=no; cookielawinfo-checkbox-analytics=no; cookielawinfo-checkbox-advertisement=no; cookielawinfo-checkbox-others=no; CookieLawInfoConsent=eyJuZWNlc3NhcnkiOnRydWUsImZ1bmN0aW9uYWwiOmZhbHNlLCJwZXJmb3JtYW5jZSI6ZmFsc2UsImFuYWx5dGljcyI6ZmFsc2UsImFkdmVydGlzZW1lbnQiOmZhbHNlLCJvdGhlcnMiOmZhbHNlfQ==; viewed_cookie_policy=yes';
    expect(read(header)).toMatchObject({ decided: true });
    expect(granted(read(header))).toEqual([]);
    expect(granted(read(header.replace('checkbox-analytics=no', 'checkbox-analytics=yes')))).toEqual(['analytics']);
  });

  it('should count checkbox cookies without viewed_cookie_policy as absent (the banner was not answered)', () => {
    // GH [www.save-free.com]
    expect(read('cookielawinfo-checkbox-necessary=yes; cookielawinfo-checkbox-functional=no; cookielawinfo-checkbox-performance=no; cookielawinfo-checkbox-analytics=no; cookielawinfo-checkbox-others=no')).toBe('absent');
  });

  it('should deny everything once the visitor rejected, whatever the checkboxes say', () => {
    expect(granted(read('viewed_cookie_policy=no; cookielawinfo-checkbox-analytics=yes; cookielawinfo-checkbox-functional=yes'))).toEqual([]);
  });

  it('should deny a category whose checkbox cookie is missing', () => {
    expect(granted(read('viewed_cookie_policy=yes; cookielawinfo-checkbox-functional=yes'))).toEqual(['functional']);
  });

  it('should read the old plugin (the seed site) through the pseudo-id viewed_cookie_policy', () => {
    // wp-plugins/cookie-law-info js/cookielawinfo.js: jQuery.cookie('viewed_cookie_policy', 'yes', …)
    expect(granted(read('viewed_cookie_policy=yes', ['viewed_cookie_policy']))).toEqual(['viewed_cookie_policy']);
    expect(granted(read('viewed_cookie_policy=no', ['viewed_cookie_policy']))).toEqual([]);
  });

  it('should refuse values other than yes and no', () => {
    expect(read('viewed_cookie_policy=true')).toMatchObject({ reason: 'malformed' });
    expect(read('viewed_cookie_policy=yes; cookielawinfo-checkbox-analytics=1')).toMatchObject({ reason: 'malformed', detail: 'cookielawinfo-checkbox-analytics is neither yes nor no' });
  });
});
