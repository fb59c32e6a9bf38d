import { readdirSync, readFileSync } from 'node:fs';
import { decodeHTMLAttribute } from 'entities';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Raw, Tokenizer, type TagInfo } from './tokenizer.js';
import { WasmTokenizer } from './wasm-tokenizer.js';

type Token = ['StartTag', string, Record<string, string>, boolean] | ['EndTag', string];

// The tokenizer works on bytes and never decodes; html5lib-tests give characters, with NUL
// replaced by U+FFFD. Only the comparison needs the characters.
const text = (bytes: Buffer) => bytes.toString('utf8').replace(/\0/g, '\uFFFD');
const tagName = (name: string) => text(Buffer.from(name, 'latin1'));

// Both engines pass the same tests: the JavaScript tokenizer and the WebAssembly one.
const ENGINES = [
  { engine: 'JavaScript', Engine: Tokenizer },
  { engine: 'WebAssembly', Engine: WasmTokenizer },
];
type Engine = (typeof ENGINES)[number]['Engine'];

/** Tag tokens as html5lib-tests write them, from our tokenizer over `input` cut into `chunks`. */
function tokenize(Engine: Engine, input: Buffer, cuts: number[] = [], options: { initial?: Raw | 'plaintext'; lastStartTag?: string; followContentModel?: boolean } = {}): Token[] {
  const tokens: Token[] = [];
  let base = 0; // offset of the current chunk in the input
  let tagStart = 0;
  const tokenizer = new Engine(
    {
      tagOpen: (offset) => (tagStart = base + offset),
      notStartTag: () => {},
      startTag: (tag: TagInfo, start: number) => {
        if (start >= 0) tagStart = base + start;
        const attributes: Record<string, string> = {};
        for (let a = 0; a < tag.attributes.length; a += 5) {
          const [nameStart, nameEnd, valueStart, valueEnd] = tag.attributes.slice(a, a + 4) as [number, number, number, number];
          const name = text(input.subarray(tagStart + nameStart, tagStart + nameEnd)).toLowerCase();
          const value = valueStart === -1 ? '' : decodeHTMLAttribute(text(input.subarray(tagStart + valueStart, tagStart + valueEnd)));
          if (!(name in attributes)) attributes[name] = value;
        }
        tokens.push(['StartTag', tagName(tag.name), attributes, tag.selfClosing]);
      },
      endTag: (name) => {
        tokens.push(['EndTag', tagName(name)]);
      },
    },
    { followContentModel: options.followContentModel ?? true, exactNames: true },
  );
  if (options.initial !== undefined) tokenizer.startIn(options.initial, options.lastStartTag);
  const points = [0, ...cuts.filter((c) => c > 0 && c < input.length).sort((a, b) => a - b), input.length];
  for (let p = 0; p < points.length - 1; p++) {
    base = points[p]!;
    tokenizer.write(input.subarray(points[p], points[p + 1]));
  }
  return tokens;
}

const CORPUS = new URL('../../../../test/corpus/', import.meta.url);
const STATES: Record<string, Raw | 'plaintext'> = {
  'Data state': Raw.None,
  'RCDATA state': Raw.RcData,
  'RAWTEXT state': Raw.RawText,
  'Script data state': Raw.Script,
  'PLAINTEXT state': 'plaintext',
};

interface Html5libTest {
  description: string;
  input: string;
  output: unknown[][];
  initialStates?: string[];
  lastStartTag?: string;
  doubleEscaped?: boolean;
}

const unescape = (text: string) => text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const cases = readdirSync(new URL('html5lib-tests/tokenizer/', CORPUS))
  .filter((file) => file.endsWith('.test'))
  .flatMap((file) => {
    const { tests = [] } = JSON.parse(readFileSync(new URL(`html5lib-tests/tokenizer/${file}`, CORPUS), 'utf8')) as { tests?: Html5libTest[] };
    return tests.flatMap((test) =>
      (test.initialStates ?? ['Data state'])
        .filter((state) => state in STATES)
        .map((state) => ({ name: `${file}: ${test.description} (${state})`, test, state })),
    );
  });

