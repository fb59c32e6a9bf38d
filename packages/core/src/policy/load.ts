import { readFileSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { PolicyError, type PolicyProblem } from '../errors.js';
import { expandServices } from '../catalogue/expand.js';
import { closest } from '../suggest.js';
import { knownKeys, policySchema, type Policy, type PolicyInput } from './schema.js';

export type Path = readonly PropertyKey[];

interface Source {
  file: string;
  document?: Document;
  lines?: LineCounter;
}

const validated = new WeakSet<object>();

/**
 * Reads (YAML or JSON file path) or takes (object) a policy, validates it and returns it
 * frozen, in format 1 with every default filled in. Throws one `PolicyError` naming every
 * problem. A policy it returned, or a spread copy of one, is accepted again.
 */
export function loadPolicy(input: string | URL | PolicyInput): Policy {
  if (typeof input === 'string') return fromFile(input);
  // `new URL('./consent-policy.yaml', import.meta.url)`: beside the code, whatever the working directory.
  if (input instanceof URL) return fromFile(fileURLToPath(input));
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError('argument policy must be a file path or a policy object');
  }
  if (validated.has(input)) return input as Policy;
  return validate(input, { file: 'policy' });
}

function fromFile(path: string): Policy {
  const { data, source } = readSource(path);
  return validate(data, source);
}

/** A policy with a way to point into its source, for tools that report on it (lint). */
export interface LocatedPolicy {
  readonly policy: Policy;
  /** Where `path` is in the file (or the object), as a problem to report there. */
  problemAt(path: Path, message: string): PolicyProblem;
}

/** `loadPolicy`, keeping the file's positions. */
export function loadLocatedPolicy(input: string | PolicyInput): LocatedPolicy {
  const { data, source } = typeof input === 'string' ? readSource(input) : { data: input, source: { file: 'policy' } };
  const policy = typeof input === 'string' ? validate(data, source) : loadPolicy(input);
  return { policy, problemAt: (path, message) => problem(source, path, message) };
}

function readSource(path: string): { data: unknown; source: Source } {
  const file = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String((error as Error).message);
    throw new PolicyError([{ file: path, path: '', message: `cannot read the policy: ${reason}${isAbsolute(path) ? '' : relativeNote(path)}` }]);
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new PolicyError(
      document.errors.map((error) => ({
        file,
        path: '',
        message: error.message.split('\n')[0] ?? error.message,
        ...position(lines, error.pos[0]),
      })),
    );
  }
  return { data: document.toJS(), source: { file, document, lines } };
}

function relativeNote(path: string): string {
  return ` at ${resolve(path)}: a relative path is read from the working directory (${process.cwd()}); to read it beside your code, pass new URL('${path.startsWith('.') ? path : `./${path}`}', import.meta.url)`;
}

function validate(input: unknown, source: Source): Policy {
  const result = policySchema.safeParse(input, { error: describeIssue });
  const problems: PolicyProblem[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...toProblems(issue, source));
  }
  problems.push(...crossCheck(input, source));
  if (problems.length > 0 || !result.success) throw new PolicyError(inFileOrder(dedupe(problems)));
  // In the order the site listed them (zod gives the schema's): the first listed wins a shared host.
  const listed = isRecord(input) && isRecord(input.services) ? Object.keys(input.services) : [];
  const services = Object.fromEntries(listed.filter((id) => result.data.services[id] !== undefined).map((id) => [id, result.data.services[id]]));
  const parsed = { ...result.data, services };
  const policy = deepFreeze({ ...parsed, ...expandServices(parsed), revision: String(result.data.revision) }) as Policy;
  validated.add(policy);
  return policy;
}

