// The proxy in the soak (soak.js): `@consent-guard/proxy` with the PHP demo's policy in front of
// the site at UPSTREAM, as `consent-guard proxy` runs it.
import { createConsentProxy } from '@consent-guard/proxy';

const proxy = createConsentProxy({
  upstream: process.env.UPSTREAM,
  policy: new URL('../examples/proxy-demo/consent-policy.yaml', import.meta.url).pathname,
  secret: process.env.CONSENT_SECRET,
});
proxy.listen(Number(process.env.PORT ?? 0), () => console.log(`consent-guard proxy on http://localhost:${proxy.address().port}`));
