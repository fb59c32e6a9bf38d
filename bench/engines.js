// Where the rewriter's time goes with each tokenizer engine, side by side in one run (CPU
// time, medians of interleaved rounds): the copy of the chunks into WebAssembly memory, each
// tokenizer alone (asked for the tags the rewriter asks for, and for none), and the whole
// rewriter with each.
//   node engines.js                 # a visitor who granted nothing optional
//   GRANTED=all node engines.js     # a visitor who granted everything
//   BENCH_ROUNDS=15 node engines.js
import { createGuard } from '@consent-guard/core';
import { interleave } from './interleave.js';
import { median } from './median.js';
import { policy } from './policy.js';

// Internals, from the build: the engines and what a consent cookie would give.
const core = new URL('../packages/core/dist/', import.meta.url);
const { Tokenizer } = await import(new URL('html/tokenizer.js', core));
const { WasmTokenizer } = await import(new URL('html/wasm-tokenizer.js', core));
const { compilePolicy } = await import(new URL('policy/compile.js', core));
const { chosenState } = await import(new URL('consent-state.js', core));

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
process.env.CONSENT_GUARD_WASM = '0'; // the JavaScript engine, unless a rewrite asks for the default
const guard = createGuard({ policy });
const everything = process.env.GRANTED === 'all';
const state = everything ? chosenState(compilePolicy(policy), Object.keys(policy.categories)) : guard.consentFor({});

// What the rewriter asks a tokenizer for when it judges trackers (rewriter.ts).
const LOOKED_AT = new Set(['script', 'iframe', 'img', 'source', 'link', 'embed', 'object', 'meta', 'body']);
const SCRIPT_END = new Set(['script']);
const NOTHING = new Set();
const nullSink = { tagOpen() {}, notStartTag() {}, startTag() {}, endTag() {} };
const memory = new Uint8Array(new WebAssembly.Memory({ initial: 1 }).buffer);

function tokenize(Engine, startTags, endTags, input) {
  const tokenizer = new Engine(nullSink, { startTags, endTags });
  for (const chunk of input) tokenizer.write(chunk);
}

function rewrite(wasm, input) {
  if (wasm) delete process.env.CONSENT_GUARD_WASM;
  const rewriter = guard.htmlRewriter(state);
  process.env.CONSENT_GUARD_WASM = '0';
  for (const chunk of input) rewriter.write(chunk);
  rewriter.end();
}

const candidates = {
  'copy of the chunks into WebAssembly memory': (input) => {
    for (const chunk of input) memory.set(chunk);
  },
  'JavaScript tokenizer, no tag wanted': (input) => tokenize(Tokenizer, NOTHING, NOTHING, input),
  'WebAssembly tokenizer, no tag wanted': (input) => tokenize(WasmTokenizer, NOTHING, NOTHING, input),
  "JavaScript tokenizer, the rewriter's tags, a sink doing nothing": (input) => tokenize(Tokenizer, LOOKED_AT, SCRIPT_END, input),
  "WebAssembly tokenizer, the rewriter's tags, a sink doing nothing": (input) => tokenize(WasmTokenizer, LOOKED_AT, SCRIPT_END, input),
  'rewriter, JavaScript tokenizer': (input) => rewrite(false, input),
  'rewriter, WebAssembly tokenizer': (input) => rewrite(true, input),
};

const results = await interleave(candidates, ROUNDS);

console.log(`\nnode ${process.version}, ${ROUNDS} rounds, 16 KB chunks, a visitor who granted ${everything ? 'everything' : 'nothing optional'}; medians of process CPU time\n`);
console.log('| page | what | MB/s (CPU) | µs per 16 KB chunk |');
console.log('|---|---|---:|---:|');
for (const [size, byCandidate] of Object.entries(results)) {
  for (const [name, rates] of Object.entries(byCandidate)) {
    const rate = median(rates.cpu);
    console.log(`| ${size} | ${name} | ${rate.toFixed(0)} | ${((16 * 1024) / rate).toFixed(1)} |`);
  }
}
