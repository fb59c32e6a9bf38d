// The tokenizer of src/html/tokenizer.ts as a WebAssembly module (AssemblyScript, built by
// the package's build into dist/html/tokenizer.wasm). Same states, same rules; the runs of
// bytes nothing can happen in (text to `<`, quoted values to the quote, comments to `-`,
// raw text to `<`, escaped script to `-` or `<`, attribute names to their end) are skipped
// 16 bytes at a time with SIMD compares, and most tags are read whole with locals.
//
// One module serves every tokenizer of the process: a tokenizer's state lives in the STATE
// block, which the JavaScript side saves and restores when another tokenizer takes the
// module. A chunk is copied to the input area and read by `run`, which returns at each
// thing the sink must hear of (the event's fields in the EVENT block) and at the chunk's end.

// States (as in tokenizer.ts).
const Data = 0;
const TagOpen = 1;
const EndTagOpen = 2;
const TagName = 3;
const BeforeAttrName = 4;
const AttrName = 5;
const AfterAttrName = 6;
const BeforeAttrValue = 7;
const AttrValueDq = 8;
const AttrValueSq = 9;
const AttrValueUq = 10;
const AfterAttrValueQuoted = 11;
const SelfClosing = 12;
const MarkupDeclaration = 13;
const CommentStart = 14;
const CommentStartDash = 15;
const Comment = 16;
const CommentEndDash = 17;
const CommentEnd = 18;
const CommentEndBang = 19;
const BogusComment = 20;
const RawText = 21;
const RawLessThan = 22;
const RawEndTagOpen = 23;
const RawEndTagName = 24;
const ScriptEscapeStart = 25;
const ScriptEscapeStartDash = 26;
const ScriptEscaped = 27;
const ScriptEscapedDash = 28;
const ScriptEscapedDashDash = 29;
const ScriptEscapedLessThan = 30;
const ScriptEscapedEndTagOpen = 31;
const ScriptEscapedEndTagName = 32;
const ScriptDoubleEscapeStart = 33;
const ScriptDoubleEscaped = 34;
const ScriptDoubleEscapedDash = 35;
const ScriptDoubleEscapedDashDash = 36;
const ScriptDoubleEscapedLessThan = 37;
const ScriptDoubleEscapeEnd = 38;
const Plaintext = 39;

// Raw text kinds (as Raw in names.ts).
const RAW_NONE = 0;
const RAW_SCRIPT = 3;

// What `run` returns.
const EV_DONE = 0;
const EV_NOT_START_TAG = 1;
const EV_START_TAG = 2;
const EV_END_TAG = 3;
/** Exact names only: a tag's name ended (EVENT_NAME_START/END; start -1: the raw text element's name). */
const EV_NAME = 4;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const DASH = 0x2d;
const EQ = 0x3d;
const DQ = 0x22;
const SQ = 0x27;
const QUESTION = 0x3f;
/** `="`, read as one little-endian u16. */
const EQ_DQ: u16 = 0x223d;

/** data-consent-category */
const MARKER = memory.data<u8>([0x64, 0x61, 0x74, 0x61, 0x2d, 0x63, 0x6f, 0x6e, 0x73, 0x65, 0x6e, 0x74, 0x2d, 0x63, 0x61, 0x74, 0x65, 0x67, 0x6f, 0x72, 0x79]);
const MARKER_LENGTH = 21;
/** srcset (and src), href, imagesrcset */
const SRCSET = memory.data<u8>([0x73, 0x72, 0x63, 0x73, 0x65, 0x74]);
const HREF = memory.data<u8>([0x68, 0x72, 0x65, 0x66]);
const IMAGESRCSET = memory.data<u8>([0x69, 0x6d, 0x61, 0x67, 0x65, 0x73, 0x72, 0x63, 0x73, 0x65, 0x74]);
/** <meta */
const META = memory.data<u8>([0x3c, 0x6d, 0x65, 0x74, 0x61]);
const META_LENGTH = 5;
/** charset */
const CHARSET = memory.data<u8>([0x63, 0x68, 0x61, 0x72, 0x73, 0x65, 0x74]);

// Byte classes: one table load instead of five comparisons.
const SPACE: u8 = 1;
const ENDS_TAG_NAME: u8 = 2; // white space, `/`, `>`
const ENDS_ATTRIBUTE_NAME: u8 = 4; // and `=`
const ENDS_UNQUOTED: u8 = 8; // white space, `>`
const CLASS = memory.data(256);
/** Per byte: its code in a name's fold (letters 1-26 in either case, digits 27-36), 0 for any other. */
const CODE = memory.data(256);

// Names: each known name has an id (0: a name nothing here knows); its key is the fold of
// its letters and digits (names.ts's nameKey), found by open addressing.
const MAX_NAMES = 256;
const SLOTS = 1024;
const SLOT_KEYS = memory.data(SLOTS * 8, 8);
const SLOT_IDS = memory.data(SLOTS * 4, 4);
/** Per id: raw text kind (bits 0-1), breaks out of foreign content, is svg or math, is plaintext. */
const NAME_FLAGS = memory.data(MAX_NAMES);
const BREAKS_OUT: u8 = 4;
const FOREIGN: u8 = 8;
const PLAINTEXT: u8 = 16;
/** Per id: the name's bytes (up to 31) after its length. */
const NAME_TEXT = memory.data(MAX_NAMES * 32);
let nameCount = 1;
/** Where the JavaScript side writes a name to define. */
export const SCRATCH = memory.data(32);

// One tokenizer's state (saved and restored whole by the JavaScript side).
export const STATE = memory.data(512, 16);
export const STATE_BYTES = 512;
const F_STATE = 0;
const F_NAME_ID = 4;
const F_NAME_START = 8; // where the name being read starts in this chunk; -1: known
const F_IS_END = 12;
const F_SELF_CLOSING = 16;
const F_TAG_BASE = 20; // the tag's `<` in this chunk (negative: an earlier one)
const F_ATTR_COUNT = 24;
const F_ATTR_NAME_LENGTH = 28;
const F_ATTR_MATCHES = 32;
const F_MARKED = 36;
const F_RAW = 40;
const F_MATCH_INDEX = 44;
const F_SCRIPT_MATCH = 48; // letters of "script" matched after `<` or `</` in escaped script; -1: no match
const F_FOREIGN_DEPTH = 52;
const F_ANNOUNCED = 56;
const F_RAW_NAME_LENGTH = 60;
const F_RAW_NAME_ID = 64;
const F_EXACT_NAMES = 68;
const F_ALL_START_TAGS = 72;
const F_ALL_END_TAGS = 76;
const F_CONTENT_MODEL = 80;
const F_QUIET_END = 84; // the raw text being read is a start tag's kept without a report: its end tag is not reported either
const F_NAME_KEY = 88; // i64
export const F_RAW_NAME = 96; // u16 × 64
export const RAW_NAME_MAX = 64;
// An inline script's start tag not reported yet (see QUIET_INLINE): its event's fields; its text starts at F_DEF_END.
const F_DEFERRED = 224;
const F_DEF_START = 228;
const F_DEF_END = 232;
const F_DEF_SELF_CLOSING = 236;
const F_DEF_ATTR_COUNT = 240;
const F_DEF_NAME_ID = 244;
const F_PENDING_END = 248; // its end tag's event is next: the `>` + 1 (0: none)
export const F_REPORTS = 256; // u8 per name id: 1 start tag wanted, 2 end tag wanted, 4 and 8: see below
const REPORT_START: u8 = 1;
const REPORT_END: u8 = 2;
// A wanted start tag that lies whole in the chunk and is not marked is not reported when the
// sink would keep it as it is: unless one of its URLs may be on a tracker's host ...
const UNLESS_TRACKER_HOST: u8 = 4;
// ... or unless its bytes mention `charset`.
const UNLESS_CHARSET: u8 = 8;
// With UNLESS_TRACKER_HOST: kept only when it has a `src` (a script without one is inline).
const ONLY_WITH_SRC: u8 = 16;
// An inline script (no `src`) is reported at its end tag, with it, and only when its text
// may hold a signature (SIGNATURE_FILTER); otherwise neither tag is (the sink keeps both).
const QUIET_INLINE: u8 = 32;

