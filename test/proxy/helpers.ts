import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConsentProxy, type ConsentProxy, type ConsentProxyOptions } from '@consent-guard/proxy';
import { POLICY, SECRET } from '../helpers/apps.js';

/** A request the origin received, as it saw it. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** The proxy's side of the connection: the same one twice means a kept-alive connection. */
  readonly remotePort: number | undefined;
}

/** A real origin on an ephemeral port, recording every request it gets. */
export interface Origin {
  readonly server: Server;
  readonly url: string;
  readonly seen: Seen[];
}

export async function startOrigin(routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>): Promise<Origin> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, remotePort: req.socket.remotePort });
    const route = routes[(req.url ?? '/').split('?')[0] ?? '/'];
    if (route) return route(req, res);
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('origin: no such page');
  });
  return { server, url: await listen(server), seen };
}

/** The proxy in front of `upstream`, on an ephemeral port. */
export async function startProxy(upstream: string, options: Partial<ConsentProxyOptions> = {}): Promise<{ proxy: ConsentProxy; url: string }> {
  const proxy = createConsentProxy({ upstream, policy: POLICY, secret: SECRET, ...options });
  return { proxy, url: await listen(proxy) };
}

export async function listen(server: Server, handler?: RequestListener): Promise<string> {
  if (handler) server.on('request', handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** GET without decoding anything: the bytes as they came. */
export async function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const visitor = request(url, { headers });
  visitor.end();
  const [response] = (await once(visitor, 'response')) as [IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) };
}
