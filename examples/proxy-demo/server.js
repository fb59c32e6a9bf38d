// The demo site as a real PHP application behind consent-guard's reverse proxy: nothing in
// the site knows about consent. PHP starts a session, sets an A/B test cookie and an
// undeclared one with setcookie(), and renders the page with Google Analytics, HubSpot, a
// Google Maps embed and a YouTube video (served offline by a local stand-in). The proxy
// lets through only what the visitor has granted, and forwards to PHP only the cookies of
// granted categories: the page shows what PHP received.
import { randomBytes } from 'node:crypto';
import { createConsentProxy } from '@consent-guard/proxy';
import { demoPage, startTrackerStandIn, trackerOrigins } from '@consent-guard/demo-site';
import { startPhpSite } from './php-site.js';

const port = Number(process.env.PORT ?? 3000);
const standIn = await startTrackerStandIn(Number(process.env.TRACKER_PORT ?? (port === 0 ? 0 : port + 1)));
const trackers = trackerOrigins(standIn.address().port);

// The shared page with the line about consent replaced: PHP cannot know the visitor's
// choice, only which cookies reached it.
const NO_STATE = { decided: false, granted: [], denied: [], source: 'default' };
const pages = Object.fromEntries(
  ['A', 'B'].map((variant) => [
    `page-${variant}.php`,
    demoPage({ framework: 'PHP, behind the proxy', consent: NO_STATE, variant, trackers }).replace(
      /<p class="state"[^>]*>[\s\S]*?<\/p>/,
      '<p class="state">This page is rendered by PHP <?= PHP_VERSION ?>, which received these cookies: <code><?= htmlspecialchars($cookiesSeen) ?></code>. It tried to set <code>PHPSESSID</code> (essential), <code>__ab12</code> (statistics) and <code>undeclared_tracker</code>, which no policy declares. View the page\'s source to see the tags that wait for your consent.</p>',
    ),
  ]),
);
const site = await startPhpSite(pages);

const proxy = createConsentProxy({
  upstream: `http://127.0.0.1:${site.address().port}`,
  policy: new URL('./consent-policy.yaml', import.meta.url).pathname,
  secret: process.env.CONSENT_SECRET ?? randomBytes(32).toString('hex'),
  cache: process.env.CONSENT_CACHE === 'shared' ? 'shared' : 'vary',
  onReport: (event) => console.log('[consent-guard]', JSON.stringify(event)),
});
proxy.listen(port, () => {
  console.log(`consent-guard demo on http://localhost:${proxy.address().port} (PHP 8.3 site on port ${site.address().port}, trackers from the stand-in on port ${standIn.address().port})`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    proxy.close(() => site.close(() => standIn.close(() => process.exit(0))));
  });
}
