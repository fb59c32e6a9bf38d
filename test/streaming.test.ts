import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type Framework } from './helpers/apps.js';

const TRACKED = Buffer.from('<p>text</p><script src="https://js.hs-scripts.com/1.js"></script><img src="https://track.hubspot.com/p.gif">\n');
const NEUTRALIZED = Buffer.from(
  '<p>text</p><script data-consent-src="https://js.hs-scripts.com/1.js" type="text/plain" data-consent-category="marketing"></script><img data-consent-src="https://track.hubspot.com/p.gif" data-consent-category="marketing">\n',
);

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  server = createServer(handler).listen(0);
  await new Promise((resolve) => server!.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

async function get(port: number): Promise<{ headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest({ port }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

/** `count` repetitions of TRACKED, in 64 KB chunks that cut tags anywhere. */
function page(count: number): Readable {
  const block = Buffer.concat(Array.from({ length: 1000 }, () => TRACKED));
  let left = count;
  return new Readable({
    read() {
      const n = Math.min(left, 1000);
      left -= n;
      this.push(n === 0 ? null : block.subarray(0, n * TRACKED.length));
    },
  });
}

const HUNDRED_MB = Math.ceil((100 * 1024 * 1024) / TRACKED.length);

/** Reads the 100 MB page from `port`, checking it as it comes, and the heap's growth meanwhile. */
async function expectStreamedFlat(port: number): Promise<void> {
  const before = process.memoryUsage();
  let peak = 0;
  let received = 0;
  let mismatch = false;
  let carry = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    httpRequest({ port }, (res) => {
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // Check the output as it comes: whole neutralized lines.
        const data = Buffer.concat([carry, chunk]);
        const lines = Math.floor(data.length / NEUTRALIZED.length);
        for (let l = 0; l < lines; l += 997) if (!data.subarray(l * NEUTRALIZED.length, (l + 1) * NEUTRALIZED.length).equals(NEUTRALIZED)) mismatch = true;
        carry = data.subarray(lines * NEUTRALIZED.length);
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
      });
      res.on('end', resolve);
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
  expect(received).toBe(HUNDRED_MB * NEUTRALIZED.length);
  expect(mismatch).toBe(false);
  expect(peak).toBeLessThan(64 * 1024 * 1024);
}

describe.each(['express5', 'koa3'] as Framework[])('streaming pages on %s', (framework) => {
  const route = (make: (res: ServerResponse) => void) =>
    createApp(framework, {}, {
      raw: {
        '/': (_req, res) => {
          res.statusCode = 200;
          res.setHeader('Content-Type', 'text/html');
          make(res);
        },
      },
    }) as unknown as (req: IncomingMessage, res: ServerResponse) => void;

  it('should stream a 100 MB page through with flat memory', async () => {
    await expectStreamedFlat(await listen(route((res) => page(HUNDRED_MB).pipe(res))));
  }, 120_000);

  it('should send the first bytes before the last are written', async () => {
    let release!: () => void;
    const firstSeen = new Promise<void>((resolve) => (release = resolve));
    const port = await listen(
      route((res) => {
        res.write(TRACKED);
        void firstSeen.then(() => res.end(TRACKED));
      }),
    );
    const body = await new Promise<Buffer>((resolve) => {
      httpRequest({ port }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          release();
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).end();
    });
    expect(body.equals(Buffer.concat([NEUTRALIZED, NEUTRALIZED]))).toBe(true);
  });

  it('should read a small page of known length whole, and send it with the Content-Length of what it became', async () => {
    const port = await listen(
      route((res) => {
        res.setHeader('Content-Length', TRACKED.length * 3);
        res.write(TRACKED.subarray(0, 20));
        setImmediate(() => {
          res.write(Buffer.concat([TRACKED.subarray(20), TRACKED]));
          setImmediate(() => res.end(TRACKED));
        });
      }),
    );
    const { headers, body } = await get(port);
    expect(body.equals(Buffer.concat([NEUTRALIZED, NEUTRALIZED, NEUTRALIZED]))).toBe(true);
    expect(headers['content-length']).toBe(String(NEUTRALIZED.length * 3));
  });

  it('should let a held page go, in order, when the app sends its head early or writes more than it declared', async () => {
    const early = await listen(
      route((res) => {
        res.setHeader('Content-Length', TRACKED.length * 2);
        res.write(TRACKED);
        res.flushHeaders();
        setImmediate(() => res.end(TRACKED));
      }),
    );
    const flushed = await get(early);
    expect([flushed.body.equals(Buffer.concat([NEUTRALIZED, NEUTRALIZED])), flushed.headers['content-length']]).toEqual([true, undefined]);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const longer = await listen(
      route((res) => {
        res.setHeader('Content-Length', 10);
        res.write(TRACKED);
        res.end(TRACKED);
      }),
    );
    const outgrown = await get(longer);
    expect([outgrown.body.equals(Buffer.concat([NEUTRALIZED, NEUTRALIZED])), outgrown.headers['content-length']]).toEqual([true, undefined]);
  });

  it('should respect backpressure from a slow client', async () => {
    let sawFull = false;
    const port = await listen(
      route((res) => {
        let left = 400;
        const pump = () => {
          while (left > 0) {
            left--;
            if (!res.write(Buffer.concat(Array.from({ length: 100 }, () => TRACKED)))) {
              sawFull = true;
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
      }),
    );
    const received = await new Promise<number>((resolve) => {
      httpRequest({ port }, (res) => {
        let total = 0;
        res.pause();
        setTimeout(() => {
          res.on('data', (chunk: Buffer) => (total += chunk.length));
          res.on('end', () => resolve(total));
          res.resume();
        }, 200);
      }).end();
    });
    expect(sawFull).toBe(true);
    expect(received).toBe(400 * 100 * NEUTRALIZED.length);
  });

  it('should survive a client that goes away mid-page, and keep serving', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const port = await listen(
      route((res) => {
        res.on('close', closed);
        const timer = setInterval(() => res.write(TRACKED), 1);
        res.on('close', () => clearInterval(timer));
      }),
    );
    await new Promise<void>((resolve) => {
      const req = httpRequest({ port }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.end();
    });
    await serverSawClose;
    const status = await new Promise<number>((resolve) => {
      httpRequest({ port, path: '/' }, (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      }).end();
    });
    expect(status).toBe(200);
  });

  it('should end cleanly when the page source fails mid-way', async () => {
    const port = await listen(
      route((res) => {
        const source = new Readable({ read() {} });
        source.push(TRACKED);
        setTimeout(() => source.destroy(new Error('template crashed')), 10);
        source.on('error', () => res.destroy());
        source.pipe(res);
      }),
    );
    const outcome = await new Promise<string>((resolve) => {
      httpRequest({ port }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve('end'));
        res.on('error', () => resolve('aborted'));
        res.on('aborted', () => resolve('aborted'));
      })
        .on('error', () => resolve('aborted'))
        .end();
    });
    expect(outcome).toBe('aborted');
  });
});

describe("streaming pages through Fastify's reply.send(stream)", () => {
  const app = (stream: () => Readable) =>
    createApp('fastify5', {}, { fastify: { '/': (_request, reply) => reply.type('text/html').send(stream()) } }) as unknown as (req: IncomingMessage, res: ServerResponse) => void;

  it('should stream a 100 MB page through with flat memory', async () => {
    await expectStreamedFlat(await listen(app(() => page(HUNDRED_MB))));
  }, 120_000);

  it('should send the first bytes before the source has the last', async () => {
    let release!: () => void;
    const firstSeen = new Promise<void>((resolve) => (release = resolve));
    const port = await listen(
      app(() => {
        const source = new Readable({ read() {} });
        source.push(TRACKED);
        void firstSeen.then(() => {
          source.push(TRACKED);
          source.push(null);
        });
        return source;
      }),
    );
    const body = await new Promise<Buffer>((resolve) => {
      httpRequest({ port }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          release();
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).end();
    });
    expect(body.equals(Buffer.concat([NEUTRALIZED, NEUTRALIZED]))).toBe(true);
  });
});
