// Streaming (the 100 MB page with flat memory among it) once more with the JavaScript
// tokenizer (CONSENT_GUARD_WASM=0, read when a rewriter is created; the WebAssembly one is the default).
import { afterAll, beforeAll } from 'vitest';
import './streaming.test.js';

beforeAll(() => {
  process.env.CONSENT_GUARD_WASM = '0';
});

afterAll(() => {
  delete process.env.CONSENT_GUARD_WASM;
});
