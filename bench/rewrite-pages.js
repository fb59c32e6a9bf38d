// Fixed work for rewriter-instructions.sh: rewrites one page `count` times as a guarded
// response does (a whole page, `end(page)`), for a visitor who granted nothing (trackers
// neutralized, the banner's place, the Consent Mode default) or everything (the default,
// marked tags activated).
//   node rewrite-pages.js <site|site-unmarked|50KB|500KB|5MB> <nothing|everything> <count>
import { createPageRewriter } from '../packages/core/dist/html/page.js';
import { pageOptions } from './page-options.js';
import { pages } from './pages.js';
import { sitePage, sitePageUnmarked } from './site-page.js';

const [which = 'site', visitor = 'nothing', count = '100'] = process.argv.slice(2);
const PAGES = { site: sitePage, 'site-unmarked': sitePageUnmarked, '50KB': pages['50 KB'], '500KB': pages['500 KB'], '5MB': pages['5 MB'] };
const page = PAGES[which];
if (!page || (visitor !== 'nothing' && visitor !== 'everything')) {
  console.error('usage: node rewrite-pages.js <site|site-unmarked|50KB|500KB|5MB> <nothing|everything> <count>');
  process.exit(1);
}
const options = {
  ...pageOptions(visitor),
  // The banner's bytes stand in for the banner: where it goes, not what it says, costs the rewriter.
  atBodyStart: visitor === 'nothing' ? [Buffer.alloc(9 * 1024, ' ')] : undefined,
};
const rewriteAll = (times) => {
  let bytes = 0;
  for (let i = 0; i < times; i++) bytes += createPageRewriter(options).end(page).length;
  return bytes;
};
// With WAIT set (rewriter-instructions.sh): `warm` pages first, then a line on stdout and one
// awaited on stdin around the counted pages, so that the counters see only those.
const warm = Number(process.env.WARM ?? 0);
if (warm > 0) rewriteAll(warm);
const line = () => new Promise((resolve) => process.stdin.once('data', resolve));
if (process.env.WAIT) {
  console.log('ready');
  await line();
}
const bytes = rewriteAll(Number(count));
console.log(`${count} × ${which} for ${visitor}: ${bytes} bytes out`);
if (process.env.WAIT) {
  await line();
  process.stdin.pause();
}
