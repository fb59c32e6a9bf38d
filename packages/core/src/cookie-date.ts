/**
 * A Set-Cookie `Expires` value as browsers read it: the cookie-date algorithm of RFC 6265
 * section 5.1.1, not `Date.parse`. The two disagree where it matters for a deletion:
 * `Date.parse` reads "0", "2000" or "Jan 1 2000" as dates in the past, where a browser
 * finds no time in them, ignores the attribute and stores the cookie.
 */
export function parseCookieDate(value: string): number | undefined {
  let time: [number, number, number] | undefined;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  for (const token of value.split(DELIMITERS)) {
    if (token === '') continue;
    let match: RegExpExecArray | null;
    if (time === undefined && (match = TIME.exec(token))) time = [Number(match[1]), Number(match[2]), Number(match[3])];
    else if (day === undefined && (match = DAY.exec(token))) day = Number(match[1]);
    else if (month === undefined && MONTHS.has(token.slice(0, 3).toLowerCase())) month = MONTHS.get(token.slice(0, 3).toLowerCase())!;
    else if (year === undefined && (match = YEAR.exec(token))) year = Number(match[1]);
  }
  if (time === undefined || day === undefined || month === undefined || year === undefined) return undefined;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year <= 69) year += 2000;
  const [hour, minute, second] = time;
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = Date.UTC(year, month, day, hour, minute, second);
  // 31 February is no date: Date.UTC would roll it over into March.
  return new Date(date).getUTCDate() === day ? date : undefined;
}

// delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
const DELIMITERS = /[\x09\x20-\x2F\x3B-\x40\x5B-\x60\x7B-\x7E]+/;
const TIME = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D|$)/;
const DAY = /^(\d{1,2})(?:\D|$)/;
const YEAR = /^(\d{2,4})(?:\D|$)/;
const MONTHS = new Map(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((name, index) => [name, index]));