describe.each(ENGINES)('the $engine tokenizer against html5lib-tests', ({ Engine }) => {
  it('should find the test corpus', () => {
    expect(cases.length).toBeGreaterThan(1000);
  });

  it.each(cases)('$name', ({ test, state }) => {
    const input = Buffer.from(test.doubleEscaped ? unescape(test.input) : test.input, 'utf8');
    const expected = test.output
      .filter((token) => token[0] === 'StartTag' || token[0] === 'EndTag')
      .map((token) => {
        const fixed = token.map((part) => (typeof part === 'string' && test.doubleEscaped ? unescape(part) : part));
        return fixed[0] === 'StartTag' ? ['StartTag', fixed[1], fixed[2], fixed[3] === true] : ['EndTag', fixed[1]];
      });
    const options = { initial: STATES[state]!, lastStartTag: test.lastStartTag ?? '', followContentModel: false };
    expect(tokenize(Engine, input, [], options)).toEqual(expected);
    // Chunks of one byte must give the same tokens.
    expect(tokenize(Engine, input, Array.from(input.keys()), options)).toEqual(expected);
  });
});

describe.each(ENGINES)('the $engine tokenizer following the content model', ({ Engine }) => {
  const tags = (html: string) => tokenize(Engine, Buffer.from(html)).map((t) => (t[0] === 'StartTag' ? `<${t[1]}>` : `</${t[1]}>`));

  it.each([
    ['<script>if (a<b) document.write("<div>")</script><p>', ['<script>', '</script>', '<p>']],
    ['<script><!-- <script> </script> --></script><p>', ['<script>', '</script>', '<p>']],
    ['<script><!-- </script><p>', ['<script>', '</script>', '<p>']],
    ['<style>a > b { content: "</p>" }</style><img>', ['<style>', '</style>', '<img>']],
    ['<textarea><img src=x></textarea>', ['<textarea>', '</textarea>']],
    ['<title><script></title>', ['<title>', '</title>']],
    ['<iframe><img src=x></iframe><img>', ['<iframe>', '</iframe>', '<img>']],
    ['<!-- <img src=x> --><img>', ['<img>']],
    ['<!--><img>', ['<img>']],
    ['<!---><img>', ['<img>']],
    ['<!-- a --!><img>', ['<img>']],
    ['<img alt="a>b" src=x>', ['<img>']],
    ["<img alt='\"' src=x><p>", ['<img>', '<p>']],
    ['<SCRIPT SRC=x></SCRIPT >', ['<script>', '</script>']],
    ['<plaintext><img src=x></plaintext>', ['<plaintext>']],
    ['<noscript><img src=x></noscript>', ['<noscript>', '<img>', '</noscript>']],
    ['<template><script src=x></script></template>', ['<template>', '<script>', '</script>', '</template>']],
    ['<svg><script><img src=x></script></svg>', ['<svg>', '<script>', '<img>', '</script>', '</svg>']],
    ['<svg><style>a</style></svg><script>"<img>"</script>', ['<svg>', '<style>', '</style>', '</svg>', '<script>', '</script>']],
    ['<script/>x<img>', ['<script>']],
    ['<![CDATA[ > ]]><img>', ['<img>']],
    ['<? x ><img>', ['<img>']],
    ['<script>a</script><!--<noscript><img src=x></noscript>--><p>', ['<script>', '</script>', '<p>']],
    ['</ x><img>', ['<img>']],
  ])('should read %j as %j', (html, expected) => {
    expect(tags(html)).toEqual(expected);
  });

  it('should give the same tags for every chunking of real pages', () => {
    const dir = new URL('real-pages/', CORPUS);
    const pages = readdirSync(dir).filter((f) => f.endsWith('.html')).slice(0, 20).map((f) => readFileSync(new URL(f, dir)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: pages.length - 1 }), fc.array(fc.nat(), { maxLength: 50 }), (index, cuts) => {
        const page = pages[index]!;
        expect(tokenize(Engine, page, cuts.map((c) => c % page.length))).toEqual(tokenize(Engine, page));
      }),
      { seed: 9, numRuns: 60 },
    );
  });
});

