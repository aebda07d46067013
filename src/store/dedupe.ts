import type { Clock } from '../clock.js';
import { keys } from './keys.js';
import type { KvStore } from './kv.js';

/**
 * "Have we handled this already?" for events that arrive more than once: Slack retries an event
 * it got no 200 for within 3 s, Discord replays events after a resume, and several processes may
 * see the same message. Only the first `claim` of a key returns true, across processes on Redis.
 */
export class DedupeStore {
  readonly #kv: KvStore;
  readonly #clock: Clock;

  constructor(kv: KvStore, clock: Clock) {
    this.#kv = kv;
    this.#clock = clock;
  }

  /** True only for the first caller within `ttlMs`; the value kept is when it was claimed. */
  async claim(key: string, ttlMs: number): Promise<boolean> {
    return this.#kv.setIfNotExists(keys.dedupe(key), { claimedAt: this.#clock.now() }, ttlMs);
  }
}
