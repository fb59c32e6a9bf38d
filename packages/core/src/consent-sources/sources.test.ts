import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_POLICY } from '../html/test-support.js';
import { compilePolicy } from '../policy/compile.js';
import { loadPolicy } from '../policy/load.js';
import { compileSources, type IgnoredSource } from './sources.js';
import { validateSources } from './validate.js';

// Categories essential (required), functionality, performance, marketing.
const compiled = compilePolicy(loadPolicy(TEST_POLICY));
const sources = (option: unknown) => compileSources(validateSources(option), compiled)!;
const cookies = (values: Record<string, string>) => values;
const OPTANON = (groups: string) => ({ OptanonConsent: `interactionCount=1&groups=${encodeURIComponent(groups)}` });
const ignoredSink = () => {
  const ignored: IgnoredSource[] = [];
  return { ignored, onIgnored: (event: IgnoredSource) => ignored.push(event) };
};

describe('consent sources', () => {
  afterEach(() => void vi.useRealTimers());

  it('should grant a category only when every manager id mapped to it is granted', () => {
    const onetrust = sources([{ cmp: 'onetrust', map: { C0002: 'performance', C0007: 'performance', C0004: ['marketing', 'functionality'] } }]);
    const read = (groups: string) => onetrust.read(OPTANON(groups), () => {})?.granted;
    expect(read('C0002:1,C0007:1,C0004:1')).toEqual(['performance', 'marketing', 'functionality']);
    expect(read('C0002:1,C0007:0,C0004:1')).toEqual(['marketing', 'functionality']);
    // An id the cookie does not mention is not granted.
    expect(read('C0002:1,C0004:0')).toEqual([]);
  });

  it('should use the standard map onto the categories the policy has, and by equal name for vanilla-cookieconsent', () => {
    expect(sources([{ cmp: 'onetrust' }]).read(OPTANON('C0001:1,C0002:1,C0003:0,C0004:1'), () => {})?.granted).toEqual(['performance', 'marketing']);
    expect(sources([{ cmp: 'cookiebot' }]).read(cookies({ CookieConsent: '{necessary:true%2Cpreferences:true%2Cstatistics:false%2Cmarketing:false}' }), () => {})?.granted).toEqual(['functionality']);
    // CookieYes: the policy's "performance" needs both analytics and performance.
    expect(sources([{ cmp: 'cookieyes' }]).read(cookies({ 'cookieyes-consent': 'consent:yes,action:yes,functional:no,analytics:yes,performance:no,advertisement:yes' }), () => {})?.granted).toEqual(['marketing']);
    const cc = '{"level":["necessary","performance","ads"]}';
    expect(sources([{ cmp: 'vanilla-cookieconsent' }]).read(cookies({ cc_cookie: cc }), () => {})?.granted).toEqual(['performance']);
  });

  it('should name the first configured source that has a decision', () => {
    const both = sources([{ cmp: 'cookieyes' }, { cmp: 'onetrust' }]);
    const cookieyes = { 'cookieyes-consent': 'consent:yes,action:yes,functional:yes' };
    expect(both.read({ ...OPTANON('C0004:1'), ...cookieyes }, () => {})).toMatchObject({ cmp: 'cookieyes', granted: ['functionality'] });
    expect(both.read({ ...OPTANON('C0004:1'), 'cookieyes-consent': 'consent:no,action:,functional:yes' }, () => {})).toMatchObject({ cmp: 'onetrust', granted: ['marketing'] });
    expect(both.read({ other: 'x' }, () => {})).toBeUndefined();
  });

  it('should read a renamed cookie', () => {
    const renamed = sources([{ cmp: 'klaro', cookie: 'consents', map: { matomo: 'performance' } }]);
    expect(renamed.read(cookies({ consents: '%7B%22matomo%22%3Atrue%7D' }), () => {})?.granted).toEqual(['performance']);
    expect(renamed.read(cookies({ klaro: '%7B%22matomo%22%3Atrue%7D' }), () => {})).toBeUndefined();
  });

  it('should say a decision is fresh the first time this process reads that value, and not after', () => {
    const onetrust = sources([{ cmp: 'onetrust' }]);
    expect(onetrust.read(OPTANON('C0002:1'), () => {})).toMatchObject({ fresh: true });
    expect(onetrust.read(OPTANON('C0002:1'), () => {})).toMatchObject({ fresh: false, granted: ['performance'] });
    expect(onetrust.read(OPTANON('C0002:0'), () => {})).toMatchObject({ fresh: true, granted: [] });
  });

  it('should report an ignored cookie once, then once an hour with the count since', () => {
    vi.useFakeTimers({ now: 0 });
    const cookiebot = sources([{ cmp: 'cookiebot' }]);
    const { ignored, onIgnored } = ignoredSink();
    for (let i = 0; i < 5; i++) expect(cookiebot.read(cookies({ CookieConsent: 'garbage' }), onIgnored)).toBeUndefined();
    cookiebot.read(cookies({ CookieConsent: '-1' }), onIgnored);
    expect(ignored).toEqual([
      { source: 'cookiebot', cookie: 'CookieConsent', reason: 'malformed', detail: 'not an object literal {…}', count: 1 },
      { source: 'cookiebot', cookie: 'CookieConsent', reason: 'undecided', detail: expect.stringContaining('stamp -1'), count: 1 },
    ]);
    vi.setSystemTime(60 * 60 * 1000);
    cookiebot.read(cookies({ CookieConsent: '{x' }), onIgnored);
    expect(ignored[2]).toMatchObject({ reason: 'malformed', count: 5 });
  });
});

describe('the consentSources option', () => {
  it.each([
    [{ cmp: 'onetrust' }, 'option consentSources must be a list'],
    [[{ cmp: 'one-trust' }], 'option consentSources[0].cmp `one-trust` is not a consent manager consent-guard reads. Did you mean `onetrust`? Use one of: vanilla-cookieconsent, klaro, cookieyes, cookielawinfo, cookiebot, onetrust.'],
    [[{ cmp: 42 }], 'Use one of: vanilla-cookieconsent, klaro, cookieyes, cookielawinfo, cookiebot, onetrust.'],
    [[{ cmp: 'klaro', mapp: {} }], 'option consentSources[0] has an unknown key `mapp`. Did you mean `map`?'],
    [[{ cmp: 'onetrust', cookie: 'OT' }], 'option consentSources[0].cookie: onetrust always uses the cookie "OptanonConsent"; leave cookie out'],
    [[{ cmp: 'onetrust' }, { cmp: 'onetrust' }], 'option consentSources[1] reads the same onetrust cookie "OptanonConsent" as consentSources[0]'],
    [[{ cmp: 'onetrust', map: { C0004: [] } }], 'option consentSources[0].map.C0004 must be a policy category id or a non-empty list of them'],
    [[{ cmp: 'onetrust', map: { 'C 4': 'marketing' } }], 'option consentSources[0].map: "C 4" is not a manager id'],
  ])('should refuse %j', (option, message) => {
    expect(() => validateSources(option)).toThrow(TypeError);
    expect(() => validateSources(option)).toThrow(message);
  });

  it('should refuse a map onto a category the policy does not have, with a hint', () => {
    expect(() => sources([{ cmp: 'onetrust', map: { C0004: 'marketting' } }])).toThrow(
      'option consentSources[0].map.C0004: "marketting" is not a category of the policy. Did you mean "marketing"? Categories: essential, functionality, performance, marketing.',
    );
  });

  it('should require a map for Klaro, whose services are the site\'s own', () => {
    expect(() => sources([{ cmp: 'klaro' }])).toThrow('option consentSources[0].map is required for klaro');
  });
});
