// The demo's trackers, served offline. Browsers resolve every *.localhost name to this
// machine, so the demo's pages load Google Analytics, HubSpot, Google Maps and YouTube from
// here under names the demo's policy lists next to the real hosts. What each stand-in
// does is what the real one does that matters for consent: its script sets first-party
// cookies and sends a beacon, its embed sets a cookie of its own.
import { createServer } from 'node:http';

/** The stand-in host of each tracker, as the page links to it. */
export function trackerOrigins(port) {
  const origin = (name) => `http://${name}.localhost:${port}`;
  return { analytics: origin('googletagmanager'), hubspot: origin('hubspot'), maps: origin('maps'), youtube: origin('youtube') };
}

const YEAR = 365 * 24 * 60 * 60;
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

// Each script sets its cookies on the page's own site, as the real ones do.
const SET_COOKIE = "function set(name, value, maxAge) { document.cookie = name + '=' + value + '; path=/; SameSite=Lax' + (maxAge ? '; max-age=' + maxAge : ''); }";
const beacon = (url) => `new Image().src = ${JSON.stringify(url)} + '&dl=' + encodeURIComponent(location.href);`;

function analyticsScript(origin) {
  return `(function () {
  ${SET_COOKIE}
  var now = Math.floor(Date.now() / 1000);
  if (document.cookie.indexOf('_ga=') === -1) set('_ga', 'GA1.1.' + Math.floor(Math.random() * 1e9) + '.' + now, ${2 * YEAR});
  set('_ga_DEMO', 'GS1.1.' + now + '.1.0.' + now, ${2 * YEAR});
  ${beacon(`${origin}/g/collect?v=2&tid=G-DEMO`)}
})();`;
}

function hubspotScript(origin) {
  return `(function () {
  ${SET_COOKIE}
  var now = Date.now();
  set('__hstc', '4242.demo.' + now + '.' + now + '.' + now + '.1', ${2 * YEAR});
  set('hubspotutk', 'demo', ${10 * YEAR});
  set('__hssc', '4242.1.' + now, 1800);
  set('__hssrc', '1');
  window._hsq = window._hsq || [];
  ${beacon(`${origin}/__ptq.gif?k=1`)}
})();`;
}

function embedPage(title, body) {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title>
<style>body{margin:0;display:grid;place-items:center;min-height:100vh;font:15px system-ui,sans-serif;background:#dfe8d8;color:#123}</style>
<body>${body}</body></html>`;
}

/**
 * Starts the stand-in on `port` (0 picks a free one) and resolves to the server once it
 * listens. Every request is answered by the Host it was sent to.
 */
export function startTrackerStandIn(port = 0) {
  const server = createServer((req, res) => {
    const host = (req.headers.host ?? '').split(':')[0];
    const origin = `http://${req.headers.host}`;
    const path = (req.url ?? '/').split('?')[0];
    const send = (type, body, cookie) => {
      res.setHeader('Content-Type', type);
      res.setHeader('Cache-Control', 'no-store');
      if (cookie) res.setHeader('Set-Cookie', cookie);
      res.end(body);
    };
    if (host === 'googletagmanager.localhost' && path === '/gtag/js') return send('text/javascript', analyticsScript(origin));
    if (host === 'hubspot.localhost' && path.endsWith('.js')) return send('text/javascript', hubspotScript(origin));
    if (path.endsWith('.gif') || path === '/g/collect') return send('image/gif', GIF);
    if (host === 'maps.localhost' && path === '/maps/embed') {
      return send('text/html; charset=utf-8', embedPage('Map', '<p>&#128506; Map: Videonor, Oslo</p>'), `NID=demo-${Date.now()}; Path=/; Max-Age=${YEAR / 2}`);
    }
    if (host === 'youtube.localhost' && path.startsWith('/embed/')) {
      return send('text/html; charset=utf-8', embedPage('Video', '<p>&#9654; Video player</p>'), ['YSC=demo; Path=/', `VISITOR_INFO1_LIVE=demo; Path=/; Max-Age=${YEAR / 2}`]);
    }
    res.statusCode = 404;
    res.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
