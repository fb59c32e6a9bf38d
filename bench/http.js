// Requests per second of Express, Koa and Fastify apps with and without consent-guard. Each row
// is a pair, the bare framework and the guarded one answering the same request, measured in
// alternating runs (bare, guarded, bare, …) so that both see the same moment of a shared
// machine; the table gives medians and the guarded/bare ratios.
//   node http.js                          # 3 runs of 4 s per side of each pair
//   BENCH_ROUNDS=5 BENCH_SECONDS=3 node http.js
//   BENCH_ONLY=express node http.js       # only the rows whose variant names this
//   BENCH_BEFORE=/path/to/other/bench/server.js node http.js
//       # a third side per row: the guarded app of another build (a copy of the repository
//       # at an earlier commit, built), for before/after figures from the same run
import autocannon from 'autocannon';
import { median } from './median.js';
import { ask, startServer as start } from './servers.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

// Visitors: one who has not decided and one who accepted everything (a signed consent cookie,
// which the guard verifies). The bare app gets the same request.
const VISITORS = {
  undecided: {},
  accepted: { cookie: await acceptedCookie() },
};

// [framework, path, visitor]. `/site` is a 30 KB page of today's site (GA, HubSpot, a Maps
// iframe, two author-marked tags), `/json` an API answer that sets one essential cookie;
// for the undecided visitor the guard neutralizes the page's trackers and adds the banner,
// for the accepted one it inserts Consent Mode's default and activates the marked tags.
// `/site-unmarked` is the same page without the marked tags, as most sites' pages are: for
// the accepted visitor only its head, up to the Google tag, is read.
// `/` (a 1 KB page that sets three cookies, two of them optional) and `/page` (a real 50 KB
// page of 2013 with its trackers) are the older rows, kept for Express.
const ALL_ROWS = [
  ...['express', 'koa', 'fastify'].flatMap((framework) => [
    [framework, '/site', 'undecided'],
    [framework, '/site', 'accepted'],
    [framework, '/json', 'undecided'],
  ]),
  ['express', '/site-unmarked', 'accepted'],
  ['express', '/', 'undecided'],
  ['express', '/page', 'undecided'],
  ['express', '/page', 'accepted'],
];
const ROWS = ALL_ROWS.filter(([framework]) => framework.includes(process.env.BENCH_ONLY ?? ''));

const BEFORE = process.env.BENCH_BEFORE;
const servers = new Map();
for (const [framework] of ROWS) {
  for (const variant of [`${framework} (bare)`, `${framework} + guard`]) if (!servers.has(variant)) servers.set(variant, await start(variant));
  if (BEFORE && !servers.has(`${framework} + guard, before`)) servers.set(`${framework} + guard, before`, await start(`${framework} + guard`, [], BEFORE));
}

const results = [];
for (const [framework, path, visitor] of ROWS) {
  const bare = { rps: [], cpu: [], p99: [] };
  const guarded = { rps: [], cpu: [], p99: [] };
  const before = { rps: [], cpu: [], p99: [] };
  for (let round = 0; round < ROUNDS; round++) {
    await measure(`${framework} (bare)`, path, visitor, bare);
    await measure(`${framework} + guard`, path, visitor, guarded);
    if (BEFORE) await measure(`${framework} + guard, before`, path, visitor, before);
  }
  results.push({ framework, path, visitor, bare, guarded, before });
  process.stderr.write(`${framework} ${path} ${visitor} done\n`);
}
for (const { child } of servers.values()) child.disconnect();

console.log(`\nnode ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} alternating runs of ${SECONDS} s per side, medians\n`);
const beforeColumns = BEFORE ? [' before: req/s ratio | before: CPU ratio |', '---:|---:|'] : ['', ''];
console.log(`| framework | path | visitor | bare req/s | guarded req/s | guarded / bare | bare CPU µs/req | guarded CPU µs/req | CPU guarded / bare | p99 bare / guarded (ms) |${beforeColumns[0]}`);
console.log(`|---|---|---|---:|---:|---:|---:|---:|---:|---:|${beforeColumns[1]}`);
for (const { framework, path, visitor, bare, guarded, before } of results) {
  const [rps, cpu] = [median(guarded.rps), median(guarded.cpu)];
  const [bareRps, bareCpu] = [median(bare.rps), median(bare.cpu)];
  const beforeCells = BEFORE ? ` ${(median(before.rps) / bareRps).toFixed(2)} | ${(median(before.cpu) / bareCpu).toFixed(2)} |` : '';
  console.log(
    `| ${framework} | ${path} | ${visitor} | ${Math.round(bareRps)} | ${Math.round(rps)} | ${(rps / bareRps).toFixed(2)} | ${bareCpu.toFixed(1)} | ${cpu.toFixed(1)} | ${(cpu / bareCpu).toFixed(2)} | ${median(bare.p99)} / ${median(guarded.p99)} |${beforeCells}`,
  );
}

/** One run against one server: req/s, p99 and the server's CPU time per request go into `into`. */
async function measure(variant, path, visitor, into) {
  const server = servers.get(variant);
  const before = await ask(server.child);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: VISITORS[visitor],
  });
  if (result.errors || result.non2xx) throw new Error(`${variant} ${path} ${visitor}: ${result.errors} errors, ${result.non2xx} non-2xx responses`);
  const after = await ask(server.child);
  into.rps.push(result.requests.average);
  into.p99.push(result.latency.p99);
  into.cpu.push((after.cpuMicros - before.cpuMicros) / (after.requests - before.requests));
}

async function acceptedCookie() {
  const { child, port } = await start('express + guard');
  const response = await fetch(`http://127.0.0.1:${port}/consent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":"accept-all"}' });
  child.disconnect();
  const setCookie = response.headers.get('set-cookie') ?? '';
  return setCookie.slice(0, setCookie.indexOf(';'));
}
