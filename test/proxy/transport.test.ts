import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ConsentProxy } from '@consent-guard/proxy';
import { consentCookie } from '../helpers/consent.js';
import { close, listen, startOrigin, startProxy, type Origin } from './helpers.js';

let origin: Origin;
let proxy: ConsentProxy;
let url: string;
/** An upstream that answers every upgrade with something other than a 101, and a proxy in front of it. */
let refusing: Server;
let refusingProxy: ConsentProxy;
let refusingUrl: string;
/** Resolves when the refusing upstream's endless answer loses its connection. */
let endlessClosed: Promise<boolean>;
/** Resolves when the origin sees the visitor's request go away. */
let hangClosed: Promise<boolean>;
let hangArrived: () => void;
const arrived = new Promise<void>((resolve) => (hangArrived = resolve));

beforeAll(async () => {
  origin = await startOrigin({
    '/slow': () => {
      // Never answers: the proxy's headers timeout must.
    },
    '/reset': (req) => {
      req.socket.destroy();
    },
    '/cut': (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100' });
      res.write('only part of it');
      setTimeout(() => res.socket?.destroy(), 50);
    },
    '/hang': (_req, res) => {
      hangClosed = new Promise((resolve) => res.once('close', () => resolve(!res.writableFinished)));
      hangArrived();
    },
    '/upload': (req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ bytes })));
    },
  });
  const sockets = new WebSocketServer({ server: origin.server, path: '/ws' });
  sockets.on('connection', (socket, req) => {
    socket.send(`cookie: ${req.headers.cookie ?? '(none)'}`);
    socket.on('message', (data, binary) => socket.send(data, { binary }));
  });
  ({ proxy, url } = await startProxy(origin.url, { timeouts: { headers: 400 } }));
  refusing = createServer();
  refusing.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    if (req.url === '/ws-denied') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nSet-Cookie: PHPSESSID=s2; Path=/\r\nSet-Cookie: __hstc=tracker-id; Path=/\r\nContent-Length: 13\r\n\r\nlog in first\n');
    } else if (req.url === '/ws-page') {
      const page = '<!doctype html><html><head><title>Not a socket</title></head><body><p>Nothing to upgrade here.</p><script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/4242.js"></script></body></html>';
      socket.end(`HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nSet-Cookie: __hstc=tracker-id; Path=/\r\nContent-Length: ${page.length}\r\n\r\n${page}`);
    } else if (req.url === '/ws-endless') {
      // A refusal whose body never ends: the proxy must let go of it when the visitor does.
      endlessClosed = new Promise((resolve) =>
        socket
          .once('end', () => {
            socket.destroy();
            resolve(true);
          })
          .resume(),
      );
      socket.write('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nno, no\r\n');
    } else {
      socket.destroy();
    }
  });
  ({ proxy: refusingProxy, url: refusingUrl } = await startProxy(await listen(refusing)));
});

afterAll(async () => {
  await close(refusingProxy);
  await close(refusing);
  await close(proxy);
  await close(origin.server);
});

