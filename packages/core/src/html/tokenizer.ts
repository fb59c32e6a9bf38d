/**
 * A streaming HTML tokenizer over bytes, for deciding one thing exactly as a browser does:
 * where tags are. It follows the WHATWG tokenizer's states for markup, comments, RCDATA,
 * RAWTEXT, script data (with its escaped and double-escaped states) and PLAINTEXT, but it
 * never builds text or decodes characters: markup is ASCII in every ASCII-compatible
 * encoding, so it works on the raw bytes and multi-byte characters pass untouched.
 *
 * Every state resumes at any byte, so chunks may split anywhere. The sink is told where
 * each start tag begins and ends; everything else is plain bytes to it.
 */

import { latin1 } from './latin1.js';
import { BREAKOUT, foldNameByte, KNOWN_NAMES, knownName, quickName, Raw, RAW_KIND } from './names.js';

export { Raw };

export interface TokenSink {
  /** A `<` that may open a start tag, at `offset` in the chunk being written. */
  tagOpen(offset: number): void;
  /** It was not a start tag after all (a comment, an end tag, or text). */
  notStartTag(): void;
  /**
   * A complete start tag, from `start` (its `<`; -1 when it began in an earlier chunk) to
   * `end` (after its `>`) in the chunk being written.
   */
  startTag(tag: TagInfo, start: number, end: number): void;
  /** An end tag (name lowercase) whose `>` is at `offset` in the chunk being written. */
  endTag(name: string, offset: number): void;
}

export interface TokenizerOptions {
  /**
   * Switch to raw text after script, style, textarea … as the tree builder makes browsers
   * do (default); off only to compare with html5lib's pure tokenizer tests.
   */
  readonly followContentModel?: boolean;
  /** Build every tag's name (conformance tests); otherwise only names this code uses are known. */
  readonly exactNames?: boolean;
  /**
   * The start tags (besides marked ones) and end tags the sink wants to hear of; all when
   * left out. Other tags lying whole in a chunk cost the sink nothing.
   */
  readonly startTags?: ReadonlySet<string>;
  readonly endTags?: ReadonlySet<string>;
  /**
   * Start tags among those that the sink keeps unchanged unless a URL in their `src`,
   * `srcset`, `href` or `imagesrcset` may be on a tracker's host (`hosts`: host-filter.ts).
   * An engine may leave such a tag unreported (the WebAssembly one does, for a tag lying whole
   * in a chunk whose URLs it can read plainly); this one reports it.
   */
  readonly keptUnlessTrackerHost?: {
    readonly names: ReadonlySet<string>;
    /** Those of `names` kept so only when they have a `src` (a script without one is inline). */
    readonly onlyWithSrc: ReadonlySet<string>;
    readonly hosts: Uint8Array;
  };
  /** The same for start tags the sink keeps unchanged unless their bytes mention `charset`. */
  readonly keptUnlessCharset?: ReadonlySet<string>;
  /**
   * Script start tags without a `src` that the sink keeps, with their text, unless the text
   * holds a signature (`filter`: signatures.ts's `signatureFilter`). The WebAssembly engine
   * reports such a script at its end tag (start tag, then end tag), or not at all when no
   * signature can be in it; this one reports it as ever.
   */
  readonly keptUnlessSignature?: { readonly names: ReadonlySet<string>; readonly filter: Uint8Array };
}

/** What the tokenizer learnt about a start tag, valid during the `startTag` call only. Offsets count from the tag's `<`. */
export interface TagInfo {
  /** Lowercase; empty for a tag nothing here looks at (unless built with exact names). */
  name: string;
  selfClosing: boolean;
  /** [nameStart, nameEnd, valueStart, valueEnd, quote] per attribute; value -1 when absent. */
  attributes: number[];
  /** An attribute named data-consent-category is present. */
  marked: boolean;
}