describe('the WebAssembly tokenizer beside the JavaScript one', () => {
  /** What the rewriter hears, with every offset counted from the page's start. */
  function heard(Engine: Engine, page: Buffer, cuts: number[], startTags: ReadonlySet<string>): string[] {
    const out: string[] = [];
    let base = 0;
    let open = -1;
    const tokenizer = new Engine(
      {
        tagOpen: (offset) => (open = base + offset),
        notStartTag: () => {},
        startTag: (tag, start, end) => out.push(`<${tag.name}${tag.marked ? ' marked' : ''}${tag.selfClosing ? ' /' : ''} ${start === -1 ? open : base + start}-${base + end} ${tag.attributes.join(',')}>`),
        endTag: (name, offset) => out.push(`</${name} ${base + offset}>`),
      },
      { startTags, endTags: new Set(['script']) },
    );
    const points = [0, ...cuts.filter((c) => c > 0 && c < page.length).sort((a, b) => a - b), page.length];
    for (let p = 0; p < points.length - 1; p++) {
      base = points[p]!;
      tokenizer.write(page.subarray(points[p], points[p + 1]));
    }
    return out;
  }

  it('should tell the sink the same, for the rewriter\'s tag sets, however real pages are split', () => {
    const dir = new URL('real-pages/', CORPUS);
    const pages = readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => readFileSync(new URL(f, dir)));
    const sets = [new Set(['script', 'iframe', 'img', 'source', 'link', 'embed', 'object', 'meta', 'body']), new Set(['script', 'meta']), new Set<string>()];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: pages.length - 1 }), fc.integer({ min: 0, max: sets.length - 1 }), fc.array(fc.nat(), { maxLength: 80 }), (index, set, cuts) => {
        const page = pages[index]!;
        const at = cuts.map((c) => c % page.length);
        expect(heard(WasmTokenizer, page, at, sets[set]!)).toEqual(heard(Tokenizer, page, at, sets[set]!));
      }),
      { seed: 12, numRuns: 150 },
    );
  });

  it('should tell the sink the same on random markup, however split', () => {
    // The pieces where the states change, in any order: most of what comes out is not well formed.
    const piece = fc.constantFrom(
      '<', '>', '/', '!', '-', '--', '=', '"', "'", ' ', '\n', 'a', 'Q', '?', '[', 'é', '\0',
      '<img', '<IMG src=x', '<script', '<script>', '<!--<script>', '<sCrIpT ', '</script', '</script>', '</SCRIPT >', '<style>', '</style>', '<textarea>', '</textarea', '<title>', '<plaintext>',
      '<svg>', '</svg>', '<math/>', '<p>', '<b>', '<!--', '-->', '--!>', '<!DOCTYPE html>', '<![CDATA[', ']]>', '<?x', '</x', '</ ',
      ' data-consent-category=stats', ' DATA-CONSENT-CATEGORY="a"', ' data-consent-categor=x', ' src="a>b"', " alt='\"'", '/>', '<meta charset=utf-8>', '<body>',
    );
    const sets = [new Set(['script', 'iframe', 'img', 'source', 'link', 'embed', 'object', 'meta', 'body']), new Set(['meta'])];
    fc.assert(
      fc.property(fc.array(piece, { minLength: 10, maxLength: 80, size: 'max' }), fc.integer({ min: 0, max: sets.length - 1 }), fc.array(fc.nat(), { maxLength: 12 }), (pieces, set, cuts) => {
        const page = Buffer.from(pieces.join(''));
        const at = cuts.map((c) => c % Math.max(1, page.length));
        expect(heard(WasmTokenizer, page, at, sets[set]!)).toEqual(heard(Tokenizer, page, at, sets[set]!));
      }),
      { seed: 1201, numRuns: 3000 },
    );
  });
});

