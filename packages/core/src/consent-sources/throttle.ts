/**
 * "Report once" that still tells a long report-only run how often: the first occurrence of
 * a key is reported at once; later ones are counted and reported at most once per
 * `intervalMs`, with how many there were since the last report. Keys are few and fixed
 * (source × reason), so memory stays bounded.
 */
export function createThrottle(intervalMs: number): (key: string, now: number) => number | undefined {
  const keys = new Map<string, { last: number; count: number }>();
  return (key, now) => {
    const entry = keys.get(key);
    if (!entry) {
      keys.set(key, { last: now, count: 0 });
      return 1;
    }
    entry.count++;
    if (now - entry.last < intervalMs) return undefined;
    const count = entry.count;
    entry.last = now;
    entry.count = 0;
    return count;
  };
}
