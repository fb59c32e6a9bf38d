import { textFor, type LocalizedText } from '../policy/localized.js';
import type { TrackerDeclaration } from '../policy/schema.js';
import { escapeHtml } from './escape.js';
import { StartTag, TagEditor, type Attribute } from './tag.js';
import type { TrackerMatcher } from './trackers.js';

/** What deciding a tag needs to know about the policy, the visitor and the page. */
export interface MarkupContext {
  readonly trackers: TrackerMatcher;
  /** Category ids the policy declares. */
  readonly categories: ReadonlySet<string>;
  /** Whether the visitor granted a category (asking is how the page comes to depend on the state). */
  isGranted(category: string): boolean;
  /** False in report-only mode: decide and report, change nothing. */
  readonly enforce: boolean;
  readonly report: (event: MarkupEvent) => void;
  /** The document shown in place of a blocked frame, escaped for an attribute value (a page may block many frames: escaped once). */
  placeholderSrcdoc(categoryId: string, what: string): string;
  /** A policy text in the visitor's language. */
  visitorText(text: LocalizedText): string;
}

export type MarkupEvent =
  | { readonly type: 'tag-neutralized'; readonly element: string; readonly category: string; readonly tracker: string | undefined; readonly url: string | undefined }
  | { readonly type: 'unknown-category'; readonly element: string; readonly category: string };

/** A start tag needs its script text before it can be judged. */
export const HOLD_SCRIPT = Symbol('hold-script');

/** Where each element loads from, and the inert name the contract gives that attribute. */
const LOADING: Record<string, readonly string[]> = {
  script: ['src'],
  iframe: ['src'],
  img: ['src', 'srcset'],
  source: ['src', 'srcset'],
  link: ['href', 'imagesrcset'],
  embed: ['src'],
  object: ['data'],
};
const INERT: Record<string, string> = {
  src: 'data-consent-src',
  href: 'data-consent-href',
  srcset: 'data-consent-srcset',
  imagesrcset: 'data-consent-imagesrcset',
  data: 'data-consent-data',
};
const LIVE = Object.fromEntries(Object.entries(INERT).map(([live, inert]) => [inert, live]));
const MARKER = 'data-consent-category';
const PLACEHOLDER = 'data-consent-placeholder';

/**
 * The new bytes for a start tag, or undefined to keep it byte for byte. Tracker tags of a
 * category not granted are neutralized; author-marked tags are neutralized or activated.
 */
export function decideStartTag(context: MarkupContext, tag: StartTag): Buffer | typeof HOLD_SCRIPT | undefined {
  if (tag.info.marked) return decideMarked(context, tag);
  const loading = LOADING[tag.name];
  if (!loading) return undefined;
  // Every loading attribute counts: a granted tracker in src must not let a denied one in srcset through.
  for (const name of loading) {
    const attribute = tag.get(name);
    if (!attribute) continue;
    const start = tag.start + attribute.valueStart;
    const end = tag.start + attribute.valueEnd;
    const denied = name.endsWith('srcset')
      ? context.trackers.matchSrcsetAt(tag.source, start, end).find((tracker) => !context.isGranted(tracker.category))
      : deniedOrUndefined(context, context.trackers.matchUrlAt(tag.source, start, end));
    if (denied) return block(context, tag, denied.category, denied, tag.value(attribute));
  }
  if (tag.name === 'script' && !tag.get('src') && context.trackers.hasInline && !isInert(tag)) return HOLD_SCRIPT;
  return undefined;
}

function deniedOrUndefined(context: MarkupContext, tracker: TrackerDeclaration | undefined): TrackerDeclaration | undefined {
  return tracker && !context.isGranted(tracker.category) ? tracker : undefined;
}

/** An inline script, judged by the signatures in its text: any denied tracker in it blocks it. */
export function decideInlineScript(context: MarkupContext, tag: StartTag, text: Buffer): Buffer | undefined {
  const denied = context.trackers.matchInline(text).find((tracker) => !context.isGranted(tracker.category));
  return denied ? block(context, tag, denied.category, denied, undefined) : undefined;
}