describe('WebAssembly tokenizers sharing the module', () => {
  const tags = (seen: string[]) => ({ tagOpen: () => {}, notStartTag: () => {}, startTag: (tag: TagInfo) => seen.push(`${tag.name} ${tag.attributes.join(',')}`), endTag: () => {} });

  it('should each keep their own state, however their writes interleave', () => {
    const a: string[] = [];
    const b: string[] = [];
    const first = new WasmTokenizer(tags(a), { startTags: new Set(['img']) });
    const second = new WasmTokenizer(tags(b), { startTags: new Set(['script']) });
    first.write(Buffer.from('<img src="a'));
    second.write(Buffer.from('<script src="b'));
    first.write(Buffer.from('"><script>'));
    second.write(Buffer.from('"></script><img>'));
    expect([a, b]).toEqual([['img 5,8,10,11,34'], ['script 8,11,13,14,34']]);
  });

  it("should not need a released one's state, and keep reading the others right", () => {
    const a: string[] = [];
    const b: string[] = [];
    const c: string[] = [];
    const first = new WasmTokenizer(tags(a), { startTags: new Set(['img']) });
    first.write(Buffer.from('<img src="a'));
    const second = new WasmTokenizer(tags(b), { startTags: new Set(['img']) });
    second.write(Buffer.from('<script>'));
    first.write(Buffer.from('">'));
    first.release();
    // A tokenizer made after the release starts fresh; the one left open carries on in its script.
    const third = new WasmTokenizer(tags(c), { startTags: new Set(['img']) });
    third.write(Buffer.from('<img alt=x'));
    second.write(Buffer.from('<img></script><img>'));
    third.write(Buffer.from('>'));
    expect([a, b, c]).toEqual([['img 5,8,10,11,34'], ['img '], ['img 5,8,9,10,0']]);
    expect(() => first.write(Buffer.from('<img>'))).toThrow(/after its release/);
  });

  it('should refuse a sink that uses another of them while a chunk is read', () => {
    const other = new WasmTokenizer(tags([]));
    const tokenizer = new WasmTokenizer({ ...tags([]), startTag: () => other.write(Buffer.from('<p>')) });
    expect(() => tokenizer.write(Buffer.from('<img>'))).toThrow(/another WebAssembly tokenizer/);
  });
});

describe('a WebAssembly tokenizer stopped in its last chunk', () => {
  /** The tags heard when the sink asks to stop at the first one: the rest of the chunk is read only if it may hold a marker or a meta. */
  const heardAfterStopping = (chunk: string) => {
    const seen: string[] = [];
    let stopped: boolean | undefined;
    const tokenizer: WasmTokenizer = new WasmTokenizer({
      tagOpen: () => {},
      notStartTag: () => {},
      startTag: (tag) => {
        seen.push(tag.name);
        stopped ??= tokenizer.stopUnlessMarkedAhead();
      },
      endTag: () => {},
    });
    tokenizer.write(Buffer.from(chunk));
    return { seen, stopped };
  };
  const FIRST = '<img src="/a.png">';

  it('should read no more of a chunk that holds neither the marker nor a meta', () => {
    const rest = '<p>data-consent-categor</p><div data-consent="x"><script charset="utf-8" src="/a.js"></script><meter><img src="/b.png">';
    expect(heardAfterStopping(`${FIRST}${rest}`)).toEqual({ seen: ['img'], stopped: true });
  });

  it.each([
    ['a marker', '<img data-consent-category="marketing"><img>'],
    ['a marker in any case', '<img DATA-Consent-CATEGORY="marketing"><img>'],
    ['a marker ending the chunk', '<img><img alt="x" data-consent-category'],
    ['a marker where no tag is', '<p>data-consent-category</p>'],
    ['a meta in any case', '<MeTa CharSet="iso-2022-jp">'],
    ['a meta ending the chunk', '<img><meta'],
  ])('should read on to the end of a chunk holding %s', (_, rest) => {
    // At every offset from the first tag, so that the candidates fall on each lane of the module's 16-byte compares.
    for (let pad = 0; pad < 40; pad++) {
      const { seen, stopped } = heardAfterStopping(`${FIRST}${' '.repeat(pad)}${rest}`);
      expect(stopped, `pad ${pad}`).toBe(false);
      expect(seen.length, `pad ${pad}`).toBeGreaterThan(1);
    }
  });

  it('should refuse to stop outside a read, and a write after stopping', () => {
    const tokenizer = new WasmTokenizer({ tagOpen: () => {}, notStartTag: () => {}, startTag: () => tokenizer.stopUnlessMarkedAhead(), endTag: () => {} });
    expect(() => tokenizer.stopUnlessMarkedAhead()).toThrow(/while its chunk is read/);
    tokenizer.write(Buffer.from('<img><p>'));
    expect(() => tokenizer.write(Buffer.from('<img>'))).toThrow(/after it stopped/);
  });
});
