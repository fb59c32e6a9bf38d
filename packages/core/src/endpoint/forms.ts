import { escapeHtml } from '../html/escape.js';

/**
 * A form posting to the consent endpoint: plain HTML, so it works without JavaScript.
 * `fields` become hidden inputs (values escaped); `content` is the form's visible inside,
 * already HTML.
 */
export function consentForm(endpoint: string, fields: readonly (readonly [string, string])[], content: string, target?: string): string {
  const hidden = fields.map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`).join('');
  return `<form method="post" action="${escapeHtml(endpoint)}"${target ? ` target="${target}"` : ''}>${hidden}${content}</form>`;
}

/** A form with one submit button, e.g. Accept all. */
export function actionButton(endpoint: string, action: string, returnTo: string | undefined, text: string): string {
  return consentForm(endpoint, [['action', action], ...returnField(returnTo)], `<button type="submit">${escapeHtml(text)}</button>`);
}

export function returnField(returnTo: string | undefined): [string, string][] {
  return returnTo ? [['return_to', returnTo]] : [];
}