const enum S {
  Data,
  TagOpen,
  EndTagOpen,
  TagName,
  BeforeAttrName,
  AttrName,
  AfterAttrName,
  BeforeAttrValue,
  AttrValueDq,
  AttrValueSq,
  AttrValueUq,
  AfterAttrValueQuoted,
  SelfClosing,
  MarkupDeclaration,
  CommentStart,
  CommentStartDash,
  Comment,
  CommentEndDash,
  CommentEnd,
  CommentEndBang,
  BogusComment,
  // Raw text of script, style, textarea …: `raw` says which kind.
  RawText,
  RawLessThan,
  RawEndTagOpen,
  RawEndTagName,
  ScriptEscapeStart,
  ScriptEscapeStartDash,
  ScriptEscaped,
  ScriptEscapedDash,
  ScriptEscapedDashDash,
  ScriptEscapedLessThan,
  ScriptEscapedEndTagOpen,
  ScriptEscapedEndTagName,
  ScriptDoubleEscapeStart,
  ScriptDoubleEscaped,
  ScriptDoubleEscapedDash,
  ScriptDoubleEscapedDashDash,
  ScriptDoubleEscapedLessThan,
  ScriptDoubleEscapeEnd,
  Plaintext,
}


const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const DASH = 0x2d;
const EQ = 0x3d;
const DQ = 0x22;
const SQ = 0x27;
const QUESTION = 0x3f;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;

/** What ends what, by byte: one table load per byte of a tag instead of five comparisons. */
const SPACE = 1;
const ENDS_TAG_NAME = 2; // white space, `/`, `>`
const ENDS_ATTRIBUTE_NAME = 4; // and `=`
const ENDS_UNQUOTED = 8; // white space, `>`
const BYTE_CLASS = new Uint8Array(256);
for (const c of [0x20, 0x0a, 0x09, 0x0c, 0x0d]) BYTE_CLASS[c] = SPACE | ENDS_TAG_NAME | ENDS_ATTRIBUTE_NAME | ENDS_UNQUOTED;
BYTE_CLASS[0x2f] = ENDS_TAG_NAME | ENDS_ATTRIBUTE_NAME;
BYTE_CLASS[0x3e] = ENDS_TAG_NAME | ENDS_ATTRIBUTE_NAME | ENDS_UNQUOTED;
BYTE_CLASS[0x3d] = ENDS_ATTRIBUTE_NAME;
const isAlpha = (c: number) => ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

const MARKER = 'data-consent-category';

export class Tokenizer {
  #state = S.Data;
  /** The current tag's lowercase name, once read. */
  #name = '';
  /** Where the name being read starts in this chunk (-1: already known), and its key so far. */
  #nameStart = 0;
  #nameKey = 0;
  /** With exact names (conformance tests only), the name's text from earlier chunks. */
  #namePrefix = '';
  #isEndTag = false;
  #selfClosing = false;
  /** Index of the current tag's `<` in this chunk (negative when it began in an earlier one). */
  #tagBase = 0;
  #attributes: number[] = [];
  #attrNameLength = 0;
  #attrMatches = false;
  #marked = false;
  /** Raw text element we are in, and its name for the end tag. */
  #raw = Raw.None;
  #rawName = '';
  #matchIndex = 0;
  #buffer = '';
  /** SVG / MathML nesting: script and style inside them are markup, not raw text. */
  #foreignDepth = 0;

  readonly #followContentModel: boolean;
  readonly #exactNames: boolean;
  #startTags: ReadonlySet<string> | undefined;
  readonly #endTags: ReadonlySet<string> | undefined;
  /** The sink was told (`tagOpen`) about the tag being read: it must hear how it ends. */
  #announced = false;

  constructor(
    private readonly sink: TokenSink,
    options: TokenizerOptions = {},
  ) {
    this.#followContentModel = options.followContentModel ?? true;
    this.#exactNames = options.exactNames ?? false;
    this.#startTags = options.startTags;
    this.#endTags = options.endTags;
  }

  /** From the next tag on, the start tags (besides marked ones) the sink wants to hear of. */
  reportStartTags(names: ReadonlySet<string>): void {
    this.#startTags = names;
  }

  /** For conformance tests: start in a raw text state, as html5lib-tests' initialStates do. */
  startIn(kind: Raw | 'plaintext', lastStartTag = ''): void {
    if (kind === 'plaintext') {
      this.#state = S.Plaintext;
      return;
    }
    this.#raw = kind;
    this.#rawName = lastStartTag;
    this.#state = kind === Raw.None ? S.Data : S.RawText;
  }

