import { closest } from '../suggest.js';
import { CMP_NAMES, type CmpName } from './format.js';
import { FORMATS } from './formats.js';

/** One entry of the `consentSources` option. */
export interface ConsentSourceOption {
  /** The consent manager the site runs. */
  readonly cmp: CmpName;
  /**
   * The manager's category ids (Klaro: service names) → policy category id(s). A policy
   * category is granted when every manager id mapped to it is granted; a category nothing
   * maps to is denied. Defaults to the manager's standard categories where it has them.
   * TCF and GPP: purpose numbers, `8|9|10` meaning any of them, e.g. `{ 1: ['performance'], '8|9|10': 'performance' }`.
   */
  readonly map?: Readonly<Record<string, string | readonly string[]>>;
  /** The manager's cookie name, where the manager lets a site rename it (vanilla-cookieconsent, Klaro, TCF: `eupubconsent-v2` for OneTrust). */
  readonly cookie?: string;
}

/** A source as given, checked for shape; its map is checked against the policy later. */
export interface SourceOption {
  readonly cmp: CmpName;
  /** [manager id, policy ids] pairs, or undefined for the default map. */
  readonly map: readonly (readonly [string, readonly string[]])[] | undefined;
  readonly cookie: string;
}

const KEYS = ['cmp', 'map', 'cookie'];
const MANAGER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:|-]{0,63}$/;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;

/** Checks the `consentSources` option's shape at startup, with messages that say how to fix it. */
export function validateSources(value: unknown): readonly SourceOption[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError('option consentSources must be a list, e.g. [{ cmp: "onetrust" }]');
  const seen = new Map<string, number>();
  return Object.freeze(
    value.map((entry: unknown, index) => {
      const where = `option consentSources[${index}]`;
      if (typeof entry !== 'object' || entry === null) throw new TypeError(`${where} must be an object { cmp, map }`);
      const given = entry as Record<string, unknown>;
      for (const key of Object.keys(given)) {
        if (!KEYS.includes(key)) throw new TypeError(`${where} has an unknown key \`${key}\`.${hint(key, KEYS)} Keys are ${KEYS.join(', ')}.`);
      }
      const cmp = cmpOf(given.cmp, where);
      const cookie = cookieOf(given.cookie, cmp, where);
      const earlier = seen.get(`${cmp}=${cookie}`);
      if (earlier !== undefined) throw new TypeError(`${where} reads the same ${cmp} cookie "${cookie}" as consentSources[${earlier}]`);
      seen.set(`${cmp}=${cookie}`, index);
      return Object.freeze({ cmp, cookie, map: mapOf(given.map, where) });
    }),
  );
}

function cmpOf(cmp: unknown, where: string): CmpName {
  if (typeof cmp === 'string' && (CMP_NAMES as readonly string[]).includes(cmp)) return cmp as CmpName;
  const named = typeof cmp === 'string' ? ` \`${cmp.slice(0, 40)}\`` : '';
  throw new TypeError(`${where}.cmp${named} is not a consent manager consent-guard reads.${typeof cmp === 'string' ? hint(cmp, CMP_NAMES) : ''} Use one of: ${CMP_NAMES.join(', ')}.`);
}

function cookieOf(cookie: unknown, cmp: CmpName, where: string): string {
  const format = FORMATS[cmp];
  if (cookie === undefined) return format.cookie;
  if (!format.renamable) throw new TypeError(`${where}.cookie: ${cmp} always uses the cookie "${format.cookie}"; leave cookie out`);
  if (typeof cookie !== 'string' || !COOKIE_NAME.test(cookie)) throw new TypeError(`${where}.cookie must be a cookie name such as "${format.cookie}"`);
  return cookie;
}

function mapOf(map: unknown, where: string): SourceOption['map'] {
  if (map === undefined) return undefined;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new TypeError(`${where}.map must be an object of manager ids to policy category ids, e.g. { C0004: "marketing" }`);
  }
  return Object.entries(map).map(([id, target]): readonly [string, readonly string[]] => {
    if (!MANAGER_ID.test(id)) throw new TypeError(`${where}.map: "${id.slice(0, 40)}" is not a manager id (letters, digits, _ . : | -)`);
    const targets = typeof target === 'string' ? [target] : target;
    if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string')) {
      throw new TypeError(`${where}.map.${id} must be a policy category id or a non-empty list of them`);
    }
    return Object.freeze([id, Object.freeze([...(targets as string[])])] as const);
  });
}

function hint(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match ? ` Did you mean \`${match}\`?` : '';
}
