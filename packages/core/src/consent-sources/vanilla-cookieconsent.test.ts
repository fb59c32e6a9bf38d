import { afterEach, describe, expect, it, vi } from 'vitest';
import { granted, readHeader } from './test-support.js';
import { vanillaCookieconsent } from './vanilla-cookieconsent.js';

const read = (header: string) => readHeader(vanillaCookieconsent, header);

// Real values. GH = a Cookie header captured in public GitHub code (code-search hit; the site in brackets).
// uBO = uBlockOrigin/uBOL-home, firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js (commit 13f3cca5).
// Formats: orestbida/cookieconsent src/utils/cookies.js `setCookie` (v3), src/cookieconsent.js at tag v2.9 (v2).
describe('vanilla-cookieconsent cc_cookie', () => {
  afterEach(() => void vi.useRealTimers());

  it('should read a v3 value (URL-encoded JSON)', () => {
    // GH [www.happyscribe.com]
    const reading = read(
      'cc_cookie=%7B%22categories%22%3A%5B%22necessary%22%2C%22analytics%22%2C%22marketing%22%5D%2C%22revision%22%3A0%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222024-03-29T14%3A18%3A19.878Z%22%2C%22consentId%22%3A%22d532bf02-4c6e-43ea-a713-281ff8cefb2d%22%2C%22services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22analytics%22%3A%5B%5D%2C%22marketing%22%3A%5B%5D%7D%2C%22lastConsentTimestamp%22%3A%222024-03-29T14%3A18%3A19.878Z%22%7D',
    );
    expect(granted(reading)).toEqual(['analytics', 'marketing', 'necessary']);
    expect(reading).toMatchObject({ consentId: 'd532bf02-4c6e-43ea-a713-281ff8cefb2d' });
  });

  it('should honour a v3 expirationTime', () => {
    // GH [chat.mistral.ai]: expires 2025-05-21
    const header =
      'cc_cookie=%7B%22categories%22%3A%5B%22necessary%22%5D%2C%22revision%22%3A1%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222024-11-20T19%3A02%3A36.823Z%22%2C%22consentId%22%3A%2212fd04af-4af6-48a3-8531-b7cf317849d1%22%2C%22services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22analytics%22%3A%5B%5D%2C%22support%22%3A%5B%5D%7D%2C%22lastConsentTimestamp%22%3A%222024-11-20T19%3A02%3A36.823Z%22%2C%22expirationTime%22%3A1747854156824%7D';
    vi.useFakeTimers({ now: Date.parse('2025-01-01T00:00:00Z') });
    expect(granted(read(header))).toEqual(['necessary']);
    vi.setSystemTime(Date.parse('2025-06-01T00:00:00Z'));
    expect(read(header)).toMatchObject({ decided: false, reason: 'undecided', detail: '"expirationTime" has passed' });
  });

  it('should read v2 values (raw JSON, "level")', () => {
    // GH [a site on v2.9]
    expect(granted(read('cc_cookie={"categories":["necessary","analytics","targeting"],"level":["necessary","analytics","targeting"],"revision":0,"data":null,"rfc_cookie":false,"consent_date":"2025-04-09T11:58:17.994Z","consent_uuid":"cf03ed80-d5c8-4e29-b443-183257c07b1c","last_consent_update":"2025-04-09T11:58:17.994Z"}'))).toEqual([
      'analytics', 'necessary', 'targeting',
    ]);
    // GH [a site on v2 before 2.8]
    expect(granted(read('cc_cookie={"level":["necessary","analytics","targeting","social-media"],"revision":0,"data":null,"rfc_cookie":false}'))).toEqual(['analytics', 'necessary', 'social-media', 'targeting']);
    // uBO
    expect(granted(read('cc_cookie={"level":["necessary"],"revision":0,"data":null,"rfc_cookie":false}'))).toEqual(['necessary']);
  });

  it('should read a v2 value with use_rfc_cookie (URL-encoded)', () => {
    // uBO: a v2 cookie under another name, written with rfc_cookie:true
    expect(granted(read('cc_cookie=%7B%22level%22%3A%5B%22necessary%22%5D%2C%22revision%22%3A0%2C%22data%22%3A%7B%22id%22%3A%22DarYF7gx7v%22%7D%2C%22rfc_cookie%22%3Atrue%7D'))).toEqual(['necessary']);
  });

  it('should count a value without v3\'s consentId and timestamp, or v2\'s level, as incomplete', () => {
    // GH [a test fixture writing only categories]
    expect(read('cc_cookie=%7B%22categories%22%3A%5B%22necessary%22%5D%7D')).toMatchObject({ reason: 'incomplete', detail: 'no "consentId"' });
    expect(read('cc_cookie={"revision":0}')).toMatchObject({ reason: 'incomplete' });
  });

  it('should refuse wrong types', () => {
    expect(read('cc_cookie={"level":"necessary"}')).toMatchObject({ reason: 'malformed' });
    expect(read('cc_cookie={"categories":[1],"consentId":"x","consentTimestamp":"2024-01-01T00:00:00Z"}')).toMatchObject({ reason: 'malformed' });
    expect(read('cc_cookie={"categories":["analytics"],"consentId":"x","consentTimestamp":"2024-01-01T00:00:00Z","expirationTime":"never"}')).toMatchObject({ reason: 'undecided' });
  });
});
