import { loadPolicy } from '@consent-guard/core';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, FRAMEWORKS, POLICY, type Framework } from './helpers/apps.js';
import { consentCookie } from './helpers/consent.js';
import { ALL_TYPES, consentModeDefault } from './helpers/consent-mode.js';

// A page written at once is not rewritten at all when nothing in it can change: no tracker
// of a denied category exists (here: the only denied category, "preferences", has none) and
// the visitor has decided. Author-marked tags and a Google tag must still be handled.
const base = loadPolicy(POLICY);
const policy = {
  ...base,
  categories: { ...base.categories, preferences: { label: 'Preferences', description: 'Remembers choices.', required: false, gpc: false, consentMode: [] } },
};
const HTML = 'text/html; charset=utf-8';
const TRACKED = '<p>Hi</p><script src="https://js.hs-scripts.com/1.js"></script><img src="https://www.google.com/maps/x.png">';
const MARKED = '<p>Hi</p><iframe data-consent-category="preferences" src="https://prefs.example/frame"></iframe>';
const GOOGLE = '<head><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script></head>';

function app(framework: Framework, body: string) {
  return createApp(framework, { policy }, { raw: { '/': (_req, res) => (res.statusCode = 200, res.setHeader('Content-Type', HTML), res.end(body)) } });
}

describe.each(FRAMEWORKS)('a visitor whose denied categories have no trackers, on %s', (framework) => {
  let cookie = '';
  beforeAll(async () => {
    cookie = await consentCookie({ action: 'save', categories: ['functionality', 'performance', 'marketing'] }, { policy });
  });

  it('should get the page byte for byte, trackers of granted categories live', async () => {
    const response = await request(app(framework, TRACKED)).get('/').set('Cookie', cookie).expect(200);
    expect(response.text).toBe(TRACKED);
  });

  it('should still get an author-marked tag of the denied category neutralized', async () => {
    const response = await request(app(framework, MARKED)).get('/').set('Cookie', cookie).expect(200);
    expect(response.text).toContain('<iframe data-consent-category="preferences" data-consent-src="https://prefs.example/frame"');
  });

  it('should still get the Consent Mode default before a Google tag', async () => {
    const response = await request(app(framework, GOOGLE)).get('/').set('Cookie', cookie).expect(200);
    expect(response.text).toBe(`<head>${consentModeDefault(ALL_TYPES)}${GOOGLE.slice('<head>'.length)}`);
  });
});
