// Benchmark pages built from the corpus of 129 real pages: ~50 KB (one page), and
// ~500 KB and ~5 MB (real pages back to back), so tracker density is the real one.
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../test/corpus/real-pages/', import.meta.url);
const corpus = readdirSync(dir)
  .filter((file) => file.endsWith('.html'))
  .sort()
  .map((file) => readFileSync(new URL(file, dir)));

function atLeast(size) {
  const parts = [];
  let length = 0;
  for (const page of corpus) {
    if (length >= size) break;
    parts.push(page);
    length += page.length;
  }
  return Buffer.concat(parts);
}

const closest = (size) => corpus.reduce((best, page) => (Math.abs(page.length - size) < Math.abs(best.length - size) ? page : best));

export const pages = {
  '50 KB': closest(50 * 1024),
  '500 KB': atLeast(500 * 1024),
  '5 MB': atLeast(5 * 1024 * 1024),
};

/** The page in 16 KB chunks, as a response stream delivers it. */
export function chunks(page, size = 16 * 1024) {
  const out = [];
  for (let i = 0; i < page.length; i += size) out.push(page.subarray(i, i + size));
  return out;
}
