import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo, type DemoFramework } from './e2e/demo.js';

// The demos as `npm start` runs them, over HTTP (the browser tests in test/e2e drive them in Chromium).
describe.each<DemoFramework>(['express', 'koa'])('the %s demo over HTTP', (framework) => {
  let demo: Demo;
  beforeAll(async () => {
    demo = await startDemo(framework);
  }, 30_000);
  afterAll(() => demo?.stop());

  it('should have an icon', async () => {
    const response = await fetch(`${demo.origin}/favicon.ico`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await response.text()).toMatch(/^<svg /);
  });

  it('should keep its *.localhost stand-in hosts out of the declaration visitors read', async () => {
    const declaration = await (await fetch(`${demo.origin}/cookie-policy`)).text();
    // HubSpot comes from the catalogue: declared as a service, with its provider and privacy policy.
    expect(declaration).toContain('<th scope="row">HubSpot tracking code</th><td data-label="Provider">HubSpot</td>');
    expect(declaration).not.toContain('localhost');
  });

  it('should carry a state box that the banner\'s in-place choice updates', async () => {
    const page = await (await fetch(`${demo.origin}/`)).text();
    expect(page).toContain('decided <b data-state="decided">false</b>');
    expect(page).toContain("document.addEventListener('consent-guard:state'");
    // The banner's script announces the state it learns.
    expect(page).toContain("new CustomEvent('consent-guard:state', { detail: state })");
  });
});
