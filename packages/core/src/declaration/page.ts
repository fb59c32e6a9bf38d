import type { IncomingMessage } from 'node:http';
import createDebug from 'debug';
import { sendsGpc } from '../consent-state.js';
import type { GuardContext, GuardedResponse } from '../guarded-response.js';
import type { EndpointResponse } from '../endpoint/handle.js';
import { safeReturnPath } from '../endpoint/checks.js';
import { escapeHtml } from '../html/escape.js';
import { styleTag } from './assets.js';
import { messagesForRequest } from './messages.js';
import { choiceForm, renderDeclaration } from './render.js';

const log = createDebug('consent-guard:declaration');

/** What a site's `declarationLayout` gets besides the page's content. */
export interface DeclarationLayoutInfo {
  /** The page's title, in the visitor's language ("Cookies on this site"). */
  readonly title: string;
  /** The visitor's locale (`en`, `nb`, …), for `<html lang>`. */
  readonly locale: string;
}

/** Wraps the declaration page's content (HTML) in the site's own template: returns the whole document. */
export type DeclarationLayout = (content: string, info: DeclarationLayoutInfo) => string;

/**
 * GET {declaration}: the cookie declaration as a page, in the visitor's language when the
 * site has it: a title, a way back to the site, the visitor's current choice with the forms
 * to change or withdraw it (confirmed once saved), and the declaration itself.
 */
export function declarationPage(context: GuardContext, guarded: GuardedResponse, req: IncomingMessage, path: string): EndpointResponse {
  const { compiled, options } = context;
  const { locale, messages } = messagesForRequest(req.headers['accept-language'], options);
  const query = queryOf(req.url);
  const requested = query.get('return_to');
  const cameFrom = requested ? safeReturnPath(requested) : undefined;
  const declaration = renderDeclaration(compiled.policy, { locale, messages: options.messages, heading: messages.moreInfo });
  const choice = choiceForm({
    policy: compiled.policy,
    state: guarded.state,
    messages,
    locale,
    endpoint: options.endpoint,
    // Back to the page the visitor came from, or here, saying the choice was saved.
    returnTo: cameFrom ?? `${path}?saved=1`,
    gpc: sendsGpc(req.headers),
  });
  const saved = query.get('saved') === '1' && guarded.state.decided ? `<p class="consent-guard-saved" role="status">${escapeHtml(messages.saved)}</p>\n` : '';
  const style = styleTag(guarded.embedding, 'declaration.css');
  const content = [
    `<p class="consent-guard-back"><a href="${escapeHtml(cameFrom ?? '/')}">${escapeHtml(messages.backToSite)}</a></p>`,
    `<h1>${escapeHtml(messages.title)}</h1>`,
    `${saved}${choice}`,
    declaration,
  ].join('\n');
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Language': locale },
    body: layout(options.declarationLayout, content, style, { title: messages.title, locale }),
  };
}

function layout(site: DeclarationLayout | undefined, content: string, style: string, info: DeclarationLayoutInfo): string {
  if (site) {
    try {
      // In the site's template the page's style travels with its content (a <style> or a <link> in the body).
      const html = site(`<div class="consent-guard-page">${style}\n${content}\n</div>`, info);
      if (typeof html === 'string') return html;
      log('declarationLayout returned %s, not a string; using the default page', typeof html);
    } catch (error) {
      log('declarationLayout threw; using the default page: %O', error);
    }
  }
  return `<!doctype html>\n<html lang="${escapeHtml(info.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(info.title)}</title>${style}</head>\n<body><main class="consent-guard-page">\n${content}\n</main></body></html>\n`;
}

function queryOf(url = ''): URLSearchParams {
  const query = url.indexOf('?');
  return new URLSearchParams(query === -1 ? '' : url.slice(query + 1));
}
