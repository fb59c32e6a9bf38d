import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chosenState, resolveConsent } from '../consent-state.js';
import { compilePolicy } from '../policy/compile.js';
import { loadPolicy } from '../policy/load.js';
import { consentModeDefault } from './consent-mode.js';

const compiled = compilePolicy(loadPolicy(fileURLToPath(new URL('../../../../examples/express-demo/consent-policy.yaml', import.meta.url))));
const { policy } = compiled;

/** The snippet as a page gets it, read back. */
function snippet(...args: Parameters<typeof consentModeDefault>): string {
  return Buffer.concat(consentModeDefault(...args)).toString();
}

describe('consentModeDefault', () => {
  const undecided = resolveConsent(compiled, { stored: undefined, gpc: false, regime: 'opt-in', now: 0 });
  const statistics = chosenState(compiled, ['performance']);

  it("should state each state's own default, with each request's nonce, however often asked", () => {
    for (let round = 0; round < 3; round++) {
      expect(snippet(policy, undecided, undefined)).toBe(
        `<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('consent','default',{"ad_storage":"denied","analytics_storage":"denied","ad_user_data":"denied","ad_personalization":"denied","functionality_storage":"denied","personalization_storage":"denied","security_storage":"granted"});</script>`,
      );
      expect(snippet(policy, statistics, `n${round}`)).toMatch(new RegExp(`^<script nonce="n${round}">.*"analytics_storage":"granted".*</script>$`));
      expect(snippet(policy, statistics, '"><x')).toMatch(/^<script nonce="x">/);
    }
  });
});
