import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from './memory.js';
import { CONSENT_RECORD_FORMAT, type ConsentRecord } from './record.js';
import type { ConsentStore } from './store.js';
import { Writer, type WriterEvents } from './writer.js';

const record = (consentId: string): ConsentRecord => ({
  format: CONSENT_RECORD_FORMAT,
  consentId,
  time: '2026-01-01T00:00:00.000Z',
  revision: 'r',
  granted: ['essential'],
  denied: [],
  action: 'reject-all',
  source: 'endpoint',
  locale: 'en',
  userAgent: null,
  ipHash: null,
});

/** A store whose writes are recorded and can be made to fail or hang: a custom ConsentStore. */
function testStore(behaviour: { fail?: number; failOpen?: number; hang?: boolean } = {}) {
  const inner = memoryStore();
  const batches: string[][] = [];
  let { fail = 0, failOpen = 0 } = behaviour;
  let closed = false;
  const store: ConsentStore = {
    ...inner,
    async open() {
      if (failOpen-- > 0) throw new Error('connection refused');
    },
    async write(records) {
      if (behaviour.hang) return new Promise<void>(() => {});
      if (fail-- > 0) throw new Error('disk full');
      batches.push(records.map((r) => r.consentId));
      return inner.write(records);
    },
    async close() {
      closed = true;
    },
  };
  return { store, batches, isClosed: () => closed };
}

function events() {
  const seen: unknown[][] = [];
  const handlers: WriterEvents = {
    failed: (error, operation, pending, retryInMs) => seen.push(['failed', error.message, operation, pending, retryInMs]),
    dropped: (count, reason) => seen.push(['dropped', count, reason]),
    opened: () => seen.push(['opened']),
  };
  return { seen, handlers };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

afterEach(() => {
  vi.useRealTimers();
});

describe('the consent log writer', () => {
  it('should open the store at once and write full batches without waiting for the interval', async () => {
    const { store, batches } = testStore();
    const { seen, handlers } = events();
    const writer = new Writer(store, { queueSize: 100, batchSize: 3, flushIntervalMs: 60_000 }, handlers);
    await settle();
    expect(seen).toEqual([['opened']]);
    writer.push(record('a'));
    writer.push(record('b'));
    await settle();
    expect(batches).toEqual([]);
    for (const id of ['c', 'd', 'e', 'f', 'g']) writer.push(record(id));
    await settle();
    // The write that a full batch started goes on while records are queued.
    expect(batches).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect({ written: writer.written, pending: writer.pending }).toEqual({ written: 7, pending: 0 });
  });

  it('should write a partial batch after flushIntervalMs', async () => {
    vi.useFakeTimers();
    const { store, batches } = testStore();
    const writer = new Writer(store, { queueSize: 100, batchSize: 50, flushIntervalMs: 200 }, events().handlers);
    await vi.advanceTimersByTimeAsync(1);
    writer.push(record('a'));
    await vi.advanceTimersByTimeAsync(199);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([['a']]);
  });

  it('should keep a failed batch queued and retry it after 100 ms, then 200 ms', async () => {
    vi.useFakeTimers();
    const { store, batches } = testStore({ fail: 2 });
    const { seen, handlers } = events();
    const writer = new Writer(store, { queueSize: 100, batchSize: 10, flushIntervalMs: 0 }, handlers);
    writer.push(record('a'));
    writer.push(record('b'));
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([['opened'], ['failed', 'disk full', 'write', 2, 100]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(seen.at(-1)).toEqual(['failed', 'disk full', 'write', 2, 200]);
    // Attempts at 0, 100 and 300 ms.
    await vi.advanceTimersByTimeAsync(198);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([['a', 'b']]);
    expect({ written: writer.written, failedWrites: writer.failedWrites, dropped: writer.dropped }).toEqual({ written: 2, failedWrites: 2, dropped: 0 });
  });

  it('should retry opening a store that is not reachable yet, and then write', async () => {
    vi.useFakeTimers();
    const { store, batches } = testStore({ failOpen: 1 });
    const { seen, handlers } = events();
    const writer = new Writer(store, { queueSize: 100, batchSize: 10, flushIntervalMs: 0 }, handlers);
    writer.push(record('a'));
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([['failed', 'connection refused', 'open', 1, 100]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(seen.at(-1)).toEqual(['opened']);
    expect(batches).toEqual([['a']]);
  });

  it('should drop records beyond queueSize without throwing, reporting the first at once and the rest at most every 10 s', async () => {
    vi.useFakeTimers();
    const { store } = testStore({ hang: true });
    const { seen, handlers } = events();
    const writer = new Writer(store, { queueSize: 2, batchSize: 1, flushIntervalMs: 0 }, handlers);
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect(() => writer.push(record(id))).not.toThrow();
    expect(seen.filter(([type]) => type === 'dropped')).toEqual([['dropped', 1, 'queue-full']]);
    await vi.advanceTimersByTimeAsync(10_000);
    writer.push(record('f'));
    expect(seen.filter(([type]) => type === 'dropped')).toEqual([['dropped', 1, 'queue-full'], ['dropped', 3, 'queue-full']]);
    expect({ pending: writer.pending, dropped: writer.dropped }).toEqual({ pending: 2, dropped: 4 });
  });

  it('should write the whole queue on close, close the store, and drop (and report) records pushed after', async () => {
    const { store, batches, isClosed } = testStore();
    const { seen, handlers } = events();
    const writer = new Writer(store, { queueSize: 100, batchSize: 2, flushIntervalMs: 60_000 }, handlers);
    writer.push(record('a'));
    await writer.close();
    expect(batches).toEqual([['a']]);
    expect(isClosed()).toBe(true);
    writer.push(record('late'));
    expect(seen.at(-1)).toEqual(['dropped', 1, 'closed']);
  });

  it('should report what close could not write as dropped (store-failed), with no retry promised', async () => {
    const { store } = testStore({ fail: 10 });
    const { seen, handlers } = events();
    const writer = new Writer(store, { queueSize: 100, batchSize: 10, flushIntervalMs: 60_000 }, handlers);
    writer.push(record('a'));
    writer.push(record('b'));
    await writer.close();
    expect(seen.slice(-2)).toEqual([['failed', 'disk full', 'write', 2, null], ['dropped', 2, 'store-failed']]);
    expect({ written: writer.written, dropped: writer.dropped, pending: writer.pending }).toEqual({ written: 0, dropped: 2, pending: 0 });
  });

  it('should reject flush when the store fails, keeping the records for the next attempt', async () => {
    const { store, batches } = testStore({ fail: 2 });
    const writer = new Writer(store, { queueSize: 100, batchSize: 10, flushIntervalMs: 60_000 }, events().handlers);
    writer.push(record('a'));
    await expect(writer.flush()).rejects.toThrow('disk full');
    expect(writer.pending).toBe(1);
    await expect(writer.flush()).rejects.toThrow('disk full');
    await writer.flush();
    expect(batches).toEqual([['a']]);
  });
});
