import { createServer, request, ServerResponse, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';

// The response hook relies on these behaviours of Node's ServerResponse (like
// jshttp/on-headers' test/upstream.js). If one fails after a Node upgrade, re-read
// lib/_http_server.js and lib/_http_outgoing.js before trusting the hook again.

/** Serves one request with `handle`, returning which writeHead calls the instance override saw. */
async function serve(handle: (res: ServerResponse, seen: unknown[][]) => void): Promise<{ seen: unknown[][]; headers: IncomingMessage['headers'] }> {
  const seen: unknown[][] = [];
  const server = createServer((_req, res) => {
    const original = res.writeHead;
    res.writeHead = function writeHead(this: ServerResponse, ...args: unknown[]) {
      seen.push(args);
      return (original as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['writeHead'];
    handle(res, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const headers = await new Promise<IncomingMessage['headers']>((resolve, reject) => {
      request({ port }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers));
      })
        .on('error', reject)
        .end();
    });
    return { seen, headers };
  } finally {
    server.close();
  }
}

describe("Node's ServerResponse, as the header hook depends on it", () => {
  it('should route implicit heads (end, write, flushHeaders) through this.writeHead', async () => {
    expect((await serve((res) => res.end('x'))).seen).toEqual([[200]]);
    expect((await serve((res) => (res.write('x'), res.end()))).seen).toEqual([[200]]);
    expect((await serve((res) => (res.flushHeaders(), res.end()))).seen).toEqual([[200]]);
  });

  it('should make writeHeader the same function as writeHead on the prototype (so both need an instance override)', () => {
    expect((ServerResponse.prototype as unknown as { writeHeader: unknown }).writeHeader).toBe(ServerResponse.prototype.writeHead);
  });

  it('should send the headers set on the response when writeHead gets only a status', async () => {
    const { headers } = await serve((res) => {
      res.setHeader('Set-Cookie', ['a=1']);
      res.appendHeader('SET-COOKIE', 'b=2');
      res.writeHead(200);
      res.end();
    });
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it("should keep serialized trailers in _trailer and say chunkedEncoding once a chunked head is written", async () => {
    let trailer: unknown;
    let chunked: unknown;
    await serve((res) => {
      res.addTrailers({ 'X-A': '1' });
      trailer = (res as unknown as { _trailer: unknown })._trailer;
      res.writeHead(200);
      chunked = (res as unknown as { chunkedEncoding: unknown }).chunkedEncoding;
      res.end('x');
    });
    expect(trailer).toBe('X-A: 1\r\n');
    expect(chunked).toBe(true);
  });

  it('should still take (status, reason, headers) and (status, headers) with the same arity', () => {
    expect(ServerResponse.prototype.writeHead.length).toBe(3);
    for (const method of ['setHeader', 'appendHeader', 'removeHeader', 'getHeader', 'writeEarlyHints', 'addTrailers', 'flushHeaders'] as const) {
      expect(typeof ServerResponse.prototype[method]).toBe('function');
    }
  });
});
