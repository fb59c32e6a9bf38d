import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/refresh-open-cookie-database.js', import.meta.url));

describe('refreshing the Open Cookie Database part', () => {
  it('should read the database CSV (quoted commas, quotes, line breaks, wildcards), record the commit, and cross-check the catalogue', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocd-'));
    const csv = join(dir, 'open-cookie-database.csv');
    const out = join(dir, 'open-cookie-database.json');
    writeFileSync(
      csv,
      'ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\r\n' +
        '1,Google Analytics,Analytics,_ga,google-analytics.com,"ID used to identify users, ""first party""",2 years,Google,https://privacy.google.com,0\r\n' +
        '2,Hotjar,Marketing,_hjSession_,hotjar.com,"A session\nof one site",30 minutes,Hotjar,https://www.hotjar.com/legal/,1\r\n' +
        '3,Nobody,Unknown,bad name,x,y,z,w,v,0\r\n',
    );
    const output = execFileSync(process.execPath, [script, csv, '--commit', '0123abc', '--out', out], { encoding: 'utf8' });
    expect(output).toContain('2 cookies from commit 0123abc; 1 rows skipped');
    expect(output).toContain('hotjar _hjSession_*: the database says marketing (Hotjar), the catalogue performance');
    expect(output).toContain('google-analytics _gid: not in the database');
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.commit).toBe('0123abc');
    expect(written.cookies).toEqual([
      { name: '_ga', platform: 'Google Analytics', category: 'performance', domain: 'google-analytics.com', description: 'ID used to identify users, "first party"', retention: '2 years', controller: 'Google', privacyUrl: 'https://privacy.google.com' },
      { name: '_hjSession_*', platform: 'Hotjar', category: 'marketing', domain: 'hotjar.com', description: 'A session\nof one site', retention: '30 minutes', controller: 'Hotjar', privacyUrl: 'https://www.hotjar.com/legal/' },
    ]);
  });

  it('should refuse to run without a commit to record', () => {
    expect(() => execFileSync(process.execPath, [script, 'x.csv'], { stdio: 'pipe' })).toThrow(/usage: node scripts\/refresh-open-cookie-database.js/);
  });
});
