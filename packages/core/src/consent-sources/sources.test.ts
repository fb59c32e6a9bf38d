import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_POLICY } from '../html/test-support.js';
import { compilePolicy } from '../policy/compile.js';
import { loadPolicy } from '../policy/load.js';
import { compileSources, type IgnoredSource } from './sources.js';
import { gppString, tcString } from './test-support.js';
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

describe('TCF and GPP as consent sources', () => {
  afterEach(() => void vi.useRealTimers());
  const DAY = 24 * 60 * 60 * 1000;
  const withServices = compilePolicy(
    loadPolicy({ ...TEST_POLICY, consentCookie: { maxAgeDays: 30 }, services: { criteo: 'marketing', taboola: 'marketing', 'google-analytics': 'performance' } }),
  );
  const tcfSource = (option: object = { cmp: 'tcf' }, policy = compiled) => compileSources(validateSources([option]), policy)!;
  const read = (source: ReturnType<typeof tcfSource>, values: Record<string, string>, onIgnored: (event: IgnoredSource) => void = () => {}) => source.read(values, onIgnored)?.granted;

  it('should grant a category only with Purpose 1 and its purposes: any of P8-P10, all of P2, P3, P4, P7, any of P5, P6, P11', () => {
    const tc = (purposes: number[]) => ({ 'euconsent-v2': tcString({ purposes }) });
    expect(read(tcfSource(), tc([1, 2, 3, 4, 5, 7, 9]))).toEqual(['functionality', 'performance', 'marketing']);
    expect(read(tcfSource(), tc([1, 2, 3, 4, 10]))).toEqual(['performance']);
    expect(read(tcfSource(), tc([1, 11]))).toEqual(['functionality']);
    expect(read(tcfSource(), tc([2, 3, 4, 5, 7, 8]))).toEqual([]);
    expect(read(tcfSource(), tc([]))).toEqual([]);
  });

  it('should take a map of its own, and the cookie name OneTrust uses', () => {
    const source = tcfSource({ cmp: 'tcf', cookie: 'eupubconsent-v2', map: { '1': ['performance', 'marketing'], '7|8': 'performance', '2': 'marketing' } });
    expect(read(source, { 'eupubconsent-v2': tcString({ purposes: [1, 2, 7] }) })).toEqual(['performance', 'marketing']);
    expect(read(source, { 'euconsent-v2': tcString({ purposes: [1, 2, 7] }) })).toBeUndefined();
  });

  it("should also need the vendor consent of each catalogue service with a TCF vendor id in the category", () => {
    const source = tcfSource({ cmp: 'tcf' }, withServices);
    const all = [1, 2, 3, 4, 5, 7, 8];
    expect(read(source, { 'euconsent-v2': tcString({ purposes: all, vendors: [91, 42] }) })).toEqual(['functionality', 'performance', 'marketing']);
    // Taboola (42) refused: marketing, where Criteo and Taboola are, stays off; Google Analytics has no vendor id.
    expect(read(source, { 'euconsent-v2': tcString({ purposes: all, vendors: [91] }) })).toEqual(['functionality', 'performance']);
  });

  it('should count a choice older than maxAgeDays as none, also when it was read before', () => {
    vi.useFakeTimers({ now: Date.parse('2026-06-01T00:00:00Z') });
    const source = tcfSource({ cmp: 'tcf' }, withServices);
    const value = { 'euconsent-v2': tcString({ purposes: [1, 8], lastUpdated: new Date('2026-05-20T00:00:00Z') }) };
    const { ignored, onIgnored } = ignoredSink();
    expect(read(source, value, onIgnored)).toEqual(['performance']);
    vi.setSystemTime(Date.parse('2026-05-20T00:00:00Z') + 30 * DAY);
    expect(read(source, value, onIgnored)).toBeUndefined();
    expect(ignored).toEqual([{ source: 'tcf', cookie: 'euconsent-v2', reason: 'undecided', detail: 'decided 2026-05-20: older than maxAgeDays, or in the future', count: 1 }]);
    expect(read(source, { 'euconsent-v2': tcString({ purposes: [1, 8], lastUpdated: new Date(Date.now() + 2 * DAY) }) })).toBeUndefined();
  });

  it('should read GPP: its TCF section, or the US opt-outs in an opt-out regime', () => {
    const source = tcfSource({ cmp: 'gpp' }, withServices);
    const tcfSection = { CmpId: 10, CmpVersion: 1, PurposeConsents: [true, true, true, true, false, false, true, true], VendorConsents: [91, 42] };
    expect(read(source, { __gpp: gppString({ tcfeuv2: tcfSection }), __gpp_sid: '2' })).toEqual(['performance', 'marketing']);
    expect(read(source, { __gpp: gppString({ usnat: { SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 2 } }), __gpp_sid: '7' })).toEqual(['functionality', 'performance', 'marketing']);
    expect(read(source, { __gpp: gppString({ usnat: { SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 1 } }), __gpp_sid: '7' })).toEqual(['functionality', 'performance']);
  });
});

describe('the consentSources option', () => {
  it.each([
    [{ cmp: 'onetrust' }, 'option consentSources must be a list'],
    [[{ cmp: 'one-trust' }], 'option consentSources[0].cmp `one-trust` is not a consent manager consent-guard reads. Did you mean `onetrust`? Use one of: vanilla-cookieconsent, klaro, cookieyes, cookielawinfo, cookiebot, onetrust, tcf, gpp.'],
    [[{ cmp: 42 }], 'Use one of: vanilla-cookieconsent, klaro, cookieyes, cookielawinfo, cookiebot, onetrust, tcf, gpp.'],
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
