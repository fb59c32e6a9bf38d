// The demo's policy plus the trackers common on the benchmark's real pages (2013-era news
// and shop pages: Google Analytics, DoubleClick, Facebook, Twitter, Quantcast, comScore).
import { loadPolicy } from '@consent-guard/core';

const demo = loadPolicy(new URL('../examples/express-demo/consent-policy.yaml', import.meta.url).pathname);

export const policy = loadPolicy({
  ...demo,
  trackers: [
    ...demo.trackers,
    { name: 'Google Analytics (classic)', category: 'performance', hosts: ['www.google-analytics.com', 'ssl.google-analytics.com'], inline: ['GoogleAnalyticsObject', '_gaq.push'] },
    { name: 'DoubleClick', category: 'marketing', hosts: ['*.doubleclick.net', 'www.googletagservices.com', 'pagead2.googlesyndication.com'], inline: ['googletag.cmd'] },
    { name: 'Facebook', category: 'marketing', hosts: ['connect.facebook.net', 'www.facebook.com/plugins', 'www.facebook.com/tr'], inline: ['fbq(', 'facebook-jssdk'] },
    { name: 'Twitter', category: 'marketing', hosts: ['platform.twitter.com'], inline: ['twitter-wjs'] },
    { name: 'Quantcast', category: 'performance', hosts: ['edge.quantserve.com', 'pixel.quantserve.com'], inline: ['_qevents'] },
    { name: 'comScore', category: 'performance', hosts: ['b.scorecardresearch.com', 'sb.scorecardresearch.com'], inline: ['_comscore'] },
  ],
});
