import type { IncomingMessage } from 'node:http';

/** Consent forms are a few hundred bytes; anything past this is not one. */
export const BODY_LIMIT = 16 * 1024;

export class BadRequest extends Error {
  constructor(message: string, readonly status = 400) {
    super(message);
  }
}

/** The fields of a consent request, before validation. */
export interface ConsentFields {
  readonly action: unknown;
  readonly categories: unknown;
  readonly returnTo: unknown;
  readonly isJson: boolean;
}

/**
 * The consent request's fields. When another middleware has already read the body
 * (express.json(), koa-bodyparser …), `parsed` is what it made of it (`req.body`,
 * `ctx.request.body`) and is used as is. Otherwise the raw body is read here, up to
 * BODY_LIMIT, as a form or JSON: the app needs no body parser.
 */
export async function readConsentFields(req: IncomingMessage, parsed: unknown): Promise<ConsentFields> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
  if (req.readableEnded || req.readableDidRead) {
    if (typeof parsed !== 'object' || parsed === null) {
      throw new BadRequest('the request body was already read by another middleware that did not parse it');
    }
    return fieldsOf(parsed, isJson);
  }
  if (req.headers['content-encoding'] && req.headers['content-encoding'] !== 'identity') {
    throw new BadRequest('compressed request bodies are not accepted');
  }
  const charset = /;\s*charset="?([^";]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw new BadRequest(`unsupported charset "${charset}"; send utf-8`);
  const text = (await readBody(req)).toString('utf8');
  if (isJson) return fieldsOf(parseJson(text), true);
  if (mediaType === 'application/x-www-form-urlencoded' || (mediaType === '' && text === '')) {
    const form = new URLSearchParams(text);
    return { action: form.get('action') ?? undefined, categories: form.getAll('categories'), returnTo: form.get('return_to') ?? undefined, isJson: false };
  }
  throw new BadRequest('unsupported content type; send application/x-www-form-urlencoded or application/json');
}

function fieldsOf(body: unknown, isJson: boolean): ConsentFields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('the body must be an object with an "action" field');
  }
  const record = body as Record<string, unknown>;
  const own = (key: string) => (Object.hasOwn(record, key) ? record[key] : undefined);
  return { action: own('action'), categories: own('categories'), returnTo: own('return_to'), isJson };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('the body is not valid JSON');
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > BODY_LIMIT) return Promise.reject(new BadRequest(`the body is larger than ${BODY_LIMIT} bytes`, 413));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', finish).off('close', onClose);
      if (error) {
        // Node discards the unread rest once the response is sent.
        req.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) finish(new BadRequest(`the body is larger than ${BODY_LIMIT} bytes`, 413));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onClose = () => finish(new BadRequest('the request was aborted'));
    req.on('data', onData).on('end', onEnd).on('error', finish).on('close', onClose);
  });
}
