/** Every text the guard shows visitors, per locale. Sites override any of them (`messages`). */
export interface Messages {
  readonly title: string;
  readonly intro: string;
  /** "Policy revision {revision}" */
  readonly revision: string;
  readonly cookies: string;
  readonly trackers: string;
  readonly services: string;
  readonly privacyPolicy: string;
  readonly noCookies: string;
  readonly name: string;
  readonly provider: string;
  readonly type: string;
  readonly party: string;
  readonly duration: string;
  readonly purpose: string;
  readonly hosts: string;
  readonly session: string;
  readonly persistent: string;
  readonly firstParty: string;
  readonly thirdParty: string;
  readonly alwaysOn: string;
  readonly yourChoice: string;
  readonly undecided: string;
  /** "You allowed: {categories}." */
  readonly allowed: string;
  readonly allowedNothing: string;
  readonly gpcNotice: string;
  readonly acceptAll: string;
  readonly rejectAll: string;
  readonly save: string;
  readonly withdraw: string;
  readonly bannerTitle: string;
  readonly bannerText: string;
  readonly choose: string;
  readonly moreInfo: string;
  /** In place of a blocked frame: "This content from {what} needs your consent to {category} cookies." */
  readonly placeholderText: string;
  /** "Allow {category}" */
  readonly placeholderAllow: string;
  readonly placeholderChoose: string;
  /** The declaration page's link back to the site. */
  readonly backToSite: string;
  /** On the declaration page after a choice was saved there. */
  readonly saved: string;
}

const en: Messages = {
  title: 'Cookies on this site',
  intro: 'These are the cookies and trackers this site uses, grouped by what they are for. Only the essential ones are used until you allow more.',
  revision: 'Policy revision {revision}',
  cookies: 'Cookies',
  trackers: 'Trackers',
  services: 'Services',
  privacyPolicy: 'Privacy policy',
  noCookies: 'No cookies in this category.',
  name: 'Name',
  provider: 'Provider',
  type: 'Type',
  party: 'Set by',
  duration: 'Duration',
  purpose: 'Purpose',
  hosts: 'Loaded from',
  session: 'Session',
  persistent: 'Persistent',
  firstParty: 'This site',
  thirdParty: 'Third party',
  alwaysOn: 'Always on',
  yourChoice: 'Your choice',
  undecided: 'You have not made a choice yet: only essential cookies are used.',
  allowed: 'You allowed: {categories}.',
  allowedNothing: 'You allowed only what is essential.',
  gpcNotice: 'Your browser asks sites not to sell or share your data (Global Privacy Control), so these stay off unless you turn them on here: {categories}.',
  acceptAll: 'Accept all',
  rejectAll: 'Reject all',
  save: 'Save my choice',
  withdraw: 'Withdraw my consent',
  bannerTitle: 'Cookies',
  bannerText: 'We use essential cookies to make this site work. With your consent we also use cookies and trackers for the purposes below; you can change your mind at any time.',
  choose: 'Choose',
  moreInfo: 'Which cookies, and why',
  placeholderText: 'This content from {what} needs your consent to {category} cookies.',
  placeholderAllow: 'Allow {category}',
  placeholderChoose: 'Choose which cookies to allow',
  backToSite: 'Back to the site',
  saved: 'Your choice was saved.',
};

