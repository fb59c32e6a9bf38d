import type { Io } from './io.js';

export interface Progress {
  step(done: number, total: number, label: string): void;
  done(): void;
}

/** A bar redrawn in place on a terminal; plain lines when stderr is a file or a pipe. */
export function progress(io: Io, title: string): Progress {
  const { stderr } = io;
  if (!stderr.isTTY) {
    return {
      step: (done, total, label) => stderr.write(`${title} ${done}/${total} ${label}\n`),
      done: () => {},
    };
  }
  const width = 20;
  return {
    step(done, total, label) {
      const filled = Math.round((done / Math.max(total, 1)) * width);
      const line = `${title} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label}`;
      stderr.write(`\r${line.slice(0, (stderr.columns ?? 80) - 1).padEnd((stderr.columns ?? 80) - 1)}`);
    },
    done: () => stderr.write('\n'),
  };
}
