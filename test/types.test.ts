import type { ConsentState } from '@consent-guard/core';
import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { POLICY } from './helpers/apps.js';

// `npm run typecheck` checks the expectTypeOf lines: the state is typed where apps read it.
describe('the visitor\'s consent in an app', () => {
  it('should be a typed ConsentState on Express\'s res.locals.consent', async () => {
    const app = express();
    app.use(expressGuard({ policy: POLICY }));
    app.get('/', (_req, res) => {
      expectTypeOf(res.locals.consent).toEqualTypeOf<ConsentState>();
      res.json({ decided: res.locals.consent.decided, maps: res.locals.consent.granted.includes('functionality') });
    });
    expect((await request(app).get('/')).body).toEqual({ decided: false, maps: false });
  });

  it('should be a typed ConsentState on Koa\'s ctx.state.consent', async () => {
    const app = new Koa();
    app.use(koaGuard({ policy: POLICY }));
    app.use((ctx) => {
      expectTypeOf(ctx.state.consent).toEqualTypeOf<ConsentState>();
      ctx.body = { decided: ctx.state.consent.decided, maps: ctx.state.consent.granted.includes('functionality') };
    });
    expect((await request(app.callback()).get('/')).body).toEqual({ decided: false, maps: false });
  });
});
