// The demo site's page, the same on Express and Koa. Its tags are the seed site's: the
// Google Analytics loader and its inline config, the HubSpot loader and its <noscript>
// pixel, a Google Maps embed and a YouTube video, each from the tracker stand-in.
const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * @param {object} input
 * @param {string} input.framework "Express" or "Koa", for the title
 * @param {{ decided: boolean, granted: readonly string[], denied: readonly string[], source: string }} input.consent what the server enforces for this visitor
 * @param {string} input.variant the visitor's A/B test arm
 * @param {ReturnType<typeof import('./tracker-stand-in.js').trackerOrigins>} input.trackers
 */
export function demoPage({ framework, consent, variant, trackers }) {
  const list = (ids) => (ids.length ? ids.map(escapeHtml).join(', ') : 'none');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<title>Videonor: video meetings that work (consent-guard demo on ${escapeHtml(framework)})</title>
<style>body{font:17px/1.55 system-ui,sans-serif;margin:0;color:#1b1b1b}header,main,footer{max-width:56rem;margin:auto;padding:1rem}
nav a{margin-right:1rem}iframe{border:1px solid #888;max-width:100%}.state{background:#f1f4f8;padding:.5rem 1rem;border-left:4px solid #36c}</style>
<script async src="${trackers.analytics}/gtag/js?id=G-DEMO"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-DEMO');</script>
</head>
<body>
<header><nav aria-label="Site"><a href="/">Home</a><a href="/cookie-policy">Cookie policy</a><a href="/consent">Change your cookie choice</a></nav></header>
<main>
  <h1>${variant === 'B' ? 'Meet face to face, from anywhere' : 'Video meetings that just work'}</h1>
  <p>Videonor makes video conferencing simple for small teams. (You see headline ${escapeHtml(variant)} of an A/B test;
  the server remembers your arm in the <code>__ab12</code> cookie only if you allow statistics.)</p>
  <p class="state" aria-live="polite">What the server enforces for you: decided <b data-state="decided">${consent.decided}</b>, granted <b data-state="granted">${list(consent.granted)}</b>,
  denied <b data-state="denied">${list(consent.denied)}</b> (from <span data-state="source">${escapeHtml(consent.source)}</span>). This page tried to set <code>PHPSESSID</code> (essential),
  <code>__ab12</code> (statistics) and <code>undeclared_tracker</code> (not in the policy); only what you allowed arrived.
  View the page's source to see the tags that wait for your consent.</p>
  <h2>Find us</h2>
  <iframe src="${trackers.maps}/maps/embed?pb=!1m18!1m12!videonor" width="400" height="225" title="Map: Videonor in Oslo"></iframe>
  <h2>See it in action</h2>
  <iframe src="${trackers.youtube}/embed/dQw4w9WgXcQ" width="400" height="225" title="Video: Videonor in two minutes" allowfullscreen></iframe>
</main>
<script>
// The box above was rendered for the state at page load; a choice made in the banner, in place, updates it.
document.addEventListener('consent-guard:state', function (event) {
  var state = event.detail;
  // A page without the box (the PHP demo's, which cannot know the choice) has nothing to update.
  var show = function (key, text) { var box = document.querySelector('[data-state="' + key + '"]'); if (box) box.textContent = text; };
  show('decided', String(state.decided));
  show('granted', state.granted.join(', ') || 'none');
  show('denied', state.denied.join(', ') || 'none');
  show('source', state.source);
});
</script>
<footer><p>&copy; Videonor AS &middot; <a href="/cookie-policy">Cookie policy</a></p></footer>
<script type="text/javascript" id="hs-script-loader" async defer src="${trackers.hubspot}/4242.js"></script>
<noscript><img src="${trackers.hubspot}/__ptq.gif?k=1&amp;noscript=1" width="1" height="1" alt=""></noscript>
</body></html>`;
}

/** The site's icon (an SVG, served at /favicon.ico, where browsers look for it on every page). */
export const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#36c"/><path d="M7 11h12v10H7zM19 14l6-4v12l-6-4z" fill="#fff"/></svg>';
