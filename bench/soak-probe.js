// Preloaded into a server under soak (`node --expose-gc --import ./soak-probe.js server.js`):
// answers the soak's "measure" with what would grow if something leaked.
import { readdirSync } from 'node:fs';
import http from 'node:http';

const servers = [];
const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (...args) {
  servers.push(this);
  return listen.apply(this, args);
};

// Heap after GC is read several times over a short spell and the least kept: a leak raises
// that floor, while work in flight (requests, or the PHP demo swapping in a fresh runtime every
// 400 requests, which holds two runtimes for a moment) comes and goes. One reading under load
// of the PHP demo varies by up to 9 MB.
const HEAP_READINGS = 6;
const HEAP_READING_GAP_MS = 150;

async function leastHeapUsed() {
  let least = Infinity;
  for (let reading = 0; reading < HEAP_READINGS; reading++) {
    if (reading > 0) await new Promise((resolve) => setTimeout(resolve, HEAP_READING_GAP_MS));
    globalThis.gc();
    least = Math.min(least, process.memoryUsage().heapUsed);
  }
  return least;
}

process.on('message', async (message) => {
  if (message !== 'measure') return;
  const heapUsed = await leastHeapUsed();
  const connections = await Promise.all(servers.map((server) => new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)))));
  const { rss } = process.memoryUsage();
  process.send({
    heapUsed,
    rss,
    fds: readdirSync('/proc/self/fd').length,
    handles: process.getActiveResourcesInfo().length,
    connections: connections.reduce((sum, count) => sum + count, 0),
    listeners: process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0),
  });
});
