import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY } from './helpers/apps.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'consent-guard-cli-'));
function policyFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('consent-guard lint', () => {
  it('should pass the demo policy', async () => {
    const { code, stdout, stderr } = await runCli(['lint', POLICY]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
    expect(stderr).toBe(`${POLICY}: no problems\n`);
  });

  it('should list every error at once, where it is, and exit 1', async () => {
    const path = policyFile(
      'broken.yaml',
      `revision: "1"
categories:
  essential: { label: Essential, required: true }
  marketing: { label: Marketing, gpc: yes }
cookies:
  - name: a
    category: marketting
  - name: a
    category: essential
    typ: session
`,
    );
    const { code, stdout, stderr } = await runCli(['lint', path]);
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `${path}:4:39: categories.marketing.gpc: must be a boolean, not a string ("yes")`,
      `${path}:7:15: cookies[0].category: unknown category "marketting"; did you mean "marketing"?`,
      `${path}:8:11: cookies[1].name: "a" is already declared at cookies[0]`,
      `${path}:10:5: cookies[1].typ: unknown key; did you mean "type"?`,
    ]);
    expect(stderr).toBe(`${path}: 4 errors, 0 warnings\n`);
  });

  it('should warn of likely mistakes in a valid policy, and exit 0', async () => {
    const path = policyFile(
      'odd.yaml',
      `revision: "1"
categories:
  essential: { label: Essential, required: true }
  functionality: { label: Functionality }
  performance: { label: Statistics }
  marketing: { label: Marketing }
cookies:
  - { name: sid, category: essential, domain: .example.com }
  - { name: "_ga*", category: performance }
  - { name: _ga_ads, category: marketing }
  - { name: _GA_ADS, category: marketing }
trackers:
  - { name: Own analytics, category: performance, hosts: [stats.example.com] }
  - { name: Ads, category: marketing, hosts: [ads.example.net, STATS.example.com] }
`,
    );
    const { code, stdout, stderr } = await runCli(['lint', path]);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `${path}:4:18: categories.functionality: warning: no cookie or tracker is declared in "functionality": visitors would be asked about nothing`,
      `${path}:9:13: cookies[1].name: warning: "_ga*" (performance) also matches "_ga_ads", declared in marketing at cookies[2]: the exact name wins; check which category it belongs to`,
      `${path}:11:13: cookies[3].name: warning: "_GA_ADS" differs only in case from "_ga_ads" at cookies[2]: cookie names are case-sensitive, so these are two cookies`,
      `${path}:13:59: trackers[0].hosts[0]: warning: "stats.example.com" is on the site's own domain example.com (cookies[0].domain): every tag loading from it is treated as Own analytics`,
      `${path}:14:64: trackers[1].hosts[1]: warning: "STATS.example.com" is on the site's own domain example.com (cookies[0].domain): every tag loading from it is treated as Ads`,
      `${path}:14:64: trackers[1].hosts[1]: warning: "STATS.example.com" is also a host of trackers[0] (Own analytics), which decides its category`,
    ]);
    expect(stderr).toBe(`${path}: 0 errors, 6 warnings\n`);
  });

  it('should know the catalogue ids, and name the service behind a warning about its cookie', async () => {
    const text = `revision: "1"
categories:
  essential: { label: Essential, required: true }
  performance: { label: Statistics }
  marketing: { label: Marketing }
services:
  google-analytics: performance
  hubspt: marketing
`;
    const path = policyFile('services.yaml', text);
    const broken = await runCli(['lint', path]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe(`${path}:8:3: services.hubspt: unknown key; did you mean "hubspot"?\n`);
    writeFileSync(path, `${text.replace('hubspt', 'hubspot').replace('marketing: { label: Marketing }', 'marketing: { label: Marketing, consentMode: [ad_storage] }')}cookies:\n  - { name: "_gi*", category: marketing }\n`);
    const { code, stdout } = await runCli(['lint', path]);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `${path}:7:21: services.google-analytics: warning: google-analytics uses Google Consent Mode analytics_storage, which "performance" does not grant (categories.performance.consentMode): its tag would keep it denied even when the visitor allows "performance"`,
      `${path}:10:13: cookies[0].name: warning: "_gi*" (marketing) also matches "_gid", declared in performance by services.google-analytics: the exact name wins; check which category it belongs to`,
    ]);
  });

  it('should say when the file cannot be read', async () => {
    const { code, stdout } = await runCli(['lint', join(dir, 'missing.yaml')]);
    expect(code).toBe(1);
    expect(stdout).toBe(`${join(dir, 'missing.yaml')}: cannot read the policy: file not found\n`);
  });
});