describe('when the upstream fails', () => {
  it('should answer 502 with a small page when the upstream refuses connections', async () => {
    const { proxy: other, url: otherUrl } = await startProxy(await deadUpstream());
    try {
      const page = await request(otherUrl).get('/').set('Accept', 'text/html').expect(502).expect('Content-Type', /text\/html/);
      expect(page.text).toContain('<h1>502 Bad Gateway</h1>');
      expect(page.text).not.toContain('ECONNREFUSED');
      expect(page.text).not.toContain('consent-guard-banner');
      const json = await request(otherUrl).get('/').set('Accept', 'application/json').expect(502).expect('Content-Type', /json/);
      expect(json.body).toEqual({ error: '502 Bad Gateway: The site could not be reached.' });
    } finally {
      await close(other);
    }
  });

  it('should answer 504 when the upstream is too slow to answer', async () => {
    const started = Date.now();
    const response = await request(url).get('/slow').set('Accept', 'application/json').expect(504);
    expect(response.body).toEqual({ error: '504 Gateway Timeout: The site did not answer in time.' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('should answer 502 when the upstream resets the connection', async () => {
    await request(url).get('/reset').expect(502);
  });

  it('should cut the response when the upstream dies in the middle of the body', async () => {
    await expect(request(url).get('/cut')).rejects.toThrow();
  });
});

describe('when the visitor goes away', () => {
  it('should abort the upstream request', async () => {
    const visitor = httpRequest(`${url}/hang`);
    visitor.on('error', () => {});
    visitor.end();
    await arrived;
    visitor.destroy();
    await expect(hangClosed).resolves.toBe(true);
  });
});

describe('uploads', () => {
  it('should stream a request body to the upstream', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 'a');
    const response = await request(url).post('/upload').set('Content-Type', 'application/octet-stream').send(body).expect(200);
    expect(response.body).toEqual({ bytes: body.length });
  });
});

describe('WebSocket', () => {
  it('should tunnel an upgrade both ways, carrying only the allowed cookies', async () => {
    const consent = await consentCookie({ action: 'reject-all' });
    const socket = new WebSocket(`${url.replace('http:', 'ws:')}/ws`, { headers: { Cookie: `PHPSESSID=s1; __hstc=tracker-id; ${consent}` } });
    const messages: string[] = [];
    const twoMessages = new Promise<void>((resolve) => socket.on('message', (data) => messages.push(String(data)) === 2 && resolve()));
    await once(socket, 'open');
    socket.send('hello through the proxy');
    await twoMessages;
    expect(messages).toEqual([`cookie: PHPSESSID=s1; ${consent}`, 'hello through the proxy']);
    socket.close();
    await once(socket, 'close');
  });

  it('should pass an upstream refusing the upgrade (401) to the visitor, judging its Set-Cookie', async () => {
    const answer = await upgradeRequest(`${refusingUrl}/ws-denied`);
    expect(answer.status).toBe(401);
    expect(answer.headers['set-cookie']).toEqual(['PHPSESSID=s2; Path=/']);
    expect(answer.body).toBe('log in first\n');
  });

  it('should pass a page answered to an upgrade (200) to the visitor as any page, its trackers held back', async () => {
    const answer = await upgradeRequest(`${refusingUrl}/ws-page`);
    expect(answer.status).toBe(200);
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.body).toMatch(/<script type="text\/plain"[^>]*data-consent-src="\/\/js\.hs-scripts\.com\/4242\.js"/);
    expect(answer.body).toContain('consent-guard-banner');
  });

  it('should let go of a refusal still streaming when the visitor goes away', async () => {
    const visitor = httpRequest(`${refusingUrl}/ws-endless`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket' } });
    visitor.on('error', () => {});
    visitor.end();
    const [response] = (await once(visitor, 'response')) as [IncomingMessage];
    expect(response.statusCode).toBe(403);
    expect(String((await once(response, 'data'))[0])).toBe('no, no');
    visitor.destroy();
    await expect(endlessClosed).resolves.toBe(true);
  });

  it('should answer 502 to an upgrade when the upstream resets the connection', async () => {
    const answer = await upgradeRequest(`${refusingUrl}/ws-reset`, { Accept: 'application/json' });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({ error: '502 Bad Gateway: The site could not be reached.' });
  });

  it('should answer 502 to an upgrade when the upstream is down', async () => {
    const { proxy: other, url: otherUrl } = await startProxy(await deadUpstream());
    try {
      const socket = new WebSocket(`${otherUrl.replace('http:', 'ws:')}/ws`);
      const [, response] = (await once(socket, 'unexpected-response')) as [unknown, { statusCode: number }];
      expect(response.statusCode).toBe(502);
      socket.on('error', () => {});
      socket.terminate();
    } finally {
      await close(other);
    }
  });
});

/** A raw Upgrade request (not a WebSocket client, which hides a refusal's body): the answer when it is not a 101. */
async function upgradeRequest(target: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const visitor = httpRequest(target, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers } });
  visitor.end();
  const [response] = (await once(visitor, 'response')) as [IncomingMessage];
  let body = '';
  for await (const chunk of response) body += String(chunk);
  return { status: response.statusCode ?? 0, headers: response.headers, body };
}

/** The URL of a port nothing listens on any more: connections to it are refused. */
async function deadUpstream(): Promise<string> {
  const closed = createServer();
  const url = await listen(closed);
  await close(closed);
  return url;
}
