import { createConsentStats } from '@consent-guard/express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, htmlPage, type Framework } from './helpers/apps.js';

const PAGE = `<!doctype html><html><head><title>t</title><script src="https://js.hs-scripts.com/4242.js"></script></head>
<body><iframe src="https://www.google.com/maps/embed?pb=1" title="Map"></iframe><img src="https://track.hubspot.com/__ptq.gif?k=1" alt="">
<video data-consent-category="videos"></video></body></html>`;

describe.each(FRAMEWORKS)('createConsentStats on %s', (framework: Framework) => {
  it('should count, in report-only mode, exactly what enforcement would change', async () => {
    const stats = createConsentStats();
    const app = createApp(
      framework,
      { mode: 'report-only', onReport: stats.record },
      {
        raw: {
          '/page': htmlPage(PAGE, { 'Set-Cookie': ['PHPSESSID=s; Path=/', '__hstc=h; Path=/', 'mystery=1; Path=/'] }),
        },
      },
    );
    for (let visit = 0; visit < 2; visit++) {
      const response = await request(app).get('/page').set('Cookie', '_ga=GA1.1.1').expect(200);
      expect(response.text).toBe(PAGE); // report-only: nothing changed
      expect(response.headers['set-cookie']).toHaveLength(3);
    }
    await request(app).post('/consent').send({ action: 'accept-all' }).expect(200);
    const { events, rows } = stats.snapshot();
    expect(rows).toEqual([
      { type: 'cookie-blocked', subject: '__hstc', category: 'marketing', detail: 'not-granted', count: 2 },
      { type: 'cookie-purged', subject: '_ga', category: 'performance', detail: undefined, count: 2 },
      { type: 'cookie-undeclared', subject: 'mystery', category: undefined, detail: 'blocked', count: 2 },
      { type: 'tag-neutralized', subject: 'Google Maps', category: 'functionality', detail: 'www.google.com', count: 2 },
      { type: 'tag-neutralized', subject: 'HubSpot tracking code', category: 'marketing', detail: 'js.hs-scripts.com', count: 2 },
      { type: 'tag-neutralized', subject: 'HubSpot tracking code', category: 'marketing', detail: 'track.hubspot.com', count: 2 },
      { type: 'unknown-category', subject: '<video>', category: 'videos', detail: undefined, count: 2 },
      { type: 'consent-changed', subject: 'endpoint', category: undefined, detail: 'accept-all', count: 1 },
    ]);
    expect(events).toBe(15);
    const [title, ...table] = stats.summary().split('\n');
    expect(title).toMatch(/^consent-guard: 15 events since \d{4}-\d\d-\d\dT/);
    expect(table.slice(0, 3)).toEqual([
      'count  event              subject                category       detail',
      '    2  cookie-blocked     __hstc                 marketing      not-granted',
      '    2  cookie-purged      _ga                    performance',
    ]);
    stats.reset();
    expect(stats.snapshot()).toMatchObject({ events: 0, rows: [] });
  });
});
