import { createCache } from '../cache.js';
import type { ConsentState } from '../consent-state.js';
import { textFor } from '../policy/localized.js';
import type { Policy } from '../policy/schema.js';
import { consentForm, returnField } from '../endpoint/forms.js';
import { fill, type Messages } from '../declaration/messages.js';
import { escapeHtml } from './escape.js';

export interface PlaceholderInput {
  readonly policy: Policy;
  readonly state: ConsentState;
  /** The consent endpoint, or false when the site turned it off. */
  readonly endpoint: string | false;
  /** Where the visitor should land after consenting: this page's path. */
  readonly returnTo: string | undefined;
  /** The page is cached for everyone (`cache: 'shared'`): link to the visitor's own choice page instead of granting blind. */
  readonly shared: boolean;
  /** The visitor's language and its texts. */
  readonly locale: string;
  readonly messages: Messages;
}

/**
 * The document shown in place of a blocked frame: what it is, which category it needs, and
 * a form that grants that category (keeping what is already granted). A plain form with
 * `target="_top"`, so it works with JavaScript off; everything from the policy is escaped.
 */
export function placeholderDocument(input: PlaceholderInput, categoryId: string, what: string): string {
  const { policy, state, endpoint, returnTo, messages: t } = input;
  const label = textFor(policy.categories[categoryId]?.label ?? categoryId, input.locale);
  const granted = [...new Set([...state.granted, categoryId])].filter((id) => id in policy.categories);
  const fields: [string, string][] = [['action', 'save'], ...granted.map((id): [string, string] => ['categories', id]), ...returnField(returnTo)];
  const form =
    endpoint === false || !(categoryId in policy.categories)
      ? ''
      : input.shared
        ? // A form here would not know what else this visitor granted, and would take it back.
          `<p><a href="${escapeHtml(choicePageLink(endpoint, returnTo))}" target="_top">${escapeHtml(t.placeholderChoose)}</a></p>`
        : consentForm(endpoint, fields, `<button type="submit">${escapeHtml(fill(t.placeholderAllow, { category: label }))}</button>`, '_top');
  const text = fill(escapeHtml(t.placeholderText), { what: `<strong>${escapeHtml(what)}</strong>`, category: `<strong>${escapeHtml(label)}</strong>` });
  return (
    `<!doctype html><html lang="${escapeHtml(input.locale)}"><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width">' +
    '<style>html{color-scheme:light dark}body{margin:0;display:grid;place-items:center;min-height:100vh;font:15px/1.4 system-ui,sans-serif;text-align:center;padding:1em;box-sizing:border-box}' +
    'button{font:inherit;padding:.5em 1em;margin-top:.5em;cursor:pointer}</style>' +
    `<div><p>${text}</p>${form}</div></html>`
  );
}

// Pages of a site block the same frames again and again: each placeholder, escaped for a
// `srcdoc`, is kept per policy and texts, for that many of their other inputs (category,
// frame, granted categories, page path...). A long path is not kept (it comes from the request).
const SRCDOCS_REMEMBERED = 256;
const LONGEST_PATH_REMEMBERED = 512;
const srcdocs = new WeakMap<Policy, WeakMap<Messages, ReturnType<typeof createCache<string>>>>();

/** `placeholderDocument` escaped for a `srcdoc` attribute, built once for the same inputs. */
export function placeholderSrcdoc(input: PlaceholderInput, categoryId: string, what: string): string {
  const { policy, messages, returnTo = '' } = input;
  if (returnTo.length > LONGEST_PATH_REMEMBERED) return escapeHtml(placeholderDocument(input, categoryId, what));
  let byMessages = srcdocs.get(policy);
  if (!byMessages) srcdocs.set(policy, (byMessages = new WeakMap()));
  let remembered = byMessages.get(messages);
  if (!remembered) byMessages.set(messages, (remembered = createCache<string>(SRCDOCS_REMEMBERED)));
  const key = `${categoryId}\0${what}\0${input.state.granted.join(',')}\0${input.endpoint}\0${returnTo}\0${input.shared}\0${input.locale}`;
  let srcdoc = remembered.get(key);
  if (srcdoc === undefined) {
    srcdoc = escapeHtml(placeholderDocument(input, categoryId, what));
    remembered.set(key, srcdoc);
  }
  return srcdoc;
}

/** The endpoint's choice page (GET with Accept: text/html), coming back here after a choice. */
function choicePageLink(endpoint: string, returnTo: string | undefined): string {
  return returnTo ? `${endpoint}?return_to=${encodeURIComponent(returnTo)}` : endpoint;
}
