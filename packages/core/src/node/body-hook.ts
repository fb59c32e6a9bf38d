import type { ServerResponse } from 'node:http';
import type { MethodTarget } from './methods.js';
import { Recoder, type Coding } from './recoder.js';

/** A synchronous body transform: bytes in, bytes out (possibly none yet). */
export interface BodyTransform {
  write(chunk: Buffer): Buffer;
  end(): Buffer;
}

export interface BodyHooks {
  /** The transform chosen at header time, or undefined to pass the body through. */
  readonly bodyTransform: BodyTransform | undefined;
  /** The body's Content-Encoding, when the transform must work on the decoded bytes. */
  readonly bodyCoding: Coding | undefined;
  /** The compressed body could not be decoded. */
  bodyFailed(error: Error): void;
  /** Report-only: a compressed body is decoded only to be watched. */
  readonly observeOnly: boolean;
  /**
   * Before the head, on the first `write`: whether to hold the body back until `end` and
   * hand it to `wholeBody` (a small page of known length, whose head then says exactly
   * what became of it). A body that outgrows what its Content-Length declared is let go.
   */
  holdsWholeBody(res: ServerResponse): boolean;
  /**
   * Before the head, when the whole body comes in one `end(chunk)`: transform it now and
   * return it (the caller fixes Content-Length), or undefined to leave it to header time.
   */
  wholeBody(res: ServerResponse, chunk: Buffer): Buffer | undefined;
}

type Callback = (error?: Error | null) => void;
type Write = (chunk: unknown, encoding?: BufferEncoding | Callback, callback?: Callback) => boolean;
type End = (chunk?: unknown, encoding?: BufferEncoding | Callback, callback?: Callback) => ServerResponse;

/**
 * Passes the body through the transform chosen at header time, the way expressjs/compression
 * proxies `write` and `end`. `write` forces the head first, so the choice is made before any
 * body byte; backpressure is the response's own (`write` returns what the real one returns).
 */
export function hookResponseBody(hooks: BodyHooks, target: MethodTarget): void {
  const write = target.original('write') as Write;
  const end = target.original('end') as End;
  let recoder: Recoder | undefined;
  /** The body held back before the head (see `holdsWholeBody`), copied: callers may reuse their buffers once called back. */
  let held: Buffer[] | undefined;
  let heldLength = 0;
  let askedToHold = false;
  const declaredLength = (self: ServerResponse) => Number(self.getHeader('content-length'));
  const takeHeld = (last?: Buffer): Buffer => {
    const pieces = held!;
    held = undefined;
    if (last) pieces.push(last);
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  };
  const recoderFor = (self: ServerResponse, transform: BodyTransform, coding: Coding) =>
    (recoder ??= new Recoder(self, coding, transform, write, end as (callback?: () => void) => ServerResponse, (error) => hooks.bodyFailed(error), hooks.observeOnly));

  /**
   * The transform failed (a bug, not bad input): nothing unchecked may leave. Before the head,
   * the page becomes a 500 (report-only: the app's bytes pass); after it, the response is cut.
   */
  const fail = (self: ServerResponse, error: unknown, original?: Buffer): ServerResponse => {
    hooks.bodyFailed(error instanceof Error ? error : new Error(String(error)));
    if (self.headersSent) return self.destroy();
    if (hooks.observeOnly && original) return end.call(self, original);
    self.statusCode = 500;
    for (const name of ['content-length', 'content-encoding', 'etag', 'last-modified']) self.removeHeader(name);
    self.setHeader('Content-Type', 'text/plain; charset=utf-8');
    self.setHeader('Cache-Control', 'no-store');
    return end.call(self, 'This page could not be checked for consent, so it was not sent.\n');
  };

  target.install('write', function writeTransformed(this: ServerResponse, chunk: unknown, encoding?: BufferEncoding | Callback, callback?: Callback): boolean {
    if (chunk !== undefined && chunk !== null) {
      if (!askedToHold && !this.headersSent) {
        askedToHold = true;
        if (hooks.holdsWholeBody(this)) held = [];
      }
      if (held) {
        const piece = Buffer.from(toBuffer(chunk, encoding));
        const done = typeof encoding === 'function' ? encoding : callback;
        // Held while the head is not out and the body is what its Content-Length said.
        if (!this.headersSent && heldLength + piece.length <= declaredLength(this)) {
          held.push(piece);
          heldLength += piece.length;
          if (done) process.nextTick(done);
          return true;
        }
        return writeTransformed.call(this, takeHeld(piece), done);
      }
    }
    if (!this.headersSent) this.writeHead(this.statusCode);
    const transform = hooks.bodyTransform;
    if (!transform || chunk === undefined || chunk === null) return write.call(this, chunk, encoding, callback);
    const done = typeof encoding === 'function' ? encoding : callback;
    let out: Buffer;
    try {
      if (hooks.bodyCoding) return recoderFor(this, transform, hooks.bodyCoding).write(toBuffer(chunk, encoding), done);
      out = transform.write(toBuffer(chunk, encoding));
    } catch (error) {
      fail(this, error);
      return false;
    }
    if (out.length > 0) return write.call(this, out, done);
    if (done) process.nextTick(done);
    return !this.writableNeedDrain;
  } as ServerResponse['write']);

  target.install('end', function endTransformed(this: ServerResponse, chunk?: unknown, encoding?: BufferEncoding | Callback, callback?: Callback): ServerResponse {
    if (typeof chunk === 'function') return endTransformed.call(this, undefined, undefined, chunk as Callback);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (held) return endTransformed.call(this, takeHeld(chunk === undefined || chunk === null ? undefined : toBuffer(chunk, encoding)), done);
    const hasChunk = chunk !== undefined && chunk !== null;
    if (!this.headersSent && hasChunk) {
      const body = toBuffer(chunk, encoding);
      let whole: Buffer | undefined;
      try {
        whole = hooks.wholeBody(this, body);
      } catch (error) {
        return fail(this, error, body);
      }
      if (whole) return end.call(this, whole, done);
    }
    if (!this.headersSent) this.writeHead(this.statusCode);
    const transform = hooks.bodyTransform;
    if (!transform) return end.call(this, chunk, encoding, callback);
    let out: Buffer;
    try {
      if (hooks.bodyCoding) {
        recoderFor(this, transform, hooks.bodyCoding).end(hasChunk ? toBuffer(chunk, encoding) : undefined, done as (() => void) | undefined);
        return this;
      }
      const head = hasChunk ? transform.write(toBuffer(chunk, encoding)) : undefined;
      const tail = transform.end();
      out = head && head.length > 0 ? (tail.length > 0 ? Buffer.concat([head, tail]) : head) : tail;
    } catch (error) {
      return fail(this, error);
    }
    return out.length > 0 ? end.call(this, out, done) : end.call(this, done);
  } as ServerResponse['end']);
}

function toBuffer(chunk: unknown, encoding: BufferEncoding | Callback | undefined): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('The "chunk" argument must be of type string or an instance of Buffer or Uint8Array');
}
