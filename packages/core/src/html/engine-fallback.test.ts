// A package whose WebAssembly module is missing (a bundler that left it out): pages still get
// rewritten, by the JavaScript tokenizer, and the site is told once.
import { expect, it, vi } from 'vitest';

vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const readFileSync = ((path: Parameters<typeof fs.readFileSync>[0], ...rest: unknown[]) => {
    if (String(path).endsWith('tokenizer.wasm')) throw new Error('ENOENT: no such file or directory');
    return (fs.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

const { createTokenizer } = await import('./engine.js');
const { Tokenizer } = await import('./tokenizer.js');
const { rewrite } = await import('./test-support.js');

it('should rewrite with the JavaScript tokenizer, warning once, when the WebAssembly module cannot be loaded', () => {
  const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  const quiet = { tagOpen() {}, notStartTag() {}, startTag() {}, endTag() {} };
  expect(createTokenizer(quiet, {})).toBeInstanceOf(Tokenizer);
  const { output } = rewrite('<script src="https://js.hs-scripts.com/1.js"></script>');
  expect(output.toString()).toContain('data-consent-src="https://js.hs-scripts.com/1.js"');
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]![0])).toContain('the WebAssembly tokenizer could not be loaded (ENOENT');
});