function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.input === undefined && issue.code !== 'unrecognized_keys') return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${article(issue.expected)}, not ${kindOf(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}${hint(issue.input, issue.values.map(String))}`;
    case 'invalid_union':
      return 'must be a string such as "2024-05-01"';
    case 'too_small':
      return issue.origin === 'array' ? `must have at least ${issue.minimum} entries` : `must be at least ${issue.minimum}`;
    case 'too_big':
      return `must be at most ${issue.maximum}`;
    default:
      return undefined;
  }
}

function toProblems(issue: z.core.$ZodIssue, source: Source): PolicyProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path);
    return issue.keys.map((key) =>
      problem(source, [...issue.path, key], `unknown key${hint(key, allowed)}`, true),
    );
  }
  if (issue.code === 'invalid_key') {
    const key = String(issue.path[issue.path.length - 1]);
    const lower = key.toLowerCase();
    const fix = lower !== key && /^[a-z][a-z0-9_-]*$/.test(lower) ? `; did you mean "${lower}"?` : '';
    return [problem(source, issue.path, `${issue.issues[0]?.message ?? 'invalid key'}${fix}`, true)];
  }
  return [problem(source, issue.path, issue.message)];
}

/** Checks zod cannot express per field: references between parts and duplicates. */
function crossCheck(input: unknown, source: Source): PolicyProblem[] {
  if (!isRecord(input)) return [];
  const categories = isRecord(input.categories) ? Object.keys(input.categories) : [];
  const problems: PolicyProblem[] = [];
  const checkReferences = (list: unknown, key: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, index) => {
      if (!isRecord(entry) || typeof entry.category !== 'string' || categories.includes(entry.category)) return;
      problems.push(problem(source, [key, index, 'category'], unknownCategory(entry.category, categories)));
    });
  };
  if (isRecord(input.categories)) {
    for (const [id, category] of Object.entries(input.categories)) {
      if (isRecord(category) && category.required === true && category.gpc === true) {
        problems.push(problem(source, ['categories', id, 'gpc'], 'a required category cannot be denied by GPC'));
      }
    }
  }
  checkReferences(input.cookies, 'cookies');
  checkReferences(input.trackers, 'trackers');
  if (isRecord(input.services)) {
    for (const [id, category] of Object.entries(input.services)) {
      if (typeof category !== 'string' || categories.includes(category)) continue;
      problems.push(problem(source, ['services', id], unknownCategory(category, categories)));
    }
  }
  const listed = isRecord(input.services) ? Object.keys(input.services) : [];
  for (const key of ['cookies', 'trackers'] as const) {
    const list = input[key];
    if (!Array.isArray(list)) continue;
    list.forEach((entry: unknown, index) => {
      if (!isRecord(entry) || typeof entry.service !== 'string' || listed.includes(entry.service)) return;
      problems.push(problem(source, [key, index, 'service'], `"${entry.service}" is not listed in services:${hint(entry.service, listed)}`));
    });
  }
  if (Array.isArray(input.cookies)) {
    const firstIndex = new Map<string, number>();
    input.cookies.forEach((entry: unknown, index) => {
      if (!isRecord(entry) || typeof entry.name !== 'string') return;
      const earlier = firstIndex.get(entry.name);
      if (earlier === undefined) firstIndex.set(entry.name, index);
      else problems.push(problem(source, ['cookies', index, 'name'], `"${entry.name}" is already declared at cookies[${earlier}]`));
    });
  }
  return problems;
}

function unknownCategory(category: string, categories: readonly string[]): string {
  return `unknown category "${category}"${hint(category, categories, `; categories are ${categories.map((c) => `"${c}"`).join(', ')}`)}`;
}

function allowedKeysAt(path: Path): readonly string[] {
  const [first] = path;
  if (path.length === 0) return knownKeys.root;
  if (first === 'consentCookie') return knownKeys.consentCookie;
  if (first === 'categories') return knownKeys.category;
  if (first === 'cookies') return knownKeys.cookie;
  if (first === 'trackers') return knownKeys.tracker;
  if (first === 'services') return knownKeys.services;
  return [];
}

function problem(source: Source, path: Path, message: string, atKey = false): PolicyProblem {
  return { file: source.file, path: formatPath(path), message, ...locate(source, path, atKey) };
}

function locate(source: Source, path: Path, atKey: boolean): { line?: number; column?: number } {
  const { document, lines } = source;
  if (!document || !lines) return {};
  const keys = path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  // Walk up to the nearest node that exists (a missing field is reported at its parent).
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = atKey && depth === keys.length ? keyNode(document, keys) : document.getIn(keys.slice(0, depth), true);
    const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
    if (offset !== undefined) return position(lines, offset);
  }
  return {};
}

function keyNode(document: Document, keys: readonly (string | number)[]): unknown {
  const parent = document.getIn(keys.slice(0, -1), true) as { items?: { key?: { value?: unknown } }[] } | undefined;
  return parent?.items?.find((pair) => pair.key?.value === keys[keys.length - 1])?.key;
}

function position(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

export function formatPath(path: Path): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    return out ? `${out}.${name}` : name;
  }, '');
}

function hint(word: unknown, candidates: readonly string[], otherwise = ''): string {
  const match = typeof word === 'string' ? closest(word, candidates) : undefined;
  return match ? `; did you mean "${match}"?` : otherwise;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${article(typeof value)} (${JSON.stringify(value)})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dedupe(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function inFileOrder(problems: PolicyProblem[]): PolicyProblem[] {
  // Array.prototype.sort is stable: problems without a position keep their order.
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
