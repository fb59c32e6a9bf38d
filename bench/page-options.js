// A page's rewriter as a guarded response builds it (`guard.htmlRewriter` takes no Consent
// Mode default), from the guard's own modules: for rewriters.js and rewrite-pages.js.
import { compilePolicy } from '../packages/core/dist/policy/compile.js';
import { chosenState } from '../packages/core/dist/consent-state.js';
import { consentModeDefault } from '../packages/core/dist/declaration/consent-mode.js';
import { messagesFor } from '../packages/core/dist/declaration/messages.js';
import { compileTrackers } from '../packages/core/dist/html/trackers.js';
import { policy } from './policy.js';

const compiled = compilePolicy(policy);
const trackers = compileTrackers(compiled.policy);
const texts = messagesFor('en');

/** createPageRewriter's options for a visitor who granted `nothing` optional or `everything`, with the Consent Mode default. */
export function pageOptions(visitor) {
  const state = chosenState(compiled, visitor === 'everything' ? compiled.categoryIds : []);
  return {
    compiled,
    trackers,
    state,
    enforce: true,
    endpoint: '/consent',
    returnTo: '/',
    texts: () => texts,
    report: () => {},
    beforeGoogleTag: consentModeDefault(compiled.policy, state, undefined),
  };
}