/**
 * What inline scripts are looked for (written by the JavaScript side: src/html/signatures.ts's
 * `signatureFilter`): a bit per 3-byte gram of the long signatures' 8-byte windows, sampled
 * every GRAM_STRIDE bytes as `signatureSearch` does; the windows (a count, then 8 bytes
 * each); the short signatures (a count, then a length and 7 bytes each). A count of 255:
 * too many to list, every script that gets that far is reported.
 */
const WINDOWS_MAX = 64;
const SHORT_SIGNATURES_MAX = 16;
export const SIGNATURE_FILTER = memory.data(8192 + 1 + WINDOWS_MAX * 8 + 1 + SHORT_SIGNATURES_MAX * 8);
const WINDOWS = SIGNATURE_FILTER + 8192;
const SHORT_SIGNATURES = WINDOWS + 1 + WINDOWS_MAX * 8;
const GRAM_STRIDE = 6;
const TOO_MANY = 255;

/** The hosts trackers load from, a bit per `hostHash` (written by the JavaScript side: src/html/host-filter.ts). */
export const HOST_FILTER = memory.data(8192);

// The event `run` returned.
export const EVENT = memory.data(64, 16);
const E_START = 0;
const E_END = 4;
const E_NAME_ID = 8;
const E_SELF_CLOSING = 12;
const E_MARKED = 16;
const E_ATTR_COUNT = 20;
const E_TAG_OPEN = 24; // at the chunk's end: a start tag may be open from here (-1: none)
// Exact names: the name's bytes in the chunk; with EV_NAME, start -1 is the raw text
// element's name; with a tag's event, -2 means the name came with EV_NAME before. At the
// chunk's end, start >= 0 is a name running on into the next chunk.
const E_NAME_START = 28;
const E_NAME_END = 32;
const E_ATTRIBUTES = 36; // where the start tag's attributes are
const E_PENDING = 40; // the event wholeTag found (u8), for run to return

// Dynamic memory: the input chunk (with 64 bytes of slack for vector loads), then the
// attributes of the tag being read, [nameStart, nameEnd, valueStart, valueEnd, quote] each.
let input: usize = 0;
let inputCapacity: i32 = 0;
let attributes: usize = 0;
let attributeCapacity: i32 = 0; // in attributes
let pos: i32 = 0;
let length: i32 = 0;
/** The chunk's last marker or `<meta` (see `nothingMarkedAhead`), once looked for. */
const UNKNOWN = -2;
let lastCandidate: i32 = UNKNOWN;

@inline function ld(field: i32): i32 {
  return load<i32>(STATE + field);
}
@inline function st(field: i32, value: i32): void {
  store<i32>(STATE + field, value);
}
@inline function ev(field: i32, value: i32): void {
  store<i32>(EVENT + field, value);
}
@inline function isSpace(c: i32): bool {
  return (load<u8>(CLASS + c) & SPACE) != 0;
}
@inline function isAlpha(c: i32): bool {
  return <u32>((c | 0x20) - 0x61) < 26;
}
@inline function lower(c: i32): i32 {
  return <u32>(c - 0x41) < 26 ? c | 0x20 : c;
}

/** names.ts's foldNameByte. */
@inline function fold(key: i64, c: i32): i64 {
  if (key < 0) return key;
  const letter = c | 0x20;
  const code: i64 = <u32>(letter - 0x61) < 26 ? letter - 0x60 : <u32>(c - 0x30) < 10 ? c - 0x30 + 27 : 0;
  return code == 0 || key >= 129961739795077 ? -1 : key * 37 + code; // 37^9
}

/** The fold of a whole name: letters and digits, at most 10 (`fold`'s limit), or -1. */
@inline function keyOf(start: i32, end: i32): i64 {
  if (end - start > 10) return -1;
  let key: i64 = 0;
  for (let k = start; k < end; k++) {
    const code = <i64>load<u8>(CODE + load<u8>(input + k));
    if (code == 0) return -1;
    key = key * 37 + code;
  }
  return key;
}

@inline function slotOf(key: i64): i32 {
  return <i32>((<u64>key * 0x9e3779b97f4a7c15) >> 54); // top 10 bits: SLOTS
}

function nameId(key: i64): i32 {
  if (key <= 0) return 0;
  let slot = slotOf(key);
  let id = load<i32>(SLOT_IDS + (<usize>slot << 2));
  while (id != 0 && load<i64>(SLOT_KEYS + (<usize>slot << 3)) != key) {
    slot = (slot + 1) & (SLOTS - 1);
    id = load<i32>(SLOT_IDS + (<usize>slot << 2));
  }
  return id;
}

export function init(): void {
  for (let c = 0; c < 256; c++) store<u8>(CLASS + c, 0);
  const space = SPACE | ENDS_TAG_NAME | ENDS_ATTRIBUTE_NAME | ENDS_UNQUOTED;
  store<u8>(CLASS + 0x20, space);
  store<u8>(CLASS + 0x0a, space);
  store<u8>(CLASS + 0x09, space);
  store<u8>(CLASS + 0x0c, space);
  store<u8>(CLASS + 0x0d, space);
  store<u8>(CLASS + SLASH, ENDS_TAG_NAME | ENDS_ATTRIBUTE_NAME);
  store<u8>(CLASS + GT, ENDS_TAG_NAME | ENDS_ATTRIBUTE_NAME | ENDS_UNQUOTED);
  store<u8>(CLASS + EQ, ENDS_ATTRIBUTE_NAME);
  for (let c = 0; c < 256; c++) store<u8>(CODE + c, <u8>max<i64>(fold(0, c), 0));
  input = (__heap_base + 15) & ~15;
  reserve(16 * 1024);
}

/**
 * The id of the name in SCRATCH (`length` bytes, lowercase), defined with `flags` if new;
 * 0 when it cannot have one (not letters and digits, too long, table full).
 */
export function defineName(nameLength: i32, flags: u8): i32 {
  let key: i64 = 0;
  for (let k = 0; k < nameLength; k++) key = fold(key, load<u8>(SCRATCH + k));
  if (key <= 0 || nameLength > 31) return 0;
  let id = nameId(key);
  if (id != 0) return id;
  if (nameCount == MAX_NAMES) return 0;
  id = nameCount++;
  let slot = slotOf(key);
  while (load<i32>(SLOT_IDS + (<usize>slot << 2)) != 0) slot = (slot + 1) & (SLOTS - 1);
  store<i64>(SLOT_KEYS + (<usize>slot << 3), key);
  store<i32>(SLOT_IDS + (<usize>slot << 2), id);
  store<u8>(NAME_FLAGS + id, flags);
  store<u8>(NAME_TEXT + id * 32, <u8>nameLength);
  memory.copy(NAME_TEXT + id * 32 + 1, SCRATCH, nameLength);
  return id;
}

