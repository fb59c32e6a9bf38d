// The demo site on Express. Its pages try to set an essential session cookie, an A/B test
// cookie and a cookie the policy does not declare, and carry Google Analytics, HubSpot, a
// Google Maps embed and a YouTube video, served offline by a local stand-in. consent-guard
// lets through only what the visitor has granted: watch the cookies and the network in
// devtools, and view the page's source.
import { randomBytes } from 'node:crypto';
import compression from 'compression';
import express from 'express';
import { consentGuard } from '@consent-guard/express';
import { demoPage, FAVICON, startTrackerStandIn, trackerOrigins } from '@consent-guard/demo-site';

const port = Number(process.env.PORT ?? 3000);
const standIn = await startTrackerStandIn(Number(process.env.TRACKER_PORT ?? (port === 0 ? 0 : port + 1)));
const trackers = trackerOrigins(standIn.address().port);

const app = express();
app.use(compression());
app.use(
  consentGuard({
    policy: new URL('./consent-policy.yaml', import.meta.url).pathname,
    secret: process.env.CONSENT_SECRET ?? randomBytes(32).toString('hex'),
    cache: process.env.CONSENT_CACHE === 'shared' ? 'shared' : 'vary',
    onReport: (event) => console.log('[consent-guard]', JSON.stringify(event)),
  }),
);

app.get('/', (req, res) => {
  res.cookie('PHPSESSID', randomBytes(8).toString('hex'), { httpOnly: true });
  const variant = /(?:^|;\s*)__ab12=([AB])(?:;|$)/.exec(req.headers.cookie ?? '')?.[1] ?? (Math.random() < 0.5 ? 'A' : 'B');
  res.cookie('__ab12', variant, { maxAge: 30 * 86400e3 });
  res.cookie('undeclared_tracker', '1');
  res.type('html').send(demoPage({ framework: 'Express', consent: res.locals.consent, variant, trackers }));
});

app.get('/favicon.ico', (_req, res) => {
  res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(FAVICON);
});

// An API route: JSON passes the guard untouched, only its Set-Cookie headers are judged.
app.get('/api/status', (_req, res) => {
  res.json({ ok: true, consent: res.locals.consent });
});

const server = app.listen(port, () => {
  console.log(`consent-guard demo on http://localhost:${server.address().port} (trackers from the stand-in on port ${standIn.address().port})`);
});
