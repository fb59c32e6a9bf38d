import { consentGuard as expressGuard } from '@consent-guard/express';
import { consentGuard as koaGuard } from '@consent-guard/koa';
import { loadPolicy } from '@consent-guard/core';
import express from 'express';
import express4 from 'express4';
import session from 'express-session';
import Koa from 'koa';
import Koa2 from 'koa2';
import koaSession from 'koa-session';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { POLICY, SECRET, setCookieNames } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';

// Session middleware sets its cookie at header time (express-session through on-headers)
// or after the app's middleware returned (koa-session). Declared as functionality here,
// it must leave only when functionality is granted, whichever side of the guard it sits.
const base = loadPolicy(POLICY);
const policy = {
  ...base,
  cookies: [...base.cookies, { name: 'connect.sid', category: 'functionality' }, { name: 'koa.sess', category: 'functionality' }],
};

type Order = 'before' | 'after';

function expressApp(flavour: 'express5' | 'express4', order: Order) {
  const app = flavour === 'express5' ? express() : express4();
  const guard = expressGuard({ policy, secret: SECRET });
  const sessions = session({ secret: 's', resave: false, saveUninitialized: true, name: 'connect.sid' });
  if (order === 'before') app.use(sessions, guard);
  else app.use(guard, sessions);
  app.get('/', (_req, res) => {
    res.cookie('__hstc', '1');
    res.send('ok');
  });
  return app;
}

function koaApp(flavour: 'koa3' | 'koa2', order: Order) {
  const app = flavour === 'koa3' ? new Koa() : new Koa2();
  app.silent = true;
  const guard = koaGuard({ policy, secret: SECRET });
  const sessions = koaSession({ key: 'koa.sess', signed: false }, app as Koa);
  if (order === 'before') app.use(sessions).use(guard);
  else app.use(guard).use(sessions);
  app.use((ctx) => {
    (ctx.session as { views?: number }).views = 1;
    ctx.cookies.set('__hstc', '1');
    ctx.body = 'ok';
  });
  return app.callback();
}

const CASES = [
  ...(['express5', 'express4'] as const).flatMap((flavour) =>
    (['before', 'after'] as const).map((order) => ({ name: `express-session (${flavour}) mounted ${order} the guard`, app: () => expressApp(flavour, order), cookie: 'connect.sid' })),
  ),
  ...(['koa3', 'koa2'] as const).flatMap((flavour) =>
    (['before', 'after'] as const).map((order) => ({ name: `koa-session (${flavour}) mounted ${order} the guard`, app: () => koaApp(flavour, order), cookie: 'koa.sess' })),
  ),
];

describe.each(CASES)('$name', ({ app, cookie }) => {
  let functionality = '';
  let everything = '';
  beforeAll(async () => {
    functionality = await consentCookie({ action: 'save', categories: ['functionality'] });
    everything = await consentCookie({ action: 'accept-all' });
  });

  it('should block the session cookie while undecided', async () => {
    const response = await request(app()).get('/').expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual([]);
  });

  it('should let the session cookie leave when its category is granted, and nothing else', async () => {
    const response = await request(app()).get('/').set('Cookie', functionality).expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual([cookie]);
  });

  it('should let both leave after accept-all', async () => {
    const response = await request(app()).get('/').set('Cookie', everything).expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual([cookie, '__hstc'].sort());
  });
});

describe('report-only mode with express-session mounted before the guard', () => {
  it('should report each blocked cookie once although the session re-sets the whole list', async () => {
    const events: string[] = [];
    const app = express();
    app.use(session({ secret: 's', resave: false, saveUninitialized: true }));
    app.use(expressGuard({ policy, secret: SECRET, mode: 'report-only', onReport: (event) => events.push(`${event.type}:${'name' in event ? event.name : ''}`) }));
    app.get('/', (_req, res) => {
      res.cookie('__hstc', '1').send('ok');
    });
    const response = await request(app).get('/').expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual(['__hstc', 'connect.sid']);
    expect(events).toEqual(['cookie-blocked:__hstc', 'cookie-blocked:connect.sid']);
  });
});