function decideMarked(context: MarkupContext, tag: StartTag): Buffer | undefined {
  const category = tag.value(tag.get(MARKER)!).trim();
  if (context.isGranted(category)) return context.enforce ? activate(tag) : undefined;
  if (!context.categories.has(category)) context.report({ type: 'unknown-category', element: tag.name, category });
  return block(context, tag, category, undefined, undefined);
}

function block(context: MarkupContext, tag: StartTag, category: string, tracker: TrackerDeclaration | undefined, url: string | undefined): Buffer | undefined {
  const editor = new TagEditor(tag);
  for (const attribute of tag.attributes) {
    const inert = INERT[attribute.name];
    if (inert && (attribute.name !== 'data' || tag.name === 'object')) editor.rename(attribute, inert);
  }
  if (tag.name === 'script' && !isInert(tag)) {
    const type = tag.get('type');
    const inertType = ' type="text/plain"';
    if (type) editor.replace(type, `type="text/plain" data-consent-type=${tag.rawValue(type)}`);
    else editor.add(inertType);
  }
  if (!tag.info.marked) editor.add(` ${MARKER}="${escapeHtml(category)}"`);
  const what = tracker ? context.visitorText(tracker.name) : category;
  if (tag.name === 'iframe' && editor.changed && !tag.get('srcdoc')) {
    editor.add(` srcdoc="${context.placeholderSrcdoc(category, what)}" ${PLACEHOLDER}`);
  }
  // A frame for embed and object: after the void embed, and as object's fallback content.
  const after =
    (tag.name === 'embed' || tag.name === 'object') && tag.get(tag.name === 'embed' ? 'src' : 'data')
      ? `<iframe ${PLACEHOLDER}="${escapeHtml(category)}" title="${escapeHtml(what)}" style="border:0;width:100%;min-height:8em" srcdoc="${context.placeholderSrcdoc(category, what)}"></iframe>`
      : '';
  if (!editor.changed) return undefined;
  context.report({ type: 'tag-neutralized', element: tag.name, category, tracker: tracker && textFor(tracker.name), url });
  return context.enforce ? editor.toBuffer(after) : undefined;
}

/** A marked tag of a granted category: its inert attributes become live again. */
function activate(tag: StartTag): Buffer | undefined {
  const editor = new TagEditor(tag);
  for (const attribute of tag.attributes) {
    const live = LIVE[attribute.name];
    if (live) editor.rename(attribute, live);
  }
  if (tag.name === 'script' && isInert(tag)) {
    const type = tag.get('type')!;
    const original = tag.get('data-consent-type');
    if (original) {
      editor.replace(type, `type=${tag.rawValue(original)}`);
      editor.remove(original);
    } else {
      editor.remove(type);
    }
  }
  const placeholder = tag.get(PLACEHOLDER);
  if (placeholder) {
    editor.remove(placeholder);
    const srcdoc = tag.get('srcdoc');
    if (srcdoc) editor.remove(srcdoc);
  }
  return editor.changed ? editor.toBuffer() : undefined;
}

/** A script the browser will not run: `type="text/plain"`, the contract's inert form. */
export function isInert(tag: StartTag): boolean {
  const type = tag.get('type');
  if (type === undefined || type.valueStart === -1) return false;
  // Read from the bytes when they are ASCII (nearly always): no string for a script's type.
  const bytes = tag.source;
  let start = tag.start + type.valueStart;
  let end = tag.start + type.valueEnd;
  for (let k = start; k < end; k++) if (bytes[k]! >= 0x80) return tag.value(type).trim().toLowerCase() === TEXT_PLAIN;
  while (start < end && isAsciiTrimmed(bytes[start]!)) start++;
  while (end > start && isAsciiTrimmed(bytes[end - 1]!)) end--;
  if (end - start !== TEXT_PLAIN.length) return false;
  for (let k = 0; k < TEXT_PLAIN.length; k++) {
    const c = bytes[start + k]!;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== TEXT_PLAIN.charCodeAt(k)) return false;
  }
  return true;
}

const TEXT_PLAIN = 'text/plain';
/** The ASCII characters `String#trim` removes. */
const isAsciiTrimmed = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

export type { Attribute };
