import { type Clock, systemClock } from '../clock.js';
import { NormguardError } from '../errors.js';
import { KeyedMutex } from './keyed-mutex.js';
import { checkTtl, DEFAULT_LOCK_WAIT_MS, type IndexEntry, type IndexRange, type KvStore, type LockOptions } from './kv.js';
import { MemoryStructures } from './memory-structures.js';

interface Entry {
  /** JSON text, so callers get copies and the same value semantics as the keyv stores. */
  json: string;
  expiresAt: number | undefined;
}

/**
 * A KvStore in memory, for unit tests of other modules (and one-shot CLI runs). TTLs follow the
 * injected clock, so tests advance time instead of sleeping. Single process, like SQLite.
 */
export class MemoryKvStore implements KvStore {
  readonly #entries = new Map<string, Entry>();
  readonly #locks = new KeyedMutex();
  readonly #clock: Clock;
  readonly #structures: MemoryStructures;
  #closed = false;

  constructor(options: { clock?: Clock } = {}) {
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    this.#structures = new MemoryStructures(() => clock.now());
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    this.#checkOpen();
    const entry = this.#live(key);
    return entry === undefined ? undefined : (JSON.parse(entry.json) as T);
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    this.#checkOpen();
    this.#entries.set(key, this.#entry(value, ttlMs));
  }

  async delete(key: string): Promise<boolean> {
    this.#checkOpen();
    const existed = this.#live(key) !== undefined;
    this.#entries.delete(key);
    return existed;
  }

  async setIfNotExists<T>(key: string, value: T, ttlMs?: number): Promise<boolean> {
    this.#checkOpen();
    // No await between the check and the write: atomic on Node's single thread.
    if (this.#live(key) !== undefined) return false;
    this.#entries.set(key, this.#entry(value, ttlMs));
    return true;
  }

  async withLock<T>(key: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
    this.#checkOpen();
    return this.#locks.run(key, opts.waitMs ?? DEFAULT_LOCK_WAIT_MS, fn);
  }

  async increment(key: string, by: number, ttlMs?: number): Promise<number> {
    this.#checkOpen();
    return this.#structures.increment(key, by, ttlMs);
  }

  async readCounters(keys: readonly string[]): Promise<number[]> {
    this.#checkOpen();
    return this.#structures.readCounters(keys);
  }

  async indexAdd(index: string, entries: readonly IndexEntry[]): Promise<void> {
    this.#checkOpen();
    this.#structures.indexAdd(index, entries);
  }

  async indexRemove(index: string, members: readonly string[]): Promise<void> {
    this.#checkOpen();
    this.#structures.indexRemove(index, members);
  }

  async indexRange(index: string, range?: IndexRange): Promise<IndexEntry[]> {
    this.#checkOpen();
    return this.#structures.indexRange(index, range);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
    this.#structures.clear();
  }

  #entry(value: unknown, ttlMs: number | undefined): Entry {
    const ttl = checkTtl(ttlMs);
    const json = JSON.stringify(value) ?? 'null';
    return { json, expiresAt: ttl === undefined ? undefined : this.#clock.now() + ttl };
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && this.#clock.now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #checkOpen(): void {
    if (this.#closed) throw new NormguardError('STORE', 'the memory store is closed');
  }
}