/** A fresh tokenizer's state in STATE. */
export function reset(exactNames: i32, contentModel: i32, allStartTags: i32, allEndTags: i32): void {
  memory.fill(STATE, 0, 512);
  st(F_EXACT_NAMES, exactNames);
  st(F_CONTENT_MODEL, contentModel);
  st(F_ALL_START_TAGS, allStartTags);
  st(F_ALL_END_TAGS, allEndTags);
  st(F_SCRIPT_MATCH, -1);
}

/** For conformance tests: start in raw text of `kind` (the raw name already in F_RAW_NAME), or plaintext (kind -1). */
export function startIn(kind: i32, rawNameLength: i32): void {
  if (kind < 0) {
    st(F_STATE, Plaintext);
    return;
  }
  st(F_RAW, kind);
  st(F_RAW_NAME_LENGTH, rawNameLength);
  st(F_RAW_NAME_ID, rawNameLength == 0 ? 0 : rawNameIdOf(rawNameLength));
  st(F_STATE, kind == RAW_NONE ? Data : RawText);
}

function rawNameIdOf(rawNameLength: i32): i32 {
  let key: i64 = 0;
  for (let k = 0; k < rawNameLength; k++) key = fold(key, load<u16>(STATE + F_RAW_NAME + (k << 1)));
  return nameId(key);
}

/** Room for a chunk of `size` bytes; returns where to copy it. The attributes of an open tag move along. */
export function reserve(size: i32): usize {
  if (size > inputCapacity) {
    const capacity = (max(size, inputCapacity * 2) + 15) & ~15;
    const moved = input + capacity + 64;
    const count = attributeCapacity == 0 ? 1024 : attributeCapacity;
    grow(moved + <usize>count * 20);
    if (attributeCapacity > 0) memory.copy(moved, attributes, <usize>ld(F_ATTR_COUNT) * 20);
    inputCapacity = capacity;
    attributes = moved;
    attributeCapacity = count;
  }
  return input;
}

/** Where the attributes are (valid until the next call). */
export function attributeArea(): usize {
  return attributes;
}

function grow(end: usize): void {
  const pages = <i32>((end + 0xffff) >> 16) - memory.size();
  if (pages > 0 && memory.grow(pages) < 0) unreachable();
}

/** The chunk of `size` bytes just copied in is read from its start. */
export function begin(size: i32): void {
  pos = 0;
  length = size;
  lastCandidate = UNKNOWN;
}

// Skips: the first of `byte` from `from`, or `end`. Reading past `end` stays in the slack.
@inline function find(from: i32, end: i32, byte: i32): i32 {
  const needle = i8x16.splat(<i8>byte);
  let i = from;
  while (i < end) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(input + i), needle));
    if (mask != 0) return min(i + ctz(mask), end);
    i += 16;
  }
  return end;
}

@inline function findDashOrLt(from: i32, end: i32): i32 {
  const dash = i8x16.splat(<i8>DASH);
  const lt = i8x16.splat(<i8>LT);
  let i = from;
  while (i < end) {
    const v = v128.load(input + i);
    const mask = i8x16.bitmask(v128.or(i8x16.eq(v, dash), i8x16.eq(v, lt)));
    if (mask != 0) return min(i + ctz(mask), end);
    i += 16;
  }
  return end;
}

function beginTag(isEnd: i32, nameStart: i32): void {
  st(F_IS_END, isEnd);
  st(F_NAME_START, nameStart);
  store<i64>(STATE + F_NAME_KEY, 0);
  st(F_SELF_CLOSING, 0);
  st(F_MARKED, 0);
  if (!isEnd) st(F_ATTR_COUNT, 0);
}

function beginAttribute(c: i32, i: i32): void {
  st(F_ATTR_NAME_LENGTH, 1);
  st(F_ATTR_MATCHES, lower(c) == 0x64 ? 1 : 0);
  if (ld(F_IS_END)) return;
  const count = ld(F_ATTR_COUNT);
  if (count == attributeCapacity) {
    grow(attributes + <usize>count * 40);
    attributeCapacity = count * 2;
  }
  const a = attributes + <usize>count * 20;
  store<i32>(a, i - ld(F_TAG_BASE));
  store<i32>(a, -1, 4);
  store<i32>(a, -1, 8);
  store<i32>(a, -1, 12);
  store<i32>(a, 0, 16);
  st(F_ATTR_COUNT, count + 1);
}

@inline function lastAttribute(): usize {
  return attributes + <usize>(ld(F_ATTR_COUNT) - 1) * 20;
}

function endAttributeName(i: i32): void {
  if (ld(F_IS_END)) return;
  store<i32>(lastAttribute(), i - ld(F_TAG_BASE), 4);
  if (ld(F_ATTR_MATCHES) && ld(F_ATTR_NAME_LENGTH) == MARKER_LENGTH) st(F_MARKED, 1);
}

function beginValue(i: i32, quote: i32): void {
  if (ld(F_IS_END)) return;
  const a = lastAttribute();
  store<i32>(a, i - ld(F_TAG_BASE), 8);
  store<i32>(a, quote, 16);
}

function endValue(i: i32): void {
  if (ld(F_IS_END)) return;
  store<i32>(lastAttribute(), i - ld(F_TAG_BASE), 12);
}

