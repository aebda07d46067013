import { NormguardError } from '../errors.js';

interface Waiter {
  grant(): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * In-process mutual exclusion per key, first come first served, with a bounded wait.
 * Used by the memory and SQLite stores, which serve a single process.
 */
export class KeyedMutex {
  /** A key is present while its lock is held; the array holds who waits next. */
  readonly #held = new Map<string, Waiter[]>();

  async run<T>(key: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
    await this.#acquire(key, waitMs);
    try {
      return await fn();
    } finally {
      this.#release(key);
    }
  }

  #acquire(key: string, waitMs: number): Promise<void> {
    const waiters = this.#held.get(key);
    if (waiters === undefined) {
      this.#held.set(key, []);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: undefined,
      };
      // An unbounded wait needs no timer (setTimeout treats anything past 2^31-1 ms as 1 ms).
      if (waitMs < 2 ** 31) {
        waiter.timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i !== -1) waiters.splice(i, 1);
          reject(lockTimeout(key, waitMs));
        }, waitMs);
      }
      waiters.push(waiter);
    });
  }

  #release(key: string): void {
    const waiters = this.#held.get(key);
    const next = waiters?.shift();
    // Ownership passes straight to the next waiter, so nobody can barge in between.
    if (next) next.grant();
    else this.#held.delete(key);
  }
}

export function lockTimeout(key: string, waitMs: number): NormguardError {
  return new NormguardError('STORE', `lock "${key}" is still held by someone else after ${waitMs} ms`, {
    retryable: true,
  });
}
