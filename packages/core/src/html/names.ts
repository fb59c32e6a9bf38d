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

export function foldNameByte(key: number, c: number): number {
  if (key < 0) return key;
  const letter = c | 0x20;
  const code = letter >= 0x61 && letter <= 0x7a ? letter - 0x60 : c >= 0x30 && c <= 0x39 ? c - 0x30 + 27 : 0;
  // 37^10 is still an exact integer; no name looked up is longer than 10.
  return code === 0 || key >= 37 ** 9 ? -1 : key * 37 + code;
}

