import { basename } from 'node:path';
import { formatProblem, lintPolicy, type PolicyProblem } from '@consent-guard/core';
import { EXIT, type Io } from './io.js';

/** `consent-guard lint <policy>`: errors (exit 1), then warnings (exit 0), as `file:line:col path: message`. */
export function lint(path: string, io: Io): number {
  const { errors, warnings } = lintPolicy(path);
  // Problems name the file by its base name; the path as typed is what an editor opens.
  const located = (problem: PolicyProblem) => formatProblem(problem.file === basename(path) ? { ...problem, file: path } : problem);
  for (const error of errors) io.stdout.write(`${located(error)}\n`);
  for (const warning of warnings) io.stdout.write(`${located({ ...warning, message: `warning: ${warning.message}` })}\n`);
  const summary = [count(errors.length, 'error'), count(warnings.length, 'warning')].join(', ');
  io.stderr.write(errors.length === 0 && warnings.length === 0 ? `${path}: no problems\n` : `${path}: ${summary}\n`);
  return errors.length > 0 ? EXIT.error : EXIT.ok;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
