import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors.js';
import { loadPolicy } from './load.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const example = fileURLToPath(new URL('../../../../examples/express-demo/consent-policy.yaml', import.meta.url));

function problemsOf(input: Parameters<typeof loadPolicy>[0]): string[] {
  try {
    loadPolicy(input);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).message.split('\n').slice(1).map((line) => line.trim());
  }
  throw new Error('expected a PolicyError');
}

const minimal = { revision: 'r1', categories: { essential: { label: 'Essential', required: true } } };

describe('loadPolicy', () => {
  it('should name the resolved path and the working directory when a relative path is not found', () => {
    expect(problemsOf('./no-such-dir/consent-policy.yaml')).toEqual([
      `./no-such-dir/consent-policy.yaml: cannot read the policy: file not found at ${join(process.cwd(), 'no-such-dir', 'consent-policy.yaml')}: a relative path is read from the working directory (${process.cwd()}); to read it beside your code, pass new URL('./no-such-dir/consent-policy.yaml', import.meta.url)`,
    ]);
    expect(problemsOf('/no-such-dir/consent-policy.yaml')).toEqual(['/no-such-dir/consent-policy.yaml: cannot read the policy: file not found']);
  });

  it('should read a policy from a file URL, as new URL(…, import.meta.url) gives it', () => {
    expect(loadPolicy(new URL('../../../../examples/express-demo/consent-policy.yaml', import.meta.url))).toEqual(loadPolicy(example));
  });

  it('should read the example YAML policy, fill defaults and freeze it deeply', () => {
    const policy = loadPolicy(example);
    expect(policy.revision).toBe('2018-09-10');
    expect(policy.consentCookie).toEqual({ name: 'cg_consent', maxAgeDays: 365 });
    expect(Object.keys(policy.categories)).toEqual(['essential', 'functionality', 'performance', 'marketing']);
    expect(policy.categories.functionality).toMatchObject({ required: false, gpc: false });
    expect(policy.cookies.find((c) => c.name === 'PHPSESSID')).toMatchObject({ path: '/', thirdParty: false });
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.cookies[0])).toBe(true);
    expect(Object.isFrozen(policy.categories.marketing!.consentMode)).toBe(true);
  });

  it('should accept its own output and a spread copy with a field changed', () => {
    const policy = loadPolicy(example);
    expect(loadPolicy(policy)).toBe(policy);
    expect(loadPolicy({ ...policy, revision: '2025-01-01' }).revision).toBe('2025-01-01');
    expect(loadPolicy({ ...policy, cookies: [...policy.cookies, { name: 'extra', category: 'performance' }] }).cookies.find((cookie) => cookie.name === 'extra')).toMatchObject({ name: 'extra', path: '/' });
  });

  it('should read JSON files and accept a numeric revision as a string', () => {
    expect(loadPolicy(fixture('minimal.json')).revision).toBe('3');
  });

  it('should list every problem in a file at once, in file order, with positions and hints', () => {
    expect(problemsOf(fixture('broken.yaml'))).toEqual([
      'broken.yaml:2:20: undeclaredCookies: must be one of "block", "allow"; did you mean "block"?',
      'broken.yaml:8:5: categories.marketing.label: is required',
      'broken.yaml:8:5: categories.marketing.lable: unknown key; did you mean "label"?',
      'broken.yaml:9:10: categories.marketing.gpc: must be a boolean, not a string ("yes please")',
      'broken.yaml:14:15: cookies[1].category: unknown category "marketting"; did you mean "marketing"?',
      'broken.yaml:15:13: cookies[1].domain: must be a domain name such as .example.com',
      'broken.yaml:16:11: cookies[2].name: "PHPSESSID" is already declared at cookies[0]',
      'broken.yaml:18:11: cookies[3].name: must be a cookie name or a glob of one: letters, digits, `*` and !#$%&\'+-.^_`|~',
      'broken.yaml:20:5: cookies[3].typ: unknown key; did you mean "type"?',
    ]);
  });

  it('should report YAML syntax errors with their position', () => {
    const [first] = problemsOf(fixture('syntax-error.yaml'));
    expect(first).toMatch(/^syntax-error\.yaml:\d+:\d+: .+/);
  });

  it('should say when the file does not exist', () => {
    expect(problemsOf('/nowhere/consent-policy.yaml')).toEqual(['/nowhere/consent-policy.yaml: cannot read the policy: file not found']);
  });

  it.each<[string, unknown, string[]]>([
    ['an empty object', {}, ['policy: revision: is required', 'policy: categories: is required']],
    ['no categories', { revision: 'r', categories: {} }, ['policy: categories: must declare at least one category']],
    ['an uppercase category id', { ...minimal, categories: { Essential: { label: 'E' } } }, ['policy: categories.Essential: category ids are lowercase: [a-z][a-z0-9_-]*; did you mean "essential"?']],
    ['an empty label', { ...minimal, categories: { essential: { label: ' ' } } }, ['policy: categories.essential.label: label must not be empty']],
    ['a list where a mapping belongs', { ...minimal, consentCookie: [] }, ['policy: consentCookie: must be an object, not a list']],
    ['a bad consent mode type', { ...minimal, categories: { essential: { label: 'E', consentMode: ['ads_storage'] } } }, ['policy: categories.essential.consentMode[0]: must be one of "ad_storage", "analytics_storage", "ad_user_data", "ad_personalization", "functionality_storage", "personalization_storage", "security_storage"; did you mean "ad_storage"?']],
    ['a zero maxAgeDays', { ...minimal, consentCookie: { maxAgeDays: 0 } }, ['policy: consentCookie.maxAgeDays: must be at least 1']],
    ['a consent cookie name with a space', { ...minimal, consentCookie: { name: 'my consent' } }, ['policy: consentCookie.name: must be a cookie name (letters, digits, `_` and `-`)']],
    ['a revision with a newline', { ...minimal, revision: 'a\nb' }, ['policy: revision: must not contain control characters']],
    ['a revision that is a list', { ...minimal, revision: ['a'] }, ['policy: revision: must be a string such as "2024-05-01"']],
    ['a path that smuggles an attribute', { ...minimal, cookies: [{ name: 'a', category: 'essential', path: '/; Domain=evil.example' }] }, ['policy: cookies[0].path: must be a path starting with / (no spaces or `;`)']],
    ['a tracker of an unknown category', { ...minimal, trackers: [{ name: 'X', category: 'ads', hosts: ['x.example'] }] }, ['policy: trackers[0].category: unknown category "ads"; categories are "essential"']],
    ['a tracker host with a scheme', { ...minimal, trackers: [{ name: 'X', category: 'essential', hosts: ['https://x.example'] }] }, ['policy: trackers[0].hosts[0]: must be a host, *.host, or host/path']],
    ['a near-miss top-level key', { ...minimal, cookie: [] }, ['policy: cookie: unknown key; did you mean "cookies"?']],
    ['a required category that GPC would deny', { ...minimal, categories: { essential: { label: 'E', required: true, gpc: true } } }, ['policy: categories.essential.gpc: a required category cannot be denied by GPC']],
  ])('should explain %s', (_name, input, expected) => {
    expect(problemsOf(input as never)).toEqual(expected);
  });

  it('should refuse arguments that are not a path or an object', () => {
    expect(() => loadPolicy(42 as never)).toThrow(new TypeError('argument policy must be a file path or a policy object'));
  });
});
