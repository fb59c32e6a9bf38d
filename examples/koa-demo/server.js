// The demo site on Koa: the same page as the Express demo. Every page tries to set an
// essential session cookie, a statistics cookie, a HubSpot cookie and an undeclared one,
// and carries Google Analytics, HubSpot and a Google Maps embed; consent-guard lets
// through only what the visitor granted.
import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import { consentGuard } from '@consent-guard/koa';

const app = new Koa();
app.use(
  consentGuard({
    policy: new URL('./consent-policy.yaml', import.meta.url).pathname,
    secret: process.env.CONSENT_SECRET ?? randomBytes(32).toString('hex'),
    onReport: (event) => console.log('[consent-guard]', JSON.stringify(event)),
  }),
);

app.use((ctx) => {
  if (ctx.path !== '/') return;
  ctx.cookies.set('PHPSESSID', randomBytes(8).toString('hex'));
  ctx.cookies.set('_ga', `GA1.1.${Date.now()}`, { maxAge: 2 * 365 * 86400e3, httpOnly: false });
  ctx.cookies.set('__hstc', String(Date.now()), { maxAge: 2 * 365 * 86400e3, httpOnly: false });
  ctx.cookies.set('undeclared_tracker', '1');
  const { consent } = ctx.state;
  ctx.type = 'html';
  ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>consent-guard demo (Koa)</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-DEMO');</script>
</head>
<body>
  <h1>consent-guard demo (Koa)</h1>
  <p>Decided: <b>${consent.decided}</b>. Granted: <b>${consent.granted.join(', ')}</b>.</p>
  <p><a href="/cookie-policy">Cookie policy</a> · <a href="/consent">Change your cookie choice</a></p>
  <iframe src="https://www.google.com/maps/embed?pb=videonor" width="400" height="300" title="Map"></iframe>
  <script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/4242.js"></script>
  <noscript><img src="https://track.hubspot.com/__ptq.gif?k=1" width="1" height="1" alt=""></noscript>
</body></html>`;
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`consent-guard Koa demo on http://localhost:${port}`));
