import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { consentGuard as expressGuard } from '@consent-guard/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, POLICY, SECRET, setCookieNames, type Framework } from './helpers/apps.js';

const TRY = ['PHPSESSID=1; Path=/', '__hstc=2; Path=/', 'tracker_x=3; Path=/'];
const ALLOWED = ['PHPSESSID'];
const PAGE = fileURLToPath(new URL('./fixtures/page.html', import.meta.url));

describe.each(FRAMEWORKS)('unusual responses on %s', (framework: Framework) => {
  const isExpress = framework.startsWith('express');
  const app = () =>
    createApp(
      framework,
      {},
      {
        express: {
          '/not-modified': (_req, res) => {
            res.set('Set-Cookie', TRY).set('ETag', '"v1"').send('body');
          },
          '/send-file': (_req, res) => {
            res.set('Set-Cookie', TRY).sendFile(PAGE);
          },
          '/throws': (_req, res) => {
            res.set('Set-Cookie', TRY);
            throw new Error('boom');
          },
        },
        koa: {
          '/not-modified': (ctx) => {
            ctx.set('Set-Cookie', TRY);
            ctx.status = 304;
          },
          '/throws': (ctx) => {
            ctx.set('Set-Cookie', TRY);
            ctx.throw(500, 'boom');
          },
          '/throws-with-cookies-in-headers': (ctx) => {
            ctx.throw(418, 'teapot', { headers: { 'Set-Cookie': TRY } });
          },
        },
        fastify: {
          '/not-modified': (_request, reply) => reply.header('set-cookie', TRY).header('ETag', '"v1"').code(304).send(),
          '/throws': (_request, reply) => {
            reply.header('set-cookie', TRY);
            throw new Error('boom');
          },
          '/throws-with-cookies-in-headers': () => {
            // Fastify's error handler sends the headers an error carries.
            throw Object.assign(new Error('teapot'), { statusCode: 418, headers: { 'set-cookie': TRY } });
          },
        },
        raw: {
          '/head': (_req, res) => {
            res.statusCode = 200; // Koa starts every response as a 404
            res.setHeader('Set-Cookie', TRY);
            res.end('body');
          },
        },
      },
    );

  it('should filter cookies on a 304', async () => {
    const response = await request(app()).get('/not-modified').set('If-None-Match', '"v1"').expect(304);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual(ALLOWED);
    expect(response.headers.vary).toMatch(/Cookie/);
  });

  it('should filter cookies on a HEAD response and still say Vary', async () => {
    const response = await request(app()).head('/head').expect(200);
    expect(setCookieNames(response.headers['set-cookie'])).toEqual(ALLOWED);
    expect(response.headers.vary).toMatch(/Cookie/);
  });

  it("should let no denied cookie out of the framework's error page", async () => {
    const response = await request(app()).get('/throws').expect(500);
    expect(setCookieNames(response.headers['set-cookie']).every((name) => ALLOWED.includes(name))).toBe(true);
  });

  if (isExpress) {
    it('should filter cookies on sendFile', async () => {
      const response = await request(app()).get('/send-file').expect(200);
      expect(response.text).toContain('<title>file</title>');
      expect(setCookieNames(response.headers['set-cookie'])).toEqual(ALLOWED);
    });
  } else {
    it('should filter cookies an error carries in its headers', async () => {
      const response = await request(app()).get('/throws-with-cookies-in-headers').expect(418);
      expect(setCookieNames(response.headers['set-cookie'])).toEqual(ALLOWED);
    });
  }
});

describe("an Express app's own error handler", () => {
  it('should have the cookies it sets filtered too', async () => {
    const app = express();
    app.use(expressGuard({ policy: POLICY, secret: SECRET }));
    app.get('/', () => {
      throw new Error('boom');
    });
    app.use((_error: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.cookie('__hstc', 'from-error-handler').cookie('PHPSESSID', 'kept').status(500).send('sorry');
    });
    const response = await request(app).get('/').expect(500, 'sorry');
    expect(setCookieNames(response.headers['set-cookie'])).toEqual(['PHPSESSID']);
  });
});

describe('1xx early hints and trailers', () => {
  const app = express();
  app.use(expressGuard({ policy: POLICY, secret: SECRET }));
  app.get('/early-hints', (_req, res) => {
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style', 'set-cookie': TRY });
    res.end('ok');
  });
  app.get('/trailers', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', Trailer: 'Set-Cookie, X-Checksum' });
    res.write('body');
    res.addTrailers({ 'Set-Cookie': TRY, 'X-Checksum': 'abc' });
    res.end();
  });
  app.get('/trailers-before-head', (_req, res) => {
    res.addTrailers([['Set-Cookie', TRY[1]!], ['Set-Cookie', TRY[0]!], ['X-Checksum', 'abc']] as never);
    res.write('body');
    res.end();
  });
  const server = app.listen(0);
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function get(path: string): Promise<{ hints: IncomingHttpHeaders[]; headers: IncomingHttpHeaders; trailers: NodeJS.Dict<string> }> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const hints: IncomingHttpHeaders[] = [];
      const req = httpRequest({ port, path }, (res) => {
        res.resume();
        res.on('end', () => resolve({ hints, headers: res.headers, trailers: res.trailers }));
      });
      req.on('information', (info) => hints.push(info.headers));
      req.on('error', reject);
      req.end();
    });
  }

  it('should filter Set-Cookie in a 103 Early Hints response', async () => {
    const { hints } = await get('/early-hints');
    expect(hints).toHaveLength(1);
    expect(hints[0]!.link).toBe('</style.css>; rel=preload; as=style');
    expect(setCookieNames(hints[0]!['set-cookie'])).toEqual(ALLOWED);
  });

  it('should filter Set-Cookie in trailers added before the head', async () => {
    const { trailers } = await get('/trailers-before-head');
    expect(trailers['x-checksum']).toBe('abc');
    expect(trailers['set-cookie']).toEqual(['PHPSESSID=1; Path=/']);
  });

  it('should filter Set-Cookie in trailers and keep the other trailer fields', async () => {
    const { trailers } = await get('/trailers');
    expect(trailers['x-checksum']).toBe('abc');
    expect(trailers['set-cookie']).toEqual(['PHPSESSID=1; Path=/']);
  });
});
