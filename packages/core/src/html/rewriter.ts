import { decideInlineScript, decideStartTag, HOLD_SCRIPT, type MarkupContext } from './elements.js';
import { StartTag } from './tag.js';
import { Tokenizer, type TagInfo, type TokenSink } from './tokenizer.js';

/** Longest start tag held back whole; a longer one passes unchanged (and is reported). */
export const MAX_TAG_BYTES = 256 * 1024;
/** Longest inline script text searched for tracker signatures before it passes unchanged. */
export const MAX_INLINE_SCRIPT_BYTES = 64 * 1024;

export type RewriterEvent = { readonly type: 'html-skipped'; readonly reason: string };

const EMPTY = Buffer.alloc(0);

/**
 * Rewrites a stream of HTML bytes: start tags the markup context wants changed are
 * replaced, every other byte passes through as it came. Output is the same however the
 * input is chunked. Only an unfinished start tag, or an inline script being judged, is
 * held back (each bounded); everything before it goes out with the chunk it came in.
 */
export class HtmlRewriter implements TokenSink {
  readonly #tokenizer = new Tokenizer(this);
  readonly #context: MarkupContext;
  readonly #onSkip: (reason: string) => void;
  /** Output of the write in progress. */
  #out: Buffer[] = [];
  #chunk: Buffer = EMPTY;
  /** Start of the chunk's bytes not yet emitted or held. */
  #from = 0;
  /** A possible start tag is open: its bytes are held until its `>`. */
  #inTag = false;
  /** Its bytes from earlier chunks. */
  #tagHead: Buffer[] = [];
  #tagHeadLength = 0;
  /** It grew past MAX_TAG_BYTES and was let through unchanged. */
  #tagGaveUp = false;
  /** An inline script being held: its start tag, then its text. */
  #script: { tag: StartTag; text: Buffer[]; length: number } | undefined;
  /** The page turned out not to be safe to rewrite (its charset): pass the rest through. */
  #passthrough = false;

  constructor(context: MarkupContext, onSkip: (reason: string) => void = () => {}) {
    this.#context = context;
    this.#onSkip = onSkip;
  }

