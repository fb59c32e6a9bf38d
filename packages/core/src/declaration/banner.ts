import { createCache } from '../cache.js';
import { actionButton, consentForm, returnField } from '../endpoint/forms.js';
import { escapeHtml } from '../html/escape.js';
import { textFor } from '../policy/localized.js';
import type { Policy } from '../policy/schema.js';
import { scriptTag, styleTag, type Embedding } from './assets.js';
import { consentModeMap, usesConsentMode } from './consent-mode.js';
import { fill, type Messages } from './messages.js';

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
  /**
   * Tell a visitor whose browser sends Global Privacy Control why the `gpc` categories are
   * off: `shown` (the request said so), `if-browser-says` (a shared page: the script shows it
   * when `navigator.globalPrivacyControl`), or `none`.
   */
  readonly gpcNotice: 'shown' | 'if-browser-says' | 'none';
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
      const text = textFor(category.description, input.locale);
      const description = text ? `<small>${escapeHtml(text)}</small>` : '';
      return `<label><input type="checkbox" name="categories" value="${escapeHtml(id)}"${state}> ${escapeHtml(textFor(category.label, input.locale))}${category.required ? ` (${escapeHtml(t.alwaysOn)})` : ''}${description}</label>`;
    })
    .join('');
  const link = input.declaration === false ? '' : ` <a href="${escapeHtml(input.declaration)}">${escapeHtml(t.moreInfo)}</a>`;
  // For the script's gtag('consent', 'update', …) after a choice made in place.
  const consentMode = usesConsentMode(policy) ? ` data-consent-mode="${escapeHtml(JSON.stringify(consentModeMap(policy)))}"` : '';
  const shared = input.shared ? ' data-consent-shared' : '';
  const markup = [
    `<div id="consent-guard-banner" role="dialog" aria-modal="false" aria-labelledby="consent-guard-title" lang="${escapeHtml(input.locale)}" aria-describedby="consent-guard-text" tabindex="-1"${consentMode}${shared}>`,
    styleTag(input.embedding, 'banner.css'),
    `<h2 id="consent-guard-title">${escapeHtml(t.bannerTitle)}</h2>`,
    `<p id="consent-guard-text">${escapeHtml(t.bannerText)}${link}</p>`,
    gpcNotice(policy, t, input.locale, input.gpcNotice),
    actionButton(endpoint, 'accept-all', returnTo, t.acceptAll),
    actionButton(endpoint, 'reject-all', returnTo, t.rejectAll),
    `<details><summary>${escapeHtml(t.choose)}</summary>${consentForm(endpoint, [['action', 'save'], ...returnField(returnTo)], `<fieldset><legend>${escapeHtml(t.choose)}</legend>${boxes}</fieldset><button type="submit">${escapeHtml(t.save)}</button>`)}</details>`,
    scriptTag(input.embedding, 'banner.js'),
    '</div>',
  ].join('');
  return asciiOnly(markup);
}

/** Non-ASCII characters as character references. */
function asciiOnly(markup: string): string {
  return markup.replace(/[^\x00-\x7f]/gu, (char) => `&#x${char.codePointAt(0)!.toString(16)};`);
}

// Where a template takes the page's return path and the CSP nonces (a NUL no text of the banner has).
const RETURN_SLOT = '\0return-to\0';
const NONCE_SLOT = '\0nonce\0';
const STYLE_NONCE_SLOT = '\0style-nonce\0';
const SLOTS = /\0(return-to|nonce|style-nonce)\0/;

/**
 * The banners of one guard (one policy, endpoint, declaration and set of texts per locale),
 * each built once per locale, GPC notice and embedding, with slots for what differs from
 * one page to the next: the return path and the nonces. The keys come from those few
 * values, never from the request; the cache is bounded all the same.
 */
export class BannerTemplates {
  readonly #build: (input: BannerInput) => string;
  readonly #templates = createCache<Template | null>(64);

  constructor(build: (input: BannerInput) => string = bannerHtml) {
    this.#build = build;
  }

  /** What `bannerHtml(input)` returns, as bytes in pieces (a page's rewriter inserts them as they are). */
  bytes(input: BannerInput): readonly Buffer[] {
    const { returnTo, embedding } = input;
    const key = `${input.locale}\0${input.gpcNotice}\0${input.shared}\0${embedding.filesAt ?? ''}\0${embedding.nonce ? 1 : 0}${embedding.styleNonce ? 1 : 0}${returnTo ? 1 : 0}`;
    let parts = this.#templates.get(key);
    if (parts === undefined) {
      parts = this.#template(input);
      this.#templates.set(key, parts);
    }
    if (parts === null) return [Buffer.from(this.#build(input))];
    // As the banner writes them: escaped, then non-ASCII as references (so one byte a character).
    const slots: Record<string, string | undefined> = {
      nonce: embedding.nonce && asciiOnly(escapeHtml(embedding.nonce)),
      'style-nonce': embedding.styleNonce && asciiOnly(escapeHtml(embedding.styleNonce)),
      'return-to': returnTo && asciiOnly(escapeHtml(returnTo)),
    };
    const pieces = [parts[0] as Buffer];
    for (let i = 1; i < parts.length; i += 2) pieces.push(Buffer.from(slots[parts[i] as string]!, 'latin1'), parts[i + 1] as Buffer);
    return pieces;
  }

  /** The banner split at its slots: bytes, slot name, bytes, …; null when a text of its own has a NUL (never, in practice). */
  #template(input: BannerInput): Template | null {
    const { returnTo, embedding } = input;
    if (this.#build({ ...input, returnTo: undefined, embedding: { filesAt: embedding.filesAt, nonce: undefined, styleNonce: undefined } }).includes('\0')) return null;
    const template = this.#build({
      ...input,
      returnTo: returnTo ? RETURN_SLOT : undefined,
      embedding: {
        filesAt: embedding.filesAt,
        nonce: embedding.nonce ? NONCE_SLOT : undefined,
        styleNonce: embedding.styleNonce ? STYLE_NONCE_SLOT : undefined,
      },
    });
    return template.split(SLOTS).map((part, i) => (i % 2 === 0 ? Buffer.from(part) : part));
  }
}

/** A banner's bytes (even places) around the names of its slots (odd places). */
type Template = readonly (Buffer | string)[];

function gpcNotice(policy: Policy, t: Messages, locale: string, how: BannerInput['gpcNotice']): string {
  const categories = Object.values(policy.categories).filter((category) => category.gpc);
  if (how === 'none' || categories.length === 0) return '';
  const text = escapeHtml(fill(t.gpcNotice, { categories: categories.map((category) => textFor(category.label, locale)).join(', ') }));
  return `<p data-consent-gpc${how === 'shown' ? '' : ' hidden'}>${text}</p>`;
}
