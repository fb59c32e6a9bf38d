import { describe, expect, it } from 'vitest';
import { createCache } from './cache.js';

describe('createCache', () => {
  it('should keep at most size entries, dropping the old generation whole', () => {
    const cache = createCache<number>(4);
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) cache.set(key, i);
    // a, b were the old generation; c, d replaced them; e started a new young one.
    expect(['a', 'b', 'c', 'd', 'e'].map((key) => cache.get(key))).toEqual([undefined, undefined, 2, 3, 4]);
  });

  it('should keep an entry that is read again', () => {
    const cache = createCache<number>(4);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3); // a, b age
    expect(cache.get('a')).toBe(1); // a comes back to the young generation
    cache.set('d', 4); // c, a age; b is dropped
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, undefined, 3, 4]);
  });
});
