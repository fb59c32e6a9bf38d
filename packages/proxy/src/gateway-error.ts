import type { IncomingHttpHeaders } from 'node:http';

export type GatewayStatus = 502 | 504;

export interface GatewayError {
  readonly status: GatewayStatus;
  /** Why, in words a visitor may read: never the error's message or stack. */
  readonly reason: string;
}

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** What an upstream failure means to the visitor: too slow is a 504, anything else a 502. */
export function gatewayError(error: unknown): GatewayError {
  if (errorCodes(error).some((code) => TIMEOUTS.has(code))) return { status: 504, reason: 'The site did not answer in time.' };
  return { status: 502, reason: 'The site could not be reached.' };
}

/** undici's codes and those of the system errors it wraps as `cause` (ECONNREFUSED). */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/** A small page, or JSON when the visitor asked for it. */
export function gatewayResponse(error: GatewayError, headers: IncomingHttpHeaders): { title: string; headers: Record<string, string>; body: string } {
  const title = error.status === 504 ? 'Gateway Timeout' : 'Bad Gateway';
  const common = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  if (/\bapplication\/(?:[\w.+-]*\+)?json\b/i.test(headers.accept ?? '')) {
    return { title, headers: { ...common, 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify({ error: `${error.status} ${title}: ${error.reason}` }) };
  }
  const body = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${error.status} ${title}</title>
<h1>${error.status} ${title}</h1>
<p>${error.reason} Please try again in a moment.</p>
`;
  return { title, headers: { ...common, 'Content-Type': 'text/html; charset=utf-8' }, body };
}
