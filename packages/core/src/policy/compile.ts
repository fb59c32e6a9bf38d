import { compileNameMatcher, type NameMatcher } from '../glob.js';
import type { CookieDeclaration, Policy } from './schema.js';

/** A policy with its lookups precomputed once, for the per-request path. */
export interface CompiledPolicy {
  readonly policy: Policy;
  readonly categoryIds: readonly string[];
  readonly requiredIds: ReadonlySet<string>;
  /** Categories denied by `Sec-GPC: 1` while the visitor has not decided. */
  readonly gpcIds: ReadonlySet<string>;
  /** The declaration a cookie name falls under: exact names first, then the most specific glob. */
  findCookie(name: string): CookieDeclaration | undefined;
}

export function compilePolicy(policy: Policy): CompiledPolicy {
  const categoryIds = Object.keys(policy.categories);
  const exact = new Map<string, CookieDeclaration>();
  const globs: { matcher: NameMatcher; declaration: CookieDeclaration }[] = [];
  for (const declaration of policy.cookies as readonly CookieDeclaration[]) {
    const matcher = compileNameMatcher(declaration.name);
    if (matcher.isGlob) globs.push({ matcher, declaration });
    else exact.set(declaration.name, declaration);
  }
  // Stable sort: among equally specific globs the first declared wins.
  globs.sort((a, b) => b.matcher.specificity - a.matcher.specificity);
  return {
    policy,
    categoryIds,
    requiredIds: new Set(categoryIds.filter((id) => policy.categories[id]?.required)),
    gpcIds: new Set(categoryIds.filter((id) => policy.categories[id]?.gpc)),
    findCookie(name) {
      return exact.get(name) ?? globs.find((glob) => glob.matcher.matches(name))?.declaration;
    },
  };
}