  /** Rewrites one chunk; returns what can go out now (possibly nothing, possibly the chunk itself). */
  write(chunk: Buffer): Buffer {
    if (this.#passthrough) return chunk;
    this.#chunk = chunk;
    this.#from = 0;
    this.#tokenizer.write(chunk);
    this.#holdRest();
    return this.#flush(chunk);
  }

  /** The end of the page: whatever is still held goes out unchanged (an unfinished tag is never a tag). */
  end(): Buffer {
    if (this.#script) this.#judgeScript();
    if (this.#tagHeadLength > 0) this.#out.push(...this.#tagHead);
    this.#tagHead = [];
    this.#tagHeadLength = 0;
    return this.#flush(EMPTY);
  }

  /** From now on, every byte passes unchanged (a `<meta>` declared an encoding we cannot read). */
  stop(reason: string): void {
    this.#onSkip(reason);
    this.#passthrough = true;
  }

  tagOpen(offset: number): void {
    this.#emit(offset);
    this.#inTag = true;
    this.#tagGaveUp = false;
  }

  notStartTag(): void {
    this.#inTag = false;
    if (this.#tagHeadLength > 0) this.#emitHeld();
  }

  startTag(info: TagInfo, end: number): void {
    this.#inTag = false;
    if (this.#tagGaveUp) return; // its head went out already; the rest follows as text
    const bytes = this.#tagHeadLength > 0 ? Buffer.concat([...this.#tagHead, this.#chunk.subarray(this.#from, end)]) : this.#chunk.subarray(this.#from, end);
    this.#tagHead = [];
    this.#tagHeadLength = 0;
    this.#from = end;
    const tag = new StartTag(bytes, info);
    const decision = this.#script || this.#passthrough ? undefined : decideStartTag(this.#context, tag);
    if (decision === HOLD_SCRIPT) {
      this.#script = { tag: new StartTag(Buffer.from(bytes), info), text: [], length: 0 };
      return;
    }
    this.#push(decision ?? bytes);
    if (tag.name === 'meta' && this.#declaresUnreadableCharset(tag)) this.stop('meta charset is not ASCII-compatible');
  }

  endTag(name: string, offset: number): void {
    if (this.#script && name === 'script') {
      this.#addScriptText(this.#chunk.subarray(this.#from, offset));
      this.#from = offset;
      if (this.#script) this.#judgeScript();
    }
  }

  /** Emits the chunk's bytes up to `end` (into the held script, if one is being judged). */
  #emit(end: number): void {
    if (end <= this.#from) return;
    const bytes = this.#chunk.subarray(this.#from, end);
    this.#from = end;
    if (this.#script) this.#addScriptText(bytes);
    else this.#out.push(bytes);
  }

  #push(bytes: Buffer): void {
    if (this.#script) this.#addScriptText(bytes);
    else this.#out.push(bytes);
  }

  #emitHeld(): void {
    for (const piece of this.#tagHead) this.#push(piece);
    this.#tagHead = [];
    this.#tagHeadLength = 0;
  }

  /** At the end of a chunk: copy what is held (the chunk's memory is the caller's). */
  #holdRest(): void {
    const rest = this.#chunk.subarray(this.#from);
    this.#from = this.#chunk.length;
    if (rest.length === 0) return;
    if (this.#inTag && !this.#tagGaveUp) {
      this.#tagHead.push(Buffer.from(rest));
      this.#tagHeadLength += rest.length;
      if (this.#tagHeadLength > MAX_TAG_BYTES) {
        this.#tagGaveUp = true;
        this.#onSkip(`a start tag longer than ${MAX_TAG_BYTES} bytes passed unchanged`);
        this.#emitHeld();
      }
    } else if (this.#script) {
      this.#addScriptText(Buffer.from(rest));
    } else {
      this.#out.push(rest);
    }
  }

  /** Adds to the held script's text; at MAX_INLINE_SCRIPT_BYTES it is judged on what it has. */
  #addScriptText(bytes: Buffer): void {
    const script = this.#script!;
    script.text.push(bytes);
    script.length += bytes.length;
    if (script.length >= MAX_INLINE_SCRIPT_BYTES) this.#judgeScript();
  }

  #judgeScript(): void {
    const script = this.#script!;
    const text = Buffer.concat(script.text);
    this.#releaseScript(this.#passthrough ? undefined : decideInlineScript(this.#context, script.tag, text.subarray(0, MAX_INLINE_SCRIPT_BYTES)));
  }

  /** Emits the held script: its start tag (replaced, if judged so) and its text so far. */
  #releaseScript(replacement: Buffer | undefined): void {
    const script = this.#script!;
    this.#script = undefined;
    this.#out.push(replacement ?? script.tag.bytes, ...script.text);
  }

  #flush(input: Buffer): Buffer {
    const out = this.#out;
    this.#out = [];
    if (out.length === 0) return EMPTY;
    if (out.length === 1 && out[0]!.length === input.length && out[0]!.buffer === input.buffer && out[0]!.byteOffset === input.byteOffset) return input;
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  #declaresUnreadableCharset(tag: StartTag): boolean {
    const charset = tag.get('charset');
    const content = tag.get('content');
    const declared = charset ? tag.value(charset) : content && /charset\s*=\s*["']?([^"';\s]+)/i.exec(tag.value(content))?.[1];
    // A <meta> declaring UTF-16 means UTF-8 (HTML spec, "prescan a byte stream").
    return declared !== undefined && declared !== '' && !/^\s*utf-?16/i.test(declared) && !isAsciiCompatible(declared);
  }
}

/**
 * Encodings in which `<`, `>`, quotes and tag names are the ASCII bytes, so that markup can
 * be found without decoding (UTF-8, windows-1252, Shift_JIS, GBK …: their multi-byte
 * sequences never use those bytes). UTF-16, UTF-32, ISO-2022 and UTF-7 are not.
 */
export function isAsciiCompatible(charset: string): boolean {
  return !/^\s*(utf-?16|utf-?32|ucs-?2|unicode|iso-?2022|csiso2022|utf-?7|hz-gb-2312|replacement)/i.test(charset);
}
