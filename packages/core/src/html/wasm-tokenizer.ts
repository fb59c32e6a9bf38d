/**
 * The tokenizer of tokenizer.ts run as WebAssembly (wasm/tokenizer.ts, built into
 * dist/html/tokenizer.wasm): the same states and the same sink calls, with the state machine
 * and its skips in the module, so JavaScript only hears of the tags the sink asked for.
 * The rewriter's engine unless CONSENT_GUARD_WASM=0 (see engine.ts).
 */

import { readFileSync } from 'node:fs';
import { latin1 } from './latin1.js';
import { BREAKOUT, KNOWN_NAMES, Raw, RAW_KIND } from './names.js';
import type { TagInfo, TokenizerOptions, TokenSink } from './tokenizer.js';

// Node has WebAssembly; the "es2023" lib and @types/node 20 do not declare it.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
};

/** An exported global: here the address or size of a block of the module's memory. */
interface Address {
  readonly value: number;
}

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly SCRATCH: Address;
  readonly STATE: Address;
  readonly STATE_BYTES: Address;
  readonly F_RAW_NAME: Address;
  readonly RAW_NAME_MAX: Address;
  readonly F_REPORTS: Address;
  readonly EVENT: Address;
  readonly HOST_FILTER: Address;
  readonly SIGNATURE_FILTER: Address;
  init(): void;
  defineName(length: number, flags: number): number;
  reset(exactNames: number, contentModel: number, allStartTags: number, allEndTags: number): void;
  startIn(kind: number, rawNameLength: number): void;
  reserve(size: number): number;
  attributeArea(): number;
  begin(size: number): void;
  run(): number;
  nothingMarkedAhead(): number;
}

// What `run` returns (wasm/tokenizer.ts).
const EV_DONE = 0;
const EV_NOT_START_TAG = 1;
const EV_START_TAG = 2;
const EV_END_TAG = 3;
const EV_NAME = 4;

// The event's fields, as indexes of 32-bit words from EVENT.
const E_START = 0;
const E_END = 1;
const E_NAME_ID = 2;
const E_SELF_CLOSING = 3;
const E_MARKED = 4;
const E_ATTR_COUNT = 5;
const E_TAG_OPEN = 6;
const E_NAME_START = 7;
const E_NAME_END = 8;
const E_ATTRIBUTES = 9;

// State fields read from here (byte offsets in STATE).
const F_ATTR_COUNT = 24;
const F_RAW_NAME_LENGTH = 60;

const REPORT_START = 1;
const REPORT_END = 2;
const UNLESS_TRACKER_HOST = 4;
const UNLESS_CHARSET = 8;
const ONLY_WITH_SRC = 16;
const QUIET_INLINE = 32;
const MAX_NAMES = 256;
// What a name does (wasm/tokenizer.ts's NAME_FLAGS), besides its raw text kind in bits 0-1.
const BREAKS_OUT = 4;
const FOREIGN = 8;
const PLAINTEXT = 16;

/** One instance serves every tokenizer; each keeps its state here while another one runs. */
class Module {
  readonly exports: Exports;
  readonly scratch: number;
  readonly state: number;
  readonly stateBytes: number;
  readonly rawName: number;
  readonly rawNameMax: number;
  readonly reports: number;
  readonly event: number;
  readonly hostFilterAt: number;
  /** The tracker hosts in the module's filter now (each tokenizer puts its own there when it takes the module). */
  hostFilter: Uint8Array | undefined;
  readonly signatureFilterAt: number;
  /** The same for the inline signatures. */
  signatureFilter: Uint8Array | undefined;
  /** Name by id (0: a name nothing here knows), and id by name. */
  readonly names: string[] = [''];
  readonly ids = new Map<string, number>();
  #bytes = new Uint8Array(0);
  #words = new Int32Array(0);
  owner: WasmTokenizer | undefined;
  /** A chunk is being read: its sink may not use another tokenizer meanwhile (they share the module). */
  reading = false;

