import type { ConsentState } from '../consent-state.js';
import type { Messages } from '../declaration/messages.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { textFor } from '../policy/localized.js';
import type { MarkupContext, MarkupEvent } from './elements.js';
import { placeholderSrcdoc } from './placeholder.js';
import { HtmlRewriter } from './rewriter.js';
import type { TrackerMatcher } from './trackers.js';

export interface PageOptions {
  readonly compiled: CompiledPolicy;
  readonly trackers: TrackerMatcher;
  readonly state: ConsentState;
  readonly enforce: boolean;
  readonly endpoint: string | false;
  /** This page's path, for the placeholders' forms to come back to. */
  readonly returnTo: string | undefined;
  /** `cache: 'shared'`: the page is everyone's, so placeholders cannot know what else the visitor granted. */
  readonly shared?: boolean | undefined;
  /** The visitor's language and texts, for placeholders: asked for only when one is needed. */
  readonly texts: () => { readonly locale: string; readonly messages: Messages };
  readonly report: (event: MarkupEvent | { readonly type: 'html-skipped'; readonly reason: string }) => void;
  /** Markup to insert right after the page's `<body>` start tag (the banner), if any: its bytes, in pieces. */
  readonly atBodyStart?: readonly Buffer[] | undefined;
  /** Markup to insert before the page's first Google tag (the Consent Mode default), if any: the same. */
  readonly beforeGoogleTag?: readonly Buffer[] | undefined;
  /** Called when a tag's fate hangs on a category the visitor may grant or deny: the page differs by state. */
  readonly onStateDependence?: (() => void) | undefined;
}

// States are shared objects (one per combination of granted categories): so are their sets.
const grantedSets = new WeakMap<ConsentState, ReadonlySet<string>>();
const categorySets = new WeakMap<CompiledPolicy, ReadonlySet<string>>();

/** A rewriter for one HTML response, enforcing `state`. */
export function createPageRewriter(options: PageOptions): HtmlRewriter {
  const { compiled, state } = options;
  const granted = grantedSets.get(state) ?? remember(grantedSets, state, new Set(state.granted));
  const categories = categorySets.get(compiled) ?? remember(categorySets, compiled, new Set(compiled.categoryIds));
  let texts: ReturnType<PageOptions['texts']> | undefined;
  const { requiredIds } = compiled;
  const onStateDependence = options.onStateDependence;
  const context: MarkupContext = {
    trackers: options.trackers,
    categories,
    isGranted(category) {
      if (onStateDependence && categories.has(category) && !requiredIds.has(category)) onStateDependence();
      return granted.has(category);
    },
    enforce: options.enforce,
    report: options.report,
    placeholderSrcdoc(categoryId, what) {
      const { locale, messages } = (texts ??= options.texts());
      return placeholderSrcdoc({ policy: compiled.policy, state, endpoint: options.endpoint, returnTo: options.returnTo, shared: options.shared === true, locale, messages }, categoryId, what);
    },
    visitorText(text) {
      return typeof text === 'string' ? text : textFor(text, (texts ??= options.texts()).locale);
    },
  };
  return new HtmlRewriter(context, (reason) => options.report({ type: 'html-skipped', reason }), options);
}

function remember<K extends object, V>(map: WeakMap<K, V>, key: K, value: V): V {
  map.set(key, value);
  return value;
}
