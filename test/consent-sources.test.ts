import type { ConsentSourceOption, ReportEvent } from '@consent-guard/core';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, htmlPage, setCookieNames, type Framework } from './helpers/apps.js';
import { gppString, tcString } from '../packages/core/src/consent-sources/test-support.js';
import { consentCookie } from './helpers/consent.js';

const REVISION = '2018-09-10';
const OPTIONAL = ['functionality', 'performance', 'marketing'];
// One first-party cookie per category of the demo policy.
const SET_COOKIES = ['PHPSESSID=1; Path=/', 'NID=2; Path=/', '__ab12=3; Path=/', '__hstc=4; Path=/'];
const COOKIE_OF: Record<string, string> = { essential: 'PHPSESSID', functionality: 'NID', performance: '__ab12', marketing: '__hstc' };
const routes = { raw: { '/page': htmlPage('<!doctype html><html><body><p>Hello</p></body></html>', { 'Set-Cookie': SET_COOKIES }) } };

interface Case {
  readonly source: ConsentSourceOption;
  /**
   * A Cookie header as the manager writes it: the real values of the readers' unit tests
   * (packages/core/src/consent-sources/*.test.ts say where each comes from), with the
   * choices varied per case.
   */
  readonly cookie: string;
  readonly granted: readonly string[];
}

const CASES: Record<string, Case> = {
  onetrust: {
    source: { cmp: 'onetrust' },
    cookie: 'OptanonAlertBoxClosed=2021-10-19T03:31:41.236Z; OptanonConsent=isGpcEnabled=0&version=6.20.0&isIABGlobal=false&hosts=&consentId=0c737b02-e9a0-4211-a8f2-d5ba02e29d69&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A0%2CC0004%3A0',
    granted: ['essential', 'performance'],
  },
  cookiebot: {
    source: { cmp: 'cookiebot', map: { preferences: 'functionality', statistics: 'performance', marketing: 'marketing' } },
    cookie: "CookieConsent={stamp:%27Uv9YOAVP5djCBw71lxhE4rNAfTObaGck2Sn3rKWf9dPCYpqcWvAlpA==%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:false%2Cmarketing:true%2Cmethod:%27explicit%27%2Cver:1}",
    granted: ['essential', 'marketing'],
  },
  cookieyes: {
    source: { cmp: 'cookieyes' },
    cookie: 'cookieyes-consent=consentid:QkMzRTVzc2w3eWJPM3ptTXBUY1AwRUdyaTVlenJtTUg,consent:yes,action:yes,necessary:yes,functional:yes,analytics:yes,performance:yes,advertisement:no,other:no',
    granted: ['essential', 'functionality', 'performance'],
  },
  cookielawinfo: {
    source: { cmp: 'cookielawinfo' },
    cookie: 'cookielawinfo-checkbox-necessary=yes; cookielawinfo-checkbox-functional=yes; cookielawinfo-checkbox-performance=no; cookielawinfo-checkbox-analytics=yes; cookielawinfo-checkbox-advertisement=yes; cookielawinfo-checkbox-others=no; viewed_cookie_policy=yes',
    granted: ['essential', 'functionality', 'marketing'],
  },
  klaro: {
    source: { cmp: 'klaro', map: { googleMaps: 'functionality', matomo: 'performance', hubspot: 'marketing' } },
    cookie: `klaro=${encodeURIComponent(JSON.stringify({ googleMaps: true, matomo: false, hubspot: true }))}`,
    granted: ['essential', 'functionality', 'marketing'],
  },
  'vanilla-cookieconsent': {
    source: { cmp: 'vanilla-cookieconsent', map: { analytics: 'performance', marketing: 'marketing' } },
    cookie:
      'cc_cookie=%7B%22categories%22%3A%5B%22necessary%22%2C%22analytics%22%2C%22marketing%22%5D%2C%22revision%22%3A0%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222024-03-29T14%3A18%3A19.878Z%22%2C%22consentId%22%3A%22d532bf02-4c6e-43ea-a713-281ff8cefb2d%22%2C%22services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22analytics%22%3A%5B%5D%2C%22marketing%22%3A%5B%5D%7D%2C%22lastConsentTimestamp%22%3A%222024-03-29T14%3A18%3A19.878Z%22%7D',
    granted: ['essential', 'performance', 'marketing'],
  },
  // Built with IAB's own encoders, dated today (the real strings of the unit tests are older than maxAgeDays).
  tcf: {
    source: { cmp: 'tcf' },
    cookie: `euconsent-v2=${tcString({ purposes: [1, 8, 9] })}`,
    granted: ['essential', 'performance'],
  },
  gpp: {
    source: { cmp: 'gpp' },
    cookie: `__gpp=${gppString({ usnat: { SaleOptOut: 2, SharingOptOut: 1, TargetedAdvertisingOptOut: 2 } })}; __gpp_sid=7`,
    granted: ['essential', 'functionality', 'performance'],
  },
};

