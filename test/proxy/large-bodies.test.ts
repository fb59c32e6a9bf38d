import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentProxy } from '@consent-guard/proxy';
import { close, startOrigin, startProxy, type Origin } from './helpers.js';

// 256 MB each way: a few seconds here (2 shared cores). The memory bound is what matters,
// and it does not grow with the size: 1 GB behaves the same, only slower.
const SIZE = 256 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');
/** Origin, proxy and visitor share this process: all three sides' buffers together stay under this. */
const MEMORY_BOUND = 64 * 1024 * 1024;

let origin: Origin;
let proxy: ConsentProxy;
let url: string;
let written = 0;

beforeAll(async () => {
  origin = await startOrigin({
    '/upload': (req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ bytes })));
    },
    '/download': (_req, res) => {
      written = 0;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(SIZE) });
      Readable.from(chunks(SIZE))
        .on('data', (chunk: Buffer) => (written += chunk.length))
        .pipe(res);
    },
  });
  ({ proxy, url } = await startProxy(origin.url));
});

afterAll(async () => {
  await close(proxy);
  await close(origin.server);
});

describe('large bodies', () => {
  it('should stream a 256 MB upload to the upstream in flat memory', async () => {
    const peak = watchMemory();
    const visitor = httpRequest(`${url}/upload`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(SIZE) } });
    Readable.from(chunks(SIZE)).pipe(visitor);
    const [response] = (await once(visitor, 'response')) as [IncomingMessage];
    const body = JSON.parse(await text(response)) as { bytes: number };
    expect(body.bytes).toBe(SIZE);
    expect(peak.stop()).toBeLessThan(MEMORY_BOUND);
  }, 120_000);

  it('should stream a 256 MB download in flat memory, holding the upstream back while the visitor reads nothing', async () => {
    const peak = watchMemory();
    const visitor = httpRequest(`${url}/download`);
    visitor.end();
    const [response] = (await once(visitor, 'response')) as [IncomingMessage];
    response.pause();
    await sleep(1_000);
    // Backpressure reaches the origin: it has written little more than the sockets' buffers.
    expect(written).toBeLessThan(MEMORY_BOUND);
    let received = 0;
    response.on('data', (chunk: Buffer) => (received += chunk.length));
    response.resume();
    await once(response, 'end');
    expect(received).toBe(SIZE);
    expect(peak.stop()).toBeLessThan(MEMORY_BOUND);
  }, 120_000);
});

function* chunks(size: number): Generator<Buffer> {
  for (let sent = 0; sent < size; sent += CHUNK.length) yield CHUNK;
}

async function text(response: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of response) body += String(chunk);
  return body;
}

/** The highest growth of the process's memory (heap and buffers) above where it started. */
function watchMemory(): { stop(): number } {
  globalThis.gc?.();
  const used = () => {
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const start = used();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, used() - start)), 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, used() - start);
    },
  };
}
