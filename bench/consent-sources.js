// Per-request cost of reading the visitor's consent (guard.consentFor: parse the Cookie
// header, decode the guard's cookie, read consent managers' cookies), with and without
// consentSources. Medians of wall time per call.
//   node consent-sources.js
//   BENCH_ROUNDS=15 node consent-sources.js
import { createGuard } from '@consent-guard/core';
import { policy } from './policy.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CALLS = 100_000;
const OTHER = '_ga=GA1.1.1846511171.1735920393; PHPSESSID=1a56f275fbe4975c11b5b2574952dd7a; _fbp=fb.1.1684394896497.1689359607';
// A real OneTrust value (see packages/core/src/consent-sources/onetrust.test.ts).
const ONETRUST =
  'OptanonAlertBoxClosed=2021-10-19T03:31:41.236Z; OptanonConsent=isGpcEnabled=0&datestamp=Tue+Oct+19+2021+11%3A31%3A41+GMT%2B0800+(%E5%8F%B0%E5%8C%97%E6%A8%99%E6%BA%96%E6%99%82%E9%96%93)&version=6.20.0&isIABGlobal=false&hosts=&consentId=0c737b02-e9a0-4211-a8f2-d5ba02e29d69&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0003%3A1%2CC0002%3A1%2CC0004%3A1&geolocation=TW%3BTPE&AwaitingReconsent=false';
const SOURCES = [{ cmp: 'cookiebot' }, { cmp: 'cookieyes' }, { cmp: 'onetrust' }];

const plain = createGuard({ policy });
const withSources = createGuard({ policy, consentSources: SOURCES });
const ownCookie = `cg_consent=1.${Buffer.from(policy.revision).toString('base64url')}.essential+performance.${Math.floor(Date.now() / 1000).toString(36)}.AAAAAAAAAAAAAAAAAAAAAA`;

const CASES = [
  ['no consentSources, a visitor with only other cookies', plain, () => OTHER],
  ['consentSources (3), a visitor with only other cookies', withSources, () => OTHER],
  ['no consentSources, the guard\'s own cookie', plain, () => `${OTHER}; ${ownCookie}`],
  ['consentSources (3), the guard\'s own cookie (sources not read)', withSources, () => `${OTHER}; ${ownCookie}; ${ONETRUST}`],
  ['no consentSources, a OneTrust visitor', plain, () => `${OTHER}; ${ONETRUST}`],
  ['consentSources (3), returning OneTrust visitor (cached)', withSources, () => `${OTHER}; ${ONETRUST}`],
  ['consentSources (3), a new OneTrust value every call (parsed)', withSources, (i) => `${OTHER}; ${ONETRUST.replace('0c737b02', String(i).padStart(8, '0'))}`],
];

const results = new Map(CASES.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, guard, header] of CASES) {
    const headers = Array.from({ length: CALLS }, (_, i) => ({ cookie: header(round * CALLS + i) }));
    const started = process.hrtime.bigint();
    for (const h of headers) guard.consentFor(h);
    results.get(name).push(Number(process.hrtime.bigint() - started) / CALLS);
  }
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`| case | ns per request (median of ${ROUNDS}) |\n|---|---:|`);
for (const [name, values] of results) console.log(`| ${name} | ${Math.round(median(values))} |`);
