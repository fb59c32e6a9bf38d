import { describe, expect, it } from 'vitest';
import { klaro } from './klaro.js';
import { granted, readHeader } from './test-support.js';

const read = (header: string) => readHeader(klaro, header);

// Real values. GH = a Cookie header captured in public GitHub code (code-search hit; the site in brackets).
// The format is klaro-org/klaro-js src/consent-manager.js `saveConsents`:
// encodeURIComponent(JSON.stringify(consents)), written only once the visitor confirmed.
describe('klaro klaro', () => {
  it('should read service consents', () => {
    // GH [www.mrw.es]
    expect(granted(read('klaro=%7B%22necessary-cookies%22%3Atrue%2C%22preferences%22%3Afalse%2C%22google-analytics%22%3Afalse%2C%22google-ads%22%3Afalse%7D'))).toEqual(['necessary-cookies']);
    // GH [a Klaro site with a captcha service]
    expect(granted(read('klaro=%7B%22klaro%22%3Atrue%2C%22mathCaptcha%22%3Atrue%7D'))).toEqual(['klaro', 'mathCaptcha']);
    // GH [a TYPO3 site with numbered services]
    expect(granted(read('klaro=%7B%22other-1%22%3Atrue%2C%22analytical-cookies-3%22%3Atrue%2C%22tracking-cookies-5%22%3Atrue%7D'))).toEqual([
      'analytical-cookies-3', 'other-1', 'tracking-cookies-5',
    ]);
  });

  it('should read the services of klaro-js\'s own example config (dist/config.js)', () => {
    // klaro-org/klaro-js dist/config.js services, as saveConsents encodes them
    const consents = { twitter: false, youtube: true, matomo: false, inlineTracker: false, externalTracker: false, intercom: false, mouseflow: false, adsense: false, camera: false, googleFonts: true, cloudflare: true };
    expect(granted(read(`klaro=${encodeURIComponent(JSON.stringify(consents))}`))).toEqual(['cloudflare', 'googleFonts', 'youtube']);
  });

  it('should refuse non-boolean consents, non-objects and bad encoding', () => {
    expect(read('klaro=%7B%22matomo%22%3A1%7D')).toMatchObject({ reason: 'malformed', detail: 'service "matomo" is not true or false' });
    expect(read('klaro=%5Btrue%5D')).toMatchObject({ reason: 'malformed', detail: 'not a JSON object' });
    expect(read('klaro=%7B%22matomo%22%3Atrue')).toMatchObject({ reason: 'malformed' });
    expect(read('klaro=%E0%A4%A')).toMatchObject({ reason: 'malformed', detail: 'bad percent-encoding' });
  });

  it('should keep a __proto__ service as plain data', () => {
    const reading = read('klaro=%7B%22__proto__%22%3Atrue%2C%22matomo%22%3Afalse%7D');
    expect(granted(reading)).toEqual(['__proto__']);
    expect(reading).toMatchObject({ decided: true, ids: new Map([['__proto__', true], ['matomo', false]]) });
  });
});
