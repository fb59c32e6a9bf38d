import { describe, expect, it } from 'vitest';
import { cookiebot } from './cookiebot.js';
import { granted, readHeader } from './test-support.js';

const read = (header: string) => readHeader(cookiebot, header);

// Real values. uBO = uBlockOrigin/uBOL-home, firefox/rulesets/scripting/scriptlet/annoyances-cookies.trusted-set-cookie.js
// (commit 13f3cca5), which sets the cookie a site's Cookiebot accepts as "rejected"/"accepted".
// GH = a Cookie header captured in public GitHub code (code-search hit; the site it was sent to in brackets).
describe('cookiebot CookieConsent', () => {
  it('should read an explicit refusal with stamp, method, ver and utc', () => {
    // uBO
    const reading = read("CookieConsent={stamp:%27BvqlZ34xqOpzSOaxY1VgwOy5CZ1lfC4Xs2JNiDqz9M4rNuyyAY56Jg==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:false%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1697932000537}");
    expect(granted(reading)).toEqual(['necessary']);
    expect(reading).toMatchObject({ consentId: 'BvqlZ34xqOpzSOaxY1VgwOy5CZ1lfC4Xs2JNiDqz9M4rNuyyAY56Jg==' });
  });

  it('should read an acceptance whose stamp holds "/" and "+"', () => {
    // uBO
    const reading = read('CookieConsent={stamp:%27fbbiPQWa8SRQm47Ge8hRVOAPAgw2jXlG8o/+hp1euVVi1qtFQj1O3w==%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2Cmethod:%27explicit%27%2Cver:4}');
    expect(granted(reading)).toEqual(['marketing', 'necessary', 'preferences', 'statistics']);
  });

  it('should read a value with a region and IAB / Google consent strings', () => {
    // GH [fd… site, region "ae"]
    expect(granted(read("CookieConsent={stamp:%27G+6rYDfrzwrZItFRfHCbe8iQIFLhMDCgjBS+/Oq/gZe0Lovh65ODgg==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:false%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1705162226478%2Cregion:%27ae%27}"))).toEqual(['necessary']);
    // GH [a site sending iab2 and gacm strings, region "nl"]
    const withStrings =
      "CookieConsent={stamp:%27ALwlL4byOChi7fogrtFyNc54Vru1aALhfZsUHdzXartA1rx9BIvH+g==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:false%2Cmarketing:false%2Cmethod:%27explicit%27%2Cver:1%2Cutc:1707240048272%2Ciab2:%27CP5jqEAP5jqEACGABBENAmEgAAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAAA%27%2Cgacm:%272~AA==fmR2Lg==AAAAAAAAAABCAABAAAgAIAAABAAAAAAACAAAAAAAAAAQAAAAAAABABAAIAAAAAAAAAAAAQAAAAAAAAAAAgMAAAAAAAgAAAACAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAQAAAAAAFAAAAAAAAAAAAAAAAARAAAAAAAAAAACAAABAAAAAAAAAAEAAAAAAABAQAAAEAAAAAAAAAAAAAAAAAAACBAAAAAAAAAAAAQAAAAAAAAAAgAAAAAAAAAAAAAAAAAAAAAAAACAgBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEAAAAAAAQAAgAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAAAkQAAAAAAAAAAAAAAAAQ=%27%2Cregion:%27nl%27}";
    expect(granted(read(withStrings))).toEqual(['necessary']);
  });

  it('should read a value without a stamp (as uBO writes it), with no consent id', () => {
    // uBO
    const reading = read('CookieConsent={necessary:true%2Cpreferences:false%2Cstatistics:true%2Cmarketing:true}');
    expect(granted(reading)).toEqual(['marketing', 'necessary', 'statistics']);
    expect(reading).toMatchObject({ consentId: undefined });
  });

  it('should count stamp -1 (the region needs no consent) as no decision', () => {
    // GH [a CN visitor: Cookiebot implied everything]
    const reading = read("CookieConsent={stamp:%27-1%27%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2Cmethod:%27implied%27%2Cver:1%2Cutc:1695456095624%2Cregion:%27CN%27}");
    expect(reading).toMatchObject({ decided: false, reason: 'undecided', detail: expect.stringContaining('stamp -1') });
    expect(read('CookieConsent=-1')).toMatchObject({ decided: false, reason: 'undecided' });
  });

  it('should refuse other managers\' cookies that share the name CookieConsent', () => {
    // uBO: other consent managers also call their cookie CookieConsent
    for (const value of ['1.0.0.0.0', '%7B%22Mode%22%3A0%7D', 'mandatory|external', 'necessary:true%2C%20preference:true%2C%20statistics:false%2C%20marketing:false']) {
      expect(read(`CookieConsent=${value}`)).toMatchObject({ decided: false, reason: 'malformed' });
    }
  });

  it('should refuse spaces, duplicate keys, trailing commas, escapes and missing categories', () => {
    expect(read("CookieConsent={stamp:%27reject%27%2C+necessary:true%2C+preferences:false%2C+statistics:false%2C+marketing:false}")).toMatchObject({ reason: 'malformed' });
    expect(read('CookieConsent={necessary:true%2Cpreferences:false%2Cstatistics:false%2Cmarketing:false%2Cmarketing:true}')).toMatchObject({ reason: 'malformed', detail: 'duplicate key "marketing"' });
    expect(read('CookieConsent={necessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2C}')).toMatchObject({ reason: 'malformed', detail: 'trailing comma' });
    expect(read("CookieConsent={stamp:%27a\\%27%2Cnecessary:true}")).toMatchObject({ decided: false });
    expect(read('CookieConsent={necessary:true%2Cpreferences:true%2Cstatistics:true}')).toMatchObject({ reason: 'incomplete', detail: 'no true/false "marketing"' });
    expect(read("CookieConsent={necessary:true%2Cpreferences:%27true%27%2Cstatistics:true%2Cmarketing:true}")).toMatchObject({ reason: 'incomplete' });
    expect(read('CookieConsent={stamp:1%2Cnecessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true}')).toMatchObject({ reason: 'malformed', detail: 'stamp is not a string' });
  });
});
