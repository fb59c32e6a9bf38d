// Refreshes the bundled Open Cookie Database part of the catalogue from a copy of its CSV
// (open-cookie-database.csv, Apache-2.0) and records the commit it came from, then
// cross-checks the hand-curated catalogue's cookies against it. Review the report: the
// database has some wrong categories, and the catalogue is curated, not copied.
//
//   node scripts/refresh-open-cookie-database.js <path/to/open-cookie-database.csv> --commit <sha> [--out <json>]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { commit: { type: 'string' }, out: { type: 'string' } } });
const [csvPath] = positionals;
if (!csvPath || !/^[0-9a-f]{7,40}$/.test(values.commit ?? '')) {
  console.error('usage: node scripts/refresh-open-cookie-database.js <open-cookie-database.csv> --commit <sha of the database commit>');
  process.exit(1);
}

// The database's categories, as a policy's default categories.
const CATEGORY = { Functional: 'functionality', Analytics: 'performance', Marketing: 'marketing', Personalization: 'functionality', Security: 'necessary' };
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;

const [header, ...rows] = parseCsv(readFileSync(csvPath, 'utf8'));
const column = (name) => {
  const index = header.indexOf(name);
  if (index === -1) throw new Error(`${csvPath}: no column "${name}" (columns: ${header.join(', ')})`);
  return index;
};
const at = {
  platform: column('Platform'),
  category: column('Category'),
  name: column('Cookie / Data Key name'),
  domain: column('Domain'),
  description: column('Description'),
  retention: column('Retention period'),
  controller: column('Data Controller'),
  privacy: column('User Privacy & GDPR Rights Portals'),
  wildcard: column('Wildcard match'),
};

const cookies = [];
const skipped = [];
for (const row of rows) {
  const name = row[at.name]?.trim() ?? '';
  const category = CATEGORY[row[at.category]?.trim()];
  const wildcard = row[at.wildcard]?.trim() === '1';
  if (!COOKIE_NAME.test(name) || name.includes('*') || !category) {
    skipped.push(name);
    continue;
  }
  cookies.push({
    name: wildcard ? `${name}*` : name,
    platform: row[at.platform]?.trim() ?? '',
    category,
    domain: row[at.domain]?.trim() ?? '',
    description: row[at.description]?.trim() ?? '',
    retention: row[at.retention]?.trim() ?? '',
    controller: row[at.controller]?.trim() ?? '',
    privacyUrl: row[at.privacy]?.trim() ?? '',
  });
}

const SOURCE = 'Open Cookie Database (https://github.com/jkwakman/Open-Cookie-Database), Apache-2.0';
const target = values.out ?? new URL('../src/catalogue/open-cookie-database.json', import.meta.url);
writeFileSync(target, `${JSON.stringify({ source: SOURCE, commit: values.commit, cookies }, null, 2)}\n`);
console.log(`${cookies.length} cookies from commit ${values.commit}; ${skipped.length} rows skipped (no usable name or category)`);

// The cross-check: each catalogue cookie against the database's entry of the same name.
const catalogue = JSON.parse(readFileSync(new URL('../src/catalogue/services.json', import.meta.url), 'utf8'));
const byName = new Map(cookies.map((cookie) => [cookie.name, cookie]));
for (const [id, service] of Object.entries(catalogue.services)) {
  for (const cookie of service.cookies) {
    const known = byName.get(cookie.name);
    if (!known) console.log(`${id} ${cookie.name}: not in the database`);
    else if (known.category !== service.category) console.log(`${id} ${cookie.name}: the database says ${known.category} (${known.platform}), the catalogue ${service.category}`);
  }
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') record.push(field), (field = '');
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      record.push(field), records.push(record), (record = []), (field = '');
    } else field += char;
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record);
  return records.filter((r) => r.length > 1 || r[0] !== '');
}
