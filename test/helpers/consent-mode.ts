// The Consent Mode default the guard puts before a page's first Google tag, for the example policy.
const TYPES = ['ad_storage', 'analytics_storage', 'ad_user_data', 'ad_personalization', 'functionality_storage', 'personalization_storage', 'security_storage'];

export function consentModeDefault(granted: readonly string[]): string {
  const state = Object.fromEntries(TYPES.map((type) => [type, type === 'security_storage' || granted.includes(type) ? 'granted' : 'denied']));
  return `<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('consent','default',${JSON.stringify(state)});</script>`;
}

/** `page` with the default inserted before its Google tag (`marker` is the tag's first bytes). */
export function withConsentModeDefault(page: Buffer, granted: readonly string[], marker = '<script async src="https://www.googletagmanager.com'): Buffer {
  const text = page.toString('utf8');
  const at = text.indexOf(marker);
  return Buffer.from(text.slice(0, at) + consentModeDefault(granted) + text.slice(at));
}

export const ALL_TYPES = TYPES;
