import type { ConsentState } from '../consent-state.js';
import { actionButton, consentForm, returnField } from '../endpoint/forms.js';
import { escapeHtml } from '../html/escape.js';
import type { Policy } from '../policy/schema.js';
import { CLIENT_SCRIPT } from './client.js';
import { consentModeMap, usesConsentMode } from './consent-mode.js';
import type { Messages } from './messages.js';

export interface BannerInput {
  readonly policy: Policy;
  readonly state: ConsentState;
  /** `cache: 'shared'`: the page is everyone's, so the script asks for the visitor's choice and applies it. */
  readonly shared: boolean;
  readonly messages: Messages;
  readonly locale: string;
  readonly endpoint: string;
  readonly declaration: string | false;
  /** Where the visitor lands after choosing: this page. */
  readonly returnTo: string | undefined;
  /** The app's CSP nonce, for the banner's `<style>`. */
  readonly nonce: string | undefined;
}

// Scoped to the banner's id: nothing leaks out, and `all: revert` keeps the page's styles out.
const STYLE = [
  '#consent-guard-banner{all:revert;position:fixed;inset:auto 0 0 0;z-index:2147483647;box-sizing:border-box;max-height:100vh;overflow:auto;margin:0;padding:1rem;background:#fff;color:#111;border-top:2px solid #111;font:16px/1.5 system-ui,sans-serif;color-scheme:light}',
  '#consent-guard-banner *{box-sizing:border-box;font:inherit;color:inherit}',
  '#consent-guard-banner h2{margin:0 0 .25rem;font-size:1.125rem;font-weight:700}',
  '#consent-guard-banner p{margin:0 0 .75rem;max-width:60rem}',
  '#consent-guard-banner a{color:#0645ad;text-decoration:underline}',
  '#consent-guard-banner form{display:inline-block;margin:0 .5rem .5rem 0}',
  '#consent-guard-banner button{min-width:10rem;min-height:2.75rem;padding:.5rem 1rem;border:2px solid #111;border-radius:.25rem;background:#111;color:#fff;font-weight:600;cursor:pointer}',
  '#consent-guard-banner button:focus-visible,#consent-guard-banner summary:focus-visible,#consent-guard-banner input:focus-visible,#consent-guard-banner a:focus-visible{outline:3px solid #f90;outline-offset:2px}',
  '#consent-guard-banner details{margin:.25rem 0}',
  '#consent-guard-banner summary{cursor:pointer;text-decoration:underline;padding:.25rem 0}',
  '#consent-guard-banner fieldset{border:0;margin:.5rem 0;padding:0}',
  '#consent-guard-banner label{display:block;margin:.5rem 0}',
  '#consent-guard-banner label small{display:block;margin-left:1.75rem;opacity:.85}',
  '@media (prefers-color-scheme:dark){#consent-guard-banner{background:#111;color:#eee;border-top-color:#eee;color-scheme:dark}#consent-guard-banner button{background:#eee;color:#111;border-color:#eee}#consent-guard-banner a{color:#8ab4f8}}',
  '@media (prefers-reduced-motion:reduce){#consent-guard-banner *{transition:none;animation:none}}',
].join('');

/**
 * The consent banner for a visitor who has not decided. It works without JavaScript: each
 * choice is a form posting to the endpoint and coming back to this page. Accept and Reject
 * are the same element, the same size and style, side by side. Non-ASCII characters are
 * written as character references, so the banner reads right in any page encoding.
 */
export function bannerHtml(input: BannerInput): string {
  const { policy, messages: t, endpoint, returnTo } = input;
  const boxes = Object.entries(policy.categories)
    .map(([id, category]) => {
      const state = category.required ? ' checked disabled' : '';
      const description = category.description ? `<small>${escapeHtml(category.description)}</small>` : '';
      return `<label><input type="checkbox" name="categories" value="${escapeHtml(id)}"${state}> ${escapeHtml(category.label)}${category.required ? ` (${escapeHtml(t.alwaysOn)})` : ''}${description}</label>`;
    })
    .join('');
  const link = input.declaration === false ? '' : ` <a href="${escapeHtml(input.declaration)}">${escapeHtml(t.moreInfo)}</a>`;
  const nonce = input.nonce ? ` nonce="${escapeHtml(input.nonce)}"` : '';
  // For the script's gtag('consent', 'update', …) after a choice made in place.
  const consentMode = usesConsentMode(policy) ? ` data-consent-mode="${escapeHtml(JSON.stringify(consentModeMap(policy)))}"` : '';
  const shared = input.shared ? ' data-consent-shared' : '';
  const markup = [
    `<div id="consent-guard-banner" role="dialog" aria-modal="false" aria-labelledby="consent-guard-title" lang="${escapeHtml(input.locale)}"${consentMode}${shared}>`,
    `<style${nonce}>${STYLE}</style>`,
    `<h2 id="consent-guard-title">${escapeHtml(t.bannerTitle)}</h2>`,
    `<p>${escapeHtml(t.bannerText)}${link}</p>`,
    actionButton(endpoint, 'accept-all', returnTo, t.acceptAll),
    actionButton(endpoint, 'reject-all', returnTo, t.rejectAll),
    `<details><summary>${escapeHtml(t.choose)}</summary>${consentForm(endpoint, [['action', 'save'], ...returnField(returnTo)], `<fieldset><legend>${escapeHtml(t.choose)}</legend>${boxes}</fieldset><button type="submit">${escapeHtml(t.save)}</button>`)}</details>`,
    `<script${nonce}>${CLIENT_SCRIPT}</script>`,
    '</div>',
  ].join('');
  return markup.replace(/[^\x00-\x7f]/gu, (char) => `&#x${char.codePointAt(0)!.toString(16)};`);
}
