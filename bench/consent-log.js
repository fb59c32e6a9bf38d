// What the consent log costs a site: consent changes per second sustained into SQLite and
// PostgreSQL while pages are served, and the latency it adds to POST /consent. Each variant
// is an Express server with the guard in its own process; every run happens once per round,
// rounds interleave, and the tables give medians.
//   node consent-log.js
//   BENCH_ROUNDS=9 BENCH_SECONDS=5 node consent-log.js
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { median } from './median.js';
import { ask, startServer } from './servers.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
// The latency run's fixed rate: well below what any variant sustains, so the p99 is the
// log's cost, not queueing behind a saturated server.
const RATE = Number(process.env.BENCH_RATE ?? 50);
const CONSENT = { method: 'POST', path: '/consent', headers: { 'content-type': 'application/json' }, body: '{"action":"accept-all"}' };

// A durable server (fsync on), as a site would run it.
const postgres = await startPostgres({ durable: true });
const dir = mkdtempSync(join(tmpdir(), 'consent-guard-bench-'));
const VARIANTS = [
  ['no log', 'express + guard', []],
  ['SQLite', 'express + guard + log', [join(dir, 'consent.db')]],
  ['PostgreSQL', 'express + guard + log', [postgres.url]],
];
const servers = new Map();
for (const [name, variant, args] of VARIANTS) servers.set(name, await startServer(variant, args));

const results = new Map(VARIANTS.map(([name]) => [name, { changes: [], pages: [], p50: [], p99: [], written: 0, dropped: 0, consentChanges: 0 }]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name] of VARIANTS) {
    const { port, child } = servers.get(name);
    const result = results.get(name);
    // Throughput: consent changes (each POST a new visitor, so a new record) and pages at once.
    const [changes, pages] = await Promise.all([
      autocannon({ url: `http://127.0.0.1:${port}`, connections: 16, duration: SECONDS, requests: [CONSENT] }),
      autocannon({ url: `http://127.0.0.1:${port}/`, connections: 16, duration: SECONDS }),
    ]);
    if (changes.errors || pages.errors || changes.non2xx || pages.non2xx) throw new Error(`${name}: errors or non-2xx responses`);
    result.changes.push(changes.requests.average);
    result.pages.push(pages.requests.average);
    // The backlog is written before the latency run, so that it does not weigh on it.
    if (name !== 'no log') await ask(child, 'log');
    // Latency: POST /consent alone at a fixed rate.
    const latencies = await fixedRate(port, RATE, SECONDS);
    result.p50.push(percentile(latencies, 0.5));
    result.p99.push(percentile(latencies, 0.99));
    if (name !== 'no log') Object.assign(result, await ask(child, 'log'));
  }
  process.stderr.write(`round ${round}/${ROUNDS} done\n`);
}
for (const { child } of servers.values()) child.disconnect();
await postgres.destroy();
rmSync(dir, { recursive: true, force: true });

const base = results.get('no log');
console.log(`\nnode ${process.version}, ${ROUNDS} rounds of ${SECONDS} s, medians; POST /consent and GET / (1 KB page) at 16 connections each; latency at ${RATE} POST/s\n`);
console.log('| consent log | consent changes/s | pages/s (at the same time) | p50 POST (ms) | p99 POST (ms) | p99 vs no log | records written / dropped |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const [name] of VARIANTS) {
  const r = results.get(name);
  const written = name === 'no log' ? '—' : `${r.written} of ${r.consentChanges} / ${r.dropped}`;
  console.log(`| ${name} | ${Math.round(median(r.changes))} | ${Math.round(median(r.pages))} | ${median(r.p50).toFixed(2)} | ${median(r.p99).toFixed(2)} | ${(median(r.p99) / median(base.p99)).toFixed(2)} | ${written} |`);
}

/** POSTs at `rate` per second for `seconds`, over kept-alive connections; resolves to each one's latency in ms. */
async function fixedRate(port, rate, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const started = performance.now();
  const requests = [];
  for (let i = 0; i < rate * seconds; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    requests.push(post(agent, port));
  }
  const latencies = await Promise.all(requests);
  agent.destroy();
  return latencies;
}

function post(agent, port) {
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const req = http.request({ agent, port, host: '127.0.0.1', method: CONSENT.method, path: CONSENT.path, headers: CONSENT.headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - sent) : reject(new Error(`POST /consent: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(CONSENT.body);
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
