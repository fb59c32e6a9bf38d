// The demo site on Fastify: the same site as the Express demo. Its pages try to set an
// essential session cookie, an A/B test cookie and a cookie the policy does not declare,
// and carry Google Analytics, HubSpot, a Google Maps embed and a YouTube video, served
// offline by a local stand-in; consent-guard lets through only what the visitor granted.
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import { consentGuard } from '@consent-guard/fastify';
import { demoPage, startTrackerStandIn, trackerOrigins } from '@consent-guard/demo-site';

const port = Number(process.env.PORT ?? 3000);
const standIn = await startTrackerStandIn(Number(process.env.TRACKER_PORT ?? (port === 0 ? 0 : port + 1)));
const trackers = trackerOrigins(standIn.address().port);

const app = Fastify();
await app.register(consentGuard, {
  policy: new URL('./consent-policy.yaml', import.meta.url).pathname,
  secret: process.env.CONSENT_SECRET ?? randomBytes(32).toString('hex'),
  cache: process.env.CONSENT_CACHE === 'shared' ? 'shared' : 'vary',
  onReport: (event) => console.log('[consent-guard]', JSON.stringify(event)),
});
await app.register(fastifyCompress);
await app.register(fastifyCookie);

app.get('/', (request, reply) => {
  const variant = /^[AB]$/.test(request.cookies.__ab12 ?? '') ? request.cookies.__ab12 : Math.random() < 0.5 ? 'A' : 'B';
  reply
    .setCookie('PHPSESSID', randomBytes(8).toString('hex'), { path: '/', httpOnly: true })
    .setCookie('__ab12', variant, { path: '/', maxAge: 30 * 86400 })
    .setCookie('undeclared_tracker', '1', { path: '/' })
    .type('text/html')
    .send(demoPage({ framework: 'Fastify', consent: request.consent, variant, trackers }));
});

// An API route: JSON passes the guard untouched, only its Set-Cookie headers are judged.
app.get('/api/status', (request) => ({ ok: true, consent: request.consent }));

await app.listen({ port, host: 'localhost' });
console.log(`consent-guard Fastify demo on http://localhost:${app.server.address().port} (trackers from the stand-in on port ${standIn.address().port})`);