const MALFORMED: Record<string, string> = {
  onetrust: 'OptanonConsent=interactionCount=1&groups=C0002%3A1&groups=C0004%3A1',
  cookiebot: 'CookieConsent={necessary:true%2Cpreferences:true%2Cstatistics:true%2Cmarketing:true%2Cmarketing:true}',
  cookieyes: 'cookieyes-consent=consent:yes,action:yes,functional:true',
  cookielawinfo: 'viewed_cookie_policy=maybe; cookielawinfo-checkbox-functional=yes',
  klaro: 'klaro=%7B%22googleMaps%22%3A1%7D',
  'vanilla-cookieconsent': 'cc_cookie=%7B%22categories%22%3A%5B%22analytics%22%5D',
  tcf: 'euconsent-v2=CQGiOUAQ*GiOUAAHABBENBLFgAAAAA',
  gpp: '__gpp=DBABMA~',
};

describe.each(FRAMEWORKS)('consent managers\' cookies on %s', (framework: Framework) => {
  let rejected = '';
  beforeAll(async () => {
    rejected = await consentCookie({ action: 'reject-all' });
  });

  describe.each(Object.entries(CASES))('%s', (cmp, { source, cookie, granted }) => {
    const events: ReportEvent[] = [];
    const app = createApp(framework, { consentSources: [source], onReport: (event) => events.push(event) }, routes);

    it('should enforce the manager\'s choice on Set-Cookie and name it as the source', async () => {
      const page = await request(app).get('/page').set('Cookie', cookie).expect(200);
      expect(setCookieNames(page.headers['set-cookie'])).toEqual(granted.map((id) => COOKIE_OF[id]).sort());
      expect(page.text).not.toContain('consent-guard-banner');
      const state = await request(app).get('/consent').set('Cookie', cookie).expect(200);
      expect(state.body).toStrictEqual({ decided: true, revision: REVISION, granted, denied: OPTIONAL.filter((id) => !granted.includes(id)), source: cmp });
    });

    it('should report the choice once, as a consent change from the manager', () => {
      const changes = events.filter((event) => event.type === 'consent-changed');
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ type: 'consent-changed', action: 'save', source: cmp, granted, revision: REVISION, method: 'GET', path: '/page' });
    });

    it('should let the guard\'s own consent cookie win', async () => {
      const both = `${cookie}; ${rejected}`;
      const page = await request(app).get('/page').set('Cookie', both).expect(200);
      expect(setCookieNames(page.headers['set-cookie'])).toEqual(['PHPSESSID']);
      expect((await request(app).get('/consent').set('Cookie', both)).body).toMatchObject({ decided: true, granted: ['essential'], source: 'cookie' });
    });

    it('should treat a malformed value as undecided: banner shown, optional cookies stripped, reported', async () => {
      const page = await request(app).get('/page').set('Cookie', MALFORMED[cmp]!).expect(200);
      expect(setCookieNames(page.headers['set-cookie'])).toEqual(['PHPSESSID']);
      expect(page.text).toContain('id="consent-guard-banner"');
      expect((await request(app).get('/consent').set('Cookie', MALFORMED[cmp]!)).body).toMatchObject({ decided: false, granted: ['essential'], source: 'default' });
      expect(events.filter((event) => event.type === 'consent-source-ignored')).toEqual([
        expect.objectContaining({ type: 'consent-source-ignored', source: cmp, reason: 'malformed', count: 1, path: '/page' }),
      ]);
    });
  });

  it('should read the seed site\'s old CookieLawInfo (viewed_cookie_policy only) through the pseudo-id', async () => {
    const app = createApp(framework, { consentSources: [{ cmp: 'cookielawinfo', map: { viewed_cookie_policy: OPTIONAL } }] }, routes);
    expect((await request(app).get('/consent').set('Cookie', 'viewed_cookie_policy=yes')).body).toMatchObject({ decided: true, granted: ['essential', ...OPTIONAL], source: 'cookielawinfo' });
    expect((await request(app).get('/consent').set('Cookie', 'viewed_cookie_policy=no')).body).toMatchObject({ decided: true, granted: ['essential'], source: 'cookielawinfo' });
  });

  it('should take the first configured source that has a decision', async () => {
    const app = createApp(framework, { consentSources: [CASES.cookieyes!.source, CASES.onetrust!.source] }, routes);
    const undecidedCookieyes = 'cookieyes-consent=consentid:d0owaVVvazVQeldUemZ0aVF5OGs1RVdLM3pPQlBaY24,consent:no,action:,necessary:yes,functional:no';
    expect((await request(app).get('/consent').set('Cookie', `${CASES.onetrust!.cookie}; ${undecidedCookieyes}`)).body).toMatchObject({ source: 'onetrust' });
    expect((await request(app).get('/consent').set('Cookie', `${CASES.onetrust!.cookie}; ${CASES.cookieyes!.cookie}`)).body).toMatchObject({ source: 'cookieyes' });
  });
});
