import { GOOGLE_TAG_HOST, mayHaveGoogleTag } from './quick-look.js';
import { decideInlineScript, decideStartTag, HOLD_SCRIPT, isInert, type MarkupContext } from './elements.js';
import { StartTag } from './tag.js';
import { urlHostAt } from './trackers.js';
import { createTokenizer, type TokenizerEngine } from './engine.js';
import type { TagInfo, TokenSink } from './tokenizer.js';

/** Longest start tag held back whole; a longer one passes unchanged (and is reported). */
export const MAX_TAG_BYTES = 256 * 1024;
/** Longest inline script text searched for tracker signatures before it passes unchanged. */
export const MAX_INLINE_SCRIPT_BYTES = 64 * 1024;
/**
 * A larger chunk is read in parts of this size: the WebAssembly tokenizer copies what it reads
 * into its memory, which grows to the largest part and never shrinks.
 */
export const MAX_READ_BYTES = 1024 * 1024;

export type RewriterEvent = { readonly type: 'html-skipped'; readonly reason: string };

const EMPTY = Buffer.alloc(0);

/**
 * Rewrites a stream of HTML bytes: start tags the markup context wants changed are
 * replaced, every other byte passes through as it came. Output is the same however the
 * input is chunked. Only an unfinished start tag, or an inline script being judged, is
 * held back (each bounded); everything before it goes out with the chunk it came in.
 */
/** Tags whose bytes are worth looking at: the rest pass without even being sliced out. */
const LOOKED_AT: ReadonlySet<string> = new Set(['script', 'iframe', 'img', 'source', 'link', 'embed', 'object', 'meta']);
/** What a visitor with no tracker denied needs looked at: the Google tag's scripts until the default is placed, the charset. */
const SCRIPT_AND_META: ReadonlySet<string> = new Set(['script', 'meta']);
const META: ReadonlySet<string> = new Set(['meta']);
/** Each of those with `<body>` too, while the banner waits to go right after it. */
const AND_BODY = new Map([LOOKED_AT, SCRIPT_AND_META, META].map((names) => [names, new Set([...names, 'body'])]));
/**
 * Tags that load from src, srcset, href or imagesrcset only: one that loads from no tracker's
 * host (nor the Google tag's) is kept as it is (see decideStartTag); a script only when it
 * has a src (an inline one is judged by its text).
 */
const KEPT_UNLESS_TRACKER_HOST = { names: new Set(['img', 'source', 'link', 'iframe', 'script']), onlyWithSrc: new Set(['script']) };
/** A <meta> matters only when it declares a charset (see `mentionsCharset`). */
const KEPT_UNLESS_CHARSET: ReadonlySet<string> = new Set(['meta']);
/** Inline scripts: held to be judged by their text, up to their end tag. */
const SCRIPT: ReadonlySet<string> = new Set(['script']);

export class HtmlRewriter implements TokenSink {
  readonly #tokenizer: TokenizerEngine;
  /** Inserted right after the page's `<body>` start tag: first in reading and tab order. */
  #atBodyStart: readonly Buffer[] | undefined;
  /** Inserted right before the page's first Google tag (the Consent Mode default). */
  #beforeGoogleTag: readonly Buffer[] | undefined;
  readonly #context: MarkupContext;
  /**
   * Some category with trackers is denied: tracker tags are judged. Otherwise only marked
   * tags can change (and the Google tag gets its default): other tags are not looked at.
   */
  readonly #judgesTrackers: boolean;
  readonly #onSkip: (reason: string) => void;
  /** Output of the write in progress. */
  #out: Buffer[] = [];
  #chunk: Buffer = EMPTY;
  /** Start of the chunk's bytes not yet emitted: they pass unchanged unless a tag is replaced. */
  #from = 0;
  /** A possible start tag is open: where its `<` is in this chunk. */
  #inTag = false;
  #tagStart = 0;
  /** Its bytes from earlier chunks, held until its `>`. */
  #tagHead: Buffer[] = [];
  #tagHeadLength = 0;
  /** It grew past MAX_TAG_BYTES and was let through unchanged. */
  #tagGaveUp = false;
  /**
   * An inline script being judged: its start tag, then its text. While both lie in the
   * chunk being written (most scripts), nothing is cut or held: kept unchanged, they go out
   * with the chunk; at the chunk's end they are held.
   */
  #script: { tag: StartTag; readonly text: Buffer[]; length: number; inChunk: boolean } | undefined;
  /** The page turned out not to be safe to rewrite (its charset): pass the rest through. */
  #passthrough = false;
  #started = false;
  #ended = false;
  /** The chunk being read is the page's last (given to `end`). */
  #lastChunk = false;

