import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BodyHook, type BodyHooks, type BodyTransform } from './body-hook.js';
import { hookMethods, methodsOf, type Args } from './methods.js';

const BROKEN: BodyTransform = {
  write: () => {
    throw new Error('bug');
  },
  end: () => Buffer.alloc(0),
};

function hooks(observeOnly = false, failures: Error[] = []): BodyHooks {
  return {
    bodyTransform: BROKEN,
    bodyCoding: undefined,
    observeOnly,
    bodyFailed: (error) => failures.push(error),
    holdsWholeBody: () => false,
    wholeBody: () => {
      throw new Error('bug');
    },
  };
}

/** Hooks the body of `res` alone; its head goes out as Node writes it. */
function hookResponseBody(hooks: BodyHooks, res: ServerResponse): void {
  const originals = methodsOf(res);
  const body = new BodyHook(hooks, originals);
  const head = {
    writeHead: (self: ServerResponse, args: Args) => originals.writeHead.apply(self, args as never),
    writeEarlyHints: (self: ServerResponse, args: Args) => originals.writeEarlyHints.apply(self, args as never),
  };
  hookMethods(res, originals, { writeHead: head, writeEarlyHints: head, write: body, end: body });
}

async function get(handle: (res: ServerResponse) => void): Promise<{ status: number; body: string; aborted: boolean }> {
  const server = createServer((_req, res) => handle(res)).listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    return await new Promise((resolve) => {
      request({ port: (server.address() as AddressInfo).port }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, aborted: false }));
        res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body, aborted: true }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body, aborted: true }));
      })
        .on('error', () => resolve({ status: 0, body: '', aborted: true }))
        .end();
    });
  } finally {
    server.close();
  }
}

describe('a body transform that fails', () => {
  it('should turn a page written at once into a 500, never the unchecked page', async () => {
    const failures: Error[] = [];
    const result = await get((res) => {
      hookResponseBody(hooks(false, failures), res);
      res.setHeader('Content-Type', 'text/html');
      res.setHeader('Content-Length', '10');
      res.end('<p>secret</p>');
    });
    expect(result).toEqual({ status: 500, body: 'This page could not be checked for consent, so it was not sent.\n', aborted: false });
    expect(failures.map((error) => error.message)).toEqual(['bug']);
  });

  it('should cut a streamed page off rather than send unchecked bytes', async () => {
    const result = await get((res) => {
      hookResponseBody(hooks(), res);
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.write('<p>unchecked</p>');
      res.end();
    });
    expect(result.aborted).toBe(true);
    expect(result.body).not.toContain('unchecked');
  });

  it('should pass the page in report-only mode', async () => {
    const result = await get((res) => {
      hookResponseBody(hooks(true), res);
      res.setHeader('Content-Type', 'text/html');
      res.end('<p>as written</p>');
    });
    expect(result).toEqual({ status: 200, body: '<p>as written</p>', aborted: false });
  });
});