  constructor() {
    const module = new WebAssembly.Module(readFileSync(new URL('../../dist/html/tokenizer.wasm', import.meta.url)));
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    const address = (global: Address) => global.value;
    this.scratch = address(this.exports.SCRATCH);
    this.state = address(this.exports.STATE);
    this.stateBytes = address(this.exports.STATE_BYTES);
    this.rawName = this.state + address(this.exports.F_RAW_NAME);
    this.rawNameMax = address(this.exports.RAW_NAME_MAX);
    this.reports = this.state + address(this.exports.F_REPORTS);
    this.event = address(this.exports.EVENT) >> 2;
    this.hostFilterAt = address(this.exports.HOST_FILTER);
    this.signatureFilterAt = address(this.exports.SIGNATURE_FILTER);
    this.exports.init();
    for (const name of KNOWN_NAMES.values()) {
      const foreign = name === 'svg' || name === 'math';
      this.define(name, (RAW_KIND.get(name) ?? Raw.None) | (BREAKOUT.has(name) ? BREAKS_OUT : 0) | (foreign ? FOREIGN : 0) | (name === 'plaintext' ? PLAINTEXT : 0));
    }
  }

  /** The memory as bytes (its buffer changes when it grows). */
  get bytes(): Uint8Array {
    this.#refresh();
    return this.#bytes;
  }

  get words(): Int32Array {
    this.#refresh();
    return this.#words;
  }

  /** Views are made again after the memory grew (which empties the old ones). */
  #refresh(): void {
    if (this.#words.length !== 0) return;
    const buffer = this.exports.memory.buffer;
    this.#bytes = new Uint8Array(buffer);
    this.#words = new Int32Array(buffer);
  }

  /** The id of a lowercase name (0 when the module cannot know it). */
  define(name: string, flags = 0): number {
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    if (name.length > 31 || this.names.length >= MAX_NAMES) return 0;
    this.bytes.set(Buffer.from(name, 'latin1'), this.scratch);
    const id = this.exports.defineName(name.length, flags);
    if (id !== 0) {
      this.names[id] = name;
      this.ids.set(name, id);
    }
    return id;
  }
}

let shared: Module | undefined;

// A rewriter asks for the same few sets of names on every page: their ids are looked up once.
const idsOfNames = new WeakMap<ReadonlySet<string>, readonly number[]>();

/** The ids of names the module knows (0 for the others: not remembered, as an exact-names tokenizer may define them later). */
function knownIds(module: Module, names: ReadonlySet<string>): readonly number[] {
  const remembered = idsOfNames.get(names);
  if (remembered) return remembered;
  const ids = [...names].map((name) => module.ids.get(name) ?? 0);
  if (!ids.includes(0)) idsOfNames.set(names, ids);
  return ids;
}

/** The size of the module's memory, which never shrinks (0 before it is loaded). */
export function wasmMemoryBytes(): number {
  return shared?.exports.memory.buffer.byteLength ?? 0;
}

/** The module is reading a chunk: a tokenizer made now could not take it (see `#take`). */
export function wasmTokenizerBusy(): boolean {
  return shared?.reading === true;
}

export class WasmTokenizer {
  readonly #module: Module;
  readonly #sink: TokenSink;
  readonly #exactNames: boolean;
  /** This tokenizer's state and open tag's attributes while another one has the module (made when first needed). */
  #saved: Uint8Array | undefined;
  #savedAttributes: Int32Array | undefined;
  /** Its page ended: its state is nobody's to keep. */
  #released = false;
  /** It read no more of its last chunk (see `stopUnlessMarkedAhead`). */
  #stopped = false;
  readonly #hostFilter: Uint8Array | undefined;
  readonly #signatureFilter: Uint8Array | undefined;
  /** With exact names: the name of the tag being read, and its part from earlier chunks. */
  #name = '';
  #namePrefix = '';

