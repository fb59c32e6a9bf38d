import type { IncomingMessage } from 'node:http';
import { encodeConsent, newConsentId } from '../consent-cookie.js';
import { chosenState, type ConsentState } from '../consent-state.js';
import type { ConsentLogWriter } from '../consent-log/log.js';
import { messagesForRequest } from '../declaration/messages.js';
import type { GuardedResponse } from '../guarded-response.js';
import type { ResolvedOptions } from '../options.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { contextual, type ConsentAction, type Reporter } from '../reports.js';
import { BadRequest, readConsentFields, type ConsentFields } from './body.js';
import { crossSiteReason, safeReturnPath, type RequestOrigin } from './checks.js';

export interface EndpointInput {
  readonly req: IncomingMessage;
  /** `req.body` / `ctx.request.body`: used when another middleware has already read the body. */
  readonly parsedBody: unknown;
  readonly origin: RequestOrigin;
}

/** What the adapter sends back: status, headers and a body (JSON text, or none). */
export interface EndpointResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

interface Deps {
  readonly compiled: CompiledPolicy;
  readonly options: ResolvedOptions;
  readonly report: Reporter;
  readonly log: ConsentLogWriter | undefined;
}

const ACTIONS: readonly ConsentAction[] = ['accept-all', 'reject-all', 'save', 'withdraw'];
const DAY_SECONDS = 24 * 60 * 60;

/**
 * GET: the visitor's state as JSON. POST: record a choice, refusing cross-site requests;
 * answer a form with 303 to `return_to` and a JSON request with the new state. Any error is
 * a JSON `{ error }` and records nothing.
 */
export async function handleConsentRequest(deps: Deps, guarded: GuardedResponse, input: EndpointInput): Promise<EndpointResponse> {
  const method = input.req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return json(200, publicState(guarded.state));
  if (method !== 'POST') return { ...json(405, { error: `method ${method} is not allowed; use GET or POST` }), headers: { ...JSON_HEADERS, Allow: 'GET, HEAD, POST' } };
  const crossSite = crossSiteReason(input.req.headers, input.origin);
  if (crossSite) return json(403, { error: `cross-site consent requests are refused (${crossSite})` });
  try {
    const fields = await readConsentFields(input.req, input.parsedBody);
    return record(deps, guarded, input.req, fields, wantsJson(input.req, fields));
  } catch (error) {
    if (error instanceof BadRequest) return json(error.status, { error: error.message });
    throw error;
  }
}

function record(deps: Deps, guarded: GuardedResponse, req: IncomingMessage, fields: ConsentFields, answerJson: boolean): EndpointResponse {
  const { compiled, options, report, log } = deps;
  const action = parseAction(fields.action);
  const granted = grantedFor(compiled, action, fields.categories);
  const returnTo = parseReturnTo(fields.returnTo);
  const state = chosenState(compiled, granted);
  const consentId = guarded.consent.stored?.consentId ?? newConsentId();
  const now = Date.now();
  const { consentCookie, revision } = compiled.policy;
  const value = encodeConsent(consentCookie.name, { revision, granted: state.granted, decidedAt: now, consentId }, options.secrets);
  const attributes = [`${consentCookie.name}=${value}`, 'Path=/', `Max-Age=${consentCookie.maxAgeDays * DAY_SECONDS}`];
  if (consentCookie.domain) attributes.push(`Domain=${consentCookie.domain}`);
  attributes.push('SameSite=Lax', 'HttpOnly');
  if (guarded.secure) attributes.push('Secure');

  guarded.applyChoice(state, action === 'withdraw');
  report(contextual(guarded.reportContext, { type: 'consent-changed', action, granted: state.granted, denied: state.denied, source: 'endpoint', consentId, revision }));
  log?.record({
    consentId,
    revision,
    granted: state.granted,
    denied: state.denied,
    action,
    source: 'endpoint',
    locale: messagesForRequest(req.headers['accept-language'], options).locale,
    userAgent: req.headers['user-agent'],
    clientIp: () => guarded.clientIp(),
  });
  const headers = { 'Set-Cookie': attributes.join('; '), 'Cache-Control': 'no-store' };
  if (answerJson) return { status: 200, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(publicState(state)) };
  return { status: 303, headers: { ...headers, Location: returnTo ?? '/' }, body: '' };
}

function parseAction(action: unknown): ConsentAction {
  if (action === undefined || action === '') throw new BadRequest(`missing "action"; expected one of ${ACTIONS.join(', ')}`);
  if (typeof action !== 'string' || !ACTIONS.includes(action as ConsentAction)) {
    throw new BadRequest(`unknown action ${JSON.stringify(action).slice(0, 80)}; expected one of ${ACTIONS.join(', ')}`);
  }
  return action as ConsentAction;
}

function grantedFor(compiled: CompiledPolicy, action: ConsentAction, categories: unknown): readonly string[] {
  if (action === 'accept-all') return compiled.categoryIds;
  if (action !== 'save') return [];
  const ids = categories === undefined ? [] : typeof categories === 'string' ? [categories] : categories;
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
    throw new BadRequest('"categories" must be a list of category ids');
  }
  const unknown = ids.find((id) => !compiled.categoryIds.includes(id));
  if (unknown !== undefined) throw new BadRequest(`unknown category ${JSON.stringify(unknown).slice(0, 80)}; categories are ${compiled.categoryIds.join(', ')}`);
  return ids;
}

function parseReturnTo(returnTo: unknown): string | undefined {
  if (returnTo === undefined || returnTo === '') return undefined;
  const path = typeof returnTo === 'string' ? safeReturnPath(returnTo) : undefined;
  if (path === undefined) throw new BadRequest('"return_to" must be a path on this site, such as /pricing');
  return path;
}

function wantsJson(req: IncomingMessage, fields: ConsentFields): boolean {
  return fields.isJson || /\bapplication\/json\b/i.test(req.headers.accept ?? '');
}

/** Exactly the contract's JSON shape, whatever else the state carries. */
export function publicState(state: ConsentState) {
  return { decided: state.decided, revision: state.revision, granted: state.granted, denied: state.denied, source: state.source };
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

function json(status: number, body: unknown): EndpointResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}
