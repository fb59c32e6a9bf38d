// The rewriter's proofs once more with the JavaScript tokenizer (CONSENT_GUARD_WASM=0, read
// when a rewriter is created; the WebAssembly one runs them by default): the real-page
// corpus, the fuzzers and the rewriter's tests.
import { afterAll, beforeAll } from 'vitest';
import './corpus.test.js';
import './fuzz.test.js';
import './rewriter.test.js';

beforeAll(() => {
  process.env.CONSENT_GUARD_WASM = '0';
});

afterAll(() => {
  delete process.env.CONSENT_GUARD_WASM;
});
