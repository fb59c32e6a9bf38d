// Soak: a mixed workload against the Express, Koa and Fastify demos, and against the proxy in
// front of a plain node:http site, for SOAK_SECONDS each (30 by default, as CI runs it; 300
// or more for the long variant), then slow clients that never read a large page. Fails
// (exit 1) on any unexpected status or client error, on heap growth from the first sample
// under load to the last, and on sockets, file descriptors or handles left behind once the
// load stops (for the proxy: also its connections to the site, once idle ones time out).
//   node soak.js
//   SOAK_SECONDS=300 node soak.js
//   SOAK_ONLY=proxy,php node soak.js     # some of express, koa, fastify, proxy, php, slow
import { fork } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ask } from './servers.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 30);
const ONLY = process.env.SOAK_ONLY?.split(',') ?? ['express', 'koa', 'fastify', 'proxy', 'php', 'slow'];
const CONNECTIONS = 16;
const PROBE = fileURLToPath(new URL('./soak-probe.js', import.meta.url));
const MB = 1024 * 1024;
// Allowed growth from the first sample under load to the last, after a forced GC.
const HEAP_SLACK = 8 * MB;
const UPLOAD = Buffer.alloc(64 * 1024, 'u');

const pick = (list) => list[Math.floor(Math.random() * list.length)];

let failed = false;
const fail = (message) => {
  failed = true;
  console.log(`  FAIL ${message}`);
};

const DEMO_PATHS = ['/', '/', '/', '/api/status', '/cookie-policy', '/consent/banner.js'];
// The site's paths through the proxy: pages, JSON, a streamed page, a slow one, a missing one; the guard's own.
const PROXY_PATHS = ['/', '/', '/api/status', '/stream', '/slow', '/missing', '/cookie-policy', '/consent/banner.js'];
// What the proxy's pool may keep open to the site right after the load: about one idle
// keep-alive connection per request in flight at the peak (the autocannon connections and
// the aborter; twice that as slack for connections an abort destroyed and the site has not
// yet seen close, and for a visitor answered before the site's body ended, e.g. a 304).
// They close after undici's keep-alive timeout (4 s, or the site's Keep-Alive hint less 2 s).
const POOL_BOUND = 2 * (CONNECTIONS + 1);
// The PHP demo's page, a file PHP does not have, and the proxy's own answers.
const PHP_PATHS = ['/', '/', '/', '/missing.php', '/cookie-policy', '/consent/banner.js'];
const KEEP_ALIVE_WAIT = 6000;

for (const demo of ['express', 'koa', 'fastify'].filter((name) => ONLY.includes(name))) {
  console.log(`\n${demo} demo, ${SECONDS} s of mixed traffic`);
  const server = await start(fileURLToPath(new URL(`../examples/${demo}-demo/server.js`, import.meta.url)));
  await soak(server, { paths: DEMO_PATHS, aborted: ['/'], statuses: [200, 303, 304] });
  await server.stop();
}

if (ONLY.includes('proxy')) {
  console.log(`\nproxy in front of a node:http site, ${SECONDS} s of mixed traffic`);
  const site = await start(fileURLToPath(new URL('./soak-upstream.js', import.meta.url)));
  const proxy = await start(fileURLToPath(new URL('./soak-proxy.js', import.meta.url)), { UPSTREAM: site.origin.replace('localhost', '127.0.0.1') });
  const siteBefore = await site.measure();
  let pooled;
  await soak(proxy, {
    paths: PROXY_PATHS,
    aborted: ['/', '/stream', '/slow'],
    statuses: [200, 303, 304, 404],
    uploads: true,
    upgrades: true,
    // Right after the load the pool may hold idle connections; once they time out, nothing may be left.
    loadEnded: async () => (pooled = await site.measure()),
    settle: KEEP_ALIVE_WAIT,
  });
  const siteIdle = await site.measure();
  await proxy.stop();
  await site.stop();
  console.log(`  connections from the proxy to the site: ${siteBefore.connections} before, ${pooled.connections} right after the load (bound ${POOL_BOUND}), ${siteIdle.connections} after ${KEEP_ALIVE_WAIT / 1000} s idle; site fds ${siteBefore.fds} / ${siteIdle.fds}`);
  for (const block of site.logged.other) fail(`the site logged:\n${block}`);
  if (pooled.connections > POOL_BOUND) fail(`${pooled.connections} connections to the site after the load, more than ${POOL_BOUND}`);
  if (siteIdle.connections > siteBefore.connections) fail(`${siteIdle.connections} connections to the site left once idle, ${siteBefore.connections} before the load`);
  if (siteIdle.fds > siteBefore.fds) fail(`site fds left behind: ${siteBefore.fds} before the load, ${siteIdle.fds} after`);
}

