// A throwaway PostgreSQL server for the tests and the benchmark: initdb on a temporary
// directory, started on a free loopback port, stopped and deleted afterwards. It needs the
// server binaries from Debian's `postgresql` package (.ci/run installs them); without them
// it throws, so the PostgreSQL tests fail instead of being skipped. As root, the server runs
// as the `postgres` user (it refuses to run as root).
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** @param {{ durable?: boolean }} [options] durable: keep fsync on (the benchmark); tests turn it off. */
export async function startPostgres(options = {}) {
  const bin = serverBin();
  const dir = mkdtempSync(join(tmpdir(), 'consent-guard-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout), Number(gid));
  }
  const as = (command, args) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args));
  await run('cp', ['-a', await template(bin, as), data]);
  const port = await freePort();
  const settings = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-k ${dir}`, ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'])];
  let running = false;
  const server = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await as('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', settings.join(' '), 'start']);
      running = true;
    },
    /** `immediate` is a crash as far as clients can tell: connections are cut at once. */
    async stop(mode = 'fast') {
      if (!running) return;
      running = false;
      await as('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    },
    /**
     * A new empty schema, and a connection string whose search_path is it: as good as a new
     * database for code using unqualified names, and much cheaper to make.
     */
    async createSchema(name) {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA "${name}"`);
      } finally {
        await client.end();
      }
      return `${server.url}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
    },
    async destroy() {
      await server.stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/**
 * An initdb'ed data directory, made once per machine and copied for each server: initdb
 * takes seconds on a busy machine, a copy a fraction of one.
 */
async function template(bin, as) {
  const path = join(tmpdir(), `consent-guard-pg-template-${bin.replaceAll('/', '_')}`);
  if (existsSync(path)) return path;
  const fresh = mkdtempSync(`${path}-`);
  if (userInfo().uid === 0) await run('chown', ['postgres:postgres', fresh]);
  await as('initdb', ['-D', join(fresh, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // Concurrent test files may race here: one rename wins, the others use it.
  try {
    renameSync(join(fresh, 'data'), path);
  } catch (error) {
    if (!existsSync(path)) throw error;
  }
  rmSync(fresh, { recursive: true, force: true });
  return path;
}

function serverBin() {
  const root = '/usr/lib/postgresql';
  const candidates = [process.env.PG_BINDIR, ...(existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)).map((version) => join(root, version, 'bin')) : [])];
  const bin = candidates.find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!bin) throw new Error('PostgreSQL server binaries not found (initdb, pg_ctl under /usr/lib/postgresql/*/bin or $PG_BINDIR): apt-get install -y postgresql');
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
