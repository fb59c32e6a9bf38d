import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { PolicyError } from '@consent-guard/core';
import { createConsentProxy, type ConsentProxy, type ConsentProxyOptions } from '@consent-guard/proxy';
import { EXIT, UsageError, type Io } from './io.js';

export interface ProxyFlags {
  readonly upstream?: string | undefined;
  readonly policy?: string | undefined;
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly mode?: string | undefined;
  readonly cache?: string | undefined;
  readonly 'consent-log'?: string | undefined;
  readonly 'trust-proxy'?: boolean | undefined;
}

/** How long a shutdown waits for requests in flight before it cuts them. */
const DRAIN_MS = 10_000;

/**
 * `consent-guard proxy`: the guard in front of a running site until SIGTERM or SIGINT, which
 * stop taking connections, let requests in flight finish (up to DRAIN_MS), write the consent
 * log and resolve to exit code 0.
 */
export async function proxy(flags: ProxyFlags, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!flags.upstream) throw new UsageError('missing --upstream: the site to guard, e.g. --upstream http://127.0.0.1:8080');
  if (!flags.policy) throw new UsageError('missing --policy: the policy file, e.g. --policy consent-policy.yaml');
  const port = portOf(flags.port);
  const host = flags.host ?? '127.0.0.1';
  const secret = env.CONSENT_SECRET || undefined;
  const options: ConsentProxyOptions = {
    upstream: flags.upstream,
    policy: flags.policy,
    secret,
    trustProxy: flags['trust-proxy'] ?? false,
    ...(flags.mode === undefined ? {} : { mode: flags.mode as NonNullable<ConsentProxyOptions['mode']> }),
    ...(flags.cache === undefined ? {} : { cache: flags.cache as NonNullable<ConsentProxyOptions['cache']> }),
    ...(flags['consent-log'] === undefined ? {} : { consentLog: { store: flags['consent-log'] } }),
  };

  let server: ConsentProxy;
  try {
    server = createConsentProxy(options);
  } catch (error) {
    if (error instanceof PolicyError) {
      io.stderr.write(`${error.message}\n(consent-guard lint ${flags.policy} lists them with warnings)\n`);
      return EXIT.error;
    }
    if (error instanceof TypeError) throw new UsageError(error.message.replace(/^option (\w+)/, (_, name: string) => `--${kebab(name)}`));
    throw error;
  }

  server.listen(port, host);
  const outcome = await new Promise<Error | undefined>((resolve) => {
    server.once('listening', () => resolve(undefined));
    server.once('error', resolve);
  });
  if (outcome) {
    io.stderr.write(`consent-guard proxy: cannot listen on ${host}:${port}: ${outcome.message}\n`);
    await new Promise((resolve) => server.close(resolve));
    return EXIT.error;
  }
  // Listening for the signals before saying so: a supervisor may send one as soon as it reads the line.
  const stopped = Promise.race([once(process, 'SIGTERM').then(() => 'SIGTERM'), once(process, 'SIGINT').then(() => 'SIGINT')]);
  const address = server.address() as AddressInfo;
  const listening = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  io.stdout.write(`consent-guard proxy: listening on ${listening}, guarding ${new URL(flags.upstream).origin} with ${flags.policy} (mode ${flags.mode ?? 'enforce'}, cache ${flags.cache ?? 'vary'}${flags['consent-log'] ? `, consent log ${flags['consent-log']}` : ''})\n`);
  if (!secret) io.stderr.write('consent-guard proxy: CONSENT_SECRET is not set, so consent cookies are not signed: set it to a long random string\n');

  const signal = await stopped;
  io.stdout.write(`consent-guard proxy: ${signal}: finishing the requests in flight\n`);
  const cut = setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
  const closed = await new Promise<Error | undefined>((resolve) => server.close(resolve));
  clearTimeout(cut);
  if (closed) {
    io.stderr.write(`consent-guard proxy: ${closed.message}\n`);
    return EXIT.error;
  }
  io.stdout.write('consent-guard proxy: stopped\n');
  return EXIT.ok;
}

function portOf(value: string | undefined): number {
  if (value === undefined) return 3000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`);
  return port;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
