/** A policy text: the same for every visitor, or per locale (`{ en: 'Marketing', nb: 'Markedsføring' }`). */
export type LocalizedText = string | Readonly<Record<string, string>>;

/** Norwegian read as one language, as the built-in texts do ("no", "nb" and "nn" visitors get Bokmål). */
const SAME_LANGUAGE: Readonly<Record<string, readonly string[]>> = { nb: ['no', 'nn'], no: ['nb', 'nn'], nn: ['nb', 'no'] };

/**
 * The text for `locale`, chosen as the banner's language is: the locale itself, its
 * language, English, then the first one the policy gives.
 */
export function textFor(text: LocalizedText, locale = 'en'): string {
  if (typeof text === 'string') return text;
  const keys = Object.keys(text);
  const wanted = locale.toLowerCase();
  const language = wanted.split('-')[0]!;
  for (const candidate of [wanted, language, ...(SAME_LANGUAGE[language] ?? []), 'en']) {
    const key = keys.find((k) => k.toLowerCase() === candidate);
    if (key !== undefined) return text[key]!;
  }
  return text[keys[0]!] ?? '';
}
