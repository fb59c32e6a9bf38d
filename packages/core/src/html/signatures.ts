/**
 * Finds which of a set of byte strings (trackers' inline signatures) occur in a script's
 * text, looking at a fraction of its bytes: every signature of at least WINDOW bytes is
 * known by one WINDOW-byte stretch of it, and any occurrence of such a stretch has one of
 * its GRAM-byte pieces start at a multiple of STRIDE; only the pieces at those positions
 * are looked up in a table (by a hash), and only table hits are compared. (Checking two
 * bytes at every position cost about 3 ns a byte; inline scripts are a fifth of real
 * pages. Two-byte pieces such as `en` hit at one position in nine.) Shorter signatures
 * are searched from their rarest byte with Buffer's native `indexOf`.
 */

const WINDOW = 8;
const GRAM = 3;
const STRIDE = WINDOW - GRAM + 1;
const gramAt = (bytes: Uint8Array, at: number) => ((bytes[at]! << 8) ^ (bytes[at + 1]! << 4) ^ bytes[at + 2]!) & 0xffff;

/**
 * Bytes roughly from most to least common in scripts and markup; the rest (upper case,
 * rarer punctuation, non-ASCII) count as rarer still. Only picks where to look from.
 */
const COMMON = ' etaoinsrlcdu.(),;=/"\'\nmphfgb_-:vw{}yk0123456789xjqz';
const commonness = (c: number) => {
  const rank = COMMON.indexOf(String.fromCharCode(c));
  return rank === -1 ? 0 : COMMON.length - rank;
};

interface Probe {
  /** Which signature, and how far its start lies before the sampled position. */
  readonly signature: number;
  readonly back: number;
}

interface Compiled {
  /** 1 for each gram of a long signature's rarest window. */
  readonly table: Uint8Array;
  /** Those windows. */
  readonly windows: readonly Buffer[];
  readonly probes: ReadonlyMap<number, readonly Probe[]>;
  /** Signatures shorter than WINDOW, each with the index and rarest byte it is searched from. */
  readonly short: readonly { readonly index: number; readonly tail: Buffer; readonly head: number }[];
}

function compile(signatures: readonly Buffer[]): Compiled {
  const table = new Uint8Array(65536);
  const probes = new Map<number, Probe[]>();
  const short: { readonly index: number; readonly tail: Buffer; readonly head: number }[] = [];
  const windows: Buffer[] = [];
  signatures.forEach((bytes, index) => {
    if (bytes.length < WINDOW) {
      // From its rarest byte on: Buffer's search stops at every occurrence of the needle's first byte.
      let rare = 0;
      for (let k = 1; k < bytes.length; k++) if (commonness(bytes[k]!) < commonness(bytes[rare]!)) rare = k;
      short.push({ index, tail: bytes.subarray(rare), head: rare });
      return;
    }
    const from = rarestWindow(bytes);
    windows.push(bytes.subarray(from, from + WINDOW));
    for (let g = 0; g <= WINDOW - GRAM; g++) {
      const gram = gramAt(bytes, from + g);
      table[gram] = 1;
      const list = probes.get(gram) ?? [];
      list.push({ signature: index, back: from + g });
      probes.set(gram, list);
    }
  });
  return { table, windows, probes, short };
}

/** Returns, for a text, the indexes of the signatures it contains, by first occurrence (ties by index). */
export function signatureSearch(signatures: readonly Buffer[]): (text: Buffer) => number[] {
  const { table, probes, short } = compile(signatures);
  const count = signatures.length;
  const firstAt = new Float64Array(count);
  return (text) => {
    firstAt.fill(Infinity);
    const length = text.length;
    for (let p = 0; p + GRAM <= length; p += STRIDE) {
      const gram = gramAt(text, p);
      if (table[gram] === 0) continue;
      for (const { signature, back } of probes.get(gram)!) {
        const start = p - back;
        if (start < 0 || start >= firstAt[signature]!) continue;
        if (occursAt(text, signatures[signature]!, start)) firstAt[signature] = start;
      }
    }
    for (const { index, tail, head } of short) {
      for (let at = text.indexOf(tail, head); at !== -1; at = text.indexOf(tail, at + 1)) {
        if (occursAt(text, signatures[index]!, at - head)) {
          firstAt[index] = at - head;
          break;
        }
      }
    }
    const found: number[] = [];
    for (let index = 0; index < count; index++) if (firstAt[index] !== Infinity) found.push(index);
    return found.sort((a, b) => firstAt[a]! - firstAt[b]! || a - b);
  };
}

const WINDOWS_MAX = 64;
const SHORT_SIGNATURES_MAX = 16;
const TOO_MANY = 255;

/**
 * The WebAssembly tokenizer's filter of inline scripts (wasm/tokenizer.ts, SIGNATURE_FILTER),
 * from `signatureSearch`'s tables: a bit per gram; the long signatures' windows (a count,
 * then 8 bytes each); the short signatures (a count, then a length and 7 bytes each); a
 * count of 255 when there are too many to list. A script in which no sampled gram hits a
 * window there, and which holds no short signature, holds none of `signatures`: the
 * tokenizer keeps it to itself.
 */
export function signatureFilter(signatures: readonly Buffer[]): Uint8Array {
  const { table, windows, short } = compile(signatures);
  const filter = new Uint8Array(8192 + 1 + WINDOWS_MAX * WINDOW + 1 + SHORT_SIGNATURES_MAX * 8);
  table.forEach((hit, gram) => {
    if (hit) filter[gram >> 3]! |= 1 << (gram & 7);
  });
  let at = 8192;
  filter[at++] = windows.length > WINDOWS_MAX ? TOO_MANY : windows.length;
  if (windows.length <= WINDOWS_MAX) windows.forEach((window, k) => filter.set(window, at + k * WINDOW));
  at += WINDOWS_MAX * WINDOW;
  filter[at++] = short.length > SHORT_SIGNATURES_MAX ? TOO_MANY : short.length;
  if (short.length <= SHORT_SIGNATURES_MAX) {
    short.forEach(({ index }, k) => {
      const bytes = signatures[index]!;
      filter[at + k * 8] = bytes.length;
      filter.set(bytes, at + k * 8 + 1);
    });
  }
  return filter;
}

/** Where in `bytes` the WINDOW bytes with the least common pieces start. */
function rarestWindow(bytes: Buffer): number {
  let best = 0;
  let bestScore = Infinity;
  for (let from = 0; from + WINDOW <= bytes.length; from++) {
    let score = 0;
    for (let g = 0; g <= WINDOW - GRAM; g++) score += Math.min(commonness(bytes[from + g]!), commonness(bytes[from + g + 1]!), commonness(bytes[from + g + 2]!));
    if (score < bestScore) {
      bestScore = score;
      best = from;
    }
  }
  return best;
}

function occursAt(text: Buffer, signature: Buffer, start: number): boolean {
  if (start + signature.length > text.length) return false;
  for (let k = 0; k < signature.length; k++) if (text[start + k] !== signature[k]) return false;
  return true;
}
