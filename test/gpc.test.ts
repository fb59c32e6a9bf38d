import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, htmlPage, type Framework, type Options } from './helpers/apps.js';

const PAGE = '<!doctype html><html><head><title>t</title></head><body><p>Hi</p></body></html>';
const NOTICE = 'Your browser asks sites not to sell or share your data (Global Privacy Control), so these stay off unless you turn them on here: Marketing.';

describe.each(FRAMEWORKS)('Global Privacy Control on %s', (framework: Framework) => {
  const app = (options: Options = {}) =>
    createApp(framework, options, {
      raw: {
        '/page': htmlPage(PAGE),
      },
    });

  it('should declare that the site honours it at /.well-known/gpc.json', async () => {
    const response = await request(app()).get('/.well-known/gpc.json').expect(200);
    expect(response.body).toEqual({ gpc: true, lastUpdate: '2018-09-10' });
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    await request(app()).get('/.well-known/gpc.json').set('If-None-Match', response.headers.etag!).expect(304);
  });

  it('should leave /.well-known/gpc.json to the app when no category honours GPC', async () => {
    const policy = { revision: '2024-01-01', categories: { essential: { label: 'Essential', required: true }, stats: { label: 'Statistics' } } };
    await request(app({ policy })).get('/.well-known/gpc.json').expect(404);
  });

  it('should tell a visitor whose browser sends it why marketing is off', async () => {
    expect((await request(app()).get('/page').set('Sec-GPC', '1').expect(200)).text).toContain(`<p data-consent-gpc>${NOTICE}</p>`);
    expect((await request(app()).get('/page').expect(200)).text).not.toContain('<p data-consent-gpc');
  });

  it('should leave it to the browser on a shared page: hidden, for the script to show', async () => {
    const [withSignal, without] = await Promise.all([
      request(app({ cache: 'shared' })).get('/page').set('Sec-GPC', '1').expect(200),
      request(app({ cache: 'shared' })).get('/page').expect(200),
    ]);
    expect(withSignal.text).toContain(`<p data-consent-gpc hidden>${NOTICE}</p>`);
    expect(withSignal.text).toBe(without.text);
  });
});
