import type { ConsentRecord } from './record.js';
import type { ConsentStore, RecordRange } from './store.js';

/** Records in this process only, lost on restart: for tests and demos. */
export function memoryStore(): ConsentStore {
  let records: ConsentRecord[] = [];
  const inRange = (range: RecordRange = {}) => {
    const since = range.since?.getTime() ?? -Infinity;
    const until = range.until?.getTime() ?? Infinity;
    return records.filter((record) => {
      const time = Date.parse(record.time);
      return time >= since && time < until;
    });
  };
  return {
    open: () => Promise.resolve(),
    write(batch) {
      records.push(...batch);
      return Promise.resolve();
    },
    byConsentId: (consentId) => Promise.resolve(byTime(records.filter((record) => record.consentId === consentId))),
    async *export(range) {
      yield* byTime(inRange(range));
    },
    count: (range) => Promise.resolve(inRange(range).length),
    deleteBefore(time) {
      const before = records.length;
      records = records.filter((record) => Date.parse(record.time) >= time.getTime());
      return Promise.resolve(before - records.length);
    },
    close: () => Promise.resolve(),
  };
}

/** Oldest first; records of the same millisecond keep the order they were written in (sort is stable). */
function byTime(records: ConsentRecord[]): ConsentRecord[] {
  return records.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}
