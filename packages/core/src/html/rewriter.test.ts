import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGuard } from '../guard.js';
import { MAX_INLINE_SCRIPT_BYTES, MAX_READ_BYTES, MAX_TAG_BYTES } from './rewriter.js';
import { wasmMemoryBytes } from './wasm-tokenizer.js';
import { rewrite, TEST_POLICY, type RewriteOptions } from './test-support.js';

const out = (html: string, options: RewriteOptions = {}) => rewrite(html, options).output.toString('utf8');
const PLACEHOLDER = /srcdoc="&lt;!doctype html&gt;[^"]*" data-consent-placeholder/;

describe('neutralizing tracker tags for a visitor who granted nothing optional', () => {
  it.each([
    [
      'an external script',
      '<script src="https://js.hs-scripts.com/1.js" async></script>',
      '<script data-consent-src="https://js.hs-scripts.com/1.js" async type="text/plain" data-consent-category="marketing"></script>',
    ],
    [
      'a module script, protocol-relative, unquoted',
      '<script type=module src=//js.hs-scripts.com/1.js></script>',
      '<script type="text/plain" data-consent-type=module data-consent-src=//js.hs-scripts.com/1.js data-consent-category="marketing"></script>',
    ],
    [
      'an inline script by its signature',
      "<script>var _hsq = window._hsq = []; _hsq.push(['setPath', '/'])</script>",
      "<script type=\"text/plain\" data-consent-category=\"marketing\">var _hsq = window._hsq = []; _hsq.push(['setPath', '/'])</script>",
    ],
    [
      'an inline script with a type',
      "<script type='text/javascript'>ga('create'); window.GoogleAnalyticsObject='ga'</script>",
      "<script type=\"text/plain\" data-consent-type='text/javascript' data-consent-category=\"performance\">ga('create'); window.GoogleAnalyticsObject='ga'</script>",
    ],
    [
      'a pixel',
      '<img src="https://track.hubspot.com/__ptq.gif?a=1&amp;b=2" alt="">',
      '<img data-consent-src="https://track.hubspot.com/__ptq.gif?a=1&amp;b=2" alt="" data-consent-category="marketing">',
    ],
    [
      'a pixel in a srcset only, self-closed',
      '<img src="/logo.png" srcset="/logo2.png 2x, https://b.scorecardresearch.com/p?c1=2 3x" />',
      '<img data-consent-src="/logo.png" data-consent-srcset="/logo2.png 2x, https://b.scorecardresearch.com/p?c1=2 3x" data-consent-category="performance" />',
    ],
    [
      'a source in a picture',
      '<picture><source srcset="https://pixel.quantserve.com/a.webp"><img src="/a.png"></picture>',
      '<picture><source data-consent-srcset="https://pixel.quantserve.com/a.webp" data-consent-category="performance"><img src="/a.png"></picture>',
    ],
    [
      'a preconnect and a stylesheet',
      '<link rel="preconnect" href="https://js.hs-scripts.com"><link rel=stylesheet href="//www.googletagmanager.com/a.css">',
      '<link rel="preconnect" data-consent-href="https://js.hs-scripts.com" data-consent-category="marketing"><link rel=stylesheet data-consent-href="//www.googletagmanager.com/a.css" data-consent-category="performance">',
    ],
    [
      'uppercase markup',
      '<SCRIPT SRC="HTTPS://CONNECT.FACEBOOK.NET/en_US/sdk.js"></SCRIPT>',
      '<SCRIPT data-consent-src="HTTPS://CONNECT.FACEBOOK.NET/en_US/sdk.js" type="text/plain" data-consent-category="marketing"></SCRIPT>',
    ],
    [
      'an entity-encoded URL',
      '<script src="https:&#x2F;&#x2F;connect.facebook.net&sol;sdk.js"></script>',
      '<script data-consent-src="https:&#x2F;&#x2F;connect.facebook.net&sol;sdk.js" type="text/plain" data-consent-category="marketing"></script>',
    ],
    [
      'every duplicate src',
      '<script src="https://js.hs-scripts.com/1.js" src="https://js.hs-scripts.com/2.js"></script>',
      '<script data-consent-src="https://js.hs-scripts.com/1.js" data-consent-src="https://js.hs-scripts.com/2.js" type="text/plain" data-consent-category="marketing"></script>',
    ],
    [
      'a tracker in noscript',
      '<noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=1&ev=PageView"></noscript>',
      '<noscript><img height="1" width="1" data-consent-src="https://www.facebook.com/tr?id=1&ev=PageView" data-consent-category="marketing"></noscript>',
    ],
    [
      'a tracker in a template',
      '<template><script src="https://platform.twitter.com/widgets.js"></script></template>',
      '<template><script data-consent-src="https://platform.twitter.com/widgets.js" type="text/plain" data-consent-category="marketing"></script></template>',
    ],
  ])('should neutralize %s', (_name, input, expected) => {
    expect(out(input)).toBe(expected);
    expect(out(input, { granted: ['functionality', 'performance', 'marketing'] })).toBe(input);
  });

  it('should keep images, links and frames that load from this site, and block those that only look as if they did', () => {
    const kept = ['<img src="/img/a.png" srcset="/img/a-2x.png 2x, img/a-3x.png 3x" alt="">', '<picture><source srcset="/a.webp 1x,/a2.webp 2x"><img src=a.png></picture>', '<img src="/a b/c.png" SRCSET=\'/x.png\'>'];
    for (const html of kept) expect(out(html), html).toBe(html);
    const pixel = 'track.hubspot.com/p.gif';
    for (const src of [`//${pixel}`, `/\\${pixel}`, `\\\\${pixel}`, `/&#47;${pixel}`, `/&sol;${pixel}`, `/\n/${pixel}`, `/\t/${pixel}`, ` //${pixel}`, `HTTPS://${pixel}`, `https://${pixel}`]) {
      expect(out(`<img src="${src}">`), src).toBe(`<img data-consent-src="${src}" data-consent-category="marketing">`);
      // The same value in one of several loading attributes, in a srcset (where white space separates candidates).
      if (/[\t\n]/.test(src)) continue;
      expect(out(`<img src="/a.png" SRC="/b.png" srcset="/a.png 1x, ${src} 2x">`), src).toBe(`<img data-consent-src="/a.png" data-consent-src="/b.png" data-consent-srcset="/a.png 1x, ${src} 2x" data-consent-category="marketing">`);
    }
    expect(out(`<source srcset="/a.png 1x,//${pixel} 2x">`)).toBe(`<source data-consent-srcset="/a.png 1x,//${pixel} 2x" data-consent-category="marketing">`);
    expect(out(`<img SrcSet="/a.png,//${pixel}">`)).toBe(`<img data-consent-srcset="/a.png,//${pixel}" data-consent-category="marketing">`);
    // Links and frames, by their own loading attributes.
    for (const html of ['<link rel=stylesheet href="/css/site.css">', '<link rel=preload as=image imagesrcset="/a.png 1x, /b.png 2x" href="/a.png">', '<iframe src="/embed/video?id=1" title="x"></iframe>']) expect(out(html), html).toBe(html);
    expect(out(`<link rel=preload as=image href="/a.png" imagesrcset="/a.png 1x, //${pixel} 2x">`)).toBe(`<link rel=preload as=image data-consent-href="/a.png" data-consent-imagesrcset="/a.png 1x, //${pixel} 2x" data-consent-category="marketing">`);
    expect(out('<LINK HREF="/\\js.hs-scripts.com/1.js" rel=preload>')).toBe('<LINK data-consent-href="/\\js.hs-scripts.com/1.js" rel=preload data-consent-category="marketing">');
    // A script from elsewhere than a tracker: its text is still script, not markup, and what follows is judged as ever.
    const pages = [
      ['<script src="/a.js"><img src="https://track.hubspot.com/x"></script><img src="https://track.hubspot.com/y">', '<script src="/a.js"><img src="https://track.hubspot.com/x"></script><img data-consent-src="https://track.hubspot.com/y" data-consent-category="marketing">'],
      ['<script src="https://cdn.example.com/a.js"></script><script>_hsq.push(1)</script>', '<script src="https://cdn.example.com/a.js"></script><script type="text/plain" data-consent-category="marketing">_hsq.push(1)</script>'],
      ['<svg><script src="/a.js"/></svg><script>_hsq.push(1)</script>', '<svg><script src="/a.js"/></svg><script type="text/plain" data-consent-category="marketing">_hsq.push(1)</script>'],
      // In SVG a script's text is markup: the next end tag is another script's.
      ['<svg><script src="/a.js"/><script>_hsq.push(1)</script></svg><img src="https://track.hubspot.com/y">', '<svg><script src="/a.js"/><script type="text/plain" data-consent-category="marketing">_hsq.push(1)</script></svg><img data-consent-src="https://track.hubspot.com/y" data-consent-category="marketing">'],
      ['<iframe src="/frame"><script>_hsq.push(1)</script></iframe><script>_hsq.push(2)</script>', '<iframe src="/frame"><script>_hsq.push(1)</script></iframe><script type="text/plain" data-consent-category="marketing">_hsq.push(2)</script>'],
    ];
    for (const [html, expected] of pages) {
      expect(out(html!), html).toBe(expected);
      for (let cut = 1; cut < html!.length; cut++) expect(rewrite(html!, { cuts: [cut] }).output.toString(), `${html} cut at ${cut}`).toBe(expected);
    }
    // Hosts: a tracker's however written, another site's kept.
    for (const html of ['<img src="https://cdn.example.com/a.png" srcset="//cdn.example.com/a2.png 2x,HTTP://img.example.org:8080/b.png?x=1 3x">', '<link rel=stylesheet href="https://fonts.example.net/css?family=x">', '<img src="data:image/gif;base64,R0lGOD">', '<img src="https://hubspot.com.example/a.png">']) expect(out(html), html).toBe(html);
    for (const url of ['https://TRACK.HUBSPOT.COM/p.gif', 'https://a.b.track.hubspot.com./p.gif', '//track.hubspot.com:8443/p.gif', 'https://track.hubspot.com?x', 'https://track.hubspot.com#x', 'https://track.hubspot.com', 'https://user@track.hubspot.com/p.gif', 'https://track%2ehubspot.com/p.gif', 'https:/\\track.hubspot.com/p.gif', 'https://track.hubspot.com\\p.gif']) {
      expect(out(`<img src="${url}">`), url).toBe(`<img data-consent-src="${url}" data-consent-category="marketing">`);
      expect(out(`<img srcset="https://cdn.example.com/a.png 1x, ${url} 2x">`), url).toBe(`<img data-consent-srcset="https://cdn.example.com/a.png 1x, ${url} 2x" data-consent-category="marketing">`);
    }
    // A host with a path rule (www.google.com/maps) is looked at whatever the path.
    expect(out('<iframe src="https://www.google.com/maps/embed?pb=1"></iframe>')).toContain('data-consent-src');
    expect(out('<iframe src="https://www.google.com/search?q=1"></iframe>')).toBe('<iframe src="https://www.google.com/search?q=1"></iframe>');
    expect(out('<iframe src="/&#47;www.youtube.com/embed/x"></iframe>')).toMatch(/^<iframe data-consent-src="\/&#47;www.youtube.com\/embed\/x" data-consent-category="functionality" srcdoc="[^"]+" data-consent-placeholder><\/iframe>$/);
  });

  it('should block a tag when any of its trackers is denied, whatever the others', () => {
    const granted = { granted: ['performance'] };
    expect(out('<img src="https://b.scorecardresearch.com/p" srcset="https://track.hubspot.com/p 2x">', granted)).toBe(
      '<img data-consent-src="https://b.scorecardresearch.com/p" data-consent-srcset="https://track.hubspot.com/p 2x" data-consent-category="marketing">',
    );
    expect(out('<script>_gaq.push(1); _hsq.push(2)</script>', granted)).toBe('<script type="text/plain" data-consent-category="marketing">_gaq.push(1); _hsq.push(2)</script>');
  });

  it('should leave a script typed text/plain alone, however the type is written, and block one whose type only looks so', () => {
    for (const type of ['text/plain', ' TEXT/Plain\t', "'text/plain'", '\u00a0text/plain\u2028']) {
      const html = `<script type=${type.startsWith("'") ? type : `"${type}"`}>_hsq.push(1)</script>`;
      expect(out(html), type).toBe(html);
    }
    for (const type of ['text/plainx', 'text/ plain', 'text/pla\u0130n', '']) {
      expect(out(`<script type="${type}">_hsq.push(1)</script>`), type).toBe(`<script type="text/plain" data-consent-type="${type}" data-consent-category="marketing">_hsq.push(1)</script>`);
    }
    expect(out('<script type>_hsq.push(1)</script>')).toBe('<script type="text/plain" data-consent-type="" data-consent-category="marketing">_hsq.push(1)</script>');
  });

  it('should give a blocked iframe a placeholder that offers consent', () => {
    const result = out('<iframe src="https://www.google.com/maps/embed?pb=1" width="600"></iframe>', { granted: ['performance'] });
    expect(result).toMatch(/^<iframe data-consent-src="https:\/\/www.google.com\/maps\/embed\?pb=1" width="600" data-consent-category="functionality" srcdoc="[^"]+" data-consent-placeholder><\/iframe>$/);
    expect(result).toMatch(PLACEHOLDER);
    const srcdoc = /srcdoc="([^"]*)"/.exec(result)![1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    expect(srcdoc).toContain('<form method="post" action="/consent" target="_top">');
    expect(srcdoc).toContain('<input type="hidden" name="categories" value="essential"><input type="hidden" name="categories" value="performance"><input type="hidden" name="categories" value="functionality">');
    expect(srcdoc).toContain('<input type="hidden" name="return_to" value="/page?x=1">');
    expect(srcdoc).toContain('This content from <strong>Google Maps</strong> needs your consent to <strong>Functionality</strong> cookies.');
  });

  it('should put a placeholder frame after a blocked embed and inside a blocked object', () => {
    expect(out('<embed src="https://www.youtube.com/embed/x">')).toMatch(
      /^<embed data-consent-src="https:\/\/www.youtube.com\/embed\/x" data-consent-category="functionality"><iframe data-consent-placeholder="functionality" title="YouTube" style="[^"]+" srcdoc="[^"]+"><\/iframe>$/,
    );
    expect(out('<object data="https://www.youtube.com/embed/x"><p>fallback</p></object>')).toMatch(
      /^<object data-consent-data="https:\/\/www.youtube.com\/embed\/x" data-consent-category="functionality"><iframe data-consent-placeholder="functionality"[^>]+><\/iframe><p>fallback<\/p><\/object>$/,
    );
  });

  it('should escape everything taken from the policy in placeholders', () => {
    const policy = { ...TEST_POLICY, categories: { ...TEST_POLICY.categories, functionality: { label: '<script>alert("x")</script>\' &' } } };
    const result = out('<iframe src="https://maps.google.com/x"></iframe>', { policy });
    expect(result).not.toMatch(/<script>alert/);
    const srcdoc = /srcdoc="([^"]*)"/.exec(result)![1]!;
    expect(srcdoc).not.toMatch(/["<>]/);
    expect(srcdoc).toContain('&amp;lt;script&amp;gt;alert(&amp;quot;x&amp;quot;)');
  });

  it('should leave markup that only looks like a tracker tag alone', () => {
    const tricky = [
      '<!-- <script src="https://js.hs-scripts.com/1.js"></script> -->',
      '<script>document.write(\'<img src="https://track.hubspot.com/x">\')</script>',
      '<textarea><script src="https://js.hs-scripts.com/1.js"></script></textarea>',
      '<title><img src="https://track.hubspot.com/x"></title>',
      '<style>a::after { content: "<img src=https://track.hubspot.com/x>" }</style>',
      '<img alt="<script src=https://js.hs-scripts.com/1.js>" src="/x.png">',
      '<a href="https://js.hs-scripts.com/1.js">a link</a>',
      '<script type="application/ld+json">{"url": "https://js.hs-scripts.com"}</script>',
      '<div data-src="https://js.hs-scripts.com/1.js"></div>',
      '<plaintext><script src="https://js.hs-scripts.com/1.js"></script>',
    ].join('\n');
    expect(out(tricky)).toBe(tricky);
  });

  it('should pass multi-byte characters and a BOM through untouched, however split', () => {
    const page = '\uFEFF<p>Måløy — 日本語 🍪</p><img src="https://track.hubspot.com/x" alt="Æ">';
    const bytes = Buffer.from(page);
    const whole = rewrite(bytes).output;
    expect(whole.toString()).toBe('\uFEFF<p>Måløy — 日本語 🍪</p><img data-consent-src="https://track.hubspot.com/x" alt="Æ" data-consent-category="marketing">');
    expect(rewrite(bytes, { cuts: Array.from(bytes.keys()) }).output).toEqual(whole);
  });

  it('should report every neutralized tag', () => {
    const { events } = rewrite('<script src="https://js.hs-scripts.com/1.js"></script><script>_gaq.push(1)</script>');
    expect(events).toEqual([
      { type: 'tag-neutralized', element: 'script', category: 'marketing', tracker: 'HubSpot', url: 'https://js.hs-scripts.com/1.js' },
      { type: 'tag-neutralized', element: 'script', category: 'performance', tracker: 'Google Analytics', url: undefined },
    ]);
  });

  it('should change nothing in report-only mode, and report the same', () => {
    const page = '<script src="https://js.hs-scripts.com/1.js"></script><iframe src="https://maps.google.com/"></iframe>';
    const { output, events } = rewrite(page, { mode: 'report-only' });
    expect(output.toString()).toBe(page);
    expect(events.map((e) => e.type)).toEqual(['tag-neutralized', 'tag-neutralized']);
  });

  it('should judge an inline script by its first 64 KB only', () => {
    const late = `<script>${'x'.repeat(MAX_INLINE_SCRIPT_BYTES)};_hsq.push(1)</script>`;
    expect(out(late)).toBe(late);
    const early = `<script>_hsq.push(1);${'x'.repeat(MAX_INLINE_SCRIPT_BYTES)}</script>`;
    expect(out(early)).toBe(early.replace('<script>', '<script type="text/plain" data-consent-category="marketing">'));
  });
});

