import type { TagInfo } from './tokenizer.js';

/** One attribute of a start tag; offsets count from the tag's `<`. */
export interface Attribute {
  /** Lowercase. */
  readonly name: string;
  readonly nameStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Where the attribute ends: after its closing quote, its value or its name. */
  readonly end: number;
  readonly quote: number;
}

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;

/**
 * A complete start tag, `source` from `start` to `end`: its bytes and attributes, read
 * lazily (most tags looked at are kept as they are, and need neither).
 */
export class StartTag {
  #attributes: Attribute[] | undefined;
  #bytes: Buffer | undefined;

  constructor(
    readonly source: Buffer,
    readonly start: number,
    readonly end: number,
    readonly info: TagInfo,
  ) {}

  get bytes(): Buffer {
    return (this.#bytes ??= this.start === 0 && this.end === this.source.length ? this.source : this.source.subarray(this.start, this.end));
  }

  /** The same tag in memory of its own (the source chunk is the caller's). */
  copied(): StartTag {
    return new StartTag(Buffer.from(this.bytes), 0, this.end - this.start, this.info);
  }

  get name(): string {
    return this.info.name;
  }

  get attributes(): readonly Attribute[] {
    if (!this.#attributes) {
      const list: Attribute[] = [];
      for (let i = 0; i < this.info.attributes.length; i += 5) {
        const a = this.info.attributes;
        list.push(this.#attribute(i, this.source.toString('latin1', this.start + a[i]!, this.start + a[i + 1]!).toLowerCase()));
      }
      this.#attributes = list;
    }
    return this.#attributes;
  }

  /** The first attribute of that (lowercase) name: the one browsers use. */
  get(name: string): Attribute | undefined {
    // Compared on the bytes: most lookups miss, and need no strings.
    const a = this.info.attributes;
    const bytes = this.source;
    outer: for (let i = 0; i < a.length; i += 5) {
      if (a[i + 1]! - a[i]! !== name.length) continue;
      const start = this.start + a[i]!;
      for (let k = 0; k < name.length; k++) {
        const c = bytes[start + k]!;
        if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== name.charCodeAt(k)) continue outer;
      }
      return this.#attribute(i, name);
    }
    return undefined;
  }

  #attribute(i: number, name: string): Attribute {
    const a = this.info.attributes;
    const nameEnd = a[i + 1]!;
    const valueStart = a[i + 2]!;
    const valueEnd = a[i + 3]!;
    const quote = a[i + 4]!;
    const end = valueStart === -1 ? nameEnd : valueEnd + (quote ? 1 : 0);
    return { name, nameStart: a[i]!, valueStart, valueEnd, end, quote };
  }

  /** The attribute's value as written (character references not decoded). */
  value(attribute: Attribute): string {
    return attribute.valueStart === -1 ? '' : this.source.toString('utf8', this.start + attribute.valueStart, this.start + attribute.valueEnd);
  }

  /** The attribute's value with its quotes, as written. */
  rawValue(attribute: Attribute): string {
    if (attribute.valueStart === -1) return '""';
    const start = attribute.valueStart - (attribute.quote ? 1 : 0);
    return this.source.toString('utf8', this.start + start, this.start + attribute.end);
  }
}

/** Edits to a start tag's bytes; everything not edited is kept as it was. */
export class TagEditor {
  readonly #edits: { start: number; end: number; text: string }[] = [];
  #appended = '';

  constructor(readonly tag: StartTag) {}

  rename(attribute: Attribute, name: string): void {
    this.#edits.push({ start: attribute.nameStart, end: attribute.nameStart + attribute.name.length, text: name });
  }

  replace(attribute: Attribute, text: string): void {
    this.#edits.push({ start: attribute.nameStart, end: attribute.end, text });
  }

  remove(attribute: Attribute): void {
    const start = isSpace(this.tag.bytes[attribute.nameStart - 1]) ? attribute.nameStart - 1 : attribute.nameStart;
    this.#edits.push({ start, end: attribute.end, text: '' });
  }

  /** Adds attributes (text starting with a space) before the tag's `>` or `/>`. */
  add(text: string): void {
    this.#appended += text;
  }

  get changed(): boolean {
    return this.#edits.length > 0 || this.#appended !== '';
  }

  toBuffer(after = ''): Buffer {
    const { bytes, info } = this.tag;
    // Before the `>` or `/>`, and before any white space in front of it.
    let insertAt = bytes.length - (info.selfClosing ? 2 : 1);
    while (isSpace(bytes[insertAt - 1])) insertAt--;
    const edits = [...this.#edits, { start: insertAt, end: insertAt, text: this.#appended }].sort((a, b) => a.start - b.start);
    const parts: Buffer[] = [];
    let position = 0;
    for (const edit of edits) {
      if (edit.start < position) continue; // overlapping edits of one attribute: the first wins
      parts.push(bytes.subarray(position, edit.start), Buffer.from(edit.text, 'utf8'));
      position = edit.end;
    }
    parts.push(bytes.subarray(position));
    if (after) parts.push(Buffer.from(after, 'utf8'));
    return Buffer.concat(parts);
  }
}
