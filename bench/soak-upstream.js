// The site behind the proxy in the soak (soak.js): a plain node:http app, as a PHP or Rails
// site looks to the proxy. Its page sets a session, a statistics, a marketing and an
// undeclared cookie and carries Google Analytics and HubSpot; a JSON route sets a
// statistics cookie; a page streams in chunks; a route answers late; a POST takes a body;
// anything else is a 404. Upgrade requests to /tunnel switch to an echo; any other is refused (401).
import { createServer } from 'node:http';

const COOKIES = ['PHPSESSID=s0123456789; Path=/; HttpOnly', '__ab12=A; Path=/; Max-Age=2592000', '__hstc=hs.1.2.3; Path=/; Max-Age=63072000', 'undeclared_tracker=1; Path=/'];
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Soak site</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-SOAK"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-SOAK');</script>
</head><body><h1>Soak site</h1>
${'<p>Some text about the company and its products, long enough to be a page.</p>\n'.repeat(60)}
<iframe src="https://www.youtube.com/embed/soak" title="video"></iframe>
<script id="hs-script-loader" async defer src="https://js.hs-scripts.com/1234.js"></script>
</body></html>
`;
const JSON_BODY = JSON.stringify({ ok: true, items: Array.from({ length: 20 }, (_, id) => ({ id, name: `item ${id}` })) });
const CHUNK = '<p>A streamed paragraph of the long page, one of many.</p>\n'.repeat(40);

const routes = {
  '/': (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': COOKIES }).end(PAGE),
  '/api/status': (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': '_ga=GA1.1.123.456; Path=/; Max-Age=63072000' }).end(JSON_BODY),
  '/stream': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': COOKIES[2] });
    res.write('<!doctype html><html><head><title>Long page</title><script async src="https://www.googletagmanager.com/gtag/js?id=G-SOAK"></script></head><body>');
    let left = 20;
    const timer = setInterval(() => {
      if (left-- > 0) res.write(CHUNK);
      else (clearInterval(timer), res.end('</body></html>'));
    }, 2);
    res.once('close', () => clearInterval(timer));
  },
  '/slow': (_req, res) => {
    const timer = setTimeout(() => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE), 100 + Math.random() * 150);
    res.once('close', () => clearTimeout(timer));
  },
  '/upload': (req, res) => {
    let bytes = 0;
    req.on('data', (chunk) => (bytes += chunk.length));
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ bytes })));
  },
};

const server = createServer((req, res) => {
  const route = routes[req.url.split('?')[0]];
  if (route) route(req, res);
  else res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Not found</title><h1>Not found</h1>');
});
server.on('upgrade', (req, socket) => {
  socket.on('error', () => {}); // the proxy destroys its side when the visitor's goes
  if (req.url !== '/tunnel') {
    socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nSet-Cookie: __hstc=hs.1.2.3; Path=/\r\nContent-Length: 13\r\nConnection: close\r\n\r\nlog in first\n');
    return;
  }
  socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
  socket.pipe(socket);
});
server.listen(Number(process.env.PORT ?? 0), () => console.log(`soak site on http://localhost:${server.address().port}`));
