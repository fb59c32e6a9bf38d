// Puts consent-guard in front of every HTTP server this process creates, before the app
// sees the request (core's protect(), as the adapters call it first thing). Preloaded into
// another project's own test suite, it shows what the guard changes that it had no reason
// to (bench/README.md, "Other projects' test suites"):
//   npm run build -w @consent-guard/core
//   cd path/to/express && NODE_OPTIONS="--import=/abs/path/to/bench/guard-every-server.js" npm test
// CONSENT_GUARD_POLICY=path/to/policy.yaml guards with that policy (banner on); the default
// is a policy with nothing to do: one required category, every cookie allowed, no trackers.
import http from 'node:http';
import { createGuard } from '@consent-guard/core';

const file = process.env.CONSENT_GUARD_POLICY;
const guard = createGuard(
  file
    ? { policy: file }
    : { policy: { revision: '1', undeclaredCookies: 'allow', categories: { essential: { label: 'Essential', required: true } } }, banner: false },
);

let responses = 0;
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitGuarded(event, req, res) {
  if (event === 'request') {
    guard.protect(req, res, { secure: Boolean(req.socket.encrypted) });
    responses++;
  }
  return emit.apply(this, arguments);
};
process.on('exit', () => process.stderr.write(`consent-guard: guarded ${responses} responses\n`));
