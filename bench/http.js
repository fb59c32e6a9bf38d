// Requests per second of Express, Koa and Fastify apps with and without consent-guard, measured side
// by side in one run: every variant runs once per round, rounds interleave, and the table
// gives medians (the machines are shared and noisy) and the ratio to the bare framework.
//   node http.js                          # 5 rounds of 3 s per run
//   BENCH_ROUNDS=9 BENCH_SECONDS=5 node http.js
//   BENCH_ONLY=express node http.js       # only the runs whose variant names this
import autocannon from 'autocannon';
import { median } from './median.js';
import { ask, startServer as start } from './servers.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 32;

// Visitors: one who has not decided (the guard removes two of three cookies) and one who
// accepted everything (the guard verifies a signed consent cookie and keeps all).
const VISITORS = {
  undecided: {},
  accepted: { cookie: await acceptedCookie() },
};

// [server variant, visitor, path, baseline variant]. `/` is a small page setting three
// cookies, `/page` a real 50 KB page full of trackers, `/json` an API response.
const ALL_RUNS = [
  ['express (bare)', 'undecided', '/', 'express (bare)'],
  ['express + guard', 'undecided', '/', 'express (bare)'],
  ['express + guard', 'accepted', '/', 'express (bare)'],
  ['express + guard, report-only', 'undecided', '/', 'express (bare)'],
  ['express (bare)', 'undecided', '/page', 'express (bare)'],
  ['express + guard', 'undecided', '/page', 'express (bare)'],
  ['express + guard', 'accepted', '/page', 'express (bare)'],
  ['express (bare)', 'undecided', '/json', 'express (bare)'],
  ['express + guard', 'undecided', '/json', 'express (bare)'],
  ['koa (bare)', 'undecided', '/', 'koa (bare)'],
  ['koa + guard', 'undecided', '/', 'koa (bare)'],
  ['koa (bare)', 'undecided', '/page', 'koa (bare)'],
  ['koa + guard', 'undecided', '/page', 'koa (bare)'],
  ['koa (bare)', 'undecided', '/json', 'koa (bare)'],
  ['koa + guard', 'undecided', '/json', 'koa (bare)'],
];
ALL_RUNS.push(...fastifyRuns());
const RUNS = ALL_RUNS.filter(([variant]) => variant.includes(process.env.BENCH_ONLY ?? ''));

const servers = new Map();
for (const [variant] of RUNS) if (!servers.has(variant)) servers.set(variant, await start(variant));

const results = new Map(RUNS.map((run) => [key(run), { rps: [], p99: [], cpu: [] }]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const run of RUNS) {
    const [variant, visitor, path] = run;
    const server = servers.get(variant);
    const before = await ask(server.child);
    const result = await autocannon({
      url: `http://127.0.0.1:${server.port}${path}`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: VISITORS[visitor],
    });
    if (result.errors || result.non2xx) throw new Error(`${key(run)}: ${result.errors} errors, ${result.non2xx} non-2xx responses`);
    const after = await ask(server.child);
    results.get(key(run)).rps.push(result.requests.average);
    results.get(key(run)).p99.push(result.latency.p99);
    results.get(key(run)).cpu.push((after.cpuMicros - before.cpuMicros) / (after.requests - before.requests));
  }
  process.stderr.write(`round ${round}/${ROUNDS} done\n`);
}
for (const { child } of servers.values()) child.disconnect();

console.log(`\nnode ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, medians\n`);
console.log('| variant | path | visitor | req/s | vs bare | server CPU µs/req | vs bare | p99 latency (ms) |');
console.log('|---|---|---|---:|---:|---:|---:|---:|');
for (const run of RUNS) {
  const [variant, visitor, path, baseline] = run;
  const own = results.get(key(run));
  const base = results.get(key([baseline, 'undecided', path]));
  const [rps, cpu] = [median(own.rps), median(own.cpu)];
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(`| ${variant} | ${path} | ${visitor} | ${Math.round(rps)} | ${ratio(rps, median(base.rps))} | ${cpu.toFixed(1)} | ${ratio(cpu, median(base.cpu))} | ${median(own.p99)} |`);
}

/** Fastify 5 with the plugin, against bare Fastify, on the same three routes. */
function fastifyRuns() {
  return [
    ['fastify (bare)', 'undecided', '/', 'fastify (bare)'],
    ['fastify + guard', 'undecided', '/', 'fastify (bare)'],
    ['fastify + guard', 'accepted', '/', 'fastify (bare)'],
    ['fastify (bare)', 'undecided', '/page', 'fastify (bare)'],
    ['fastify + guard', 'undecided', '/page', 'fastify (bare)'],
    ['fastify + guard', 'accepted', '/page', 'fastify (bare)'],
    ['fastify (bare)', 'undecided', '/json', 'fastify (bare)'],
    ['fastify + guard', 'undecided', '/json', 'fastify (bare)'],
  ];
}

function key([variant, visitor, path]) {
  return `${variant} / ${visitor} / ${path}`;
}

async function acceptedCookie() {
  const { child, port } = await start('express + guard');
  const response = await fetch(`http://127.0.0.1:${port}/consent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":"accept-all"}' });
  child.disconnect();
  const setCookie = response.headers.get('set-cookie') ?? '';
  return setCookie.slice(0, setCookie.indexOf(';'));
}
