// Streaming (the 100 MB page with flat memory among it) once more with the WebAssembly
// tokenizer (CONSENT_GUARD_WASM=1, read when a rewriter is created).
import { afterAll, beforeAll } from 'vitest';
import './streaming.test.js';

beforeAll(() => {
  process.env.CONSENT_GUARD_WASM = '1';
});

afterAll(() => {
  delete process.env.CONSENT_GUARD_WASM;
});
