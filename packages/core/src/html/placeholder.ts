import type { ConsentState } from '../consent-state.js';
import type { Policy } from '../policy/schema.js';
import { consentForm, returnField } from '../endpoint/forms.js';
import { escapeHtml } from './escape.js';

export interface PlaceholderInput {
  readonly policy: Policy;
  readonly state: ConsentState;
  /** The consent endpoint, or false when the site turned it off. */
  readonly endpoint: string | false;
  /** Where the visitor should land after consenting: this page's path. */
  readonly returnTo: string | undefined;
}

/**
 * The document shown in place of a blocked frame: what it is, which category it needs, and
 * a form that grants that category (keeping what is already granted). A plain form with
 * `target="_top"`, so it works with JavaScript off; everything from the policy is escaped.
 */
export function placeholderDocument(input: PlaceholderInput, categoryId: string, what: string): string {
  const { policy, state, endpoint, returnTo } = input;
  const label = policy.categories[categoryId]?.label ?? categoryId;
  const granted = [...new Set([...state.granted, categoryId])].filter((id) => id in policy.categories);
  const fields: [string, string][] = [['action', 'save'], ...granted.map((id): [string, string] => ['categories', id]), ...returnField(returnTo)];
  const form =
    endpoint === false || !(categoryId in policy.categories)
      ? ''
      : consentForm(endpoint, fields, `<button type="submit">Allow ${escapeHtml(label)}</button>`, '_top');
  return (
    '<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    '<style>html{color-scheme:light dark}body{margin:0;display:grid;place-items:center;min-height:100vh;font:15px/1.4 system-ui,sans-serif;text-align:center;padding:1em;box-sizing:border-box}' +
    'button{font:inherit;padding:.5em 1em;margin-top:.5em;cursor:pointer}</style>' +
    `<div><p>This content from <strong>${escapeHtml(what)}</strong> needs your consent to <strong>${escapeHtml(label)}</strong> cookies.</p>${form}</div></html>`
  );
}