/** At the `>` ending a tag: the event for the sink (or none), and the state its content starts in (into F_STATE). */
function endOfTag(at: i32): i32 {
  const id = ld(F_NAME_ID);
  const announced = ld(F_ANNOUNCED);
  st(F_ANNOUNCED, 0);
  const flags = load<u8>(NAME_FLAGS + id);
  st(F_STATE, Data);
  ev(E_NAME_START, -2); // the name came with EV_NAME (exact names)
  if (ld(F_IS_END)) {
    const depth = ld(F_FOREIGN_DEPTH);
    if (depth > 0 && (flags & FOREIGN) != 0) st(F_FOREIGN_DEPTH, depth - 1);
    if (ld(F_QUIET_END)) {
      st(F_QUIET_END, 0);
      return EV_DONE;
    }
    const wanted = ld(F_ALL_END_TAGS) != 0 || (load<u8>(STATE + F_REPORTS + id) & REPORT_END) != 0;
    if (ld(F_DEFERRED)) {
      // The script's text is read: the sink hears of it (start tag, then end tag) only if it may hold a signature.
      st(F_DEFERRED, 0);
      if (!mayHoldSignature(ld(F_DEF_END), at)) return EV_DONE;
      if (wanted) st(F_PENDING_END, at + 1);
      deferredStartTag();
      return EV_START_TAG;
    }
    if (wanted) {
      ev(E_NAME_ID, id);
      ev(E_END, at);
      return EV_END_TAG;
    }
    return EV_DONE;
  }
  let event = EV_DONE;
  const selfClosing = ld(F_SELF_CLOSING);
  const wanted = ld(F_ALL_START_TAGS) ? id != 0 || ld(F_EXACT_NAMES) != 0 : (load<u8>(STATE + F_REPORTS + id) & REPORT_START) != 0;
  if (announced || ld(F_MARKED) || wanted) {
    const base = ld(F_TAG_BASE);
    ev(E_START, base >= 0 ? base : -1);
    ev(E_END, at + 1);
    ev(E_NAME_ID, id);
    ev(E_SELF_CLOSING, selfClosing);
    ev(E_MARKED, ld(F_MARKED));
    ev(E_ATTR_COUNT, ld(F_ATTR_COUNT));
    ev(E_ATTRIBUTES, <i32>attributes);
    event = EV_START_TAG;
  }
  if (!ld(F_CONTENT_MODEL)) return event;
  const depth = ld(F_FOREIGN_DEPTH);
  if (depth > 0) {
    if ((flags & BREAKS_OUT) != 0) st(F_FOREIGN_DEPTH, 0);
    else {
      if ((flags & FOREIGN) != 0 && !selfClosing) st(F_FOREIGN_DEPTH, depth + 1);
      return event;
    }
  }
  if ((flags & FOREIGN) != 0 && !selfClosing) {
    st(F_FOREIGN_DEPTH, 1);
    return event;
  }
  if ((flags & PLAINTEXT) != 0) {
    st(F_STATE, Plaintext);
    return event;
  }
  const raw = flags & 3;
  if (raw == RAW_NONE) return event;
  st(F_RAW, raw);
  st(F_RAW_NAME_ID, id);
  const text = NAME_TEXT + id * 32;
  const nameLength = <i32>load<u8>(text);
  st(F_RAW_NAME_LENGTH, nameLength);
  for (let k = 0; k < nameLength; k++) store<u16>(STATE + F_RAW_NAME + (k << 1), load<u8>(text + 1 + k));
  st(F_STATE, RawText);
  if (event == EV_START_TAG && raw == RAW_SCRIPT && defersInline(id, announced)) {
    st(F_DEFERRED, 1);
    st(F_DEF_START, ld(F_TAG_BASE));
    st(F_DEF_END, at + 1);
    st(F_DEF_SELF_CLOSING, selfClosing);
    st(F_DEF_ATTR_COUNT, ld(F_ATTR_COUNT));
    st(F_DEF_NAME_ID, id);
    return EV_DONE;
  }
  return event;
}

/** An inline script's start tag, read whole in this chunk, unmarked: heard of at its end tag, if at all (QUIET_INLINE). */
function defersInline(id: i32, announced: i32): bool {
  const base = ld(F_TAG_BASE);
  return (load<u8>(STATE + F_REPORTS + id) & QUIET_INLINE) != 0 && !announced && !ld(F_MARKED) && !ld(F_EXACT_NAMES) && base >= 0 && !hasSrc(base, ld(F_ATTR_COUNT));
}

/** The deferred start tag's event. */
function deferredStartTag(): void {
  ev(E_START, ld(F_DEF_START));
  ev(E_END, ld(F_DEF_END));
  ev(E_NAME_ID, ld(F_DEF_NAME_ID));
  ev(E_SELF_CLOSING, ld(F_DEF_SELF_CLOSING));
  ev(E_MARKED, 0);
  ev(E_ATTR_COUNT, ld(F_DEF_ATTR_COUNT));
  ev(E_ATTRIBUTES, <i32>attributes);
}

/**
 * Whether the bytes from `from` to `to` may hold a signature: a long one's window where a
 * sampled gram hits the filter (at the positions `signatureSearch` samples: each occurrence of
 * a window has one of its grams there), or a short one.
 */
function mayHoldSignature(from: i32, to: i32): bool {
  for (let p = from; p + 3 <= to; p += GRAM_STRIDE) {
    const gram = ((<i32>load<u8>(input + p) << 8) ^ (<i32>load<u8>(input + p + 1) << 4) ^ <i32>load<u8>(input + p + 2)) & 0xffff;
    if ((load<u8>(SIGNATURE_FILTER + (gram >> 3)) & (1 << (gram & 7))) != 0 && holdsWindow(p, from, to)) return true;
  }
  const count = <i32>load<u8>(SHORT_SIGNATURES);
  if (count == TOO_MANY) return true;
  for (let s = 0; s < count; s++) {
    const signature = SHORT_SIGNATURES + 1 + s * 8;
    const length = <i32>load<u8>(signature);
    const first = <i32>load<u8>(signature + 1);
    const last = to - length;
    for (let at = find(from, last + 1, first); at <= last; at = find(at + 1, last + 1, first)) {
      let k = 1;
      while (k < length && load<u8>(input + at + k) == load<u8>(signature + 1 + k)) k++;
      if (k == length) return true;
    }
  }
  return false;
}

/** Whether a window of the filter lies in `from`..`to` over the gram at `p` (as its gram 0 to 5). */
function holdsWindow(p: i32, from: i32, to: i32): bool {
  const count = <i32>load<u8>(WINDOWS);
  if (count == TOO_MANY) return true;
  for (let g = 0; g < GRAM_STRIDE; g++) {
    const start = p - g;
    if (start < from || start + 8 > to) continue;
    const bytes = load<u64>(input + start);
    for (let w = 0; w < count; w++) if (load<u64>(WINDOWS + 1 + w * 8) == bytes) return true;
  }
  return false;
}

/**
 * A start or end tag lying whole in the chunk from `lt`, read with plain loops (the same
 * rules as the states, which take over when it does not): returns the index after its `>`,
 * having set the state and the pending event, or -1 (nothing changed) when the tag runs
 * past the chunk or is not a tag.
 */
