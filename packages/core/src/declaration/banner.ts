import { actionButton, consentForm, returnField } from '../endpoint/forms.js';
import { escapeHtml } from '../html/escape.js';
import type { Policy } from '../policy/schema.js';
import { scriptTag, styleTag, type Embedding } from './assets.js';
import { consentModeMap, usesConsentMode } from './consent-mode.js';
import type { Messages } from './messages.js';

export interface BannerInput {
  readonly policy: Policy;
  /** `cache: 'shared'`: the page is everyone's, so the script asks for the visitor's choice and applies it. */
  readonly shared: boolean;
  readonly messages: Messages;
  readonly locale: string;
  readonly endpoint: string;
  readonly declaration: string | false;
  /** Where the visitor lands after choosing: this page. */
  readonly returnTo: string | undefined;
  /** How its `<style>` and `<script>` get past the page's CSP. */
  readonly embedding: Embedding;
}

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
  // For the script's gtag('consent', 'update', …) after a choice made in place.
  const consentMode = usesConsentMode(policy) ? ` data-consent-mode="${escapeHtml(JSON.stringify(consentModeMap(policy)))}"` : '';
  const shared = input.shared ? ' data-consent-shared' : '';
  const markup = [
    `<div id="consent-guard-banner" role="dialog" aria-modal="false" aria-labelledby="consent-guard-title" lang="${escapeHtml(input.locale)}"${consentMode}${shared}>`,
    styleTag(input.embedding, 'banner.css'),
    `<h2 id="consent-guard-title">${escapeHtml(t.bannerTitle)}</h2>`,
    `<p>${escapeHtml(t.bannerText)}${link}</p>`,
    actionButton(endpoint, 'accept-all', returnTo, t.acceptAll),
    actionButton(endpoint, 'reject-all', returnTo, t.rejectAll),
    `<details><summary>${escapeHtml(t.choose)}</summary>${consentForm(endpoint, [['action', 'save'], ...returnField(returnTo)], `<fieldset><legend>${escapeHtml(t.choose)}</legend>${boxes}</fieldset><button type="submit">${escapeHtml(t.save)}</button>`)}</details>`,
    scriptTag(input.embedding, 'banner.js'),
    '</div>',
  ].join('');
  return markup.replace(/[^\x00-\x7f]/gu, (char) => `&#x${char.codePointAt(0)!.toString(16)};`);
}