const nb: Messages = {
  title: 'Informasjonskapsler på dette nettstedet',
  intro: 'Dette er informasjonskapslene og sporerne dette nettstedet bruker, gruppert etter hva de brukes til. Bare de nødvendige brukes før du tillater flere.',
  revision: 'Versjon {revision} av retningslinjene',
  cookies: 'Informasjonskapsler',
  trackers: 'Sporere',
  services: 'Tjenester',
  privacyPolicy: 'Personvernerklæring',
  noCookies: 'Ingen informasjonskapsler i denne kategorien.',
  name: 'Navn',
  provider: 'Leverandør',
  type: 'Type',
  party: 'Satt av',
  duration: 'Varighet',
  purpose: 'Formål',
  hosts: 'Lastes fra',
  session: 'Økt',
  persistent: 'Varig',
  firstParty: 'Dette nettstedet',
  thirdParty: 'Tredjepart',
  alwaysOn: 'Alltid på',
  yourChoice: 'Ditt valg',
  undecided: 'Du har ikke tatt et valg ennå: bare nødvendige informasjonskapsler brukes.',
  allowed: 'Du har tillatt: {categories}.',
  allowedNothing: 'Du har bare tillatt det som er nødvendig.',
  gpcNotice: 'Nettleseren din ber nettsteder om ikke å selge eller dele dataene dine (Global Privacy Control), så disse er av med mindre du slår dem på her: {categories}.',
  acceptAll: 'Godta alle',
  rejectAll: 'Avvis alle',
  save: 'Lagre valget mitt',
  withdraw: 'Trekk tilbake samtykket',
  bannerTitle: 'Informasjonskapsler',
  bannerText: 'Vi bruker nødvendige informasjonskapsler for at nettstedet skal virke. Med ditt samtykke bruker vi også informasjonskapsler og sporere til formålene nedenfor; du kan ombestemme deg når som helst.',
  choose: 'Velg selv',
  moreInfo: 'Hvilke informasjonskapsler, og hvorfor',
  placeholderText: 'Dette innholdet fra {what} trenger samtykke til informasjonskapsler for {category}.',
  placeholderAllow: 'Tillat {category}',
  placeholderChoose: 'Velg hvilke informasjonskapsler du tillater',
  backToSite: 'Tilbake til nettstedet',
  saved: 'Valget ditt er lagret.',
};

export const BUILT_IN: Readonly<Record<string, Messages>> = { en, nb };

/** Norwegian in any of its tags reads Bokmål; anything unknown reads English. */
const ALIASES: Readonly<Record<string, string>> = { no: 'nb', nn: 'nb', 'nb-no': 'nb', 'nn-no': 'nb', 'no-no': 'nb', 'en-us': 'en', 'en-gb': 'en' };

export type MessageOverrides = Readonly<Record<string, Partial<Messages>>>;

/** The messages for `locale`: the site's overrides over the built-in texts, English underneath. */
export function messagesFor(locale: string | undefined, overrides: MessageOverrides = {}): { locale: string; messages: Messages } {
  const wanted = (locale ?? 'en').toLowerCase();
  const chosen = wanted in overrides || wanted in BUILT_IN ? wanted : (ALIASES[wanted] ?? wanted.split('-')[0]!);
  const key = chosen in overrides || chosen in BUILT_IN ? chosen : 'en';
  return { locale: key, messages: { ...en, ...BUILT_IN[key], ...overrides[key] } };
}

/** The best of the offered locales for an Accept-Language header (q-values honoured). */
export function negotiateLocale(acceptLanguage: string | undefined, offered: readonly string[]): string | undefined {
  if (!acceptLanguage) return undefined;
  const ranges = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(/q=([0-9.]+)/.exec(params.join(';'))?.[1] ?? '1');
      return { tag: tag.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((range) => range.tag && range.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranges) {
    const candidates = [tag, ALIASES[tag], tag.split('-')[0], ALIASES[tag.split('-')[0]!]];
    const found = candidates.find((candidate) => candidate !== undefined && offered.includes(candidate));
    if (found) return found;
  }
  return undefined;
}

/** `{name}` placeholders filled with (already escaped, where it matters) values. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The texts for a request: its Accept-Language among the built-in and the site's locales, else the site's default. */
export function messagesForRequest(acceptLanguage: string | undefined, options: LocaleOptions): { readonly locale: string; readonly messages: Messages } {
  let site = sites.get(options);
  if (!site) sites.set(options, (site = { offered: [...new Set([...Object.keys(BUILT_IN), ...Object.keys(options.messages)])], texts: new Map() }));
  // One of the offered locales or the site's default: a key from a short list, never the header.
  const locale = negotiateLocale(acceptLanguage, site.offered) ?? options.locale;
  let texts = site.texts.get(locale);
  if (!texts) {
    const { locale: chosen, messages } = messagesFor(locale, options.messages);
    texts = Object.freeze({ locale: chosen, messages: Object.freeze(messages) });
    site.texts.set(locale, texts);
  }
  return texts;
}

interface LocaleOptions {
  readonly locale: string;
  readonly messages: MessageOverrides;
}

/** Per site's options (resolved once per guard): the locales it offers, and its texts in each, built once. */
const sites = new WeakMap<LocaleOptions, { readonly offered: readonly string[]; readonly texts: Map<string, { readonly locale: string; readonly messages: Messages }> }>();
