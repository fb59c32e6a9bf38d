import type { ConsentState } from '../consent-state.js';
import { CONSENT_MODE_TYPES, type Policy } from '../policy/schema.js';

/** Whether the policy maps any category to Google Consent Mode types. */
export function usesConsentMode(policy: Policy): boolean {
  return Object.values(policy.categories).some((category) => category.consentMode.length > 0);
}

/** Each of the seven types, granted when a granted category lists it (security_storage always). */
export function consentModeState(policy: Policy, state: ConsentState): Record<string, 'granted' | 'denied'> {
  const granted = new Set(state.granted.flatMap((id) => policy.categories[id]?.consentMode ?? []));
  granted.add('security_storage');
  return Object.fromEntries(CONSENT_MODE_TYPES.map((type) => [type, granted.has(type) ? 'granted' : 'denied']));
}

/**
 * The `gtag('consent', 'default', …)` snippet stating the server's view of this visitor,
 * placed before the page's first Google tag so that it runs before any: its bytes, in pieces.
 */
export function consentModeDefault(policy: Policy, state: ConsentState, nonce: string | undefined): readonly Buffer[] {
  const script = defaultScript(policy, state);
  if (!nonce) return script.whole;
  return [Buffer.from(`<script nonce="${nonce.replace(/[^A-Za-z0-9+/=_-]/g, '')}">`, 'latin1'), script.afterStartTag];
}

interface DefaultScript {
  readonly whole: readonly Buffer[];
  /** The text and the end tag, after a start tag with a nonce. */
  readonly afterStartTag: Buffer;
}

// States are shared objects, one per combination of granted categories (and policy): each
// script is built and encoded once, and goes with its state.
const defaultScripts = new WeakMap<Policy, WeakMap<ConsentState, DefaultScript>>();

function defaultScript(policy: Policy, state: ConsentState): DefaultScript {
  let byState = defaultScripts.get(policy);
  if (!byState) defaultScripts.set(policy, (byState = new WeakMap()));
  let script = byState.get(state);
  if (script === undefined) {
    const text = `window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('consent','default',${JSON.stringify(consentModeState(policy, state))});`;
    script = { whole: [Buffer.from(`<script>${text}</script>`)], afterStartTag: Buffer.from(`${text}</script>`) };
    byState.set(state, script);
  }
  return script;
}

/** What the banner's script needs to send `gtag('consent', 'update', …)`: category → types. */
export function consentModeMap(policy: Policy): Record<string, readonly string[]> {
  return Object.fromEntries(Object.entries(policy.categories).map(([id, category]) => [id, category.consentMode]));
}
