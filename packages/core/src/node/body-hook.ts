import type { ServerResponse } from 'node:http';
import type { Args, Originals } from './methods.js';
import { Recoder, type Coding } from './recoder.js';

/** A synchronous body transform: bytes in, bytes out (possibly none yet). */
export interface BodyTransform {
  write(chunk: Buffer): Buffer;
  /** The rest, after the last chunk if given (the same as writing it first). */
  end(last?: Buffer): Buffer;
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
   * The chunk comes as `end` got it (`toBuffer` makes bytes of it): a body that is not a
   * page is not copied.
   */
  wholeBody(res: ServerResponse, chunk: unknown, encoding?: BufferEncoding): Buffer | undefined;
}

type Callback = (error?: Error | null) => void;
type Write = (chunk: unknown, encoding?: BufferEncoding | Callback, callback?: Callback) => boolean;
type End = (chunk?: unknown, encoding?: BufferEncoding | Callback, callback?: Callback) => ServerResponse;

/**
 * Passes the body through the transform chosen at header time, the way expressjs/compression
 * proxies `write` and `end`. `write` forces the head first, so the choice is made before any
 * body byte; backpressure is the response's own (`write` returns what the real one returns).
 * One object per response, its state in fields: no closures.
 */
export class BodyHook {
  readonly #hooks: BodyHooks;
  readonly #write: Write;
  readonly #end: End;
  #recoder: Recoder | undefined;
  /** The body held back before the head (see `holdsWholeBody`), copied: callers may reuse their buffers once called back. */
  #held: Buffer[] | undefined;
  #heldLength = 0;
  #askedToHold = false;

  constructor(hooks: BodyHooks, originals: Originals) {
    this.#hooks = hooks;
    this.#write = originals.write as Write;
    this.#end = originals.end as End;
  }

  write(res: ServerResponse, args: Args): boolean {
    return this.#writeTransformed(res, args[0], args[1] as BufferEncoding | Callback | undefined, args[2] as Callback | undefined);
  }

  end(res: ServerResponse, args: Args): ServerResponse {
    return this.#endTransformed(res, args[0], args[1] as BufferEncoding | Callback | undefined, args[2] as Callback | undefined);
  }

  #writeTransformed(res: ServerResponse, chunk: unknown, encoding?: BufferEncoding | Callback, callback?: Callback): boolean {
    const hooks = this.#hooks;
    if (chunk !== undefined && chunk !== null) {
      if (!this.#askedToHold && !res.headersSent) {
        this.#askedToHold = true;
        if (hooks.holdsWholeBody(res)) this.#held = [];
      }
      if (this.#held) {
        const piece = Buffer.from(toBuffer(chunk, encoding));
        const done = typeof encoding === 'function' ? encoding : callback;
        // Held while the head is not out and the body is what its Content-Length said.
        if (!res.headersSent && this.#heldLength + piece.length <= Number(res.getHeader('content-length'))) {
          this.#held.push(piece);
          this.#heldLength += piece.length;
          if (done) process.nextTick(done);
          return true;
        }
        return this.#writeTransformed(res, this.#takeHeld(piece), done);
      }
    }
    if (!res.headersSent) res.writeHead(res.statusCode);
    const transform = hooks.bodyTransform;
    if (!transform || chunk === undefined || chunk === null) return this.#write.call(res, chunk, encoding, callback);
    const done = typeof encoding === 'function' ? encoding : callback;
    let out: Buffer;
    try {
      if (hooks.bodyCoding) return this.#recoderFor(res, transform, hooks.bodyCoding).write(toBuffer(chunk, encoding), done);
      out = transform.write(toBuffer(chunk, encoding));
    } catch (error) {
      this.#fail(res, error);
      return false;
    }
    if (out.length > 0) return this.#write.call(res, out, done);
    if (done) process.nextTick(done);
    return !res.writableNeedDrain;
  }

  #endTransformed(res: ServerResponse, chunk?: unknown, encoding?: BufferEncoding | Callback, callback?: Callback): ServerResponse {
    if (typeof chunk === 'function') return this.#endTransformed(res, undefined, undefined, chunk as Callback);
    const hooks = this.#hooks;
    const done = typeof encoding === 'function' ? encoding : callback;
    if (this.#held) return this.#endTransformed(res, this.#takeHeld(chunk === undefined || chunk === null ? undefined : toBuffer(chunk, encoding)), done);
    const hasChunk = chunk !== undefined && chunk !== null;
    if (!res.headersSent && hasChunk) {
      let whole: Buffer | undefined;
      try {
        whole = hooks.wholeBody(res, chunk, typeof encoding === 'string' ? encoding : undefined);
      } catch (error) {
        return this.#fail(res, error, toBuffer(chunk, encoding));
      }
      if (whole) return this.#end.call(res, whole, done);
    }
    if (!res.headersSent) res.writeHead(res.statusCode);
    const transform = hooks.bodyTransform;
    if (!transform) return this.#end.call(res, chunk, encoding, callback);
    let out: Buffer;
    try {
      if (hooks.bodyCoding) {
        this.#recoderFor(res, transform, hooks.bodyCoding).end(hasChunk ? toBuffer(chunk, encoding) : undefined, done as (() => void) | undefined);
        return res;
      }
      out = transform.end(hasChunk ? toBuffer(chunk, encoding) : undefined);
    } catch (error) {
      return this.#fail(res, error);
    }
    return out.length > 0 ? this.#end.call(res, out, done) : this.#end.call(res, done);
  }

  #takeHeld(last?: Buffer): Buffer {
    const pieces = this.#held!;
    this.#held = undefined;
    if (last) pieces.push(last);
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }

  #recoderFor(res: ServerResponse, transform: BodyTransform, coding: Coding): Recoder {
    return (this.#recoder ??= new Recoder(res, coding, transform, this.#write, this.#end as (callback?: () => void) => ServerResponse, (error) => this.#hooks.bodyFailed(error), this.#hooks.observeOnly));
  }

  /**
   * The transform failed (a bug, not bad input): nothing unchecked may leave. Before the head,
   * the page becomes a 500 (report-only: the app's bytes pass); after it, the response is cut.
   */
  #fail(res: ServerResponse, error: unknown, original?: Buffer): ServerResponse {
    this.#hooks.bodyFailed(error instanceof Error ? error : new Error(String(error)));
    if (res.headersSent) return res.destroy();
    if (this.#hooks.observeOnly && original) return this.#end.call(res, original);
    res.statusCode = 500;
    for (const name of ['content-length', 'content-encoding', 'etag', 'last-modified']) res.removeHeader(name);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    return this.#end.call(res, 'This page could not be checked for consent, so it was not sent.\n');
  }
}

/** A body chunk as bytes (a string in its encoding, UTF-8 by default). */
export function toBuffer(chunk: unknown, encoding: BufferEncoding | Callback | undefined): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('The "chunk" argument must be of type string or an instance of Buffer or Uint8Array');
}
