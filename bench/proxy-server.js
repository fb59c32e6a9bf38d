// One server of the proxy benchmark (proxy.js), in its own process: the origin (a bare
// node:http site), or a proxy in front of it (argv[3]: the origin's URL), with the guard
// (`@consent-guard/proxy`) or without it (the same undici pool and streaming, nothing else).
import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createConsentProxy } from '@consent-guard/proxy';
import { Pool } from 'undici';
import { pages } from './pages.js';
import { policy } from './policy.js';

const REAL_PAGE = pages['50 KB'];
const JSON_BODY = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] })) });

function origin() {
  return createServer((req, res) => {
    if (req.url === '/json') res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON_BODY);
    else res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': ['PHPSESSID=abc123; Path=/; HttpOnly', '_ga=GA1.1.123.456; Path=/'] }).end(REAL_PAGE);
  });
}

/** What the proxy does for a request, minus the guard: the same pool, abort signal, streaming and header work. */
function bareProxy(upstream) {
  const pool = new Pool(upstream);
  return createServer(async (req, res) => {
    const { connection: _connection, ...headers } = req.headers;
    headers['x-forwarded-for'] = req.socket.remoteAddress;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-host'] = req.headers.host;
    const aborter = new AbortController();
    res.once('close', () => res.writableFinished || aborter.abort());
    try {
      const answer = await pool.request({ path: req.url, method: req.method, headers, body: null, signal: aborter.signal });
      const { connection: _hop, 'keep-alive': _alive, 'transfer-encoding': _encoding, ...fields } = answer.headers;
      res.writeHead(answer.statusCode, fields);
      await pipeline(answer.body, res);
    } catch {
      if (!res.headersSent) res.writeHead(502).end();
    }
  });
}

const variants = {
  origin: () => origin(),
  'proxy (bare)': () => bareProxy(process.argv[3]),
  'proxy + guard': () => createConsentProxy({ upstream: process.argv[3], policy, secret: 'bench-secret-0123456789abcdef' }),
};

const make = variants[process.argv[2]];
if (!make) throw new Error(`unknown variant ${process.argv[2]}; one of ${Object.keys(variants).join(', ')}`);
const server = make();
let requests = 0;
server.on('request', () => requests++);
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send({ cpuMicros: user + system, requests });
});
process.on('disconnect', () => process.exit(0));
