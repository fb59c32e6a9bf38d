import { createHash } from 'node:crypto';
import type { EndpointResponse } from '../endpoint/handle.js';
import { escapeHtml } from '../html/escape.js';
import { BANNER_STYLE } from './banner-style.js';
import { CLIENT_SCRIPT } from './client.js';
import { DECLARATION_STYLE } from './page-style.js';

/**
 * How the guard's own `<style>` and `<script>` get past the page's Content-Security-Policy:
 * with the app's nonce when it has one; as same-origin files under the endpoint when the
 * response carries a CSP and no nonce (`'self'` lets them in); inline otherwise.
 */
export interface Embedding {
  readonly nonce: string | undefined;
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
  return `<style${nonceAttribute(embedding)}>${FILES[file].body}</style>`;
}

export function scriptTag(embedding: Embedding, file: FileName): string {
  if (embedding.filesAt !== undefined) return `<script src="${escapeHtml(`${embedding.filesAt}/${file}`)}"></script>`;
  return `<script${nonceAttribute(embedding)}>${FILES[file].body}</script>`;
}

function nonceAttribute({ nonce }: Embedding): string {
  return nonce ? ` nonce="${escapeHtml(nonce)}"` : '';
}

// The files change only with the package: cached for a day, revalidated by ETag.
const RESPONSES = new Map<string, EndpointResponse>(
  Object.entries(FILES).map(([name, { type, body }]) => [
    name,
    {
      status: 200,
      headers: {
        'Content-Type': type,
        'Cache-Control': 'public, max-age=86400',
        ETag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        'X-Content-Type-Options': 'nosniff',
      },
      body,
    },
  ]),
);

/** GET `{endpoint}/<file>`: one of the guard's files, or undefined for any other name. */
export function assetResponse(name: string): EndpointResponse | undefined {
  return RESPONSES.get(name);
}
