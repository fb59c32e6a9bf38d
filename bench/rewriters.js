// HTML rewriting throughput, side by side in one run: consent-guard's streaming rewriter
// against the floor (a copy of the chunks, an indexOf('<') scan) and against the same job
// done with htmlparser2 and with lol-html (html-rewriter-wasm). Medians of wall time and of CPU time.
// consent-guard runs twice: for a visitor who granted nothing optional (the job the others
// do) and for one who granted everything (only the Consent Mode default and author-marked
// tags can change then).
//   node rewriters.js              # 7 rounds
//   BENCH_ROUNDS=15 node rewriters.js
import { StringDecoder } from 'node:string_decoder';
import { createGuard } from '@consent-guard/core';
import { Parser } from 'htmlparser2';
import { HTMLRewriter } from 'html-rewriter-wasm';
import { interleave } from './interleave.js';
import { median } from './median.js';
import { pages } from './pages.js';
import { policy } from './policy.js';
import { pageOptions } from './page-options.js';
import { createPageRewriter } from '../packages/core/dist/html/page.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
// The engine is picked when a rewriter is created: 'consent-guard (js)' runs the JavaScript one
// (CONSENT_GUARD_WASM=0), the '(wasm)' rows the WebAssembly one, the default (the variable
// unset around their creation).
process.env.CONSENT_GUARD_WASM = '0';
const guard = createGuard({ policy });
const state = guard.consentFor({}); // a visitor who granted nothing optional: trackers get neutralized
const granted = new Set(state.granted);

// A visitor who granted everything: nothing is neutralized; the Consent Mode default goes
// before the first Google tag (these 2013 pages have none, so every script is looked at to
// the end) and author-marked tags are activated.
const accepted = pageOptions('everything');

