/**
 * Bounds checks on IAB bit strings, done before a library decodes them: both IAB decoders
 * expand every encoded range id by id, so a few hundred overlapping ranges of 65 535 ids
 * (a 1 KB cookie) or one Fibonacci-coded range of 10^17 ids (10 characters) would cost
 * seconds to years per request.
 */

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEXTET = new Map([...BASE64URL].map((char, value) => [char, value]));

export const BASE64URL_TEXT = /^[A-Za-z0-9_-]+$/;

/** Reads big-endian bit fields from base64url text; undefined past the end. */
export function bitReader(text: string) {
  let position = 0;
  const bit = () => {
    const sextet = SEXTET.get(text[Math.floor(position / 6)] ?? '') ?? 0;
    const value = (sextet >> (5 - (position % 6))) & 1;
    position++;
    return value;
  };
  return {
    read(width: number): number | undefined {
      if (position + width > text.length * 6) return undefined;
      let value = 0;
      for (let i = 0; i < width; i++) value = value * 2 + bit();
      return value;
    },
    skip(width: number): boolean {
      position += width;
      return position <= text.length * 6;
    },
    /** A Fibonacci-coded integer (ends at the first `11`), if its code is at most `maxBits` long. */
    fibonacci(maxBits: number): number | undefined {
      const weights = [1, 2];
      let value = 0;
      let previous = 0;
      for (let i = 0; i < maxBits && position < text.length * 6; i++) {
        const current = bit();
        if (current === 1 && previous === 1) return value;
        if (i >= weights.length) weights.push(weights[i - 1]! + weights[i - 2]!);
        if (current === 1) value += weights[i]!;
        previous = current;
      }
      return undefined;
    },
  };
}

// TC string core segment, TCF v2: the fixed fields before the vendor consent section.
const CORE_FIXED_BITS = 6 + 36 + 36 + 12 + 12 + 6 + 12 + 12 + 6 + 1 + 1 + 12 + 24 + 24 + 1 + 12;
// Ids a decoder may expand in all, across the vendor sections and publisher restrictions.
const MAX_EXPANDED_IDS = 3 * 65_536;

/** Why a TC string's core segment is unsafe or not one to decode; undefined when it may be decoded. */
export function checkTcCore(core: string): string | undefined {
  const bits = bitReader(core);
  const version = bits.read(6);
  if (version !== 2) return version === undefined ? 'truncated' : `TCF version ${version}, not 2`;
  bits.skip(CORE_FIXED_BITS - 6);
  let budget = MAX_EXPANDED_IDS;
  const ranges = (maxId: number): string | undefined => {
    const count = bits.read(12);
    if (count === undefined) return 'truncated';
    for (let i = 0; i < count; i++) {
      const isRange = bits.read(1);
      const start = bits.read(16);
      const end = isRange === 1 ? bits.read(16) : start;
      if (start === undefined || end === undefined) return 'truncated';
      if (start < 1 || end < start || end > maxId) return 'a vendor range out of bounds';
      budget -= end - start + 1;
      if (budget < 0) return 'vendor ranges overlap far beyond the vendor list';
    }
    return undefined;
  };
  // Vendor consents, then vendor legitimate interests: a bit field, or ranges.
  for (let section = 0; section < 2; section++) {
    const maxId = bits.read(16);
    const isRange = bits.read(1);
    if (maxId === undefined || isRange === undefined) return 'truncated';
    const problem = isRange === 1 ? ranges(maxId) : bits.skip(maxId) ? undefined : 'truncated';
    if (problem) return problem;
  }
  const restrictions = bits.read(12);
  if (restrictions === undefined) return 'truncated';
  for (let i = 0; i < restrictions; i++) {
    if (!bits.skip(8)) return 'truncated';
    const problem = ranges(65_535);
    if (problem) return problem;
  }
  return undefined;
}

// GPP header: type 3, version 1, then the section ids as a Fibonacci range. Real ids are small.
const MAX_SECTION_ID = 64;
const MAX_SECTIONS = 32;

/** The section ids a GPP header lists, or why it cannot be read. */
export function gppSectionIds(header: string): number[] | string {
  if (!BASE64URL_TEXT.test(header)) return 'bad base64';
  const bits = bitReader(header);
  const type = bits.read(6);
  const version = bits.read(6);
  if (type !== 3 || version !== 1) return type === undefined || version === undefined ? 'truncated' : `not a GPP v1 header (type ${type}, version ${version})`;
  const count = bits.read(12);
  if (count === undefined || count > MAX_SECTIONS) return count === undefined ? 'truncated' : 'too many sections';
  const ids: number[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const isRange = bits.read(1);
    const start = bits.fibonacci(12);
    if (isRange === undefined || start === undefined) return 'truncated or oversized section id';
    offset += start;
    const end = isRange === 1 ? bits.fibonacci(12) : 0;
    if (end === undefined) return 'truncated or oversized section id';
    const last = offset + end;
    if (last > MAX_SECTION_ID) return 'section id out of range';
    for (let id = offset; id <= last; id++) ids.push(id);
    offset = last;
  }
  return ids.length > MAX_SECTIONS ? 'too many sections' : ids;
}
