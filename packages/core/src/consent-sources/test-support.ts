import { parseCookie } from 'cookie';
import type { ManagerFormat, Reading } from './format.js';

/** What `format` reads from a Cookie header (values kept raw, as the guard parses them), for manager `ids`. */
export function readHeader(format: ManagerFormat, header: string, ids: readonly string[] = []): Reading | 'absent' {
  const raw = format.raw(parseCookie(header, { decode: (value) => value }), format.cookie, ids);
  return raw === undefined ? 'absent' : format.read(raw, ids);
}

/** The ids a decided reading grants, sorted; or the reason it was ignored. */
export function granted(reading: Reading | 'absent'): string[] | string {
  if (reading === 'absent') return 'absent';
  if (!reading.decided) return reading.reason;
  return [...reading.ids].filter(([, value]) => value).map(([id]) => id).sort();
}
