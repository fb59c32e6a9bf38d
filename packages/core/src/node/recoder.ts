import type { ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import type { BodyTransform } from './body-hook.js';

export type Coding = 'gzip' | 'deflate' | 'br';

type Callback = (error?: Error | null) => void;
type RawWrite = (chunk: Buffer, callback?: Callback) => boolean;
type RawEnd = (callback?: () => void) => ServerResponse;

const DECODERS: Record<Coding, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress> = {
  gzip: () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};
const ENCODERS: Record<Coding, () => zlib.Gzip | zlib.Deflate | zlib.BrotliCompress> = {
  gzip: () => zlib.createGzip(),
  deflate: () => zlib.createDeflate(),
  br: () => zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }),
};

/**
 * A body that arrives compressed (compression middleware ran first): decoded, rewritten
 * and encoded again with the same coding, on its way to the response. Backpressure: the
 * response's `write` returns false while the decoder or the socket is full, and the
 * response emits `drain` when both have room again.
 */
export class Recoder {
  readonly #decoder;
  readonly #encoder;
  readonly #write: RawWrite;
  #waiting = false;

  constructor(
    private readonly res: ServerResponse,
    coding: Coding,
    transform: BodyTransform,
    write: RawWrite,
    end: RawEnd,
    onError: (error: Error) => void,
    /** Report-only: the transform only watches a decoded copy; the app's bytes go out as they are. */
    private readonly observeOnly = false,
  ) {
    this.#decoder = DECODERS[coding]();
    this.#encoder = ENCODERS[coding]();
    this.#write = write;
    const fail = (error: Error) => {
      onError(error);
      // Part of the page already went out encoded: the only honest end is to abort it (unless we only watch).
      if (!observeOnly) res.destroy(error);
    };
    // A throwing transform (a bug) must not escape from a stream event and crash the process.
    this.#decoder.on('data', (chunk: Buffer) => {
      try {
        const out = transform.write(chunk);
        if (out.length > 0 && !observeOnly) this.#encoder.write(out);
      } catch (error) {
        fail(error as Error);
      }
    });
    this.#decoder.on('end', () => {
      try {
        const out = transform.end();
        if (observeOnly) end.call(res);
        else this.#encoder.end(out.length > 0 ? out : undefined);
      } catch (error) {
        fail(error as Error);
      }
    });
    this.#encoder.on('data', (chunk: Buffer) => {
      if (!write.call(res, chunk)) {
        this.#encoder.pause();
        res.once('drain', () => this.#encoder.resume());
      }
    });
    this.#encoder.on('end', () => end.call(res));
    this.#decoder.on('drain', () => this.#maybeDrain());
    res.on('drain', () => this.#maybeDrain());
    this.#decoder.on('error', fail);
    this.#encoder.on('error', fail);
  }

  write(chunk: Buffer, callback?: Callback): boolean {
    if (this.observeOnly) this.#write.call(this.res, chunk);
    this.#decoder.write(chunk, callback);
    const full = this.#decoder.writableNeedDrain || this.res.writableNeedDrain;
    if (full) this.#waiting = true;
    return !full;
  }

  end(chunk: Buffer | undefined, callback?: () => void): void {
    if (callback) this.res.once('finish', callback);
    if (chunk) this.#decoder.end(chunk);
    else this.#decoder.end();
  }

  #maybeDrain(): void {
    if (this.#waiting && !this.#decoder.writableNeedDrain && !this.res.writableNeedDrain) {
      this.#waiting = false;
      this.res.emit('drain');
    }
  }
}
