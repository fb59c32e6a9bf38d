/**
 * A short summary of a User-Agent header — browser and major version, operating system,
 * device class — so a record shows what the visitor chose on without keeping the full
 * string (which, with the IP, fingerprints a visitor).
 */
export function summarizeUserAgent(header: string | undefined): string | null {
  if (!header) return null;
  const ua = header.slice(0, 512);
  if (/bot|crawler|spider|headless/i.test(ua)) return 'bot';
  return `${browserOf(ua)} / ${osOf(ua)} / ${/Mobi|iPhone|Android(?!.*Tablet)/.test(ua) && !/iPad/.test(ua) ? 'mobile' : /iPad|Tablet/.test(ua) ? 'tablet' : 'desktop'}`;
}

// Order matters: Edge and Opera also say Chrome; Chrome also says Safari.
const BROWSERS: readonly (readonly [string, RegExp])[] = [
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /OPR\/(\d+)/],
  ['Samsung Internet', /SamsungBrowser\/(\d+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//],
];

const SYSTEMS: readonly (readonly [string, RegExp])[] = [
  ['Windows', /Windows/],
  ['iOS', /iPhone|iPad|iPod/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Android', /Android/],
  ['ChromeOS', /CrOS/],
  ['Linux', /Linux/],
];

function browserOf(ua: string): string {
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) return `${name} ${match[1]}`;
  }
  return 'other';
}

function osOf(ua: string): string {
  return SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0] ?? 'other';
}
