/** Where a command writes: the process's streams, or a test's. */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
}

/** A mistake in how the command was called or what it was given: printed without a stack trace. */
export class UsageError extends Error {}

/** The command was called right but cannot do its work (no browser, say): printed without a stack trace or a usage hint. */
export class RunError extends Error {}

/** Exit codes: 0 clean, 1 errors (in the policy, the arguments, the run), 2 violations found by scan. */
export const EXIT = { ok: 0, error: 1, violations: 2 } as const;