function wholeTag(lt: i32, end: i32, recordAlways: bool = false): i32 {
  let j = lt + 1;
  let isEnd = 0;
  if (j < end && load<u8>(input + j) == SLASH) {
    isEnd = 1;
    j++;
  }
  if (j >= end || !isAlpha(load<u8>(input + j))) return -1;
  const nameStart = j;
  while (j < end && (load<u8>(CLASS + load<u8>(input + j)) & ENDS_TAG_NAME) == 0) j++;
  if (j >= end) return -1;
  const nameEnd = j;
  const id = nameId(keyOf(nameStart, nameEnd));
  const wanted = isEnd ? ld(F_ALL_END_TAGS) != 0 || (load<u8>(STATE + F_REPORTS + id) & REPORT_END) != 0 : ld(F_ALL_START_TAGS) != 0 || (load<u8>(STATE + F_REPORTS + id) & REPORT_START) != 0;
  // Attributes are recorded for a tag the sink hears of (a marked one is read again).
  const record = !isEnd && (wanted || recordAlways);
  let count = 0;
  let marked = 0;
  let selfClosing = 0;
  for (;;) {
    if (j >= end) return -1;
    let c = <i32>load<u8>(input + j);
    if (c == GT) break;
    if ((load<u8>(CLASS + c) & SPACE) != 0) {
      j++;
      continue;
    }
    if (c == SLASH) {
      if (j + 1 >= end) return -1;
      if (load<u8>(input + j + 1) == GT) {
        selfClosing = 1;
        j++;
        break;
      }
      j++;
      continue;
    }
    const attributeStart = j++; // the first character belongs to the name, even `=`
    j = attributeNameEnd(j, end);
    const attributeEnd = j;
    let valueStart = -1;
    let valueEnd = -1;
    let quote = 0;
    if (load<u16>(input + j) == EQ_DQ && j + 1 < end) {
      // Most values: `="…"` right after the name.
      quote = DQ;
      valueStart = j + 2;
      j = find(valueStart, end, DQ);
      if (j >= end) return -1;
      valueEnd = j++;
    } else {
      while (j < end && (load<u8>(CLASS + load<u8>(input + j)) & SPACE) != 0) j++;
      if (j >= end) return -1;
      if (load<u8>(input + j) == EQ) {
        j++;
        while (j < end && (load<u8>(CLASS + load<u8>(input + j)) & SPACE) != 0) j++;
        if (j >= end) return -1;
        c = <i32>load<u8>(input + j);
        if (c == DQ || c == SQ) {
          quote = c;
          valueStart = ++j;
          j = find(j, end, quote);
          if (j >= end) return -1;
          valueEnd = j++;
        } else if (c != GT) {
          valueStart = j;
          while (j < end && (load<u8>(CLASS + load<u8>(input + j)) & ENDS_UNQUOTED) == 0) j++;
          if (j >= end) return -1;
          valueEnd = j;
        }
      }
    }
    if (!isEnd && attributeEnd - attributeStart == MARKER_LENGTH && spells(attributeStart, MARKER, MARKER_LENGTH)) marked = 1;
    if (record) {
      if (count == attributeCapacity) {
        grow(attributes + <usize>count * 40);
        attributeCapacity = count * 2;
      }
      const a = attributes + <usize>count * 20;
      store<i32>(a, attributeStart - lt);
      store<i32>(a, attributeEnd - lt, 4);
      store<i32>(a, valueStart == -1 ? -1 : valueStart - lt, 8);
      store<i32>(a, valueEnd == -1 ? -1 : valueEnd - lt, 12);
      store<i32>(a, quote, 16);
      count++;
    }
  }
  // j is at the closing `>`. Most tags end here: nothing hears of them, nothing follows from them.
  if (marked && !record) return wholeTag(lt, end, true);
  const flags = load<u8>(NAME_FLAGS + id) & (ld(F_FOREIGN_DEPTH) > 0 ? 0xff : ~BREAKS_OUT);
  const heard = wanted && (marked || isEnd || ld(F_ALL_START_TAGS) != 0 || !keptAsItIs(load<u8>(STATE + F_REPORTS + id), lt, j, count));
  if (flags == 0 && !heard && !marked) {
    st(F_STATE, Data);
    return j + 1;
  }
  st(F_IS_END, isEnd);
  st(F_NAME_ID, id);
  st(F_SELF_CLOSING, selfClosing);
  st(F_MARKED, marked);
  if (!isEnd) st(F_ATTR_COUNT, count);
  st(F_TAG_BASE, lt);
  let event = endOfTag(j);
  if (event == EV_START_TAG && !heard && !marked) {
    // Kept as it is, like the tags above, but its name changes what follows (raw text, foreign content).
    event = EV_DONE;
    if (ld(F_STATE) == RawText) st(F_QUIET_END, 1);
  }
  ev(E_NAME_START, nameStart);
  ev(E_NAME_END, nameEnd);
  store<u8>(EVENT + E_PENDING, <u8>event);
  return j + 1;
}

/** The sink keeps the start tag from `lt` to its `>` at `gt` as it is (see UNLESS_TRACKER_HOST and UNLESS_CHARSET). */
function keptAsItIs(reports: u8, lt: i32, gt: i32, count: i32): bool {
  const trackerFree = (reports & UNLESS_TRACKER_HOST) != 0 && ((reports & ONLY_WITH_SRC) == 0 || hasSrc(lt, count)) && !mayLoadFromTracker(lt, count);
  return trackerFree || ((reports & UNLESS_CHARSET) != 0 && !mentionsCharset(lt, gt));
}

function hasSrc(lt: i32, count: i32): bool {
  for (let n = 0; n < count; n++) {
    const a = attributes + <usize>n * 20;
    if (load<i32>(a, 4) - load<i32>(a) == 3 && spells(lt + load<i32>(a), SRCSET, 3)) return true;
  }
  return false;
}

/** The bytes from `from` to `end` hold `charset`, in any case. */
function mentionsCharset(from: i32, end: i32): bool {
  // One comparison a byte until a `c`.
  for (let i = from; i + 7 <= end; i++) if ((load<u8>(input + i) | 0x20) == 0x63 && spells(i, CHARSET, 7)) return true;
  return false;
}

/**
 * The chunk from where reading stopped holds neither the marker nor `<meta`, in any case:
 * nothing in it can be a marked tag or a charset declaration (see HtmlRewriter's last
 * chunk). The last of them is looked for once a chunk, from its end: a marked tag is often
 * near the end of a page, and once it is read nothing is ahead.
 */
export function nothingMarkedAhead(): bool {
  if (lastCandidate == UNKNOWN) lastCandidate = lastMarkerOrMeta(pos);
  return lastCandidate < pos;
}

/**
 * The start of the last marker or `<meta` between `from` and the chunk's end (or one before
 * `from`, or -1): candidates by their first and last bytes, 16 at a time, then spelled out.
 */
function lastMarkerOrMeta(from: i32): i32 {
  const caseBit = i8x16.splat(0x20);
  const d = i8x16.splat(0x64);
  const y = i8x16.splat(0x79);
  const lt = i8x16.splat(<i8>LT); // its case bit is set
  const a = i8x16.splat(0x61);
  for (let i = (length - 1) & ~15; i >= (from & ~15); i -= 16) {
    // Reading up to MARKER_LENGTH + 15 bytes past the chunk stays in the slack.
    const first = v128.or(v128.load(input + i), caseBit);
    const marker = v128.and(i8x16.eq(first, d), i8x16.eq(v128.or(v128.load(input + i + MARKER_LENGTH - 1), caseBit), y));
    const meta = v128.and(i8x16.eq(first, lt), i8x16.eq(v128.or(v128.load(input + i + META_LENGTH - 1), caseBit), a));
    let mask = i8x16.bitmask(v128.or(marker, meta));
    while (mask != 0) {
      const bit = 31 - clz(mask);
      const at = i + bit;
      if (at + META_LENGTH <= length && spells(at, META, META_LENGTH)) return at;
      if (at + MARKER_LENGTH <= length && spells(at, MARKER, MARKER_LENGTH)) return at;
      mask &= ~(1 << bit);
    }
  }
  return -1;
}

/** The attribute name at `at` (`length` bytes) is src, srcset, href or imagesrcset, in any case. */
function loadsFrom(at: i32, length: i32): bool {
  if (length == 3) return spells(at, SRCSET, 3);
  if (length == 6) return spells(at, SRCSET, 6);
  if (length == 4) return spells(at, HREF, 4);
  return length == 11 && spells(at, IMAGESRCSET, 11);
}

@inline function spells(at: i32, name: usize, length: i32): bool {
  for (let k = 0; k < length; k++) if (lower(load<u8>(input + at + k)) != <i32>load<u8>(name + k)) return false;
  return true;
}

/**
 * Whether a `src`, `srcset`, `href` or `imagesrcset` among the `count` attributes recorded
 * for the tag at `lt` may load from a tracker: a URL whose host (or a parent domain of it) is
 * in HOST_FILTER, or one not read plainly here (the sink reads those).
 */
function mayLoadFromTracker(lt: i32, count: i32): bool {
  for (let n = 0; n < count; n++) {
    const a = attributes + <usize>n * 20;
    const nameLength = load<i32>(a, 4) - load<i32>(a);
    if (!loadsFrom(lt + load<i32>(a), nameLength)) continue;
    const valueStart = load<i32>(a, 8);
    if (valueStart == -1) continue;
    const from = lt + valueStart;
    const end = lt + load<i32>(a, 12);
    if (nameLength >= 6 ? mayListTracker(from, end) : mayBeTracker(from, end)) return true;
  }
  return false;
}

