import type { IncomingMessage } from 'node:http';
import { sendsGpc } from '../consent-state.js';
import type { GuardContext, GuardedResponse } from '../guarded-response.js';
import type { EndpointResponse } from '../endpoint/handle.js';
import { safeReturnPath } from '../endpoint/checks.js';
import { escapeHtml } from '../html/escape.js';
import { styleTag } from './assets.js';
import { messagesForRequest } from './messages.js';
import { choiceForm, renderDeclaration } from './render.js';

/**
 * GET {declaration}: the cookie declaration as a page, in the visitor's language when the
 * site has it, with their current choice and the forms to change or withdraw it.
 */
export function declarationPage(context: GuardContext, guarded: GuardedResponse, req: IncomingMessage, path: string): EndpointResponse {
  const { compiled, options } = context;
  const { locale, messages } = messagesForRequest(req.headers['accept-language'], options);
  const declaration = renderDeclaration(compiled.policy, { locale, messages: options.messages });
  const choice = choiceForm({
    policy: compiled.policy,
    state: guarded.state,
    messages,
    locale,
    endpoint: options.endpoint,
    returnTo: requestedReturn(req.url) ?? path,
    gpc: sendsGpc(req.headers),
  });
  const body = `<!doctype html>\n<html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(messages.title)}</title>${styleTag(guarded.embedding, 'declaration.css')}</head>\n<body><main>\n${choice}\n${declaration}\n</main></body></html>\n`;
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Language': locale },
    body,
  };
}

/** `?return_to=/page`: a link from a page (a placeholder's, say) asks to come back there after the choice. */
function requestedReturn(url = ''): string | undefined {
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  const returnTo = new URLSearchParams(url.slice(query + 1)).get('return_to');
  return returnTo ? safeReturnPath(returnTo) : undefined;
}
