import { checkTtl, type IndexEntry, type IndexRange } from './kv.js';

/**
 * Counters and sorted indexes in memory, for the memory store: the same semantics as Redis's
 * INCRBY and sorted sets, with expiry on the injected clock. Every method is synchronous, so
 * nothing can interleave inside one call on Node's single thread.
 */
export class MemoryStructures {
  readonly #counters = new Map<string, { value: number; expiresAt: number | undefined }>();
  readonly #indexes = new Map<string, Map<string, number>>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  increment(key: string, by: number, ttlMs: number | undefined): number {
    checkIncrement(by);
    const ttl = checkTtl(ttlMs);
    const now = this.#now();
    const current = this.#counters.get(key);
    const live = current !== undefined && (current.expiresAt === undefined || now < current.expiresAt);
    const fresh = ttl === undefined ? undefined : now + ttl;
    const next = live ? { value: current.value + by, expiresAt: current.expiresAt ?? fresh } : { value: by, expiresAt: fresh };
    this.#counters.set(key, next);
    return next.value;
  }

  readCounters(keys: readonly string[]): number[] {
    const now = this.#now();
    return keys.map((key) => {
      const c = this.#counters.get(key);
      return c !== undefined && (c.expiresAt === undefined || now < c.expiresAt) ? c.value : 0;
    });
  }

  indexAdd(index: string, entries: readonly IndexEntry[]): void {
    const members = this.#indexes.get(index) ?? new Map<string, number>();
    for (const { member, score } of entries) members.set(member, checkScore(score));
    this.#indexes.set(index, members);
  }

  indexRemove(index: string, members: readonly string[]): void {
    const set = this.#indexes.get(index);
    if (set === undefined) return;
    for (const m of members) set.delete(m);
    if (set.size === 0) this.#indexes.delete(index);
  }

  indexRange(index: string, range: IndexRange = {}): IndexEntry[] {
    const min = range.min ?? Number.NEGATIVE_INFINITY;
    const max = range.max ?? Number.POSITIVE_INFINITY;
    const found = [...(this.#indexes.get(index) ?? [])]
      .filter(([, score]) => score >= min && score <= max)
      .map(([member, score]) => ({ member, score }))
      .sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
    if (range.order === 'desc') found.reverse();
    const offset = range.offset ?? 0;
    return found.slice(offset, range.limit === undefined ? undefined : offset + range.limit);
  }

  clear(): void {
    this.#counters.clear();
    this.#indexes.clear();
  }
}

/** Redis INCRBY takes a 64-bit integer; a fraction or NaN is a caller bug on every backend alike. */
export function checkIncrement(by: number): void {
  if (!Number.isSafeInteger(by)) throw new RangeError(`increment must be a whole number, got ${by}`);
}

export function checkScore(score: number): number {
  if (!Number.isFinite(score)) throw new RangeError(`index score must be a finite number, got ${score}`);
  return score;
}
