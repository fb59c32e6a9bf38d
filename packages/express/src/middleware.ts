import { createGuard, type ConsentOptions, type ConsentState, type Connection, type EndpointResponse, type Guard, type GuardedResponse } from '@consent-guard/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

declare global {
  // Express types res.locals through this global interface.
  namespace Express {
    interface Locals {
      /** The visitor's consent, set by `consentGuard()` for every request after it. */
      consent: ConsentState;
    }
  }
}

/** The middleware, with the consent log (`consentLog` option) and `close()` for shutdown. */
export type ConsentGuardMiddleware = RequestHandler & Pick<Guard, 'consentLog' | 'close'>;

/**
 * Express middleware (Express 5 and 4). Validates the options and the policy now, throwing
 * a `TypeError` or `PolicyError` at startup, then on every request: reads the visitor's
 * consent into `res.locals.consent`, filters every Set-Cookie just before the head is sent,
 * and answers the consent endpoint.
 */
export function consentGuard(options: Readonly<ConsentOptions>): ConsentGuardMiddleware {
  const guard = createGuard(options);
  const { endpoint, declaration } = guard.options;

  return Object.assign(consentGuardMiddleware, { consentLog: guard.consentLog, close: guard.close });

  function consentGuardMiddleware(req: Request, res: Response, next: NextFunction) {
    const guarded = guard.protect(req, res, new ExpressConnection(req, res));
    res.locals.consent = guarded.state;
    const path = req.path;
    if (endpoint !== false && path === endpoint) {
      answerEndpoint(req, res, guarded).catch(next);
      return;
    }
    if (declaration !== false && path === declaration && (req.method === 'GET' || req.method === 'HEAD')) {
      send(res, guard.handleDeclaration(guarded, req));
      return;
    }
    const asset = guard.handleAsset(req, path);
    if (asset) send(res, asset);
    else next();
  }

  async function answerEndpoint(req: Request, res: Response, guarded: GuardedResponse) {
    const answer = await guard.handleEndpoint(guarded, {
      req,
      parsedBody: (req as { body?: unknown }).body,
      origin: { protocol: req.protocol, host: requestHost(req) },
    });
    res.locals.consent = guarded.state;
    send(res, answer);
  }
}

/** Read only when needed: `req.secure` runs Express's trust-proxy check. */
class ExpressConnection implements Connection {
  readonly #req: Request;
  readonly #res: Response;

  constructor(req: Request, res: Response) {
    this.#req = req;
    this.#res = res;
  }

  get secure(): boolean {
    return this.#req.secure;
  }

  cspNonce(): string | undefined {
    return this.#res.locals.cspNonce as string | undefined;
  }

  clientIp(): string | undefined {
    return this.#req.ip;
  }
}

function send(res: Response, answer: EndpointResponse): void {
  res.status(answer.status).set(answer.headers).end(answer.body);
}

/**
 * The host the visitor addressed, with its port: X-Forwarded-Host when the app trusts the
 * proxy (as Express's own req.hostname decides), else Host. Works on Express 4 and 5.
 */
function requestHost(req: Request): string {
  const trust = req.app.get('trust proxy fn') as ((address: string | undefined, hop: number) => boolean) | undefined;
  const forwarded = req.get('x-forwarded-host');
  const host = forwarded && trust?.(req.socket.remoteAddress, 0) ? forwarded : req.get('host');
  return host?.split(',')[0]?.trim() ?? '';
}
