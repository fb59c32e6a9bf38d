/** One thing wrong with a policy, located as precisely as the input allows. */
export interface PolicyProblem {
  /** The file, or "policy" for an object. */
  readonly file: string;
  /** Dotted path to the field, e.g. `cookies[1].category`; empty for the whole policy. */
  readonly path: string;
  readonly message: string;
  /** 1-based position in the file, when the policy came from one. */
  readonly line?: number;
  readonly column?: number;
}

export function formatProblem(problem: PolicyProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** Every problem found in a policy, thrown at once by `loadPolicy` and `createGuard`. */
export class PolicyError extends Error {
  readonly code = 'CONSENT_POLICY_INVALID';
  readonly problems: readonly PolicyProblem[];

  constructor(problems: readonly PolicyProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid consent policy (${count}):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'PolicyError';
    this.problems = problems;
  }
}
