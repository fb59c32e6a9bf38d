import { createHash } from 'node:crypto';
import type { EndpointResponse } from '../endpoint/handle.js';
import { escapeHtml } from '../html/escape.js';
import type { Policy } from '../policy/schema.js';
import { BANNER_STYLE } from './banner-style.js';
import { CLIENT_SCRIPT } from './client.js';
import { DECLARATION_STYLE } from './page-style.js';

/**
 * How the guard's own `<style>` and `<script>` get past the page's Content-Security-Policy:
 * with the app's nonce when it has one; as same-origin files under the endpoint when the
 * response carries a CSP and no nonce (`'self'` lets them in); inline otherwise.
 */
export interface Embedding {
  /** The nonce for scripts. */
  readonly nonce: string | undefined;
  /** The nonce for styles: the same one, unless the app has a pair (@fastify/helmet). */
  readonly styleNonce: string | undefined;
  /** The path the files are served under (`/consent`), when they are to be linked. */
  readonly filesAt: string | undefined;
}

const FILES = {
  'banner.css': { type: 'text/css; charset=utf-8', body: BANNER_STYLE },
  'banner.js': { type: 'text/javascript; charset=utf-8', body: CLIENT_SCRIPT },
  'declaration.css': { type: 'text/css; charset=utf-8', body: DECLARATION_STYLE },
} as const;

type FileName = keyof typeof FILES;

export function styleTag(embedding: Embedding, file: FileName): string {
  if (embedding.filesAt !== undefined) return `<link rel="stylesheet" href="${escapeHtml(`${embedding.filesAt}/${file}`)}">`;
  return `<style${nonceAttribute(embedding.styleNonce)}>${FILES[file].body}</style>`;
}

export function scriptTag(embedding: Embedding, file: FileName): string {
  if (embedding.filesAt !== undefined) return `<script src="${escapeHtml(`${embedding.filesAt}/${file}`)}"></script>`;
  return `<script${nonceAttribute(embedding.nonce)}>${FILES[file].body}</script>`;
}

function nonceAttribute(nonce: string | undefined): string {
  return nonce ? ` nonce="${escapeHtml(nonce)}"` : '';
}

const RESPONSES = new Map<string, EndpointResponse>(Object.entries(FILES).map(([name, { type, body }]) => [name, fileResponse(type, body)]));

// The files change only with the package or the policy: cached for a day, revalidated by ETag.
function fileResponse(type: string, body: string, headers: Record<string, string> = {}): EndpointResponse {
  return {
    status: 200,
    headers: {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=86400',
      ETag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    },
    body,
  };
}

export const GPC_PATH = '/.well-known/gpc.json';

/**
 * The site's Global Privacy Control support resource (the GPC specification's well-known
 * file): it honours the signal. `lastUpdate` is the policy revision when that is a date.
 */
export function gpcResponse(policy: Policy): EndpointResponse {
  const lastUpdate = /^\d{4}-\d{2}-\d{2}$/.test(policy.revision) ? { lastUpdate: policy.revision } : {};
  // Public and read by tools on other sites.
  return fileResponse('application/json', JSON.stringify({ gpc: true, ...lastUpdate }), { 'Access-Control-Allow-Origin': '*' });
}

/** GET `{endpoint}/<file>`: one of the guard's files, or undefined for any other name. */
export function assetResponse(name: string): EndpointResponse | undefined {
  return RESPONSES.get(name);
}
