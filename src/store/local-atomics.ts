import { KeyedMutex } from './keyed-mutex.js';
import type { AtomicOps } from './keyv-kv.js';
import type { KvStore } from './kv.js';

/**
 * Atomicity for a store that only one process uses (SQLite): an in-process mutex per key.
 * Another process writing the same file would not be excluded — that is what Redis is for.
 */
export function localAtomics(store: KvStore): AtomicOps {
  // Separate mutexes: a caller holding withLock('x') may still call setIfNotExists('x').
  const nx = new KeyedMutex();
  const locks = new KeyedMutex();
  return {
    setIfNotExists: (key, value, ttlMs) =>
      nx.run(key, Number.POSITIVE_INFINITY, async () => {
        // An expired entry reads as absent (keyv checks its expiry), so it is claimable again.
        if ((await store.get(key)) !== undefined) return false;
        await store.set(key, value, ttlMs);
        return true;
      }),
    withLock: (key, fn, opts) => locks.run(key, opts.waitMs, fn),
  };
}