describe('author-marked elements', () => {
  it('should activate inert markup of a granted category', () => {
    expect(out('<script type="text/plain" data-consent-category="performance" data-consent-src="/stats.js"></script>', { granted: ['performance'] })).toBe(
      '<script data-consent-category="performance" src="/stats.js"></script>',
    );
    expect(out('<script type="text/plain" data-consent-type="module" data-consent-category="performance">run()</script>', { granted: ['performance'] })).toBe(
      '<script type="module" data-consent-category="performance">run()</script>',
    );
    expect(out('<iframe data-consent-category="functionality" data-consent-src="/map" srcdoc="wait" data-consent-placeholder></iframe>', { granted: ['functionality'] })).toBe(
      '<iframe data-consent-category="functionality" src="/map"></iframe>',
    );
  });

  it('should neutralize live markup of a category not granted, and leave inert markup alone', () => {
    expect(out('<script data-consent-category="performance" src="/stats.js"></script>')).toBe(
      '<script data-consent-category="performance" data-consent-src="/stats.js" type="text/plain"></script>',
    );
    const inert = '<script type="text/plain" data-consent-category="performance" data-consent-src="/stats.js"></script>';
    expect(out(inert)).toBe(inert);
    expect(out('<iframe src="/map" data-consent-category="functionality"></iframe>')).toMatch(/^<iframe data-consent-src="\/map" data-consent-category="functionality" srcdoc="[^"]+" data-consent-placeholder><\/iframe>$/);
  });

  it('should treat an unknown category as not granted, and report it', () => {
    const { output, events } = rewrite('<img src="/x.png" data-consent-category="ads">');
    expect(output.toString()).toBe('<img data-consent-src="/x.png" data-consent-category="ads">');
    expect(events[0]).toEqual({ type: 'unknown-category', element: 'img', category: 'ads' });
  });
});