/** A srcset: each candidate, between spaces and commas (other white space is not plain). */
function mayListTracker(from: i32, end: i32): bool {
  // Most srcsets list relative paths only: no candidate has a host then (see mayBeTracker).
  if (inAsciiFrom(0x20, from, end) && plainlyRelative(from, end)) return false;
  let i = from;
  while (i < end) {
    let c = <i32>load<u8>(input + i);
    if (c == 0x20 || c == 0x2c) {
      i++;
      continue;
    }
    const start = i;
    while (i < end && (c = <i32>load<u8>(input + i)) != 0x20 && c != 0x2c) i++;
    if (mayBeTracker(start, i)) return true;
  }
  return false;
}

/**
 * The URL from `from` to `end`, read plainly: printable ASCII without spaces (browsers drop
 * tabs and newlines from URLs, and split a srcset at any white space), and a relative path
 * without `:`, `&`, `\` or `//`, a URL of another scheme than http(s) (no host), or
 * `http(s)://host` or `//host`: letters, digits, dots and hyphens, an optional port, then
 * `/`, `?`, `#` or the end. Any other may be a tracker's.
 */
function mayBeTracker(from: i32, end: i32): bool {
  if (!inAsciiFrom(0x21, from, end)) return true;
  const first = <i32>load<u8>(input + from);
  let host = -1;
  if (first == SLASH) {
    if (from + 1 < end && load<u8>(input + from + 1) == SLASH) host = from + 2;
  } else if (isAlpha(first)) {
    let colon = from + 1;
    while (colon < end && isSchemeByte(<i32>load<u8>(input + colon))) colon++;
    if (colon < end && load<u8>(input + colon) == 0x3a) {
      if (!isHttp(from, colon - from)) return false;
      if (colon + 2 >= end || load<u8>(input + colon + 1) != SLASH || load<u8>(input + colon + 2) != SLASH) return true;
      host = colon + 3;
    }
  }
  if (host == -1) return !plainlyRelative(from, end);
  let k = host;
  while (k < end && isHostByte(<i32>load<u8>(input + k))) k++;
  let hostEnd = k;
  if (k < end && load<u8>(input + k) == 0x3a) {
    k++;
    const digits = k;
    while (k < end && <u32>(<i32>load<u8>(input + k) - 0x30) < 10) k++;
    if (k == digits) return true;
  }
  if (k < end) {
    const c = <i32>load<u8>(input + k);
    if (c != SLASH && c != QUESTION && c != 0x23) return true;
  }
  if (hostEnd > host && load<u8>(input + hostEnd - 1) == 0x2e) hostEnd--;
  if (hostEnd == host) return true;
  // The host and each parent domain: a policy's `*.example.com` is example.com in the filter.
  for (let at = host; at < hostEnd; ) {
    const bit = hostHash(at, hostEnd);
    if ((load<u8>(HOST_FILTER + (bit >> 3)) & (1 << (bit & 7))) != 0) return true;
    while (at < hostEnd && load<u8>(input + at) != 0x2e) at++;
    at++;
  }
  return false;
}

@inline function isHostByte(c: i32): bool {
  return <u32>((c | 0x20) - 0x61) < 26 || <u32>(c - 0x30) < 10 || c == 0x2e || c == DASH;
}

@inline function isSchemeByte(c: i32): bool {
  return isHostByte(c) || c == 0x2b;
}

/** The scheme from `at`, `length` bytes, is http or https, in any case. */
function isHttp(at: i32, length: i32): bool {
  if (length != 4 && length != 5) return false;
  if ((load<u8>(input + at) | 0x20) != 0x68 || (load<u8>(input + at + 1) | 0x20) != 0x74 || (load<u8>(input + at + 2) | 0x20) != 0x74 || (load<u8>(input + at + 3) | 0x20) != 0x70) return false;
  return length == 4 || (load<u8>(input + at + 4) | 0x20) == 0x73;
}

/** host-filter.ts's hostHash of the lowercase bytes from `from` to `end`: FNV-1a, folded to 16 bits. */
function hostHash(from: i32, end: i32): i32 {
  let hash: u32 = 0x811c9dc5;
  for (let k = from; k < end; k++) hash = (hash ^ <u32>lower(<i32>load<u8>(input + k))) * 0x01000193;
  return <i32>(((hash >>> 16) ^ hash) & 0xffff);
}

/** The bytes from `from` to `end` are ASCII from `lowest` to `~` (0x21: printable, no space): 16 at a time. */
function inAsciiFrom(lowest: i32, from: i32, end: i32): bool {
  const below = i8x16.splat(<i8>lowest);
  const above = i8x16.splat(0x7e);
  for (let i = from; i < end; i += 16) {
    const v = v128.load(input + i);
    let mask = i8x16.bitmask(v128.or(i8x16.lt_u(v, below), i8x16.gt_u(v, above)));
    if (end - i < 16) mask &= (1 << (end - i)) - 1;
    if (mask != 0) return false;
  }
  return true;
}

/** The bytes (printable: see `inAsciiFrom`) from `from` to `end` hold no `:`, `&`, `\` or `//`: 16 at a time. */
function plainlyRelative(from: i32, end: i32): bool {
  const colon = i8x16.splat(0x3a);
  const ampersand = i8x16.splat(0x26);
  const backslash = i8x16.splat(0x5c);
  const slash = i8x16.splat(<i8>SLASH);
  for (let i = from; i < end; i += 16) {
    const v = v128.load(input + i);
    // A `/` before the value's end is followed by a byte of the value or by what ends it (a quote, white space, `>`).
    const doubleSlash = v128.and(i8x16.eq(v, slash), i8x16.eq(v128.load(input + i + 1), slash));
    const special = v128.or(v128.or(i8x16.eq(v, colon), i8x16.eq(v, ampersand)), i8x16.eq(v, backslash));
    let mask = i8x16.bitmask(v128.or(special, doubleSlash));
    if (end - i < 16) mask &= (1 << (end - i)) - 1;
    if (mask != 0) return false;
  }
  return true;
}

/** The end of an attribute name from `from` (a byte that ends it, or `end`): 16 bytes at a time. */
@inline function attributeNameEnd(from: i32, end: i32): i32 {
  // Candidates: `=`, `>`, `/` and every byte up to the space (white space is among them).
  const eq = i8x16.splat(<i8>EQ);
  const gt = i8x16.splat(<i8>GT);
  const slash = i8x16.splat(<i8>SLASH);
  const space = i8x16.splat(0x20);
  let i = from;
  while (i < end) {
    const v = v128.load(input + i);
    let mask = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, eq), i8x16.eq(v, gt)), v128.or(i8x16.eq(v, slash), i8x16.le_u(v, space))));
    while (mask != 0) {
      const k = i + ctz(mask);
      if (k >= end) return end;
      if ((load<u8>(CLASS + load<u8>(input + k)) & ENDS_ATTRIBUTE_NAME) != 0) return k;
      mask &= mask - 1;
    }
    i += 16;
  }
  return end;
}

/** Whether `state` is inside a start tag. */
@inline function inStartTag(state: i32): bool {
  return state == TagOpen || (<u32>(state - TagName) <= <u32>(SelfClosing - TagName) && !ld(F_IS_END));
}

