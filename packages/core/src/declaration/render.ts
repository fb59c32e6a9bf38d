import type { ConsentState } from '../consent-state.js';
import { actionButton, consentForm, returnField } from '../endpoint/forms.js';
import { catalogueService } from '../catalogue/catalogue.js';
import { escapeHtml } from '../html/escape.js';
import { loadPolicy } from '../policy/load.js';
import { textFor } from '../policy/localized.js';
import type { CookieDeclaration, Policy, PolicyInput, TrackerDeclaration } from '../policy/schema.js';
import { fill, messagesFor, type MessageOverrides, type Messages } from './messages.js';

export interface DeclarationOptions {
  /** @default "html" */
  readonly format?: 'html' | 'markdown';
  /** @default "en" (English and Norwegian, "nb", are built in) */
  readonly locale?: string;
  /** Texts to override, per locale. */
  readonly messages?: MessageOverrides;
  /** The HTML section's heading. @default the `title` message */
  readonly heading?: string;
}

/**
 * The policy as a cookie policy page shows it: per category its label and description, a
 * table of its cookies (name, provider, session or persistent, first or third party,
 * duration, purpose) and its trackers. HTML (a `<section>` to place in a page; everything
 * from the policy escaped) or Markdown.
 */
export function renderDeclaration(policyInput: string | URL | PolicyInput, options: DeclarationOptions = {}): string {
  const policy = loadPolicy(policyInput);
  const { locale, messages } = messagesFor(options.locale, options.messages);
  return options.format === 'markdown' ? markdown(policy, messages, locale) : html(policy, messages, locale, options.heading ?? messages.title);
}

interface Row {
  readonly cells: readonly string[];
}

interface ServiceRow {
  readonly name: string;
  readonly provider: string;
  readonly privacyUrl: string;
}

function rows(policy: Policy, category: string, t: Messages, locale: string): { cookies: Row[]; trackers: Row[]; services: ServiceRow[] } {
  const cookies = (policy.cookies as readonly CookieDeclaration[])
    .filter((cookie) => cookie.category === category)
    .map((cookie) => ({
      cells: [
        cookie.name,
        cookie.provider ?? '',
        cookie.type === 'session' ? t.session : cookie.type === 'persistent' ? t.persistent : '',
        cookie.thirdParty ? t.thirdParty : t.firstParty,
        cookie.duration ?? '',
        cookie.purpose === undefined ? '' : textFor(cookie.purpose, locale),
      ],
    }));
  // A service's tracker is listed as the service, with its provider and privacy policy.
  const trackers = (policy.trackers as readonly TrackerDeclaration[])
    .filter((tracker) => tracker.category === category && tracker.service === undefined)
    .map((tracker) => ({ name: textFor(tracker.name, locale), hosts: tracker.hosts.filter((host) => !isLoopback(host)) }))
    .filter((tracker) => tracker.hosts.length > 0)
    .map((tracker) => ({ cells: [tracker.name, tracker.hosts.join(', ')] }));
  const services = Object.entries(policy.services)
    .filter(([, chosen]) => chosen === category)
    .flatMap(([id]) => {
      const service = catalogueService(id);
      return service ? [{ name: service.name, provider: service.provider, privacyUrl: service.privacyUrl }] : [];
    });
  return { cookies, trackers, services };
}

/**
 * `localhost`, `*.localhost` and loopback addresses (RFC 6761): stand-ins for development
 * (the demo's trackers), never a host a visitor's browser meets on the site.
 */