describe('encodings', () => {
  it('should pass the rest of a page through once a meta declares an encoding it cannot read', () => {
    const page = '<meta charset="iso-2022-jp"><script src="https://js.hs-scripts.com/1.js"></script>';
    const { output, events } = rewrite(page);
    expect(output.toString()).toBe(page);
    expect(events).toEqual([{ type: 'html-skipped', reason: 'meta charset is not ASCII-compatible' }]);
  });

  it('should find the declaration among other metas, in any case, in content too', () => {
    const script = '<script src="https://js.hs-scripts.com/1.js"></script>';
    for (const meta of ['<META HTTP-EQUIV="Content-Type" CONTENT="text/html; CharSet=ISO-2022-JP">', '<meta content="text/html; charset=iso-2022-jp" http-equiv=content-type>', '<meta\ncharSET=csiso2022jp>']) {
      const page = `<meta name="viewport" content="width=device-width"><meta property="og:title" content="x">${meta}${script}`;
      expect(rewrite(page).output.toString(), meta).toBe(page);
    }
    expect(out(`<meta name="description" content="charsets of the world">${script}`)).toContain('data-consent-src');
  });

  it('should read a meta that declares UTF-16 as UTF-8, as browsers do', () => {
    expect(out('<meta charset="utf-16"><script src="https://js.hs-scripts.com/1.js"></script>')).toContain('data-consent-src');
  });
});

