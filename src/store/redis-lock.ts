import { randomBytes } from 'node:crypto';
import { sleep } from '../clock.js';
import type { Logger } from '../logger.js';
import { lockTimeout } from './keyed-mutex.js';
import { messageOf, storeError } from './store-error.js';
import type { LockOptions } from './kv.js';

/** The two node-redis calls a lock needs (structural, so tests and callers need no client generics). */
export interface RedisLockClient {
  set(key: string, value: string, options: { condition: 'NX'; expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

// Release and renew only while the lock still holds our token: a holder whose lock expired
// must not delete (or extend) the lock a later holder now owns.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** First retry after 5 ms, doubling to 50 ms, with jitter so waiters do not retry in lockstep. */
const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 50;

/**
 * A lock shared by every process on the same Redis: `SET lock token NX PX ttl`, polled until
 * `waitMs`. While `fn` runs the lock is renewed every ttl/3, so `ttlMs` only bounds how long a
 * crashed holder blocks others. Single Redis node; no Redlock across replicas.
 */
export class RedisLocks {
  readonly #client: RedisLockClient;
  readonly #logger: Logger;
  readonly #renewals = new Set<NodeJS.Timeout>();

  constructor(client: RedisLockClient, logger: Logger) {
    this.#client = client;
    this.#logger = logger;
  }

  async run<T>(lockKey: string, fn: () => Promise<T>, opts: Required<LockOptions>): Promise<T> {
    const token = randomBytes(16).toString('hex');
    await this.#acquire(lockKey, token, opts);
    const renewal = setInterval(() => void this.#renew(lockKey, token, opts.ttlMs), Math.max(opts.ttlMs / 3, 10));
    renewal.unref();
    this.#renewals.add(renewal);
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      this.#renewals.delete(renewal);
      await this.#release(lockKey, token);
    }
  }

  /** Stops renewing; locks still held then expire after their TTL. */
  stop(): void {
    for (const renewal of this.#renewals) clearInterval(renewal);
    this.#renewals.clear();
  }

  async #acquire(lockKey: string, token: string, opts: Required<LockOptions>): Promise<void> {
    const deadline = Date.now() + opts.waitMs;
    let delay = FIRST_RETRY_MS;
    for (;;) {
      let reply: unknown;
      try {
        reply = await this.#client.set(lockKey, token, {
          condition: 'NX',
          expiration: { type: 'PX', value: Math.ceil(opts.ttlMs) },
        });
      } catch (err) {
        throw storeError(`could not take lock "${lockKey}": ${messageOf(err)}`, err);
      }
      if (reply === 'OK') return;
      const left = deadline - Date.now();
      if (left <= 0) throw lockTimeout(lockKey, opts.waitMs);
      await sleep(Math.min(left, delay / 2 + Math.random() * delay));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  async #renew(lockKey: string, token: string, ttlMs: number): Promise<void> {
    try {
      await this.#client.eval(RENEW, { keys: [lockKey], arguments: [token, String(Math.ceil(ttlMs))] });
    } catch (err) {
      this.#logger.warn({ lock: lockKey, err: messageOf(err) }, 'could not renew a store lock');
    }
  }

  async #release(lockKey: string, token: string): Promise<void> {
    // Never throws: `fn` already finished, and its result (or error) is what the caller needs.
    // A lock we failed to release expires after its TTL.
    try {
      const deleted = await this.#client.eval(RELEASE, { keys: [lockKey], arguments: [token] });
      if (deleted !== 1) this.#logger.warn({ lock: lockKey }, 'a store lock expired while held; its TTL is too short');
    } catch (err) {
      this.#logger.warn({ lock: lockKey, err: messageOf(err) }, 'could not release a store lock; it will expire');
    }
  }
}
