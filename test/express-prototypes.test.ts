import { createServer, ServerResponse } from 'node:http';
import { consentGuard } from '@consent-guard/express';
import express, { type Request, type Response } from 'express';
import express4 from 'express4';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { POLICY, SECRET, setCookieNames } from './helpers/apps.js';

// The guard hooks Express responses without writing on them (each property written costs
// ~4.5 µs there), through ServerResponse.prototype. Express switches a response's
// prototype per app and sub-app; none of that may let a cookie or a tracker out.
const FLAVOURS = [
  ['express5', express],
  ['express4', express4],
] as const;
const guard = () => consentGuard({ policy: POLICY, secret: SECRET });
const TRACKER_PAGE = '<html><head><script src="https://js.hs-scripts.com/1.js"></script></head><body></body></html>';

/** A marketing and an essential cookie, and a page with a marketing tracker. */
function sendTracked(_req: Request, res: Response) {
  res.cookie('__hstc', '1').cookie('PHPSESSID', '2').type('html').send(TRACKER_PAGE);
}

/** What an undecided visitor must get of `sendTracked`. */
function expectJudged(response: request.Response) {
  expect(setCookieNames(response.headers['set-cookie'])).toEqual(['PHPSESSID']);
  expect(response.text).toContain('data-consent-src="https://js.hs-scripts.com/1.js"');
}

describe.each(FLAVOURS)('%s', (_name, make) => {
  it('should write no hook on the response itself', async () => {
    const app = make();
    app.use(guard());
    app.get('/', (_req, res) => {
      res.json(['writeHead', 'writeHeader', 'writeEarlyHints', 'write', 'end'].filter((name) => Object.hasOwn(res, name)));
    });
    const response = await request(app).get('/').expect(200);
    expect(response.body).toEqual([]);
  });

  it('should judge cookies and pages that a sub-app sends, under a guard on the parent', async () => {
    const app = make();
    const sub = make();
    sub.get('/page', sendTracked);
    app.use(guard());
    app.use('/sub', sub);
    expectJudged(await request(app).get('/sub/page').expect(200));
  });

  it('should judge what the parent sends after a guarded sub-app passed the request on', async () => {
    const app = make();
    const sub = make();
    sub.use(guard());
    app.use('/sub', sub);
    app.use(sendTracked);
    expectJudged(await request(app).get('/sub/missing').expect(200));
  });

  it('should hook a response once for a guard mounted twice behind another guard', async () => {
    const app = make();
    const second = guard();
    app.use(consentGuard({ policy: POLICY, secret: SECRET, banner: false }), second, second);
    app.get('/', (_req, res) => {
      res.type('html').send('<html><body><p>Hi</p></body></html>');
    });
    const response = await request(app).get('/').expect(200);
    expect(response.text.split('id="consent-guard-banner"')).toHaveLength(2);
  });

  it('should let two guards (parent and sub-app) both judge, without judging twice', async () => {
    const app = make();
    const sub = make();
    const events: string[] = [];
    const onReport = (event: { type: string }) => events.push(event.type);
    app.use(consentGuard({ policy: POLICY, secret: SECRET, onReport }));
    sub.use(consentGuard({ policy: POLICY, secret: SECRET, onReport }));
    sub.get('/', (_req, res) => {
      res.cookie('__hstc', '1').send('ok');
    });
    app.use('/sub', sub);
    const response = await request(app).get('/sub/').expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual([]);
    // 'ok' is an HTML fragment: each guard also says why it put no banner in it.
    expect(events.filter((type) => type !== 'html-skipped')).toEqual(['cookie-blocked']);
  });
});

describe('responses the guard does not hold, in the same process', () => {
  it('should behave as Node made them, writeHeader still the alias of writeHead', async () => {
    const app = express();
    app.use(guard());
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    await request(app).get('/').expect(200);
    const plain = createServer((_req, res) => {
      res.writeHead(200, { 'Set-Cookie': '__hstc=1' });
      res.end('plain');
    });
    const response = await request(plain).get('/').expect(200);
    expect(response.text).toBe('plain');
    expect(setCookieNames(response.headers['set-cookie'])).toEqual(['__hstc']);
    expect((ServerResponse.prototype as unknown as { writeHeader: unknown }).writeHeader).toBe(ServerResponse.prototype.writeHead);
  });
});