function isLoopback(host: string): boolean {
  const name = host.replace(/[:/].*$/, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || /^127\./.test(name);
}

function html(policy: Policy, t: Messages, locale: string, heading: string): string {
  // The privacy policy column holds the catalogue's own https URL, shown as a link.
  const link = (cell: string, i: number) => (i === 2 ? `<a href="${escapeHtml(cell)}" rel="noopener noreferrer">${escapeHtml(cell)}</a>` : escapeHtml(cell));
  // data-label: the column's name, for a narrow screen where each row reflows into lines.
  const table = (head: readonly string[], body: readonly Row[], content: (cell: string, i: number) => string = escapeHtml) =>
    `<table><thead><tr>${head.map((cell) => `<th scope="col">${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>${body
      .map((row) => `<tr>${row.cells.map((cell, i) => (i === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td data-label="${escapeHtml(head[i]!)}">${content(cell, i)}</td>`)).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const sections = Object.entries(policy.categories).map(([id, category]) => {
    const { cookies, trackers, services } = rows(policy, id, t, locale);
    const serviceRows = services.map((service) => ({ cells: [service.name, service.provider, service.privacyUrl] }));
    const description = textFor(category.description, locale);
    return [
      `<section class="consent-guard-category" id="consent-category-${escapeHtml(id)}">`,
      `<h3>${escapeHtml(textFor(category.label, locale))}${category.required ? ` <small>(${escapeHtml(t.alwaysOn)})</small>` : ''}</h3>`,
      description ? `<p>${escapeHtml(description)}</p>` : '',
      cookies.length > 0 ? table([t.name, t.provider, t.type, t.party, t.duration, t.purpose], cookies) : `<p>${escapeHtml(t.noCookies)}</p>`,
      services.length > 0 ? `<h4>${escapeHtml(t.services)}</h4>${table([t.name, t.provider, t.privacyPolicy], serviceRows, link)}` : '',
      trackers.length > 0 ? `<h4>${escapeHtml(t.trackers)}</h4>${table([t.name, t.hosts], trackers)}` : '',
      '</section>',
    ].join('');
  });
  return [
    `<section class="consent-guard-declaration" lang="${escapeHtml(locale)}">`,
    `<h2>${escapeHtml(heading)}</h2>`,
    `<p>${escapeHtml(t.intro)}</p>`,
    ...sections,
    `<p><small>${escapeHtml(fill(t.revision, { revision: policy.revision }))}</small></p>`,
    '</section>',
  ].join('\n');
}

function markdown(policy: Policy, t: Messages, locale: string): string {
  // Table cells: one line, every character Markdown could read as markup escaped.
  const cell = (text: string) => escapeMarkdown(text.replace(/\s+/g, ' ').trim());
  // Paragraph lines also must not start a list, a quote or a heading underline.
  const paragraph = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => escapeMarkdown(line.trim()).replace(/^[-+=]/, '\\$&').replace(/^(\d+)([.)])/, '$1\\$2'))
      .join('\n');
  const table = (head: readonly string[], body: readonly Row[], content: (text: string, i: number) => string = cell) =>
    [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((row) => `| ${row.cells.map(content).join(' | ')} |`)].join('\n');
  // The privacy policy column holds the catalogue's own https URL, shown as an autolink.
  const link = (text: string, i: number) => (i === 2 ? `<${text}>` : cell(text));
  const sections = Object.entries(policy.categories).map(([id, category]) => {
    const { cookies, trackers, services } = rows(policy, id, t, locale);
    const serviceRows = services.map((service) => ({ cells: [service.name, service.provider, service.privacyUrl] }));
    const description = textFor(category.description, locale);
    return [
      `## ${cell(textFor(category.label, locale))}${category.required ? ` (${cell(t.alwaysOn)})` : ''}`,
      description ? `\n${paragraph(description)}` : '',
      '',
      cookies.length > 0 ? table([t.name, t.provider, t.type, t.party, t.duration, t.purpose], cookies) : paragraph(t.noCookies),
      services.length > 0 ? `\n### ${cell(t.services)}\n\n${table([t.name, t.provider, t.privacyPolicy], serviceRows, link)}` : '',
      trackers.length > 0 ? `\n### ${cell(t.trackers)}\n\n${table([t.name, t.hosts], trackers)}` : '',
    ].join('\n');
  });
  return [`# ${cell(t.title)}`, '', paragraph(t.intro), '', ...sections.flatMap((section) => [section, '']), `_${cell(fill(t.revision, { revision: policy.revision }))}_`, ''].join('\n');
}

/**
 * Text that Markdown shows as written: the characters that start inline markup anywhere
 * (emphasis, code, links, HTML, tables, strikethrough, entities, closing `#`) are
 * backslash-escaped, so `_ga_*` stays a name and `&lt;` stays text.
 */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&#]/g, (char) => `\\${char}`);
}

export interface ChoiceFormInput {
  readonly policy: Policy;
  readonly state: ConsentState;
  readonly messages: Messages;
  /** The visitor's locale, for the policy's texts. */
  readonly locale: string;
  /** The consent endpoint; without one there is nothing to post to. */
  readonly endpoint: string | false;
  readonly returnTo: string;
  /** The request carried `Sec-GPC: 1`. */
  readonly gpc: boolean;
}

/** The visitor's current choice, with forms to change it or withdraw (no JavaScript needed). */
export function choiceForm(input: ChoiceFormInput): string {
  const { policy, state, messages: t, endpoint, returnTo } = input;
  const label = (id: string) => textFor(policy.categories[id]?.label ?? id, input.locale);
  const optional = state.granted.filter((id) => !policy.categories[id]?.required);
  const status = !state.decided ? t.undecided : optional.length > 0 ? fill(t.allowed, { categories: optional.map(label).join(', ') }) : t.allowedNothing;
  const gpcDenied = Object.entries(policy.categories).filter(([id, category]) => category.gpc && !state.granted.includes(id));
  const gpc = input.gpc && !state.decided && gpcDenied.length > 0 ? `<p>${escapeHtml(fill(t.gpcNotice, { categories: gpcDenied.map(([id]) => label(id)).join(', ') }))}</p>` : '';
  if (endpoint === false) return `<section class="consent-guard-choice"><h2>${escapeHtml(t.yourChoice)}</h2><p>${escapeHtml(status)}</p>${gpc}</section>`;
  const boxes = Object.entries(policy.categories)
    .map(([id, category]) => {
      const checked = state.granted.includes(id) ? ' checked' : '';
      const disabled = category.required ? ' disabled' : '';
      return `<label><input type="checkbox" name="categories" value="${escapeHtml(id)}"${checked}${disabled}> ${escapeHtml(label(id))}</label>`;
    })
    .join('<br>');
  return [
    `<section class="consent-guard-choice"><h2>${escapeHtml(t.yourChoice)}</h2><p>${escapeHtml(status)}</p>${gpc}`,
    consentForm(endpoint, [['action', 'save'], ...returnField(returnTo)], `<fieldset><legend>${escapeHtml(t.yourChoice)}</legend>${boxes}</fieldset><button type="submit">${escapeHtml(t.save)}</button>`),
    actionButton(endpoint, 'accept-all', returnTo, t.acceptAll),
    actionButton(endpoint, 'reject-all', returnTo, t.rejectAll),
    state.decided ? actionButton(endpoint, 'withdraw', returnTo, t.withdraw) : '',
    '</section>',
  ].join('\n');
}
