import { Tokenizer, type TokenizerOptions, type TokenSink } from './tokenizer.js';
import { WasmTokenizer } from './wasm-tokenizer.js';

/** What the rewriter needs of a tokenizer, whichever engine runs it. */
export type TokenizerEngine = Pick<Tokenizer, 'write' | 'reportStartTags'>;

/**
 * The JavaScript tokenizer, or with CONSENT_GUARD_WASM=1 the WebAssembly one (measured side
 * by side in bench/rewriters.js; read at each page, so a test can switch it).
 */
export function createTokenizer(sink: TokenSink, options: TokenizerOptions): TokenizerEngine {
  return process.env.CONSENT_GUARD_WASM === '1' ? new WasmTokenizer(sink, options) : new Tokenizer(sink, options);
}