  constructor(context: MarkupContext, onSkip: (reason: string) => void = () => {}, inserts: { readonly atBodyStart?: readonly Buffer[] | undefined; readonly beforeGoogleTag?: readonly Buffer[] | undefined } = {}) {
    const { atBodyStart, beforeGoogleTag } = inserts;
    this.#context = context;
    this.#onSkip = onSkip;
    this.#atBodyStart = atBodyStart;
    this.#beforeGoogleTag = beforeGoogleTag;
    // Asking about each tracker category also tells the page's owner that it depends on the
    // state: a visitor who granted them all gets the page untouched, another would not.
    this.#judgesTrackers = [...context.trackers.categories].filter((id) => !context.isGranted(id)).length > 0;
    this.#tokenizer = createTokenizer(this, {
      startTags: this.#startTagsWanted(),
      endTags: SCRIPT,
      keptUnlessTrackerHost: { ...KEPT_UNLESS_TRACKER_HOST, hosts: context.trackers.hostFilter },
      keptUnlessCharset: KEPT_UNLESS_CHARSET,
      keptUnlessSignature: { names: SCRIPT, filter: context.trackers.inlineFilter },
    });
  }

  /** Rewrites one chunk; returns what can go out now (possibly nothing, possibly the chunk itself). */
  write(chunk: Buffer): Buffer {
    this.#refuseAfterEnd();
    return this.#writeInParts(chunk, false);
  }

  #refuseAfterEnd(): void {
    if (this.#ended) throw new Error('HtmlRewriter: write after end');
  }

  #writeInParts(chunk: Buffer, last: boolean): Buffer {
    if (chunk.length <= MAX_READ_BYTES) return this.#write(chunk, last);
    const out: Buffer[] = [];
    for (let at = 0; at < chunk.length; at += MAX_READ_BYTES) out.push(this.#write(chunk.subarray(at, at + MAX_READ_BYTES), last && at + MAX_READ_BYTES >= chunk.length));
    return Buffer.concat(out);
  }

  #write(chunk: Buffer, last: boolean): Buffer {
    if (!this.#started && chunk.length > 0) {
      this.#started = true;
      // A UTF-16 byte order mark overrides every declared encoding (HTML spec).
      if ((chunk[0] === 0xfe && chunk[1] === 0xff) || (chunk[0] === 0xff && chunk[1] === 0xfe)) {
        this.#onSkip('UTF-16 byte order mark');
        this.#passthrough = true;
      }
    }
    if (this.#passthrough && !this.#inTag && !this.#script) return chunk;
    this.#chunk = chunk;
    this.#from = 0;
    this.#lastChunk = last;
    this.#tokenizer.write(chunk);
    this.#lastChunk = false;
    this.#endOfChunk();
    return this.#flush(chunk);
  }

  /**
   * The end of the page, with its last chunk if given (as `write(last)` then `end()`, in one
   * Buffer): whatever is still held goes out unchanged (an unfinished tag is never a tag).
   * Given the last chunk, the rewriter reads it only as far as anything in it can change.
   */
  end(last?: Buffer): Buffer {
    if (last !== undefined) this.#refuseAfterEnd();
    if (this.#ended) return EMPTY;
    const head = last === undefined ? EMPTY : this.#writeInParts(last, true);
    this.#ended = true;
    if (this.#script) this.#judgeScript();
    this.#emitTagHead();
    this.#inTag = false;
    if (this.#atBodyStart && !this.#passthrough) this.#onSkip('no <body> start tag, so no consent banner');
    this.#tokenizer.release?.();
    const tail = this.#flush(EMPTY);
    return head.length === 0 ? tail : tail.length === 0 ? head : Buffer.concat([head, tail]);
  }

  tagOpen(offset: number): void {
    this.#inTag = true;
    this.#tagStart = offset;
    this.#tagGaveUp = false;
  }

  notStartTag(): void {
    this.#inTag = false;
    this.#tagGaveUp = false;
    this.#emitTagHead();
  }

  startTag(info: TagInfo, start: number, end: number): void {
    this.#inTag = false;
    // A tag let through for its length ends here: the tags after it are judged as ever.
    const gaveUp = this.#tagGaveUp;
    this.#tagGaveUp = false;
    if (info.name === 'body' && this.#atBodyStart && !this.#passthrough && !gaveUp) {
      this.#emitTagHead();
      this.#cut(end, end);
      this.#out.push(...this.#atBodyStart);
      this.#atBodyStart = undefined;
      this.#tokenizer.reportStartTags(this.#startTagsWanted());
      return;
    }
    if (gaveUp || this.#passthrough || this.#script || !mayDecide(info)) {
      this.#emitTagHead();
      return;
    }
    const held = this.#tagHeadLength > 0;
    const tag = held ? new StartTag(Buffer.concat([...this.#tagHead, this.#chunk.subarray(0, end)]), 0, this.#tagHeadLength + end, info) : new StartTag(this.#chunk, start, end, info);
    let decision = info.marked || this.#judgesTrackers ? decideStartTag(this.#context, tag) : undefined;
    let before: readonly Buffer[] | undefined;
    if (this.#beforeGoogleTag && info.name === 'script') {
      const src = tag.get('src');
      if (src ? urlHostAt(tag.source, tag.start + src.valueStart, tag.start + src.valueEnd) === GOOGLE_TAG_HOST : decision === undefined && !isInert(tag)) {
        if (src) before = this.#takeBeforeGoogleTag();
        else decision = HOLD_SCRIPT; // its text tells whether it is a Google tag
      }
    }
    if (before) {
      this.#cut(held ? 0 : start, end);
      this.#tagHead = [];
      this.#tagHeadLength = 0;
      this.#out.push(...before, decision instanceof Buffer ? decision : tag.bytes);
    } else if (decision === undefined) {
      this.#emitTagHead();
    } else if (decision === HOLD_SCRIPT && !held) {
      this.#script = { tag, text: [], length: 0, inChunk: true };
    } else {
      this.#cut(held ? 0 : start, end);
      this.#tagHead = [];
      this.#tagHeadLength = 0;
      // A script tag that began in an earlier chunk: held from here (its bytes are its own).
      if (decision === HOLD_SCRIPT) this.#script = { tag, text: [], length: 0, inChunk: false };
      else this.#out.push(decision);
    }
    if (info.name === 'meta' && mentionsCharset(tag.source, tag.start, tag.end) && declaresUnreadableCharset(tag)) {
      this.#onSkip('meta charset is not ASCII-compatible');
      this.#passthrough = true;
    }
    if (info.marked) this.#stopWhereNothingCanChange();
  }

  endTag(name: string, offset: number): void {
    const script = this.#script;
    if (script?.inChunk && name === 'script') {
      this.#script = undefined;
      this.#judgeScriptInChunk(script.tag, this.#chunk.subarray(script.tag.end, offset));
    } else if (script && name === 'script') {
      this.#addScriptText(this.#chunk.subarray(this.#from, offset));
      this.#from = offset;
      if (this.#script) this.#judgeScript();
    }
  }

  /** Emits the pending bytes before `start` and skips to `end` (what lies between is replaced). */
  #cut(start: number, end: number): void {
    if (start > this.#from) this.#out.push(this.#chunk.subarray(this.#from, start));
    this.#from = end;
  }

  /** The held head of a tag goes out as it was (the rest of it is pending in this chunk). */
  #emitTagHead(): void {
    if (this.#tagHeadLength === 0) return;
    if (this.#script) for (const piece of this.#tagHead) this.#addScriptText(piece);
    else this.#out.push(...this.#tagHead);
    this.#tagHead = [];
    this.#tagHeadLength = 0;
  }

  /** What this chunk leaves pending goes out, or is held (copied: the chunk's memory is the caller's). */
  #endOfChunk(): void {
    const length = this.#chunk.length;
    if (this.#script?.inChunk) {
      this.#script.inChunk = false;
      this.#cut(this.#script.tag.start, this.#script.tag.end);
    }
    if (this.#script) {
      if (this.#script.tag.source === this.#chunk) this.#script.tag = this.#script.tag.copied();
      if (this.#from < length) this.#addScriptText(Buffer.from(this.#chunk.subarray(this.#from)));
    } else if (this.#inTag && !this.#tagGaveUp) {
      const start = this.#tagHeadLength > 0 ? 0 : this.#tagStart;
      this.#cut(start, length);
      this.#tagHead.push(Buffer.from(this.#chunk.subarray(start)));
      this.#tagHeadLength += length - start;
      if (this.#tagHeadLength > MAX_TAG_BYTES) {
        this.#tagGaveUp = true;
        this.#onSkip(`a start tag longer than ${MAX_TAG_BYTES} bytes passed unchanged`);
        this.#emitTagHead();
      }
    } else if (this.#from < length) {
      this.#out.push(this.#from === 0 ? this.#chunk : this.#chunk.subarray(this.#from));
    }
    this.#from = length;
  }

  /** Adds to the held script's text; at MAX_INLINE_SCRIPT_BYTES it is judged on what it has. */
  #addScriptText(bytes: Buffer): void {
    const script = this.#script!;
    script.text.push(bytes);
    script.length += bytes.length;
    if (script.length >= MAX_INLINE_SCRIPT_BYTES) this.#judgeScript();
  }

  /** Emits the held script: its start tag (replaced, if judged so), after the Consent Mode default if it is a Google tag, and its text so far. */
  #judgeScript(): void {
    const script = this.#script!;
    this.#script = undefined;
    // Judged on the whole held text: a marker may straddle two chunks.
    const text = (script.text.length === 1 ? script.text[0]! : Buffer.concat(script.text)).subarray(0, MAX_INLINE_SCRIPT_BYTES);
    const replacement = this.#judgesInlineScripts() ? decideInlineScript(this.#context, script.tag, text) : undefined;
    if (this.#beforeGoogleTag && mayHaveGoogleTag(text)) this.#out.push(...this.#takeBeforeGoogleTag()!);
    this.#out.push(replacement ?? script.tag.bytes, ...script.text);
  }

  /** The same for a script whose start tag and text (`text`) still lie in the chunk: only a change cuts it. */
  #judgeScriptInChunk(tag: StartTag, text: Buffer): void {
    const judged = text.subarray(0, MAX_INLINE_SCRIPT_BYTES);
    const replacement = this.#judgesInlineScripts() ? decideInlineScript(this.#context, tag, judged) : undefined;
    const before = this.#beforeGoogleTag && mayHaveGoogleTag(judged) ? this.#takeBeforeGoogleTag() : undefined;
    if (!replacement && !before) return;
    this.#cut(tag.start, tag.end);
    if (before) this.#out.push(...before);
    this.#out.push(replacement ?? tag.bytes);
  }

  /** With no tracker denied, a script is held only to find the Google tag: its signatures cannot block it. */
  #judgesInlineScripts(): boolean {
    return this.#judgesTrackers && !this.#passthrough;
  }

  #takeBeforeGoogleTag(): readonly Buffer[] | undefined {
    const snippet = this.#beforeGoogleTag;
    this.#beforeGoogleTag = undefined;
    this.#tokenizer.reportStartTags(this.#startTagsWanted());
    this.#stopWhereNothingCanChange();
    return snippet;
  }

  /**
   * In the page's last chunk, with no tracker judged and nothing left to insert, only a
   * marked tag (or a meta's charset) could change what follows: the tokenizer reads no more
   * of the chunk when it holds none, and the rest goes out as it is. A visitor who granted
   * everything has the page read up to its Google tag, not to its end.
   */
  #stopWhereNothingCanChange(): void {
    if (this.#lastChunk && !this.#judgesTrackers && !this.#atBodyStart && !this.#beforeGoogleTag) this.#tokenizer.stopUnlessMarkedAhead?.();
  }

  /** The start tags worth hearing of from here on (marked ones are heard of anyway). */
  #startTagsWanted(): ReadonlySet<string> {
    const names = this.#judgesTrackers ? LOOKED_AT : this.#beforeGoogleTag ? SCRIPT_AND_META : META;
    return this.#atBodyStart ? AND_BODY.get(names)! : names;
  }

  #flush(input: Buffer): Buffer {
    const out = this.#out;
    this.#out = [];
    if (out.length === 0) return EMPTY;
    if (out.length === 1) return out[0] === input ? input : out[0]!;
    return Buffer.concat(out);
  }
}

function mayDecide(info: TagInfo): boolean {
  return info.marked || LOOKED_AT.has(info.name);
}

const CHARSET = Buffer.from('charset');

/** A cheap look before reading a <meta>'s attributes: pages have dozens of metas, few about encoding. */
function mentionsCharset(bytes: Buffer, start: number, end: number): boolean {
  const last = end - CHARSET.length;
  // One comparison a byte until a `c`: the inner loop is set up only there.
  outer: for (let i = start; i <= last; i++) {
    if ((bytes[i]! | 0x20) !== 0x63) continue;
    for (let k = 1; k < CHARSET.length; k++) if ((bytes[i + k]! | 0x20) !== CHARSET[k]) continue outer;
    return true;
  }
  return false;
}

function declaresUnreadableCharset(tag: StartTag): boolean {
  const charset = tag.get('charset');
  const content = tag.get('content');
  const declared = charset ? tag.value(charset) : content && /charset\s*=\s*["']?([^"';\s]+)/i.exec(tag.value(content))?.[1];
  // A <meta> declaring UTF-16 means UTF-8 (HTML spec, "prescan a byte stream").
  return declared !== undefined && declared !== '' && !/^\s*utf-?16/i.test(declared) && !isAsciiCompatible(declared);
}

/**
 * Encodings in which `<`, `>`, quotes and tag names are the ASCII bytes, so that markup can
 * be found without decoding (UTF-8, windows-1252, Shift_JIS, GBK …: their multi-byte
 * sequences never use those bytes). UTF-16, UTF-32, ISO-2022 and UTF-7 are not.
 */
export function isAsciiCompatible(charset: string): boolean {
  return !/^\s*(utf-?16|utf-?32|ucs-?2|unicode|iso-?2022|csiso2022|utf-?7|hz-gb-2312|replacement)/i.test(charset);
}