describe('a start tag too long to hold', () => {
  it('should pass unchanged, reported, and the tags after it be judged as ever', () => {
    const long = `<p title="${'x'.repeat(MAX_TAG_BYTES + 16384)}">`;
    const page = `${long}<script src="https://js.hs-scripts.com/1.js"></script>`;
    const { output, events } = rewrite(page, { cuts: Array.from({ length: Math.ceil(page.length / 16384) }, (_, k) => k * 16384) });
    expect(output.toString('utf8')).toBe(`${long}<script data-consent-src="https://js.hs-scripts.com/1.js" type="text/plain" data-consent-category="marketing"></script>`);
    expect(events).toContainEqual({ type: 'html-skipped', reason: `a start tag longer than ${MAX_TAG_BYTES} bytes passed unchanged` });
  });
});

describe('chunking', () => {
  it('should read a chunk larger than MAX_READ_BYTES in parts: the same output, and the engine\'s memory bounded by the part', () => {
    const tracker = '<script src="https://js.hs-scripts.com/1.js"></script>';
    const inline = "<script>var _hsq = []; _hsq.push(['setPath', '/'])</script>";
    const filler = (bytes: number) => `<p class="x">${'y'.repeat(bytes - 21)}</p>\n`.slice(0, bytes);
    // A tracker tag across the first part's end, an inline tracker across the second's.
    const page = filler(MAX_READ_BYTES - 20) + tracker + filler(MAX_READ_BYTES - 30) + inline + filler(3 * MAX_READ_BYTES);
    const whole = rewrite(page).output;
    expect(whole.equals(rewrite(page, { cuts: Array.from({ length: Math.ceil(page.length / 16384) }, (_, k) => k * 16384) }).output)).toBe(true);
    expect(whole.toString('latin1').match(/data-consent-category="marketing"/g)).toHaveLength(2);
    if (process.env.CONSENT_GUARD_WASM !== '0') expect(wasmMemoryBytes()).toBeLessThan(page.length / 2);
  });

  it('should give the same output for every chunking', () => {
    const page = [
      '<!doctype html><html><head><title>a < b</title>',
      '<script src="https://js.hs-scripts.com/1.js" async></script>',
      "<script>var _hsq = []; _hsq.push(1); if (a<b) document.write('</div>')</script>",
      '<!-- <img src="https://track.hubspot.com/x"> -->',
      '<style>p > a { color: red }</style></head><body>',
      '<img alt="x > y" src="https://track.hubspot.com/x"><iframe src="https://maps.google.com/x"></iframe>',
      '<noscript><img src="https://www.facebook.com/tr?id=1"></noscript><p>Måløy 🍪</p>',
    ].join('\n');
    const whole = rewrite(page).output;
    fc.assert(
      fc.property(fc.array(fc.nat({ max: Buffer.byteLength(page) }), { maxLength: 30 }), (cuts) => {
        expect(rewrite(page, { cuts }).output).toEqual(whole);
      }),
      { seed: 3, numRuns: 300 },
    );
    const bytes = Buffer.from(page);
    expect(rewrite(page, { cuts: Array.from(bytes.keys()) }).output).toEqual(whole);
  });

  it('should refuse bytes after the end, which says all only once', () => {
    const guard = createGuard({ policy: TEST_POLICY });
    const rewriter = guard.htmlRewriter(guard.consentFor({}));
    const page = '<body><img src="https://track.hubspot.com/x"><p>unfinished <scr';
    const written = Buffer.concat([rewriter.write(Buffer.from(page)), rewriter.end()]);
    expect(written.toString()).toBe(rewrite(page).output.toString());
    expect(rewriter.end().length).toBe(0);
    expect(() => rewriter.write(Buffer.from('<img src="https://track.hubspot.com/y">'))).toThrow(/write after end/);
  });
});