describe('consent-guard render', () => {
  it('should print the declaration as Markdown by default, or HTML, in English or Norwegian', async () => {
    const markdown = await runCli(['render', POLICY]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/^# /);
    expect(markdown.stdout).toContain('| PHPSESSID |');
    const html = await runCli(['render', POLICY, '--format', 'html', '--locale', 'nb']);
    expect(html.stdout).toMatch(/^<section class="consent-guard-declaration" lang="nb">/);
  });

  it('should write to --out', async () => {
    const out = join(dir, 'declaration.md');
    const { code, stdout } = await runCli(['render', POLICY, '--out', out]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
    expect(readFileSync(out, 'utf8')).toContain('| PHPSESSID |');
  });

  it('should refuse what it cannot do, with exit 1 and no stack trace', async () => {
    for (const args of [['render', POLICY, '--format', 'pdf'], ['render', POLICY, '--locale', 'de'], ['render'], ['render', POLICY, '--colour']]) {
      const { code, stderr } = await runCli(args);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^consent-guard: /);
      expect(stderr).not.toContain('    at ');
    }
    const invalid = await runCli(['render', policyFile('bad.yaml', 'revision: 1\n')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('categories: is required');
    expect(invalid.stderr).toContain('consent-guard lint');
  });

  it('should say a missing file is missing, without sending the user to lint', async () => {
    const { code, stdout, stderr } = await runCli(['render', join(dir, 'missing.yaml')]);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain('missing.yaml');
    expect(stderr).not.toContain('lint');
  });
});

describe('consent-guard', () => {
  it('should explain itself', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: consent-guard <command>');
    expect((await runCli([])).code).toBe(1);
  });

  it('should say its version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../packages/cli/package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    [['lint', '--help'], 'lint <policy>'],
    [['render', 'policy.yaml', '-h'], '--format html|markdown'],
    [['scan', '--help'], '--pages <n>'],
    [['records', 'export', '--help'], 'records show <consent id>'],
  ])('should explain one command: %j', async (args, line) => {
    const { code, stdout, stderr } = await runCli(args);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(new RegExp(`^Usage: consent-guard ${args[0]} \\[options\\]\n`));
    expect(stdout).toContain(line);
    expect(stdout).not.toContain('Commands:');
  });

  it('should guess a mistyped command', async () => {
    expect(await runCli(['sacn', 'http://localhost/'])).toMatchObject({
      code: 1,
      stderr: 'consent-guard: unknown command "sacn"; did you mean "scan"? (the commands are lint, render, scan, proxy and records)\n(consent-guard --help shows how to call it)\n',
    });
    expect((await runCli(['rendr', 'x.yaml'])).stderr).toContain('did you mean "render"?');
    expect((await runCli(['deploy'])).stderr).toBe('consent-guard: unknown command "deploy" (the commands are lint, render, scan, proxy and records)\n(consent-guard --help shows how to call it)\n');
  });

  it('should point a usage mistake at the command\'s own help', async () => {
    expect((await runCli(['render', POLICY, '--colour'])).stderr).toMatch(/\(consent-guard render --help shows how to call it\)\n$/);
  });
});

describe('consent-guard scan, before it opens a browser', () => {
  it('should take an address without a scheme as http, and not call a missing browser a usage mistake', async () => {
    const { code, stdout, stderr } = await runCli(['scan', 'localhost:4100', '--chromium', join(dir, 'no-chromium')]);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(new RegExp(`^consent-guard: scan needs Chromium, and there is none at ${join(dir, 'no-chromium')}: [^\n]+\n$`));
  });

  it('should refuse --strict without a policy to be strict about', async () => {
    expect(await runCli(['scan', 'localhost:4100', '--strict'])).toEqual({ code: 1, stdout: '', stderr: 'consent-guard: --strict checks against a policy: add --policy <file>\n(consent-guard scan --help shows how to call it)\n' });
    expect((await runCli(['scan', '--help'])).stdout).toContain('--strict ');
  });

  it('should still refuse a scheme it cannot scan', async () => {
    expect((await runCli(['scan', 'file:/etc/passwd'])).stderr).toMatch(/^consent-guard: scan needs an http or https URL, not file:\n/);
  });
});
