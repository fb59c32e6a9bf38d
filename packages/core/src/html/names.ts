// Tag names the tokenizer and the rewriter care about, and how they are recognised
// without building strings.

export const enum Raw {
  None,
  RcData,
  RawText,
  Script,
}

/** Elements whose content the tokenizer does not read as markup. */
export const RAW_KIND = new Map<string, Raw>([
  ['script', Raw.Script],
  ['style', Raw.RawText],
  ['xmp', Raw.RawText],
  ['iframe', Raw.RawText],
  ['noembed', Raw.RawText],
  ['noframes', Raw.RawText],
  ['textarea', Raw.RcData],
  ['title', Raw.RcData],
]);

/** Start tags that end SVG / MathML content (the "breakout" list of the tree builder). */
export const BREAKOUT = new Set(
  'b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var'.split(' '),
);

/**
 * Tag names are not built as strings while reading (that was a tenth of the time): each
 * name's ASCII letters and digits are folded into a number, and the names anything here
 * cares about are looked up by it. Other tags get an empty name.
 */
export const KNOWN_NAMES = new Map<number, string>();
for (const name of [...RAW_KIND.keys(), ...BREAKOUT, 'plaintext', 'svg', 'math', 'noscript', 'template', 'source', 'link', 'object', 'html', 'a', 'form', 'button', 'input', 'picture', 'video', 'audio']) {
  KNOWN_NAMES.set(nameKey(name), name);
}

/** The number for a name: base 37 over a-z and 0-9, -1 once anything else appears or it is too long. */
function nameKey(name: string): number {
  let key = 0;
  for (let i = 0; i < name.length; i++) key = foldNameByte(key, name.charCodeAt(i));
  return key;
}

/** The known name of the bytes from `start` to `end`, or empty. */
export function knownName(chunk: Uint8Array, start: number, end: number): string {
  let key = 0;
  for (let i = start; i < end; i++) key = foldNameByte(key, chunk[i]!);
  return KNOWN_NAMES.get(key) ?? '';
}

export function foldNameByte(key: number, c: number): number {
  if (key < 0) return key;
  const letter = c | 0x20;
  const code = letter >= 0x61 && letter <= 0x7a ? letter - 0x60 : c >= 0x30 && c <= 0x39 ? c - 0x30 + 27 : 0;
  // 37^10 is still an exact integer; no name looked up is longer than 10.
  return code === 0 || key >= 37 ** 9 ? -1 : key * 37 + code;
}


/** `name` lowercased equals the bytes of `chunk` from `start` (ASCII letters only, so `| 0x20` folds case). */
function named(chunk: Uint8Array, start: number, name: string): string {
  for (let k = 1; k < name.length; k++) if ((chunk[start + k]! | 0x20) !== name.charCodeAt(k)) return '';
  return name;
}

/**
 * The names that decide what the tokenizer does next or what the rewriter looks at, told
 * apart by length and first byte before any byte is compared (empty for every other tag):
 * most tags of a page are none of these, and are ruled out in two comparisons.
 */
export function quickName(chunk: Uint8Array, start: number, length: number): string {
  const first = chunk[start]! | 0x20;
  switch (length) {
    case 3:
      return first === 0x69 ? named(chunk, start, 'img') : first === 0x73 ? named(chunk, start, 'svg') : first === 0x78 ? named(chunk, start, 'xmp') : '';
    case 4:
      return first === 0x6c ? named(chunk, start, 'link') : first === 0x6d ? named(chunk, start, 'meta') || named(chunk, start, 'math') : first === 0x62 ? named(chunk, start, 'body') : '';
    case 5:
      return first === 0x73 ? named(chunk, start, 'style') : first === 0x74 ? named(chunk, start, 'title') : first === 0x65 ? named(chunk, start, 'embed') : '';
    case 6:
      return first === 0x73 ? named(chunk, start, 'script') || named(chunk, start, 'source') : first === 0x69 ? named(chunk, start, 'iframe') : first === 0x6f ? named(chunk, start, 'object') : '';
    case 7:
      return first === 0x6e ? named(chunk, start, 'noembed') : '';
    case 8:
      return first === 0x74 ? named(chunk, start, 'textarea') : first === 0x6e ? named(chunk, start, 'noframes') : '';
    case 9:
      return first === 0x70 ? named(chunk, start, 'plaintext') : '';
    default:
      return '';
  }
}
