import { malformed, MAX_COOKIE_LENGTH, type ManagerFormat, type Reading } from './format.js';

/**
 * CookieLawInfo / "GDPR Cookie Consent" (WordPress plugin cookie-law-info): cookie
 * `viewed_cookie_policy` = yes | no (no once the visitor rejected), and one cookie
 * `cookielawinfo-checkbox-<category>` = yes | no per category. As the plugin's own
 * `check_consent` does, a category is granted only when both say yes; a missing checkbox
 * cookie is a no. Older versions (like the seed site's, 2018) set only `viewed_cookie_policy`:
 * map the pseudo-id `viewed_cookie_policy` to the categories its "Accept" covered.
 */
export const cookielawinfo: ManagerFormat = {
  cookie: 'viewed_cookie_policy',
  renamable: false,
  defaultMap: { functional: 'functionality', performance: 'performance', analytics: 'performance', advertisement: 'marketing' },
  raw(cookies, name, ids) {
    const viewed = cookies[name];
    if (viewed === undefined) return undefined;
    // Cookie values cannot contain a newline, so it separates them unambiguously.
    return [viewed, ...ids.map((id) => (id === VIEWED ? '' : (cookies[`${CHECKBOX}${id}`] ?? '')))].join('\n');
  },
  read,
};

const VIEWED = 'viewed_cookie_policy';
const CHECKBOX = 'cookielawinfo-checkbox-';

function read(raw: string, ids: readonly string[]): Reading {
  if (raw.length > MAX_COOKIE_LENGTH * (ids.length + 1)) return malformed('cookies longer than browsers store');
  const [viewed, ...boxes] = raw.split('\n');
  if (viewed !== 'yes' && viewed !== 'no') return malformed(`${VIEWED} is neither yes nor no`);
  const granted = new Map<string, boolean>();
  for (const [index, id] of ids.entries()) {
    const box = id === VIEWED ? viewed : (boxes[index] ?? '');
    if (box !== 'yes' && box !== 'no' && box !== '') return malformed(`${CHECKBOX}${id} is neither yes nor no`);
    granted.set(id, viewed === 'yes' && box === 'yes');
  }
  return { decided: true, ids: granted, consentId: undefined };
}
