/**
 * A bounded memo with O(1) eviction: two generations of at most `size / 2` entries each;
 * when the young one is full, the old one is dropped whole. (Deleting a Map's oldest key
 * one at a time made V8 skip ever more deleted slots: ~40 µs per insert once full.)
 * A hit in the old generation moves the entry to the young one, so visitors who come
 * back stay.
 */
export function createCache<V>(size: number): { get(key: string): V | undefined; set(key: string, value: V): void } {
  let young = new Map<string, V>();
  let old = new Map<string, V>();
  const set = (key: string, value: V) => {
    if (young.size >= size / 2) {
      old = young;
      young = new Map();
    }
    young.set(key, value);
  };
  return {
    get(key) {
      const hit = young.get(key);
      if (hit !== undefined) return hit;
      const aged = old.get(key);
      if (aged !== undefined) set(key, aged);
      return aged;
    },
    set,
  };
}
