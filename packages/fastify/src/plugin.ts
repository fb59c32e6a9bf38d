import { createGuard, type ConsentLog, type ConsentOptions, type ConsentState, type Connection, type EndpointResponse, type Guard, type GuardedResponse } from '@consent-guard/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { headersOnRaw, sendsWholePages } from './whole-page.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The visitor's consent, set by `@consent-guard/fastify` before any route runs. */
    consent: ConsentState;
  }
  interface FastifyInstance {
    /** The consent log (`consentLog` option), or undefined when it is off. */
    consentLog: ConsentLog | undefined;
  }
}

/**
 * The guard as a Fastify plugin (Fastify 5 and 4), wrapped with fastify-plugin so that it
 * applies to the whole app: `app.register(consentGuard, options)`. Registering validates
 * the options and the policy, so a `TypeError` or `PolicyError` fails `ready()`/`listen()`.
 * Then on every request: reads the visitor's consent into `request.consent`, filters every
 * Set-Cookie just before the head is sent, and answers the consent endpoint. Closing the app
 * closes the guard (the consent log writes its queue).
 */
export const consentGuard = fastifyPlugin<ConsentOptions>(consentGuardPlugin, { fastify: '4.x || 5.x', name: '@consent-guard/fastify' });

const MISUSE = 'It appears you have done something like `app.register(consentGuard({ policy }))`, but it should be `app.register(consentGuard, { policy: "./consent-policy.yaml" })`.';

function consentGuardPlugin(app: FastifyInstance, options: Readonly<ConsentOptions>, done: (error?: Error) => void): void {
  if (typeof (app as Partial<FastifyInstance> | undefined)?.addHook !== 'function') throw new TypeError(MISUSE);
  // A bad option or policy fails the app's ready() and listen() with the TypeError or PolicyError.
  try {
    install(app, createGuard(options));
  } catch (error) {
    done(error as Error);
    return;
  }
  done();
}

function install(app: FastifyInstance, guard: Guard): void {
  const { endpoint, declaration } = guard.options;
  // Where this guard keeps each request's guarded response: a field Fastify's requests are built with, not a WeakMap entry per request.
  const guardedResponse = Symbol('consent-guard.response');

  app.decorateRequest('consent', null as unknown as ConsentState);
  app.decorateRequest(guardedResponse, null);
  app.decorate('consentLog', guard.consentLog);
  app.addHook('onClose', (_app, closed) => {
    guard.close().then(() => closed(), closed);
  });
  const held = (request: FastifyRequest) => request as unknown as Record<symbol, GuardedResponse | null>;
  app.addHook('onRoute', sendsWholePages((request) => held(request)[guardedResponse] ?? undefined));
  app.addHook('onRequest', function consentGuardOnRequest(request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction) {
    const guarded = guard.protect(request.raw, reply.raw, new FastifyConnection(request, reply));
    request.consent = guarded.state;
    held(request)[guardedResponse] = guarded;
    const path = pathOf(request.url);
    // Answered before Fastify parses the body: the endpoint reads a form with or without a parser.
    if (endpoint !== false && path === endpoint) {
      answerEndpoint(guard, request, reply, guarded).catch(next);
      return;
    }
    if (declaration !== false && path === declaration && (request.method === 'GET' || request.method === 'HEAD')) {
      headersOnRaw(reply); // the page links its style instead of inlining it under the app's CSP
      send(reply, guard.handleDeclaration(guarded, request.raw));
      return;
    }
    const asset = guard.handleAsset(request.raw, path);
    if (asset) send(reply, asset);
    else next();
  });
}

async function answerEndpoint(guard: Guard, request: FastifyRequest, reply: FastifyReply, guarded: GuardedResponse): Promise<void> {
  headersOnRaw(reply); // the choice page, like the declaration, follows the app's CSP
  const answer = await guard.handleEndpoint(guarded, {
    req: request.raw,
    parsedBody: undefined,
    origin: { protocol: request.protocol, host: requestHost(request) },
  });
  request.consent = guarded.state;
  send(reply, answer);
}

/** Read only when needed: `request.protocol` and `request.ip` follow Fastify's `trustProxy`. */
class FastifyConnection implements Connection {
  readonly #request: FastifyRequest;
  readonly #reply: FastifyReply;

  constructor(request: FastifyRequest, reply: FastifyReply) {
    this.#request = request;
    this.#reply = reply;
  }

  get secure(): boolean {
    return this.#request.protocol === 'https';
  }

  /** The nonce the app put on `reply.cspNonce`, or @fastify/helmet's script nonce (`enableCSPNonces` sets `{ script, style }`). */
  cspNonce(): string | undefined {
    const nonce = (this.#reply as { cspNonce?: unknown }).cspNonce;
    return typeof nonce === 'string' ? nonce : nonceOf(nonce, 'script');
  }

  /** @fastify/helmet's style nonce. */
  cspStyleNonce(): string | undefined {
    return nonceOf((this.#reply as { cspNonce?: unknown }).cspNonce, 'style');
  }

  clientIp(): string | undefined {
    return this.#request.ip;
  }
}

function nonceOf(nonces: unknown, kind: 'script' | 'style'): string | undefined {
  const nonce = typeof nonces === 'object' && nonces !== null ? (nonces as Record<string, unknown>)[kind] : undefined;
  return typeof nonce === 'string' ? nonce : undefined;
}

function send(reply: FastifyReply, answer: EndpointResponse): void {
  reply.code(answer.status).headers(answer.headers);
  // A 304 has no body, and so no Content-Length of one.
  if (answer.status === 304) reply.send();
  else reply.send(answer.body);
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The host the visitor addressed, with its port: X-Forwarded-Host when the app trusts the
 * proxy, else Host. Fastify 5 calls it `request.host`; Fastify 4's `request.hostname` is the same.
 */
function requestHost(request: FastifyRequest): string {
  const { host } = request as { host?: string };
  return host ?? request.hostname;
}
