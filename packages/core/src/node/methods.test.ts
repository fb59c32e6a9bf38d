import { createServer, request, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hookMethods, installed, methodsOf, type Args, type Originals, type ResponseHooks } from './methods.js';

/** Hooks that only call through, the way the guard's do for a body it leaves alone. */
function passThrough(originals: Originals): ResponseHooks {
  const call = (name: keyof Originals) => (res: ServerResponse, args: Args) => (originals[name] as (...a: unknown[]) => unknown).apply(res, Array.from(args));
  return {
    writeHead: { writeHead: call('writeHead') },
    writeEarlyHints: { writeEarlyHints: call('writeEarlyHints') },
    write: { write: call('write') },
    end: { end: call('end') },
  };
}

describe('hooks through ServerResponse.prototype', () => {
  // Node's own responses hold their hooks in a field; Express's, whose prototype it switches, in a WeakMap.
  it.each([
    ['its own', false],
    ['a switched', true],
  ])('should hold a response with %s prototype until it has ended, and no longer (a held response outlives every scavenge)', async (_name, switched) => {
    const held: unknown[] = [];
    const server = createServer((_req, res) => {
      if (switched) Object.setPrototypeOf(res, Object.create(ServerResponse.prototype));
      const originals = methodsOf(res);
      const hooks = passThrough(originals);
      hookMethods(res, originals, hooks);
      res.write('a');
      held.push(installed(res, 'end') === hooks.end);
      res.end('b');
      held.push(installed(res, 'end'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        request({ port, host: '127.0.0.1' }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(body).toBe('ab');
      expect(held).toEqual([true, undefined]);
    } finally {
      server.close();
    }
  });
});