describe('inline scripts the WebAssembly tokenizer keeps to itself', () => {
  /** The JavaScript tokenizer's output: it hears of every script. */
  const byJavaScript = (html: string, options: RewriteOptions) => {
    // js-engine.test.ts runs this file with the variable set: the tests after this one keep it.
    const engine = process.env.CONSENT_GUARD_WASM;
    process.env.CONSENT_GUARD_WASM = '0';
    try {
      return rewrite(html, options).output;
    } finally {
      if (engine === undefined) delete process.env.CONSENT_GUARD_WASM;
      else process.env.CONSENT_GUARD_WASM = engine;
    }
  };
  // Each signature and Google tag hint at every offset from a sampled position, whole and less its last byte.
  const NEEDLES = [...(TEST_POLICY.trackers ?? []).flatMap((tracker) => tracker.inline ?? []), 'gtag(', 'dataLayer', 'googletagmanager.com'];
  const scripts = NEEDLES.flatMap((needle) =>
    Array.from({ length: 12 }, (_, offset) => [`${'x'.repeat(offset)}${needle}`, `var a = 1;${'y'.repeat(offset)}${needle.slice(0, -1)}`]).flat(),
  );
  const page = scripts.map((text, k) => `<p>${k}</p><script${k % 3 === 0 ? ' type="text/javascript"' : ''}>${text}</script>`).join('\n');
  const states: [string, RewriteOptions][] = [
    ['nothing granted', {}],
    ['statistics granted, the Google tag awaited', { granted: ['performance'], beforeGoogleTag: '<script>gtag("consent","default",{})</script>' }],
  ];

  it.each(states)('should keep or change each script as the JavaScript tokenizer does: %s', (_, options) => {
    const whole = byJavaScript(page, options);
    expect(rewrite(page, options).output.toString()).toBe(whole.toString());
    const bytes = Buffer.byteLength(page);
    for (const step of [7, 61, 1024]) {
      const cuts = Array.from({ length: Math.ceil(bytes / step) }, (_, k) => k * step);
      expect(rewrite(page, { ...options, cuts }).output.toString(), `cut every ${step} bytes`).toBe(whole.toString());
    }
  });

  it.each([
    ['long', (k: number) => `trackerSignature${k}`],
    ['short', (k: number) => `t${k}(`],
  ])('should still find signatures when a policy has more %s ones than the module lists', (_, signature) => {
    const many = Array.from({ length: 70 }, (_, k) => signature(k));
    const policy = { ...TEST_POLICY, trackers: [...(TEST_POLICY.trackers ?? []), { name: 'Many', category: 'marketing', hosts: [], inline: many }] };
    const html = [signature(69), `x ${signature(0)} x`, signature(3).slice(0, -1), 'nothing here', '_hsq.push(1)'].map((text) => `<script>${text}</script>`).join('');
    const output = rewrite(html, { policy }).output.toString();
    expect(output).toBe(byJavaScript(html, { policy }).toString());
    expect(output.match(/data-consent-category="marketing"/g)).toHaveLength(3);
  });
});

