/**
 * The state port: everything normguard keeps between messages goes through this interface.
 *
 * Two implementations on keyv, chosen by config (see `open-store.ts`):
 * - SQLite (the embedded default) is for ONE process. `setIfNotExists` and `withLock` are made
 *   atomic with an in-process mutex per key, which cannot see another process; do not point two
 *   bot processes at the same file.
 * - Redis is for several processes (Discord shards, Slack replicas): `setIfNotExists` is one
 *   `SET NX PX` and `withLock` is a Redis lock, so both hold across processes.
 * Beside the JSON values, two structures keyv has no words for, each in the backend's own terms:
 * counters (`increment`: Redis INCRBY, an SQLite UPSERT — atomic on both, across processes on
 * Redis, with no lock) and sorted indexes of ids (Redis sorted sets, an indexed SQLite table), so
 * hot counters and growing lists are never a locked read-modify-write of one JSON record.
 * `MemoryKvStore` (memory-kv.ts) is a third, for unit tests of other modules.
 *
 * Values are stored as JSON (keyv's serialiser): plain data only, `undefined` object fields are
 * dropped, class instances come back as plain objects. Callers parse what they read (zod).
 */
export interface KvStore {
  /** The value, or `undefined` when the key is absent or its TTL has passed. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores the value; with `ttlMs` it disappears after that many milliseconds. */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
  /**
   * Stores the value only when the key is absent (or expired). Atomic: among concurrent callers,
   * exactly one gets `true`. The value is readable with `get`.
   */
  setIfNotExists<T>(key: string, value: T, ttlMs?: number): Promise<boolean>;
  /**
   * Runs `fn` while holding the lock named `key` (a lock name, separate from the data key of the
   * same name), so read-modify-write sequences on shared records do not interleave. Not
   * re-entrant: taking the same lock inside `fn` waits for itself and fails after `waitMs`.
   * Throws NormguardError('STORE') when the lock is not obtained within `waitMs`; errors thrown by
   * `fn` pass through unchanged, and the lock is released either way.
   */
  withLock<T>(key: string, fn: () => Promise<T>, opts?: LockOptions): Promise<T>;
  /**
   * Adds `by` to the counter `key` (absent or expired counts as 0) and returns the new value, in
   * one atomic step (Redis INCRBY, an SQLite UPSERT): no lock, no lost update. `ttlMs` is set when
   * the counter has no expiry (it was just created) and not extended by later increments, so a
   * counter is a fixed window.
   * Counters live beside the values, not among them: `get` does not see them.
   */
  increment(key: string, by: number, ttlMs?: number): Promise<number>;
  /** The current values of counters, in order; 0 for an absent or expired one. */
  readCounters(keys: readonly string[]): Promise<number[]>;
  /**
   * Adds members to the sorted index `index`, or moves them to the new score (a Redis sorted set,
   * an indexed SQLite table). Indexes keep only ids; they never hold the records themselves.
   */
  indexAdd(index: string, entries: readonly IndexEntry[]): Promise<void>;
  indexRemove(index: string, members: readonly string[]): Promise<void>;
  /** Members with min <= score <= max, by score (ties by member), after `offset`, at most `limit`. */
  indexRange(index: string, range?: IndexRange): Promise<IndexEntry[]>;
  /** Releases connections and timers. The store is unusable afterwards. */
  close(): Promise<void>;
}

export interface IndexEntry {
  member: string;
  score: number;
}

export interface IndexRange {
  min?: number;
  max?: number;
  /** 'desc' lists the highest scores first (e.g. the newest cases). Default 'asc'. */
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface LockOptions {
  /**
   * How long the lock outlives a holder that vanished (a crashed process), in ms. A live holder
   * keeps it for as long as `fn` runs. Only meaningful across processes (Redis).
   */
  ttlMs?: number;
  /** How long to wait for a held lock before giving up with NormguardError('STORE'), in ms. */
  waitMs?: number;
}

/** Long enough for any read-modify-write we do; short enough that a crash blocks a record briefly. */
export const DEFAULT_LOCK_TTL_MS = 10_000;
/** Long enough to queue behind a burst of concurrent writers (e.g. 20 moderators clicking at once). */
export const DEFAULT_LOCK_WAIT_MS = 5_000;

/**
 * `undefined` means "never expires"; anything else must be a positive, finite number of ms
 * (rounded up: Redis PX takes whole milliseconds). A zero or negative TTL is a caller bug, not
 * "forever" — a computed TTL that went negative must not keep a key alive indefinitely.
 */
export function checkTtl(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}