if (ONLY.includes('php')) {
  // The PHP demo: the proxy and the PHP site (one PHP runtime, WebAssembly) in one process,
  // so its connections are both the visitors' and the pool's, counted once idle ones time out.
  console.log(`\nPHP demo behind the proxy, ${SECONDS} s of mixed traffic`);
  const server = await start(fileURLToPath(new URL('../examples/proxy-demo/server.js', import.meta.url)));
  await soak(server, { paths: PHP_PATHS, aborted: ['/'], statuses: [200, 303, 304, 404], settle: KEEP_ALIVE_WAIT });
  await server.stop();
}

if (ONLY.includes('slow')) await slowClients();
process.exit(failed ? 1 : 0);

/** The server as a child process with the probe, once it says where it listens. */
function start(script, env = {}) {
  const child = fork(script, { execArgv: ['--expose-gc', '--import', PROBE], env: { ...process.env, PORT: '0', CONSENT_SECRET: 'soak-secret-0123456789abcdef0123456789', ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // Koa logs the error of a piped body whose client went away (premature close, EPIPE,
  // ECONNRESET; with koa-compress, with or without the guard): counted against the aborts.
  // Anything else on stderr fails the soak.
  const logged = { clientGone: 0, other: [] };
  let errorOutput = '';
  child.stderr.on('data', (data) => {
    errorOutput += data;
    const blocks = errorOutput.split(/\n\s*\n/);
    errorOutput = blocks.pop();
    for (const block of blocks.filter((text) => text.trim())) {
      if (/ERR_STREAM_PREMATURE_CLOSE|EPIPE|ECONNRESET/.test(block)) logged.clientGone++;
      else logged.other.push(block.trim());
    }
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    // Read everything: the demos log every report, and a full pipe would stall them.
    child.stdout.on('data', (data) => {
      if (output.length > 4096) return;
      output += data;
      const started = / on (http:\/\/localhost:\d+)/.exec(output);
      if (!started) return;
      output = '#'.repeat(4097);
      child.removeAllListeners('exit');
      resolve({
        origin: started[1],
        logged,
        measure: () => ask(child, 'measure'),
        stop: () => new Promise((done) => (child.once('exit', done), child.kill())),
      });
    });
  });
}

/**
 * SECONDS of mixed traffic on `server` over `paths` (with choices posted to the endpoint,
 * `uploads`: bodies posted to /upload, and requests to `aborted` paths the client gives up
 * on), then `settle` ms of quiet; prints what it saw and fails on what the header says.
 */
async function soak(server, { paths, aborted: abortedPaths, statuses: allowed, uploads = false, upgrades = false, loadEnded = async () => {}, settle = 2000 }) {
  const visitors = await visitorCookies(server.origin);
  const idleBefore = await server.measure();
  const samples = [];
  const statuses = new Map();
  const aborter = abortSome(server.origin, visitors, abortedPaths);
  const upgrader = upgrades ? upgradeSome(server.origin) : undefined;
  const load = autocannon({ url: server.origin, connections: CONNECTIONS, duration: SECONDS, requests: [{ setupRequest: (request) => mixedRequest(request, visitors, paths, uploads) }] });
  load.on('response', (_client, status) => statuses.set(status, (statuses.get(status) ?? 0) + 1));
  // Samples from the end of the first fifth (warm: caches filled, code optimized) on.
  const sampler = setInterval(async () => samples.push(await server.measure()), (SECONDS * 1000) / 6);
  const result = await load;
  clearInterval(sampler);
  const aborted = await aborter.stop();
  const tunnels = await upgrader?.stop();
  await loadEnded();
  await new Promise((resolve) => setTimeout(resolve, settle));
  const idleAfter = await server.measure();

  const [first, last] = [samples[1] ?? samples[0], samples.at(-1)];
  console.log(`  ${result.requests.total} requests (${Math.round(result.requests.average)}/s), ${aborted} aborted by the client, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  if (tunnels) console.log(`  on the side: ${tunnels.count} upgrade requests (tunnels echoing a message, closed or cut; refused upgrades), ${tunnels.failures} failed`);
  if (tunnels?.failures > 0) fail(`${tunnels.failures} upgrade requests failed`);
  console.log(`  heap after GC: ${mb(first.heapUsed)} -> ${mb(last.heapUsed)} MB under load; rss ${mb(first.rss)} -> ${mb(last.rss)} MB`);
  console.log(`  idle before / after: fds ${idleBefore.fds} / ${idleAfter.fds}, handles ${idleBefore.handles} / ${idleAfter.handles}, open connections ${idleBefore.connections} / ${idleAfter.connections}, process listeners ${idleBefore.listeners} / ${idleAfter.listeners}`);
  console.log(`  server log: ${server.logged.clientGone} errors of clients that went away (Koa logs them), ${server.logged.other.length} other`);
  if (server.logged.clientGone > aborted) fail('more client-gone errors than aborted requests');
  for (const block of server.logged.other) fail(`the server logged:\n${block}`);
  const bad = [...statuses.keys()].filter((status) => !allowed.includes(status));
  if (bad.length > 0) fail(`responses with status ${bad.join(', ')}`);
  if (result.errors > 0 || result.timeouts > 0) fail(`${result.errors} client errors, ${result.timeouts} timeouts`);
  if (last.heapUsed - first.heapUsed > HEAP_SLACK) fail(`heap grew by ${mb(last.heapUsed - first.heapUsed)} MB`);
  for (const key of ['fds', 'handles', 'connections', 'listeners']) {
    if (idleAfter[key] > idleBefore[key]) fail(`${key} left behind: ${idleBefore[key]} before the load, ${idleAfter[key]} after`);
  }
}

/**
 * The visitors' request headers: undecided, with Global Privacy Control, rejected, accepted,
 * chose statistics only, and two who still carry a tracker's cookies from before their choice.
 */
async function visitorCookies(origin) {
  const cookieOf = async (body) => {
    const response = await fetch(`${origin}/consent`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
    return response.headers.getSetCookie()[0].split(';')[0];
  };
  const stored = '_ga=GA1.1.987.654; __hstc=hs.9.8.7; PHPSESSID=s9876543210';
  const rejected = await cookieOf({ action: 'reject-all' });
  return [
    {},
    { 'sec-gpc': '1' },
    { cookie: stored },
    { cookie: rejected },
    { cookie: `${stored}; ${rejected}` },
    { cookie: await cookieOf({ action: 'accept-all' }) },
    { cookie: await cookieOf({ action: 'save', categories: ['performance'] }) },
  ];
}

/** One request of the mix: any visitor, any of `paths`, gzip or not, now and then a choice (or an upload). */
function mixedRequest(request, visitors, paths, uploads) {
  const headers = { ...pick(visitors), ...(Math.random() < 0.5 ? { 'accept-encoding': 'gzip' } : {}) };
  if (Math.random() < 0.05) {
    const body = pick(['action=accept-all&return_to=/', 'action=reject-all&return_to=/', 'action=save&categories=performance&return_to=/', 'action=withdraw']);
    return { ...request, method: 'POST', path: '/consent', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body };
  }
  if (uploads && Math.random() < 0.03) return { ...request, method: 'POST', path: '/upload', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: UPLOAD };
  return { ...request, method: 'GET', path: pick(paths), headers, body: undefined };
}

/** Requests to `paths` the client gives up on: before the answer, or halfway through reading it. */
function abortSome(origin, visitors, paths) {
  let count = 0;
  const once = () =>
    new Promise((resolve) => {
      const request = http.get(`${origin}${pick(paths)}`, { headers: pick(visitors) }, (response) => {
        response.once('data', () => request.destroy());
      });
      request.on('error', () => {});
      request.on('close', resolve);
      if (Math.random() < 0.5) setTimeout(() => request.destroy(), Math.random() * 5);
      count++;
    });
  return onTheSide(once, () => count);
}

/**
 * Upgrade requests on the side: 70% open a tunnel to the site's echo, send a message, read it
 * back and close the tunnel (half of them by cutting it); 30% are refused by the site (401).
 */
function upgradeSome(origin) {
  let count = 0;
  let failures = 0;
  const once = () =>
    new Promise((resolve) => {
      const refused = Math.random() < 0.3;
      const request = http.request(`${origin}${refused ? '/tunnel-refused' : '/tunnel'}`, { headers: { Connection: 'Upgrade', Upgrade: 'echo' } });
      request.on('upgrade', (_response, socket) => {
        socket.on('error', () => {});
        socket.on('close', resolve);
        let echoed = '';
        socket.on('data', (data) => {
          echoed += data;
          if (echoed.length < 4) return;
          if (echoed !== 'ping') failures++;
          if (Math.random() < 0.5) socket.destroy();
          else socket.end();
        });
        socket.write('ping');
      });
      request.on('response', (response) => {
        if (response.statusCode !== 401) failures++;
        response.resume().on('close', resolve);
      });
      request.on('error', () => {
        failures++;
        resolve();
      });
      request.end();
      count++;
    });
  return onTheSide(once, () => ({ count, failures }));
}

/** Runs `once` again and again, 20 ms apart, until `stop()`, which resolves to `result()` then. */
function onTheSide(once, result) {
  let running = true;
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return result();
    },
  };
}

/** Clients that ask for a 32 MB page and never read: the server must not buffer it. */
async function slowClients() {
  const CLIENTS = 20;
  console.log(`\n${CLIENTS} slow clients that never read a streamed 32 MB page`);
  const server = await start(fileURLToPath(new URL('./slow-server.js', import.meta.url)));
  const { port } = new URL(server.origin);
  const before = await server.measure();
  const sockets = Array.from({ length: CLIENTS }, (_, index) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(`GET /large HTTP/1.1\r\nHost: localhost\r\n${index % 2 ? 'Accept-Encoding: gzip\r\n' : ''}\r\n`));
    socket.pause();
    return socket;
  });
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const during = await server.measure();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = await server.measure();
  await server.stop();
  const grown = during.rss - before.rss;
  console.log(`  rss ${mb(before.rss)} -> ${mb(during.rss)} MB while they wait (heap ${mb(before.heapUsed)} -> ${mb(during.heapUsed)} MB); open connections ${during.connections}, then ${after.connections}`);
  // Each waiting response may hold its write buffers (16 KB high-water mark plus a chunk); not the page.
  if (grown > CLIENTS * 2 * MB) fail(`memory grew by ${mb(grown)} MB for ${CLIENTS} paused clients`);
  if (after.connections > before.connections) fail(`${after.connections} connections left after the clients went away`);
}

function mb(bytes) {
  return (bytes / MB).toFixed(1);
}