describe('the Consent Mode default', () => {
  const SNIPPET = '<script>gtag("consent","default",{})</script>';
  const page = (body: string) => out(body, { beforeGoogleTag: SNIPPET, granted: ['performance'] });

  it.each([
    ['a Tag Manager script', '<head><meta charset="utf-8"><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script><script>gtag("js")</script>'],
    ['an inline gtag script', '<head><script>window.dataLayer = window.dataLayer || []; gtag("config", "G-1")</script><script src="https://www.googletagmanager.com/gtm.js"></script>'],
  ])('should go once, right before the first Google tag: %s', (_name, html) => {
    const result = page(html);
    expect(result.split(SNIPPET)).toHaveLength(2);
    expect(result.indexOf(SNIPPET)).toBe(html.indexOf('<script'));
  });

  it("should find the Google tag's script whatever the policy's trackers, after other scripts and however the page is split", () => {
    const policy = { ...TEST_POLICY, trackers: TEST_POLICY.trackers!.filter((tracker) => tracker.name !== 'Google Analytics') };
    const html = '<script src="/js/app.js"></script><script src="https://cdn.example.com/lib.js"></script><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>';
    const expected = html.replace('<script async', `${SNIPPET}<script async`);
    expect(rewrite(html, { policy, beforeGoogleTag: SNIPPET }).output.toString()).toBe(expected);
    for (let cut = 1; cut < html.length; cut++) expect(rewrite(html, { policy, beforeGoogleTag: SNIPPET, cuts: [cut] }).output.toString(), String(cut)).toBe(expected);
  });

  it('should precede a Google tag that is neutralized, too', () => {
    expect(out('<script src="https://www.googletagmanager.com/gtag/js"></script>', { beforeGoogleTag: SNIPPET })).toBe(
      `${SNIPPET}<script data-consent-src="https://www.googletagmanager.com/gtag/js" type="text/plain" data-consent-category="performance"></script>`,
    );
  });

  it('should find an inline Google tag however the page is split', () => {
    const html = '<head><script>gtag("js", new Date())</script></head>';
    const whole = out(html, { beforeGoogleTag: SNIPPET, granted: ['performance'] });
    expect(whole.startsWith(`<head>${SNIPPET}<script>`)).toBe(true);
    for (let cut = 1; cut < html.length; cut++) {
      expect(rewrite(html, { beforeGoogleTag: SNIPPET, granted: ['performance'], cuts: [cut] }).output.toString()).toBe(whole);
    }
  });

  it('should go in, and marked tags be activated, for a visitor who granted everything, however the page is split', () => {
    const everything = { beforeGoogleTag: SNIPPET, granted: ['functionality', 'performance', 'marketing'] };
    const html =
      '<head><script>gtag("js")</script><script src="https://www.googletagmanager.com/gtm.js"></script></head><body><img src="https://pixel.quantserve.com/p.gif">' +
      '<script type="text/plain" data-consent-category="marketing" data-consent-src="/ads.js"></script><script>_hsq.push(1)</script></body>';
    const expected = html.replace('<script>gtag', `${SNIPPET}<script>gtag`).replace('<script type="text/plain" data-consent-category="marketing" data-consent-src=', '<script data-consent-category="marketing" src=');
    for (let cut = 0; cut < html.length; cut++) expect(rewrite(html, { ...everything, cuts: [cut] }).output.toString()).toBe(expected);
  });

  it('should find a marker written in any case, however the page is split, even inside the marker', () => {
    const everything = { granted: ['functionality', 'performance', 'marketing'] };
    const html = '<p>x</p><img alt="a" DATA-Consent-CATEGORY="marketing" data-consent-src="/a.png"><div data-consent-CATEGORY=functionality data-consent-src=/w>y</div>';
    const expected = html.replace('data-consent-src="/a.png"', 'src="/a.png"').replace('data-consent-src=/w', 'src=/w');
    expect(out(html, everything)).toBe(expected);
    const marker = html.indexOf('DATA-Consent');
    for (let cut = 0; cut < html.length; cut++) {
      expect(rewrite(html, { ...everything, cuts: [cut] }).output.toString(), `cut at ${cut}`).toBe(expected);
      if (cut > marker && cut < marker + 21) expect(rewrite(html, { ...everything, cuts: [cut, cut + 1, cut + 3] }).output.toString()).toBe(expected);
    }
  });

  it('should block an inline script whose signature straddles chunks, wherever the page is split', () => {
    const html = '<p>a</p><script>var q = 1 < 2; _hsq.push(["x"])</script><p>b</p><script>ok()</script>';
    const expected = html.replace('<script>var', '<script type="text/plain" data-consent-category="marketing">var');
    for (let cut = 0; cut < html.length; cut++) expect(rewrite(html, { cuts: [cut] }).output.toString(), `cut at ${cut}`).toBe(expected);
  });

  it('should stop at a meta declaring an encoding it cannot read, for a visitor who granted everything', () => {
    const html = '<script src="https://www.googletagmanager.com/gtm.js"></script><meta charset="iso-2022-jp"><img data-consent-category="marketing" data-consent-src="/a.png">';
    const { output, events } = rewrite(html, { beforeGoogleTag: SNIPPET, granted: ['functionality', 'performance', 'marketing'] });
    expect(output.toString()).toBe(SNIPPET + html);
    expect(events).toEqual([{ type: 'html-skipped', reason: 'meta charset is not ASCII-compatible' }]);
  });

  it('should read a whole page, for a visitor who granted everything, only as far as anything can change: the bytes of reading it all', () => {
    const everything = { beforeGoogleTag: SNIPPET, granted: ['functionality', 'performance', 'marketing'] };
    const googleTags = ['<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>', '<script>gtag("js", new Date())</script>'];
    const bodies = [
      '<p>nothing marked</p><img src="https://pixel.quantserve.com/p.gif"><script>_hsq.push(1)</script>',
      '<p>x</p><IMG Data-Consent-Category="marketing" data-consent-src="/a.png"><p>y</p><img data-consent-category="marketing" data-consent-src="/b.png">',
      '<!-- <img data-consent-category="marketing" data-consent-src="/c.png"> --><script>"<img data-consent-category=marketing data-consent-src=/d.png>"</script>',
      '<META charset="iso-2022-jp"><img data-consent-category="marketing" data-consent-src="/e.png">',
      '<p>a</p><Meta charset="iso-2022-jp"><p>nothing marked after it</p>',
      '<p>b</p><img DATA-consent-CATEGORY="marketing" data-consent-src="/f.png">',
    ];
    for (const googleTag of googleTags) {
      for (const body of bodies) {
        const html = `<head><meta charset="utf-8">${googleTag}</head><body>${body}</body>`;
        const streamed = rewrite(html, { ...everything, streamed: true });
        expect(streamed.output.toString()).toContain(SNIPPET + googleTag);
        // The whole page as the last chunk, and last chunks starting in the Google tag, after it, and in a marked tag.
        for (const cut of [0, html.indexOf(googleTag) + 9, html.indexOf('</head>'), html.indexOf('Consent-Category'), html.length - 3]) {
          expect(rewrite(html, { ...everything, cuts: [cut] }), `${googleTag} ${body} cut at ${cut}`).toEqual(streamed);
        }
      }
    }
    const marked = `<head>${googleTags[0]}</head><body>${bodies[1]}</body>`;
    expect(rewrite(marked, everything).output.toString()).toBe(marked.replace(googleTags[0]!, SNIPPET + googleTags[0]).replace(/data-consent-src=/g, 'src='));
  });

  it('should still put the banner in after it, when no tracker is judged', () => {
    const policy = { ...TEST_POLICY, trackers: [] };
    const html = '<head><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script></head><body><p>x</p></body>';
    const { output } = rewrite(html, { policy, beforeGoogleTag: SNIPPET, atBodyStart: '<div id="banner"></div>' });
    expect(output.toString()).toBe(html.replace('<script async', `${SNIPPET}<script async`).replace('<body>', '<body><div id="banner"></div>'));
  });

  it('should leave pages without a Google tag alone', () => {
    const html = '<head><script>console.log(1)</script><script src="/app.js"></script></head>';
    expect(page(html)).toBe(html);
  });
});
