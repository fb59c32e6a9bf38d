// The demo site on Koa: the same site as the Express demo. Its pages try to set an
// essential session cookie, an A/B test cookie and a cookie the policy does not declare,
// and carry Google Analytics, HubSpot, a Google Maps embed and a YouTube video, served
// offline by a local stand-in; consent-guard lets through only what the visitor granted.
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import compress from 'koa-compress';
import { consentGuard } from '@consent-guard/koa';
import { demoPage, FAVICON, startTrackerStandIn, trackerOrigins } from '@consent-guard/demo-site';

const port = Number(process.env.PORT ?? 3000);
const standIn = await startTrackerStandIn(Number(process.env.TRACKER_PORT ?? (port === 0 ? 0 : port + 1)));
const trackers = trackerOrigins(standIn.address().port);

const app = new Koa();
app.use(compress());
app.use(
  consentGuard({
    policy: new URL('./consent-policy.yaml', import.meta.url).pathname,
    secret: process.env.CONSENT_SECRET ?? randomBytes(32).toString('hex'),
    cache: process.env.CONSENT_CACHE === 'shared' ? 'shared' : 'vary',
    onReport: (event) => console.log('[consent-guard]', JSON.stringify(event)),
  }),
);

app.use((ctx) => {
  // An API route: JSON passes the guard untouched, only its Set-Cookie headers are judged.
  if (ctx.path === '/api/status') {
    ctx.body = { ok: true, consent: ctx.state.consent };
    return;
  }
  if (ctx.path === '/favicon.ico') {
    ctx.type = 'image/svg+xml';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = FAVICON;
    return;
  }
  if (ctx.path !== '/') return;
  ctx.cookies.set('PHPSESSID', randomBytes(8).toString('hex'));
  const variant = /^[AB]$/.test(ctx.cookies.get('__ab12') ?? '') ? ctx.cookies.get('__ab12') : Math.random() < 0.5 ? 'A' : 'B';
  ctx.cookies.set('__ab12', variant, { maxAge: 30 * 86400e3, httpOnly: false });
  ctx.cookies.set('undeclared_tracker', '1');
  ctx.type = 'html';
  ctx.body = demoPage({ framework: 'Koa', consent: ctx.state.consent, variant, trackers });
});

const server = app.listen(port, () => {
  console.log(`consent-guard Koa demo on http://localhost:${server.address().port} (trackers from the stand-in on port ${standIn.address().port})`);
});