/** Reads on from where it stopped; returns the next event, EV_DONE at the chunk's end. */
export function run(): i32 {
  const pendingEnd = ld(F_PENDING_END);
  if (pendingEnd != 0) {
    st(F_PENDING_END, 0);
    ev(E_NAME_START, -2);
    ev(E_NAME_ID, ld(F_DEF_NAME_ID));
    ev(E_END, pendingEnd - 1);
    return EV_END_TAG;
  }
  const end = length;
  let i = pos;
  let state = ld(F_STATE);
  while (i < end) {
    const c = <i32>load<u8>(input + i);
    switch (state) {
      case Data: {
        // Most tags lie whole in the chunk: read one after another, outside the state machine.
        i = c == LT ? i : find(i, end, LT);
        let next = Data;
        while (i < end) {
          const after = wholeTag(i, end);
          if (after < 0) break;
          i = after;
          const event = <i32>load<u8>(EVENT + E_PENDING);
          if (event != EV_DONE) {
            store<u8>(EVENT + E_PENDING, EV_DONE);
            pos = i;
            return event;
          }
          next = ld(F_STATE);
          if (next != Data) break;
          i = find(i, end, LT);
        }
        if (next != Data) {
          state = next;
          continue;
        }
        if (i == end) continue;
        st(F_TAG_BASE, i);
        state = TagOpen;
        break;
      }
      case TagOpen: {
        if (isAlpha(c)) {
          beginTag(0, i);
          state = TagName;
          continue;
        }
        let event = EV_DONE;
        if (ld(F_ANNOUNCED)) {
          st(F_ANNOUNCED, 0);
          event = EV_NOT_START_TAG;
        }
        let next = i + 1;
        if (c == BANG) {
          st(F_MATCH_INDEX, 0);
          state = MarkupDeclaration;
        } else if (c == SLASH) state = EndTagOpen;
        else if (c == QUESTION) state = BogusComment;
        else {
          state = Data;
          next = i;
        }
        if (event != EV_DONE) {
          st(F_STATE, state);
          pos = next;
          return event;
        }
        i = next;
        continue;
      }
      case EndTagOpen:
        if (isAlpha(c)) {
          beginTag(1, i);
          state = TagName;
          continue;
        }
        state = c == GT ? Data : BogusComment;
        if (state == BogusComment) continue;
        break;
      case TagName: {
        let j = i;
        let key = load<i64>(STATE + F_NAME_KEY);
        while (j < end) {
          const d = <i32>load<u8>(input + j);
          if ((load<u8>(CLASS + d) & ENDS_TAG_NAME) != 0) break;
          key = fold(key, d);
          j++;
        }
        store<i64>(STATE + F_NAME_KEY, key);
        i = j;
        if (j == end) continue;
        const nameStart = ld(F_NAME_START);
        if (nameStart >= 0) {
          st(F_NAME_ID, nameId(key));
          st(F_NAME_START, -1);
          if (ld(F_EXACT_NAMES)) {
            ev(E_NAME_START, nameStart);
            ev(E_NAME_END, i);
            st(F_STATE, state);
            pos = i;
            return EV_NAME;
          }
        }
        const d = <i32>load<u8>(input + i);
        if (d == GT) {
          const event = endOfTag(i);
          state = ld(F_STATE);
          if (event != EV_DONE) {
            pos = i + 1;
            return event;
          }
        } else state = d == SLASH ? SelfClosing : BeforeAttrName;
        break;
      }
      case BeforeAttrName:
        if (isSpace(c)) break;
        if (c == SLASH || c == GT) {
          state = AfterAttrName;
          continue;
        }
        beginAttribute(c, i);
        state = AttrName;
        break;
      case AttrName: {
        // The rest of the name at once, checked against the marker as it goes.
        let j = i;
        let matches = ld(F_ATTR_MATCHES);
        let n = ld(F_ATTR_NAME_LENGTH);
        while (j < end) {
          const d = <i32>load<u8>(input + j);
          if ((load<u8>(CLASS + d) & ENDS_ATTRIBUTE_NAME) != 0) break;
          if (matches) matches = n < MARKER_LENGTH && lower(d) == <i32>load<u8>(MARKER + n) ? 1 : 0;
          n++;
          j++;
        }
        st(F_ATTR_MATCHES, matches);
        st(F_ATTR_NAME_LENGTH, n);
        i = j;
        if (j == end) continue;
        endAttributeName(i);
        if (load<u8>(input + i) == EQ) {
          state = BeforeAttrValue;
          break;
        }
        state = AfterAttrName;
        continue;
      }
      case AfterAttrName:
        if (isSpace(c)) break;
        if (c == SLASH) state = SelfClosing;
        else if (c == EQ) state = BeforeAttrValue;
        else if (c == GT) {
          const event = endOfTag(i);
          state = ld(F_STATE);
          if (event != EV_DONE) {
            pos = i + 1;
            return event;
          }
        } else {
          beginAttribute(c, i);
          state = AttrName;
        }
        break;
      case BeforeAttrValue:
        if (isSpace(c)) break;
        if (c == DQ || c == SQ) {
          beginValue(i + 1, c);
          state = c == DQ ? AttrValueDq : AttrValueSq;
        } else if (c == GT) {
          const event = endOfTag(i);
          state = ld(F_STATE);
          if (event != EV_DONE) {
            pos = i + 1;
            return event;
          }
        } else {
          beginValue(i, 0);
          state = AttrValueUq;
          continue;
        }
        break;
      case AttrValueDq:
      case AttrValueSq: {
        i = find(i, end, state == AttrValueDq ? DQ : SQ);
        if (i == end) continue;
        endValue(i);
        state = AfterAttrValueQuoted;
        break;
      }
      case AttrValueUq: {
        let j = i;
        while (j < end && (load<u8>(CLASS + load<u8>(input + j)) & ENDS_UNQUOTED) == 0) j++;
        i = j;
        if (j == end) continue;
        endValue(i);
        if (load<u8>(input + i) == GT) {
          const event = endOfTag(i);
          state = ld(F_STATE);
          if (event != EV_DONE) {
            pos = i + 1;
            return event;
          }
        } else state = BeforeAttrName;
        break;
      }
      case AfterAttrValueQuoted:
        if (isSpace(c)) state = BeforeAttrName;
        else if (c == SLASH) state = SelfClosing;
        else if (c == GT) {
          const event = endOfTag(i);
          state = ld(F_STATE);
          if (event != EV_DONE) {
            pos = i + 1;
            return event;
          }
        } else {
          state = BeforeAttrName;
          continue;
        }
        break;
      case SelfClosing:
        if (c == GT) {
          st(F_SELF_CLOSING, 1);
          const event = endOfTag(i);
          state = ld(F_STATE);
          if (event != EV_DONE) {
            pos = i + 1;
            return event;
          }
        } else {
          state = BeforeAttrName;
          continue;
        }
        break;
      case MarkupDeclaration: {
        const matched = ld(F_MATCH_INDEX);
        if (c == DASH && matched == 0) {
          st(F_MATCH_INDEX, 1);
          break;
        }
        st(F_MATCH_INDEX, 0);
        if (c == DASH && matched == 1) {
          state = CommentStart;
          break;
        }
        state = BogusComment;
        continue;
      }
      case CommentStart:
        if (c == DASH) state = CommentStartDash;
        else if (c == GT) state = Data;
        else {
          state = Comment;
          continue;
        }
        break;
      case CommentStartDash:
        if (c == DASH) state = CommentEnd;
        else if (c == GT) state = Data;
        else {
          state = Comment;
          continue;
        }
        break;
      case Comment:
        i = find(i, end, DASH);
        if (i == end) continue;
        state = CommentEndDash;
        break;
      case CommentEndDash:
        state = c == DASH ? CommentEnd : Comment;
        if (state == Comment) continue;
        break;
      case CommentEnd:
        if (c == GT) state = Data;
        else if (c == BANG) state = CommentEndBang;
        else if (c != DASH) {
          state = Comment;
          continue;
        }
        break;
      case CommentEndBang:
        if (c == DASH) state = CommentEndDash;
        else if (c == GT) state = Data;
        else {
          state = Comment;
          continue;
        }
        break;
      case BogusComment:
        i = find(i, end, GT);
        if (i == end) continue;
        state = Data;
        break;
      case RawText:
        i = find(i, end, LT);
        if (i == end) continue;
        state = RawLessThan;
        break;
      case RawLessThan:
        if (c == SLASH) {
          st(F_MATCH_INDEX, 0);
          state = RawEndTagOpen;
        } else if (c == BANG && ld(F_RAW) == RAW_SCRIPT) {
          state = ScriptEscapeStart;
        } else {
          state = RawText;
          continue;
        }
        break;
      case RawEndTagOpen:
      case ScriptEscapedEndTagOpen:
        if (isAlpha(c)) {
          st(F_MATCH_INDEX, 0);
          state = state == RawEndTagOpen ? RawEndTagName : ScriptEscapedEndTagName;
          continue;
        }
        state = state == RawEndTagOpen ? RawText : ScriptEscaped;
        continue;
      case RawEndTagName:
      case ScriptEscapedEndTagName: {
        const matched = ld(F_MATCH_INDEX);
        const rawNameLength = ld(F_RAW_NAME_LENGTH);
        if (matched == rawNameLength && (load<u8>(CLASS + c) & ENDS_TAG_NAME) != 0) {
          // The appropriate end tag: the raw text ends; the end tag is read as markup.
          st(F_RAW, RAW_NONE);
          beginTag(1, -1);
          st(F_NAME_ID, ld(F_RAW_NAME_ID));
          state = TagName;
          if (ld(F_EXACT_NAMES)) {
            ev(E_NAME_START, -1);
            st(F_STATE, state);
            pos = i;
            return EV_NAME;
          }
          continue;
        }
        if (matched < rawNameLength && lower(c) == <i32>load<u16>(STATE + F_RAW_NAME + (matched << 1))) {
          st(F_MATCH_INDEX, matched + 1);
          break;
        }
        state = state == ScriptEscapedEndTagName ? ScriptEscaped : RawText;
        continue;
      }
      case ScriptEscapeStart:
        state = c == DASH ? ScriptEscapeStartDash : RawText;
        if (state == RawText) continue;
        break;
      case ScriptEscapeStartDash:
        state = c == DASH ? ScriptEscapedDashDash : RawText;
        if (state == RawText) continue;
        break;
      case ScriptEscaped:
      case ScriptDoubleEscaped: {
        // Only `-` and `<` can change these states.
        const next = findDashOrLt(i, end);
        const escaped = state == ScriptEscaped;
        i = next;
        if (next == end) continue;
        if (load<u8>(input + i) == DASH) state = escaped ? ScriptEscapedDash : ScriptDoubleEscapedDash;
        else state = escaped ? ScriptEscapedLessThan : ScriptDoubleEscapedLessThan;
        break;
      }
      case ScriptEscapedDash:
        if (c == DASH) state = ScriptEscapedDashDash;
        else if (c == LT) state = ScriptEscapedLessThan;
        else state = ScriptEscaped;
        break;
      case ScriptEscapedDashDash:
        if (c == LT) state = ScriptEscapedLessThan;
        else if (c == GT) state = RawText;
        else if (c != DASH) state = ScriptEscaped;
        break;
      case ScriptEscapedLessThan:
        if (c == SLASH) {
          state = ScriptEscapedEndTagOpen;
        } else if (isAlpha(c)) {
          st(F_SCRIPT_MATCH, 0);
          state = ScriptDoubleEscapeStart;
          continue;
        } else {
          state = ScriptEscaped;
          continue;
        }
        break;
      case ScriptDoubleEscapeStart:
      case ScriptDoubleEscapeEnd:
        if ((load<u8>(CLASS + c) & ENDS_TAG_NAME) != 0) {
          const isScript = ld(F_SCRIPT_MATCH) == 6;
          if (state == ScriptDoubleEscapeStart) state = isScript ? ScriptDoubleEscaped : ScriptEscaped;
          else state = isScript ? ScriptEscaped : ScriptDoubleEscaped;
        } else if (isAlpha(c)) {
          // The letters so far spell "script" exactly, or can no longer.
          const matched = ld(F_SCRIPT_MATCH);
          st(F_SCRIPT_MATCH, matched >= 0 && matched < 6 && lower(c) == <i32>load<u8>(MARKER_SCRIPT + matched) ? matched + 1 : -1);
        } else {
          state = state == ScriptDoubleEscapeStart ? ScriptEscaped : ScriptDoubleEscaped;
          continue;
        }
        break;
      case ScriptDoubleEscapedDash:
        if (c == DASH) state = ScriptDoubleEscapedDashDash;
        else if (c == LT) state = ScriptDoubleEscapedLessThan;
        else state = ScriptDoubleEscaped;
        break;
      case ScriptDoubleEscapedDashDash:
        if (c == LT) state = ScriptDoubleEscapedLessThan;
        else if (c == GT) state = RawText;
        else if (c != DASH) state = ScriptDoubleEscaped;
        break;
      case ScriptDoubleEscapedLessThan:
        if (c == SLASH) {
          st(F_SCRIPT_MATCH, 0);
          state = ScriptDoubleEscapeEnd;
        } else {
          state = ScriptDoubleEscaped;
          continue;
        }
        break;
      case Plaintext:
        i = end;
        continue;
    }
    i++;
  }
  // The chunk's end: an inline script whose text runs on is heard of now (the sink holds it);
  // a name being read continues at the next chunk's start; a start tag still open is
  // announced (its bytes up to here are held by the sink).
  if (ld(F_DEFERRED)) {
    st(F_DEFERRED, 0);
    st(F_STATE, state);
    pos = end;
    deferredStartTag();
    return EV_START_TAG;
  }
  ev(E_NAME_START, -1);
  ev(E_TAG_OPEN, -1);
  if (state == TagName && ld(F_NAME_START) >= 0) {
    if (ld(F_EXACT_NAMES)) ev(E_NAME_START, ld(F_NAME_START));
    st(F_NAME_START, 0);
  }
  if (!ld(F_ANNOUNCED) && inStartTag(state)) {
    st(F_ANNOUNCED, 1);
    ev(E_TAG_OPEN, ld(F_TAG_BASE));
  }
  st(F_TAG_BASE, ld(F_TAG_BASE) - end);
  st(F_STATE, state);
  pos = end;
  return EV_DONE;
}

/** script */
const MARKER_SCRIPT = memory.data<u8>([0x73, 0x63, 0x72, 0x69, 0x70, 0x74]);