// The same decision for every candidate: which loading attribute, and is its URL a denied tracker.
const LOADING = { script: ['src'], iframe: ['src'], img: ['src', 'srcset'], source: ['src', 'srcset'], link: ['href'], embed: ['src'], object: ['data'] };
const hosts = new Map();
for (const tracker of policy.trackers) for (const host of tracker.hosts) hosts.set(host.split('/')[0].replace(/^\*\./, ''), tracker);
function deniedTracker(value) {
  const match = /^\s*(?:https?:)?\/\/([^/?#:]+)/i.exec(value);
  if (!match) return undefined;
  let host = match[1].toLowerCase();
  for (;;) {
    const tracker = hosts.get(host);
    if (tracker) return granted.has(tracker.category) ? undefined : tracker;
    const dot = host.indexOf('.');
    if (dot === -1) return undefined;
    host = host.slice(dot + 1);
  }
}
function rewriteAll(rewriter, input) {
  let n = 0;
  for (const chunk of input) n += rewriter.write(chunk).length;
  return n + rewriter.end().length;
}
const escape = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

const candidates = {
  'copy (floor)': (input) => {
    let n = 0;
    for (const chunk of input) n += Buffer.from(chunk).length;
    return n;
  },
  "indexOf('<') scan (floor)": (input) => {
    let n = 0;
    for (const chunk of input) for (let i = chunk.indexOf(0x3c); i !== -1; i = chunk.indexOf(0x3c, i + 1)) n++;
    return n;
  },
  'consent-guard (js)': (input) => rewriteAll(guard.htmlRewriter(state), input),
  'consent-guard (wasm)': (input) => {
    delete process.env.CONSENT_GUARD_WASM;
    const rewriter = guard.htmlRewriter(state);
    process.env.CONSENT_GUARD_WASM = '0';
    return rewriteAll(rewriter, input);
  },
  'consent-guard (wasm), everything granted': (input) => {
    delete process.env.CONSENT_GUARD_WASM;
    const rewriter = createPageRewriter(accepted);
    process.env.CONSENT_GUARD_WASM = '0';
    let n = 0;
    for (const chunk of input) n += rewriter.write(chunk).length;
    return n + rewriter.end().length;
  },
  htmlparser2: (input) => {
    // Decode, tokenize, and re-serialize each start tag that changes; copy the rest by offset.
    const decoder = new StringDecoder('utf8');
    let document = '';
    const edits = [];
    const parser = new Parser(
      {
        onopentag(name, attributes) {
          const names = LOADING[name];
          const tracker = names && names.map((a) => attributes[a]).find((value) => value !== undefined && deniedTracker(value));
          if (!tracker && !(name === 'script' && !attributes.src)) return;
          const rest = Object.entries(attributes).map(([key, value]) => ` ${names?.includes(key) ? `data-consent-${key}` : key}="${escape(value)}"`);
          edits.push([parser.startIndex, parser.endIndex + 1, `<${name}${rest.join('')} data-consent-category="x">`]);
        },
      },
      { decodeEntities: true },
    );
    for (const chunk of input) {
      const text = decoder.write(chunk);
      document += text;
      parser.write(text);
    }
    parser.end();
    let out = '';
    let at = 0;
    for (const [start, end, text] of edits) {
      out += document.slice(at, start) + text;
      at = end;
    }
    return Buffer.byteLength(out + document.slice(at));
  },
  'lol-html (html-rewriter-wasm)': async (input) => {
    let n = 0;
    const rewriter = new HTMLRewriter((chunk) => (n += chunk.length));
    for (const [name, attributes] of Object.entries(LOADING)) {
      for (const attribute of attributes) {
        rewriter.on(`${name}[${attribute}]`, {
          element(element) {
            const value = element.getAttribute(attribute);
            const tracker = deniedTracker(value);
            if (!tracker) return;
            element.removeAttribute(attribute);
            element.setAttribute(`data-consent-${attribute}`, value);
            if (name === 'script') element.setAttribute('type', 'text/plain');
            element.setAttribute('data-consent-category', tracker.category);
          },
        });
      }
    }
    for (const chunk of input) await rewriter.write(chunk);
    await rewriter.end();
    rewriter.free();
    return n;
  },
};

const only = process.env.BENCH_ONLY?.split(',');
if (only) for (const name of Object.keys(candidates)) if (!only.some((part) => name.includes(part))) delete candidates[name];

const results = await interleave(candidates, ROUNDS);

console.log(`\nnode ${process.version}, ${ROUNDS} rounds, 16 KB chunks, a visitor who granted nothing optional unless said; medians of wall time and of process CPU time\n`);
console.log('| page | candidate | MB/s (wall) | MB/s (CPU) | x htmlparser2 (wall) | x lol-html (wall) | x htmlparser2 (CPU) | x lol-html (CPU) |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const [size, byCandidate] of Object.entries(results)) {
  const htmlparser2 = byCandidate.htmlparser2;
  const lolHtml = byCandidate['lol-html (html-rewriter-wasm)'];
  for (const [name, rates] of Object.entries(byCandidate)) {
    // How many times faster this candidate is than each of the others (blank for themselves).
    const ratio = (kind, other) => (other === rates ? '' : (median(rates[kind]) / median(other[kind])).toFixed(2));
    console.log(
      `| ${size} (${(pages[size].length / 1024).toFixed(0)} KB) | ${name} | ${median(rates.wall).toFixed(0)} | ${median(rates.cpu).toFixed(0)} | ${ratio('wall', htmlparser2)} | ${ratio('wall', lolHtml)} | ${ratio('cpu', htmlparser2)} | ${ratio('cpu', lolHtml)} |`,
    );
  }
}

// The WebAssembly engine (the default) against the others doing the same job.
const WASM = 'consent-guard (wasm)';
const sameJob = (name) => name !== WASM && !name.includes('floor') && !name.includes('everything granted');
if (Object.values(results)[0]?.[WASM]) {
  const others = Object.keys(candidates).filter(sameJob);
  console.log(`\n| page | ${WASM} MB/s (CPU) | … x faster than ${others.join(' | … than ')} (CPU) |`);
  console.log(`|---|---:|${others.map(() => '---:|').join('')}`);
  for (const [size, byCandidate] of Object.entries(results)) {
    const ours = median(byCandidate[WASM].cpu);
    console.log(`| ${size} | ${ours.toFixed(0)} | ${others.map((name) => (ours / median(byCandidate[name].cpu)).toFixed(2)).join(' | ')} |`);
  }
}
