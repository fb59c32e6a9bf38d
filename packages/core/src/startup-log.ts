import createDebug from 'debug';
import type { ResolvedOptions } from './options.js';
import type { Policy, PolicyInput } from './policy/schema.js';

const log = createDebug('consent-guard:startup');

/**
 * `DEBUG=consent-guard:*`: which policy the guard loaded and the options in effect, once per
 * guard. Secrets are counted, never shown.
 */
export function logStartup(input: string | URL | PolicyInput, policy: Policy, options: ResolvedOptions): void {
  if (!log.enabled) return;
  const source = typeof input === 'string' ? input : input instanceof URL ? input.href : 'a policy object';
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  log(
    'policy %s: revision %s, %s, %s, %s',
    source,
    policy.revision,
    count(Object.keys(policy.categories).length, 'category', 'categories'),
    count(policy.cookies.length, 'cookie'),
    count(policy.trackers.length, 'tracker'),
  );
  log(
    'options: mode %s, endpoint %s, declaration %s, banner %s, cache %s, locale %s (texts for %s), %s, consentSources %s, consentLog %s, onReport %s, regime %s',
    options.mode,
    options.endpoint === false ? 'off' : options.endpoint,
    options.declaration === false ? 'off' : options.declaration,
    options.banner ? 'on' : 'off',
    options.cache,
    options.locale,
    [...new Set(['en', 'nb', ...Object.keys(options.messages)])].join(', '),
    options.secrets.length === 0 ? 'unsigned consent cookie (no secret)' : `signed consent cookie (${count(options.secrets.length, 'secret')})`,
    options.consentSources.length === 0 ? 'none' : options.consentSources.map((source) => source.cmp).join(', '),
    options.consentLog ? `on (retention ${options.consentLog.retentionDays === undefined ? 'unlimited' : `${options.consentLog.retentionDays} days`}, IP hash ${options.consentLog.hashIpSecret ? 'on' : 'off'})` : 'off',
    options.onReport ? 'set' : 'not set',
    options.regime ? 'set' : 'opt-in for everyone',
  );
}