  write(chunk: Uint8Array): void {
    const length = chunk.length;
    let i = 0;
    let state = this.#state;
    while (i < length) {
      const c = chunk[i]!;
      switch (state) {
        case S.Data: {
          // Most tags lie whole in the chunk: read them in one go, outside the state machine,
          // one after the other until one changes the state.
          let end = i;
          do {
            // Tags often follow each other directly: no call needed to find the next one.
            i = chunk[end] === LT ? end : indexOfByte(chunk, LT, end);
            if (i === -1) break;
            this.#tagBase = i;
            end = this.#wholeTag(chunk, i);
          } while (end !== -1 && end < length && this.#state === S.Data);
          if (i === -1) {
            i = length;
            continue;
          }
          if (end !== -1) {
            i = end;
            state = this.#state;
            continue;
          }
          this.sink.tagOpen(i);
          this.#announced = true;
          state = S.TagOpen;
          break;
        }
        case S.TagOpen:
          if (isAlpha(c)) {
            this.#beginTag(false, i);
            state = S.TagName;
            continue; // reconsume in the tag name state
          }
          this.sink.notStartTag();
          this.#announced = false;
          if (c === BANG) {
            this.#matchIndex = 0;
            state = S.MarkupDeclaration;
          }
          else if (c === SLASH) state = S.EndTagOpen;
          else if (c === QUESTION) state = S.BogusComment;
          else {
            state = S.Data;
            continue;
          }
          break;
        case S.EndTagOpen:
          if (isAlpha(c)) {
            this.#beginTag(true, i);
            state = S.TagName;
            continue;
          }
          state = c === GT ? S.Data : S.BogusComment;
          if (state === S.BogusComment) continue;
          break;
        case S.TagName: {
          let j = i;
          let key = this.#nameKey;
          while (j < length) {
            const d = chunk[j]!;
            if (isSpace(d) || d === SLASH || d === GT) break;
            key = foldNameByte(key, d);
            j++;
          }
          this.#nameKey = key;
          if (j === length) {
            if (this.#nameStart >= 0) {
              if (this.#exactNames) this.#namePrefix += latin1(chunk, this.#nameStart, length);
              this.#nameStart = 0;
            }
            i = length;
            continue;
          }
          i = j;
          if (this.#nameStart >= 0) {
            this.#name = this.#exactNames ? (this.#namePrefix + latin1(chunk, this.#nameStart, i)).toLowerCase() : (KNOWN_NAMES.get(key) ?? '');
          }
          const d = chunk[i]!;
          if (d === GT) state = this.#endOfTag(i);
          else state = d === SLASH ? S.SelfClosing : S.BeforeAttrName;
          break;
        }
        case S.BeforeAttrName:
          if (isSpace(c)) break;
          if (c === SLASH || c === GT) {
            state = S.AfterAttrName;
            continue;
          }
          this.#beginAttribute(c, i);
          state = S.AttrName;
          break;
        case S.AttrName: {
          // Read the rest of the name at once, checking it against the marker as it goes.
          let j = i;
          let matches = this.#attrMatches;
          let n = this.#attrNameLength;
          while (j < length) {
            const d = chunk[j]!;
            if (isSpace(d) || d === SLASH || d === GT || d === EQ) break;
            if (matches) matches = n < MARKER.length && lower(d) === MARKER.charCodeAt(n);
            n++;
            j++;
          }
          this.#attrMatches = matches;
          this.#attrNameLength = n;
          i = j;
          if (j === length) continue;
          this.#endAttributeName(i);
          if (chunk[i] === EQ) {
            state = S.BeforeAttrValue;
            break;
          }
          state = S.AfterAttrName;
          continue;
        }
        case S.AfterAttrName:
          if (isSpace(c)) break;
          if (c === SLASH) state = S.SelfClosing;
          else if (c === EQ) state = S.BeforeAttrValue;
          else if (c === GT) state = this.#endOfTag(i);
          else {
            this.#beginAttribute(c, i);
            state = S.AttrName;
          }
          break;
        case S.BeforeAttrValue:
          if (isSpace(c)) break;
          if (c === DQ || c === SQ) {
            this.#beginValue(i + 1, c);
            state = c === DQ ? S.AttrValueDq : S.AttrValueSq;
          } else if (c === GT) {
            state = this.#endOfTag(i);
          } else {
            this.#beginValue(i, 0);
            state = S.AttrValueUq;
            continue;
          }
          break;
        case S.AttrValueDq:
        case S.AttrValueSq: {
          const close = indexOfByte(chunk, state === S.AttrValueDq ? DQ : SQ, i);
          if (close === -1) {
            i = length;
            continue;
          }
          i = close;
          this.#endValue(i);
          state = S.AfterAttrValueQuoted;
          break;
        }
        case S.AttrValueUq:
          if (isSpace(c)) {
            this.#endValue(i);
            state = S.BeforeAttrName;
          } else if (c === GT) {
            this.#endValue(i);
            state = this.#endOfTag(i);
          }
          break;
        case S.AfterAttrValueQuoted:
          if (isSpace(c)) state = S.BeforeAttrName;
          else if (c === SLASH) state = S.SelfClosing;
          else if (c === GT) state = this.#endOfTag(i);
          else {
            state = S.BeforeAttrName;
            continue;
          }
          break;
        case S.SelfClosing:
          if (c === GT) {
            this.#selfClosing = true;
            state = this.#endOfTag(i);
          } else {
            state = S.BeforeAttrName;
            continue;
          }
          break;
        case S.MarkupDeclaration:
          // `<!--` opens a comment; `<!DOCTYPE`, `<![CDATA[` and the rest end at the next `>`
          // (CDATA sections exist only in foreign content; reading them as bogus comments
          // there can only make more of the page count as markup, never less).
          if (c === DASH && this.#matchIndex === 0) {
            this.#matchIndex = 1;
            break;
          }
          if (c === DASH && this.#matchIndex === 1) {
            this.#matchIndex = 0;
            state = S.CommentStart;
            break;
          }
          this.#matchIndex = 0;
          state = S.BogusComment;
          continue;
        case S.CommentStart:
          if (c === DASH) state = S.CommentStartDash;
          else if (c === GT) state = S.Data;
          else {
            state = S.Comment;
            continue;
          }
          break;
        case S.CommentStartDash:
          if (c === DASH) state = S.CommentEnd;
          else if (c === GT) state = S.Data;
          else {
            state = S.Comment;
            continue;
          }
          break;
        case S.Comment: {
          const dash = indexOfByte(chunk, DASH, i);
          if (dash === -1) {
            i = length;
            continue;
          }
          i = dash;
          state = S.CommentEndDash;
          break;
        }
        case S.CommentEndDash:
          state = c === DASH ? S.CommentEnd : S.Comment;
          if (state === S.Comment) continue;
          break;
        case S.CommentEnd:
          if (c === GT) state = S.Data;
          else if (c === BANG) state = S.CommentEndBang;
          else if (c !== DASH) {
            state = S.Comment;
            continue;
          }
          break;
        case S.CommentEndBang:
          if (c === DASH) state = S.CommentEndDash;
          else if (c === GT) state = S.Data;
          else {
            state = S.Comment;
            continue;
          }
          break;
        case S.BogusComment: {
          const close = indexOfByte(chunk, GT, i);
          if (close === -1) {
            i = length;
            continue;
          }
          i = close;
          state = S.Data;
          break;
        }
        case S.RawText: {
          // Only the appropriate end tag (or `<!` in a script) can end this state: skip other `<`.
          let next = indexOfByte(chunk, LT, i);
          while (next !== -1 && !this.#mayLeaveRawText(chunk, next)) next = indexOfByte(chunk, LT, next + 1);
          if (next === -1) {
            i = length;
            continue;
          }
          i = next;
          state = S.RawLessThan;
          break;
        }
        case S.RawLessThan:
          if (c === SLASH) {
            this.#matchIndex = 0;
            state = S.RawEndTagOpen;
          } else if (c === BANG && this.#raw === Raw.Script) {
            state = S.ScriptEscapeStart;
          } else {
            state = S.RawText;
            continue;
          }
          break;
        case S.RawEndTagOpen:
        case S.ScriptEscapedEndTagOpen:
          if (isAlpha(c)) {
            this.#matchIndex = 0;
            state = state === S.RawEndTagOpen ? S.RawEndTagName : S.ScriptEscapedEndTagName;
            continue;
          }
          state = state === S.RawEndTagOpen ? S.RawText : S.ScriptEscaped;
          continue;
        case S.RawEndTagName:
        case S.ScriptEscapedEndTagName: {
          const inEscaped = state === S.ScriptEscapedEndTagName;
          if (this.#matchIndex === this.#rawName.length && (isSpace(c) || c === SLASH || c === GT)) {
            // The appropriate end tag: the raw text ends; the end tag is read as markup.
            this.#raw = Raw.None;
            this.#beginTag(true, -1);
            this.#name = this.#rawName;
            state = S.TagName;
            continue;
          }
          if (this.#matchIndex < this.#rawName.length && lower(c) === this.#rawName.charCodeAt(this.#matchIndex)) {
            this.#matchIndex++;
            break;
          }
          state = inEscaped ? S.ScriptEscaped : S.RawText;
          continue;
        }
        case S.ScriptEscapeStart:
          state = c === DASH ? S.ScriptEscapeStartDash : S.RawText;
          if (state === S.RawText) continue;
          break;
        case S.ScriptEscapeStartDash:
          state = c === DASH ? S.ScriptEscapedDashDash : S.RawText;
          if (state === S.RawText) continue;
          break;
        case S.ScriptEscaped:
        case S.ScriptDoubleEscaped: {
          // Only `-` and `<` can change these states: skip to the next of either.
          const next = indexOfDashOrLt(chunk, i);
          if (next === length) {
            i = length;
            continue;
          }
          i = next;
          const escaped = state === S.ScriptEscaped;
          if (chunk[i] === DASH) state = escaped ? S.ScriptEscapedDash : S.ScriptDoubleEscapedDash;
          else state = escaped ? S.ScriptEscapedLessThan : S.ScriptDoubleEscapedLessThan;
          break;
        }
        case S.ScriptEscapedDash:
          if (c === DASH) state = S.ScriptEscapedDashDash;
          else if (c === LT) state = S.ScriptEscapedLessThan;
          else state = S.ScriptEscaped;
          break;
        case S.ScriptEscapedDashDash:
          if (c === LT) state = S.ScriptEscapedLessThan;
          else if (c === GT) state = S.RawText;
          else if (c !== DASH) state = S.ScriptEscaped;
          break;
        case S.ScriptEscapedLessThan:
          if (c === SLASH) {
            state = S.ScriptEscapedEndTagOpen;
          } else if (isAlpha(c)) {
            this.#buffer = '';
            state = S.ScriptDoubleEscapeStart;
            continue;
          } else {
            state = S.ScriptEscaped;
            continue;
          }
          break;
        case S.ScriptDoubleEscapeStart:
        case S.ScriptDoubleEscapeEnd:
          if (isSpace(c) || c === SLASH || c === GT) {
            const isScript = this.#buffer === 'script';
            if (state === S.ScriptDoubleEscapeStart) state = isScript ? S.ScriptDoubleEscaped : S.ScriptEscaped;
            else state = isScript ? S.ScriptEscaped : S.ScriptDoubleEscaped;
          } else if (isAlpha(c)) {
            if (this.#buffer.length < 6) this.#buffer += String.fromCharCode(lower(c));
            else this.#buffer = '-'; // longer than "script": can no longer match
          } else {
            state = state === S.ScriptDoubleEscapeStart ? S.ScriptEscaped : S.ScriptDoubleEscaped;
            continue;
          }
          break;
        case S.ScriptDoubleEscapedDash:
          if (c === DASH) state = S.ScriptDoubleEscapedDashDash;
          else if (c === LT) state = S.ScriptDoubleEscapedLessThan;
          else state = S.ScriptDoubleEscaped;
          break;
        case S.ScriptDoubleEscapedDashDash:
          if (c === LT) state = S.ScriptDoubleEscapedLessThan;
          else if (c === GT) state = S.RawText;
          else if (c !== DASH) state = S.ScriptDoubleEscaped;
          break;
        case S.ScriptDoubleEscapedLessThan:
          if (c === SLASH) {
            this.#buffer = '';
            state = S.ScriptDoubleEscapeEnd;
          } else {
            state = S.ScriptDoubleEscaped;
            continue;
          }
          break;
        case S.Plaintext:
          i = length;
          continue;
      }
      i++;
    }
    this.#state = state;
    this.#tagBase -= length;
  }

  /**
   * A start or end tag that lies whole in `chunk` from `lt`, read with plain loops (the same
   * rules as the states above, which take over when it does not). Returns the index after
   * its `>`, or -1 (nothing recorded) when the tag runs past the chunk or is not a tag.
   */
  #wholeTag(chunk: Uint8Array, lt: number): number {
    const length = chunk.length;
    let j = lt + 1;
    let isEnd = false;
    if (chunk[j] === SLASH) {
      isEnd = true;
      j++;
    }
    if (j >= length || !isAlpha(chunk[j]!)) return -1;
    const nameStart = j;
    while (j < length && (BYTE_CLASS[chunk[j]!]! & ENDS_TAG_NAME) === 0) j++;
    if (j >= length) return -1;
    const nameEnd = j;
    let name = this.#exactNames ? latin1(chunk, nameStart, nameEnd).toLowerCase() : this.#foreignDepth > 0 ? knownName(chunk, nameStart, nameEnd) : quickName(chunk, nameStart, nameEnd - nameStart);
    // An empty name is a tag nothing here knows (exact names are never empty).
    const record = !isEnd && name !== '' && this.#reportsStart(name);
    const attributes: number[] = record ? [] : NO_ATTRIBUTES;
    let marked = false;
    let selfClosing = false;
    for (;;) {
      if (j >= length) return -1;
      let c = chunk[j]!;
      if (c === GT) break;
      if ((BYTE_CLASS[c]! & SPACE) !== 0) {
        j++;
        continue;
      }
      if (c === SLASH) {
        if (j + 1 >= length) return -1;
        if (chunk[j + 1] === GT) {
          selfClosing = true;
          j++;
          break;
        }
        j++;
        continue;
      }
      const attributeStart = j++; // the first character belongs to the name, even `=`
      while (j < length && (BYTE_CLASS[chunk[j]!]! & ENDS_ATTRIBUTE_NAME) === 0) j++;
      const attributeEnd = j;
      while (j < length && (BYTE_CLASS[chunk[j]!]! & SPACE) !== 0) j++;
      if (j >= length) return -1;
      let valueStart = -1;
      let valueEnd = -1;
      let quote = 0;
      if (chunk[j] === EQ) {
        j++;
        while (j < length && (BYTE_CLASS[chunk[j]!]! & SPACE) !== 0) j++;
        if (j >= length) return -1;
        c = chunk[j]!;
        if (c === DQ || c === SQ) {
          quote = c;
          valueStart = ++j;
          j = indexOfByte(chunk, quote, j);
          if (j === -1) return -1;
          valueEnd = j++;
        } else if (c !== GT) {
          valueStart = j;
          while (j < length && (BYTE_CLASS[chunk[j]!]! & ENDS_UNQUOTED) === 0) j++;
          if (j >= length) return -1;
          valueEnd = j;
        }
      }
      if (record) attributes.push(attributeStart - lt, attributeEnd - lt, valueStart === -1 ? -1 : valueStart - lt, valueEnd === -1 ? -1 : valueEnd - lt, quote);
      if (!isEnd && attributeEnd - attributeStart === MARKER.length && isMarker(chunk, attributeStart)) marked = true;
    }
    // j is at the closing `>`. Most tags end here: nothing hears of them, nothing follows from them.
    if (name === '' && !record && !marked) {
      this.#state = S.Data;
      return j + 1;
    }
    // A marked tag the sink does not otherwise hear of: read again, recording its attributes.
    if (marked && !record) return -1;
    if (marked && !this.#exactNames) name = knownName(chunk, nameStart, nameEnd);
    this.#isEndTag = isEnd;
    this.#name = name;
    this.#selfClosing = selfClosing;
    this.#marked = marked;
    this.#attributes = attributes;
    this.#state = this.#endOfTag(j);
    return j + 1;
  }

  /**
   * Whether the `<` at `lt` in raw text can change the state: `</` and the element's name
   * and a byte ending it, `<!` in script data, or too near the chunk's end to tell. The
   * states from RawLessThan on read it again.
   */
  #mayLeaveRawText(chunk: Uint8Array, lt: number): boolean {
    const name = this.#rawName;
    const after = lt + 2 + name.length;
    if (after >= chunk.length) return true;
    const c = chunk[lt + 1];
    if (c === BANG) return this.#raw === Raw.Script;
    if (c !== SLASH) return false;
    for (let k = 0; k < name.length; k++) if (lower(chunk[lt + 2 + k]!) !== name.charCodeAt(k)) return false;
    return (BYTE_CLASS[chunk[after]!]! & ENDS_TAG_NAME) !== 0;
  }

  #reportsStart(name: string): boolean {
    return !this.#startTags || this.#startTags.has(name);
  }

  /** `nameStart` is where the name starts in this chunk, or -1 when it is already known. */
  #beginTag(isEnd: boolean, nameStart: number): void {
    this.#isEndTag = isEnd;
    this.#nameStart = nameStart;
    this.#nameKey = 0;
    this.#namePrefix = '';
    this.#selfClosing = false;
    this.#marked = false;
    if (!isEnd) this.#attributes = [];
  }

  #beginAttribute(c: number, i: number): void {
    this.#attrNameLength = 1;
    this.#attrMatches = lower(c) === 0x64; // 'd', first letter of the marker
    if (!this.#isEndTag) this.#attributes.push(i - this.#tagBase, -1, -1, -1, 0);
  }

  #endAttributeName(i: number): void {
    if (this.#isEndTag) return;
    this.#attributes[this.#attributes.length - 4] = i - this.#tagBase;
    if (this.#attrMatches && this.#attrNameLength === MARKER.length) this.#marked = true;
  }

  #beginValue(i: number, quote: number): void {
    if (this.#isEndTag) return;
    const a = this.#attributes;
    a[a.length - 3] = i - this.#tagBase;
    a[a.length - 1] = quote;
  }

  #endValue(i: number): void {
    if (this.#isEndTag) return;
    const a = this.#attributes;
    a[a.length - 2] = i - this.#tagBase;
  }

  /** At the `>` ending a tag: tell the sink, and pick the state its content starts in. */
  #endOfTag(at: number): S {
    const name = this.#name;
    const announced = this.#announced;
    this.#announced = false;
    if (this.#isEndTag) {
      if (!this.#endTags || this.#endTags.has(name)) this.sink.endTag(name, at);
      if (this.#foreignDepth > 0 && (name === 'svg' || name === 'math')) this.#foreignDepth--;
      return S.Data;
    }
    if (announced || this.#marked || this.#reportsStart(name)) {
      const info = { name, selfClosing: this.#selfClosing, attributes: this.#attributes, marked: this.#marked };
      this.sink.startTag(info, this.#tagBase >= 0 ? this.#tagBase : -1, at + 1);
    }
    if (!this.#followContentModel) return S.Data;
    if (this.#foreignDepth > 0) {
      if (BREAKOUT.has(name)) this.#foreignDepth = 0;
      else {
        if ((name === 'svg' || name === 'math') && !this.#selfClosing) this.#foreignDepth++;
        return S.Data;
      }
    }
    if ((name === 'svg' || name === 'math') && !this.#selfClosing) {
      this.#foreignDepth = 1;
      return S.Data;
    }
    if (name === 'plaintext') return S.Plaintext;
    const raw = RAW_KIND.get(name);
    if (raw === undefined) return S.Data;
    this.#raw = raw;
    this.#rawName = name;
    return S.RawText;
  }
}

/** The attribute list of tags nobody looks at (never written to). */
const NO_ATTRIBUTES: number[] = [];

function isMarker(chunk: Uint8Array, start: number): boolean {
  for (let k = 0; k < MARKER.length; k++) if (lower(chunk[start + k]!) !== MARKER.charCodeAt(k)) return false;
  return true;
}


/** The next `-` or `<` from `from`, or the chunk's length. */
function indexOfDashOrLt(chunk: Uint8Array, from: number): number {
  let i = from;
  while (i < chunk.length && chunk[i] !== DASH && chunk[i] !== LT) i++;
  return i;
}

/** `indexOf` for one byte from `from` (Buffer's native scan: faster than a loop even over short runs, measured). */
function indexOfByte(chunk: Uint8Array, byte: number, from: number): number {
  return (chunk as Buffer).indexOf(byte, from);
}
