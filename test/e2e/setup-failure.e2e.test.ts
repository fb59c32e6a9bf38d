import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('setup-failure/', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a browser suite whose setup fails', () => {
  it('should stop the sites it started before failing', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'consent-guard-setup-')), 'pid');
    const exitCode = await new Promise<number | null>((resolve) => {
      execFile(process.execPath, [VITEST, 'run', '--root', FIXTURE], { env: { ...process.env, PID_FILE: pidFile } }, (error) => resolve(error ? (error.code as number) : 0));
    });
    expect(exitCode).toBe(1);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(false);
  }, 60_000);
});
