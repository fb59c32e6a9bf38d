import { afterEach, describe, expect, it } from 'vitest';
import { createTokenizer, type TokenizerEngine } from './engine.js';
import { Tokenizer, type TokenSink } from './tokenizer.js';
import { WasmTokenizer } from './wasm-tokenizer.js';

const quiet: TokenSink = { tagOpen() {}, notStartTag() {}, startTag() {}, endTag() {} };

describe('the tokenizer a page gets', () => {
  afterEach(() => {
    delete process.env.CONSENT_GUARD_WASM;
  });

  it('should be the WebAssembly one by default, the JavaScript one with CONSENT_GUARD_WASM=0', () => {
    expect(createTokenizer(quiet, {})).toBeInstanceOf(WasmTokenizer);
    process.env.CONSENT_GUARD_WASM = '0';
    expect(createTokenizer(quiet, {})).toBeInstanceOf(Tokenizer);
  });

  it('should be the JavaScript one for a page a sink starts while the module reads another page', () => {
    let inner: TokenizerEngine | undefined;
    const outer = createTokenizer({ ...quiet, startTag: () => void (inner ??= createTokenizer(quiet, {})) }, {});
    outer.write(Buffer.from('<p>x</p>'));
    expect(outer).toBeInstanceOf(WasmTokenizer);
    expect(inner).toBeInstanceOf(Tokenizer);
  });
});