  constructor(sink: TokenSink, options: TokenizerOptions = {}) {
    this.#module = shared ??= new Module();
    this.#sink = sink;
    this.#exactNames = options.exactNames ?? false;
    this.#hostFilter = options.keptUnlessTrackerHost?.hosts;
    this.#signatureFilter = options.keptUnlessSignature?.filter;
    this.#take();
    this.#module.exports.reset(this.#exactNames ? 1 : 0, (options.followContentModel ?? true) ? 1 : 0, options.startTags ? 0 : 1, options.endTags ? 0 : 1);
    // `reset` cleared every name's bits.
    if (options.startTags) this.#mark(options.startTags, REPORT_START);
    if (options.endTags) this.#mark(options.endTags, REPORT_END);
    if (options.keptUnlessTrackerHost) {
      this.#mark(options.keptUnlessTrackerHost.names, UNLESS_TRACKER_HOST);
      this.#mark(options.keptUnlessTrackerHost.onlyWithSrc, ONLY_WITH_SRC);
    }
    if (options.keptUnlessCharset) this.#mark(options.keptUnlessCharset, UNLESS_CHARSET);
    if (options.keptUnlessSignature) this.#mark(options.keptUnlessSignature.names, QUIET_INLINE);
  }

  /** Reads no more: the next tokenizer to take the module need not keep this one's state. */
  release(): void {
    this.#released = true;
    if (this.#module.owner === this) this.#module.owner = undefined;
  }

  /**
   * Called by the sink while the page's last chunk is read: when the rest of the chunk
   * holds neither `data-consent-category` nor `<meta` in any case, reads no more of it
   * (the sink hears of nothing else, and nothing can be written after) and returns true.
   */
  stopUnlessMarkedAhead(): boolean {
    if (!this.#module.reading || this.#module.owner !== this) throw new Error('stopUnlessMarkedAhead is for a sink while its chunk is read');
    this.#stopped = this.#module.exports.nothingMarkedAhead() !== 0;
    return this.#stopped;
  }

  /** From the next tag on, the start tags (besides marked ones) the sink wants to hear of. */
  reportStartTags(names: ReadonlySet<string>): void {
    this.#take();
    this.#report(names, REPORT_START);
  }

  /** For conformance tests: start in a raw text state, as html5lib-tests' initialStates do. */
  startIn(kind: Raw | 'plaintext', lastStartTag = ''): void {
    const module = this.#module;
    if (lastStartTag.length > module.rawNameMax) throw new RangeError(`lastStartTag longer than ${module.rawNameMax}`);
    this.#take();
    const bytes = module.bytes;
    for (let k = 0; k < lastStartTag.length; k++) {
      const code = lastStartTag.charCodeAt(k);
      bytes[module.rawName + 2 * k] = code & 0xff;
      bytes[module.rawName + 2 * k + 1] = code >> 8;
    }
    module.exports.startIn(kind === 'plaintext' ? -1 : kind, lastStartTag.length);
  }

  write(chunk: Uint8Array): void {
    if (this.#stopped) throw new Error('a WebAssembly tokenizer was written to after it stopped');
    const module = this.#module;
    const wasm = module.exports;
    this.#take();
    const at = wasm.reserve(chunk.length);
    module.bytes.set(chunk, at);
    wasm.begin(chunk.length);
    module.reading = true;
    try {
      this.#read(chunk);
    } finally {
      module.reading = false;
    }
    if (this.#stopped) return;
    const words = module.words;
    const e = module.event;
    const namePart = words[e + E_NAME_START]!;
    if (namePart >= 0) this.#namePrefix += latin1(chunk, namePart, chunk.length);
    const tagOpen = words[e + E_TAG_OPEN]!;
    if (tagOpen >= 0) this.#sink.tagOpen(tagOpen);
  }

  /** Tells the sink what the module finds in the chunk, up to its end. */
  #read(chunk: Uint8Array): void {
    const module = this.#module;
    const wasm = module.exports;
    while (!this.#stopped) {
      const event = wasm.run();
      if (event === EV_DONE) return;
      const words = module.words;
      const e = module.event;
      if (event === EV_START_TAG) {
        const count = 5 * words[e + E_ATTR_COUNT]!;
        const from = words[e + E_ATTRIBUTES]! >> 2;
        const attributes: number[] = [];
        for (let k = 0; k < count; k++) attributes.push(words[from + k]!);
        const info: TagInfo = { name: this.#nameOf(chunk, words), selfClosing: words[e + E_SELF_CLOSING] !== 0, attributes, marked: words[e + E_MARKED] !== 0 };
        this.#sink.startTag(info, words[e + E_START]!, words[e + E_END]!);
      } else if (event === EV_END_TAG) {
        this.#sink.endTag(this.#nameOf(chunk, words), words[e + E_END]!);
      } else if (event === EV_NOT_START_TAG) {
        this.#sink.notStartTag();
      } else if (event === EV_NAME) {
        const start = words[e + E_NAME_START]!;
        this.#name = start === -1 ? this.#rawName() : (this.#namePrefix + latin1(chunk, start, words[e + E_NAME_END]!)).toLowerCase();
        this.#namePrefix = '';
      }
    }
  }

  /** The name of the tag an event is about. */
  #nameOf(chunk: Uint8Array, words: Int32Array): string {
    const e = this.#module.event;
    if (!this.#exactNames) return this.#module.names[words[e + E_NAME_ID]!]!;
    // Read whole in one go (from the chunk), or by the states (told by EV_NAME).
    const start = words[e + E_NAME_START]!;
    return start >= 0 ? latin1(chunk, start, words[e + E_NAME_END]!).toLowerCase() : this.#name;
  }

  #rawName(): string {
    const module = this.#module;
    const bytes = module.bytes;
    const length = module.words[(module.state + F_RAW_NAME_LENGTH) >> 2]!;
    let name = '';
    for (let k = 0; k < length; k++) name += String.fromCharCode(bytes[module.rawName + 2 * k]! | (bytes[module.rawName + 2 * k + 1]! << 8));
    return name;
  }

  /**
   * Marks the names whose tags the sink wants. As in the JavaScript tokenizer, only names
   * it knows can be heard of, unless names are exact (then any of letters and digits).
   */
  #report(names: ReadonlySet<string>, bit: number): void {
    const module = this.#module;
    const bytes = module.bytes;
    for (let id = 0; id < MAX_NAMES; id++) bytes[module.reports + id]! &= ~bit;
    this.#mark(names, bit);
  }

  /** Sets `bit` for `names`, leaving the others' as they are. */
  #mark(names: ReadonlySet<string>, bit: number): void {
    const module = this.#module;
    const ids = this.#exactNames ? [...names].map((name) => module.define(name)) : knownIds(module, names);
    const bytes = module.bytes;
    for (const id of ids) if (id !== 0) bytes[module.reports + id]! |= bit;
  }

  /** Makes the module's state this tokenizer's, keeping the previous owner's. */
  #take(): void {
    const module = this.#module;
    const previous = module.owner;
    if (previous === this) return;
    if (module.reading) throw new Error('a tokenizer sink used another WebAssembly tokenizer while a chunk was read');
    if (this.#released) throw new Error('a WebAssembly tokenizer was used after its release');
    if (previous) previous.#keep();
    module.owner = this;
    const bytes = module.bytes;
    // Nothing saved: a new tokenizer, whose state `reset` makes.
    if (this.#saved) bytes.set(this.#saved, module.state);
    if (this.#hostFilter && module.hostFilter !== this.#hostFilter) {
      bytes.set(this.#hostFilter, module.hostFilterAt);
      module.hostFilter = this.#hostFilter;
    }
    if (this.#signatureFilter && module.signatureFilter !== this.#signatureFilter) {
      bytes.set(this.#signatureFilter, module.signatureFilterAt);
      module.signatureFilter = this.#signatureFilter;
    }
    if (this.#savedAttributes && this.#savedAttributes.length > 0) module.words.set(this.#savedAttributes, module.exports.attributeArea() >> 2);
  }

  #keep(): void {
    const module = this.#module;
    (this.#saved ??= new Uint8Array(module.stateBytes)).set(module.bytes.subarray(module.state, module.state + module.stateBytes));
    const count = module.words[(module.state + F_ATTR_COUNT) >> 2]!;
    const from = module.exports.attributeArea() >> 2;
    this.#savedAttributes = module.words.slice(from, from + 5 * count);
  }
}
