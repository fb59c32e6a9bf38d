import type { IncomingMessage } from 'node:http';
import type { GuardContext, GuardedResponse } from '../guarded-response.js';
import type { EndpointResponse } from '../endpoint/handle.js';
import { safeReturnPath } from '../endpoint/checks.js';
import { escapeHtml } from '../html/escape.js';
import { messagesForRequest } from './messages.js';
import { choiceForm, renderDeclaration } from './render.js';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;color-scheme:light dark}main{max-width:60rem;margin:auto;padding:1rem}' +
  'table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #8888;padding:.35rem .5rem;text-align:left;vertical-align:top}' +
  'form{display:inline-block;margin:.25rem .5rem .25rem 0}fieldset{margin:.5rem 0}button{font:inherit;padding:.4rem .9rem;cursor:pointer}';

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
    endpoint: options.endpoint,
    returnTo: requestedReturn(req.url) ?? path,
    gpc: String(req.headers['sec-gpc'] ?? '').trim() === '1',
  });
  const body = `<!doctype html>\n<html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(messages.title)}</title><style>${STYLE}</style></head>\n<body><main>\n${choice}\n${declaration}\n</main></body></html>\n`;
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
