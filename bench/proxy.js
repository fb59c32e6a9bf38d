// Requests per second through `@consent-guard/proxy` and through the same proxying without
// the guard, in front of one origin, on the real 50 KB page with trackers and a JSON route.
// Each server runs in its own process; rounds interleave; medians (the machines are shared).
//   node proxy.js                         # 5 rounds of 3 s
//   BENCH_ROUNDS=9 BENCH_SECONDS=5 node proxy.js
import autocannon from 'autocannon';
import { median } from './median.js';
import { ask, startServer } from './servers.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 32;
const SCRIPT = new URL('./proxy-server.js', import.meta.url);

const origin = await startServer('origin', [], SCRIPT);
const originUrl = `http://127.0.0.1:${origin.port}`;
const proxies = new Map();
for (const variant of ['proxy (bare)', 'proxy + guard']) proxies.set(variant, await startServer(variant, [originUrl], SCRIPT));

// [variant, path]; the visitor has not decided: the guard drops `_ga`, neutralizes the page's trackers and adds the banner.
const RUNS = ['/page', '/json'].flatMap((path) => [...proxies.keys()].map((variant) => [variant, path]));
const results = new Map(RUNS.map((run) => [run.join(' '), { rps: [], p99: [], cpu: [] }]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const run of RUNS) {
    const [variant, path] = run;
    const server = proxies.get(variant);
    const before = await ask(server.child);
    const result = await autocannon({ url: `http://127.0.0.1:${server.port}${path}`, connections: CONNECTIONS, duration: SECONDS });
    if (result.errors || result.non2xx) throw new Error(`${run.join(' ')}: ${result.errors} errors, ${result.non2xx} non-2xx responses`);
    const after = await ask(server.child);
    const own = results.get(run.join(' '));
    own.rps.push(result.requests.average);
    own.p99.push(result.latency.p99);
    own.cpu.push((after.cpuMicros - before.cpuMicros) / (after.requests - before.requests));
  }
  process.stderr.write(`round ${round}/${ROUNDS} done\n`);
}
for (const { child } of [origin, ...proxies.values()]) child.disconnect();

console.log(`\nnode ${process.version}, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, medians; CPU is the proxy process's\n`);
console.log('| variant | path | req/s | vs bare proxy | proxy CPU µs/req | vs bare proxy | p99 latency (ms) |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const [variant, path] of RUNS) {
  const own = results.get(`${variant} ${path}`);
  const base = results.get(`proxy (bare) ${path}`);
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(`| ${variant} | ${path} | ${Math.round(median(own.rps))} | ${ratio(median(own.rps), median(base.rps))} | ${median(own.cpu).toFixed(1)} | ${ratio(median(own.cpu), median(base.cpu))} | ${median(own.p99)} |`);
}
