// A demo site: every page tries to set an essential session cookie, a statistics cookie,
// two HubSpot marketing cookies and one cookie the policy does not declare, and carries
// Google Analytics, HubSpot and a Google Maps embed. consent-guard lets through only what
// the visitor has granted: watch the cookies in devtools, and view the page's source.
import { randomBytes } from 'node:crypto';
import express from 'express';
import { consentGuard } from '@consent-guard/express';

const app = express();
app.use(
  consentGuard({
    policy: new URL('./consent-policy.yaml', import.meta.url).pathname,
    secret: process.env.CONSENT_SECRET ?? randomBytes(32).toString('hex'),
    onReport: (event) => console.log('[consent-guard]', JSON.stringify(event)),
  }),
);

app.get('/', (req, res) => {
  res.cookie('PHPSESSID', randomBytes(8).toString('hex'), { httpOnly: true });
  res.cookie('_ga', `GA1.1.${Date.now()}`, { maxAge: 2 * 365 * 86400e3 });
  res.append('Set-Cookie', `__hstc=${Date.now()}; Path=/; Max-Age=63072000`);
  res.setHeader('X-Demo', 'consent-guard');
  res.cookie('undeclared_tracker', '1');
  const { consent } = res.locals;
  res.type('html').send(page(consent, req.originalUrl));
});

function page(consent, path) {
  const button = (action, label) =>
    `<form method="post" action="/consent"><input type="hidden" name="action" value="${action}"><input type="hidden" name="return_to" value="${path}"><button>${label}</button></form>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>consent-guard demo</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-DEMO');</script>
</head>
<body>
  <h1>consent-guard demo</h1>
  <p>Decided: <b>${consent.decided}</b>. Granted: <b>${consent.granted.join(', ')}</b>. Denied: <b>${consent.denied.join(', ') || 'none'}</b>.</p>
  <p>This page tried to set PHPSESSID (essential), _ga (performance), __hstc (marketing) and
  undeclared_tracker (not in the policy). Only the cookies of granted categories arrived.</p>
  ${button('accept-all', 'Accept all')} ${button('reject-all', 'Reject all')}
  <form method="post" action="/consent">
    <input type="hidden" name="action" value="save"><input type="hidden" name="return_to" value="${path}">
    <label><input type="checkbox" name="categories" value="functionality"> Functionality</label>
    <label><input type="checkbox" name="categories" value="performance"> Performance / statistics</label>
    <label><input type="checkbox" name="categories" value="marketing"> Marketing</label>
    <button>Save my choice</button>
  </form>
  ${button('withdraw', 'Withdraw consent')}
  <p><a href="/cookie-policy">Cookie policy</a> · <a href="/consent">Change your cookie choice</a></p>
  <h2>Find us</h2>
  <iframe src="https://www.google.com/maps/embed?pb=videonor" width="400" height="300" title="Map"></iframe>
  <script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/4242.js"></script>
  <noscript><img src="https://track.hubspot.com/__ptq.gif?k=1" width="1" height="1" alt=""></noscript>
</body></html>`;
}

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`consent-guard demo on http://localhost:${port}`));
