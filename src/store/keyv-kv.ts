import type { Keyv } from 'keyv';
import { NormguardError } from '../errors.js';
import { messageOf, storeError } from './store-error.js';
import { checkTtl, DEFAULT_LOCK_TTL_MS, DEFAULT_LOCK_WAIT_MS, type IndexEntry, type IndexRange, type KvStore, type LockOptions } from './kv.js';
import { checkIncrement, checkScore } from './memory-structures.js';

/** How one backend makes the two atomic operations atomic (in-process mutex, or Redis). */
export interface AtomicOps {
  setIfNotExists(key: string, value: unknown, ttlMs: number | undefined): Promise<boolean>;
  withLock<T>(key: string, fn: () => Promise<T>, opts: Required<LockOptions>): Promise<T>;
}

/** Counters and sorted indexes, which keyv has no words for: each backend speaks its own (INCRBY and ZSETs, SQL). */
export type StructureOps = Pick<KvStore, 'increment' | 'readCounters' | 'indexAdd' | 'indexRemove' | 'indexRange'>;

export interface KeyvKvStoreOptions {
  /** Must be built with `throwOnErrors: true`, or a failed read would look like a missing key. */
  keyv: Keyv;
  /** Names the backend in error messages, never with credentials ("Redis at redis://host:6379"). */
  label: string;
  /** Built from the store itself, so an in-process implementation can reuse get/set. */
  atomics: (store: KvStore) => AtomicOps;
  structures: StructureOps;
  /** Releases the connection; defaults to `keyv.disconnect()`. */
  disconnect?: () => Promise<void>;
}

/**
 * A KvStore on keyv: plain reads and writes go through keyv (its serialiser and key prefixes),
 * the atomic operations through the backend's AtomicOps. Every storage failure surfaces as
 * NormguardError('STORE', retryable), never as a silent miss.
 */
export class KeyvKvStore implements KvStore {
  readonly #keyv: Keyv;
  readonly #label: string;
  readonly #atomics: AtomicOps;
  readonly #structures: StructureOps;
  readonly #disconnect: () => Promise<void>;
  #closed = false;

  constructor(options: KeyvKvStoreOptions) {
    this.#keyv = options.keyv;
    this.#label = options.label;
    this.#disconnect = options.disconnect ?? (() => options.keyv.disconnect());
    this.#atomics = options.atomics(this);
    this.#structures = options.structures;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    return this.#io('read', key, () => this.#keyv.get<T>(key));
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    const ttl = checkTtl(ttlMs);
    await this.#io('write', key, () => this.#keyv.set(key, value, ttl));
  }

  async delete(key: string): Promise<boolean> {
    return this.#io('delete', key, () => this.#keyv.delete(key));
  }

  async setIfNotExists<T>(key: string, value: T, ttlMs?: number): Promise<boolean> {
    const ttl = checkTtl(ttlMs);
    return this.#io('write', key, () => this.#atomics.setIfNotExists(key, value, ttl));
  }

  async withLock<T>(key: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
    this.#checkOpen();
    // Not wrapped by #io: errors from `fn` are the caller's and must pass through unchanged;
    // AtomicOps already reports its own failures as NormguardError('STORE').
    return this.#atomics.withLock(key, fn, {
      ttlMs: opts.ttlMs ?? DEFAULT_LOCK_TTL_MS,
      waitMs: opts.waitMs ?? DEFAULT_LOCK_WAIT_MS,
    });
  }

  async increment(key: string, by: number, ttlMs?: number): Promise<number> {
    checkIncrement(by);
    const ttl = checkTtl(ttlMs);
    return this.#io('increment', key, () => this.#structures.increment(key, by, ttl));
  }

  async readCounters(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    return this.#io('read', keys[0] as string, () => this.#structures.readCounters(keys));
  }

  async indexAdd(index: string, entries: readonly IndexEntry[]): Promise<void> {
    if (entries.length === 0) return;
    for (const e of entries) checkScore(e.score);
    await this.#io('add to index', index, () => this.#structures.indexAdd(index, entries));
  }

  async indexRemove(index: string, members: readonly string[]): Promise<void> {
    if (members.length === 0) return;
    await this.#io('remove from index', index, () => this.#structures.indexRemove(index, members));
  }

  async indexRange(index: string, range: IndexRange = {}): Promise<IndexEntry[]> {
    if (range.limit === 0) return [];
    return this.#io('read index', index, () => this.#structures.indexRange(index, range));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#disconnect();
  }

  async #io<R>(verb: string, key: string, op: () => Promise<R>): Promise<R> {
    this.#checkOpen();
    try {
      return await op();
    } catch (err) {
      if (err instanceof NormguardError) throw err;
      throw storeError(`${this.#label}: could not ${verb} "${key}": ${messageOf(err)}`, err);
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new NormguardError('STORE', `${this.#label}: the store is closed`);
  }
}
