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

process.on('message', async (message) => {
  if (message !== 'measure') return;
  globalThis.gc();
  const connections = await Promise.all(servers.map((server) => new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)))));
  const { heapUsed, rss } = process.memoryUsage();
  process.send({
    heapUsed,
    rss,
    fds: readdirSync('/proc/self/fd').length,
    handles: process.getActiveResourcesInfo().length,
    connections: connections.reduce((sum, count) => sum + count, 0),
    listeners: process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0),
  });
});
