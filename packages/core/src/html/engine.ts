import { Tokenizer, type TokenizerOptions, type TokenSink } from './tokenizer.js';
import { WasmTokenizer, wasmTokenizerBusy } from './wasm-tokenizer.js';

/**
 * What the rewriter needs of a tokenizer, whichever engine runs it (the WebAssembly one is
 * also told when the page ends, and can stop before the end of the last chunk).
 */
export type TokenizerEngine = Pick<Tokenizer, 'write' | 'reportStartTags'> & Partial<Pick<WasmTokenizer, 'release' | 'stopUnlessMarkedAhead'>>;

let wasmUnavailable = false;

/**
 * The WebAssembly tokenizer (faster, measured side by side in bench/rewriters.js), or the
 * JavaScript one: with CONSENT_GUARD_WASM=0 (read at each page, so a test can switch it),
 * when the module cannot be loaded, or when a sink's callback starts a page while the module
 * is reading another one's chunk (they share the module).
 */
export function createTokenizer(sink: TokenSink, options: TokenizerOptions): TokenizerEngine {
  if (process.env.CONSENT_GUARD_WASM !== '0' && !wasmUnavailable && !wasmTokenizerBusy()) {
    try {
      return new WasmTokenizer(sink, options);
    } catch (error) {
      wasmUnavailable = true;
      process.emitWarning(`consent-guard: the WebAssembly tokenizer could not be loaded (${(error as Error).message}); the JavaScript one is used`, { code: 'CONSENT_GUARD_WASM' });
    }
  }
  return new Tokenizer(sink, options);
}
