// The rewriter's proofs once more with the WebAssembly tokenizer (CONSENT_GUARD_WASM=1, read
// when a rewriter is created): the real-page corpus, the fuzzers and the rewriter's tests.
import { afterAll, beforeAll } from 'vitest';
import './corpus.test.js';
import './fuzz.test.js';
import './rewriter.test.js';

beforeAll(() => {
  process.env.CONSENT_GUARD_WASM = '1';
});

afterAll(() => {
  delete process.env.CONSENT_GUARD_WASM;
});
