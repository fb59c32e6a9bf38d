/**
 * Cookie-name globs: `*` stands for any run of characters, everything else is literal.
 * Compiled to a prefix / ordered-parts / suffix check instead of a RegExp, so a policy
 * author can never write a pattern that backtracks catastrophically: a match is at most
 * one `indexOf` scan per part.
 */
export interface NameMatcher {
  /** The pattern as written in the policy. */
  readonly pattern: string;
  readonly isGlob: boolean;
  /** Literal characters in the pattern: the more, the more specific. */
  readonly specificity: number;
  matches(name: string): boolean;
}

export function compileNameMatcher(pattern: string): NameMatcher {
  if (!pattern.includes('*')) {
    return { pattern, isGlob: false, specificity: pattern.length, matches: (name) => name === pattern };
  }
  const parts = pattern.split('*');
  const prefix = parts[0] ?? '';
  const suffix = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  const minLength = prefix.length + suffix.length + middle.reduce((sum, part) => sum + part.length, 0);
  return {
    pattern,
    isGlob: true,
    specificity: minLength,
    matches(name) {
      if (name.length < minLength || !name.startsWith(prefix) || !name.endsWith(suffix)) return false;
      // Leftmost-first placement of each middle part is optimal for `*`-only globs.
      let position = prefix.length;
      const end = name.length - suffix.length;
      for (const part of middle) {
        const found = name.indexOf(part, position);
        if (found === -1 || found + part.length > end) return false;
        position = found + part.length;
      }
      return true;
    },
  };
}
