import KeyvRedis, { createClient } from '@keyv/redis';
import { Keyv } from 'keyv';
import type { Logger } from '../logger.js';
import { type AtomicOps, KeyvKvStore } from './keyv-kv.js';
import type { KvStore } from './kv.js';
import { RedisLocks } from './redis-lock.js';
import { redisStructures } from './redis-structures.js';
import { messageOf, storeError } from './store-error.js';

export interface RedisKvOptions {
  url: string;
  /** Prefix of every key this store writes: data under `<namespace>::`, locks under `<namespace>:lock:`. */
  namespace: string;
  logger: Logger;
  /** Per connection attempt (node-redis `connectTimeout`). */
  connectTimeoutMs?: number;
}

/** Attempts before the first connection counts as failed; a store that never connected is a config error. */
const INITIAL_ATTEMPTS = 3;
const INITIAL_RETRY_MS = 250;
/** After the first connection: back off to one attempt every 2 s, forever (Redis restarts, failovers). */
const MAX_RECONNECT_MS = 2_000;

/**
 * A KvStore on Redis, shared by several bot processes. Reads and writes go through keyv
 * (`@keyv/redis`, keys `<namespace>::<key>`); `setIfNotExists` is one `SET NX PX` on the same key
 * with keyv's serialisation, so `get` reads it back; locks are RedisLocks under `<namespace>:lock:`.
 *
 * Connection behaviour: the first connection must succeed (else NormguardError('STORE') naming the
 * URL without credentials); after that node-redis reconnects by itself with backoff. Commands
 * issued while disconnected fail at once (no offline queue) as NormguardError('STORE'), rather
 * than hanging until Redis returns. Connection errors are logged, never thrown as 'error' events.
 */
export async function openRedisKv(options: RedisKvOptions): Promise<KvStore> {
  const safeUrl = redactUrl(options.url);
  const log = options.logger.child({ component: 'store', redis: safeUrl });
  let connected = false;

  if (!URL.canParse(options.url)) throw storeError('the Redis URL is not a valid URL (e.g. redis://host:6379)');
  let client: ReturnType<typeof createRedisClient>;
  try {
    client = createRedisClient(options, () => connected);
  } catch (err) {
    throw storeError(`unusable Redis URL ${safeUrl}: ${scrub(messageOf(err), options.url)}`, err);
  }
  // node-redis emits 'error' on every failed (re)connection; without a listener that would be
  // an uncaught exception that takes the bot down. One warning per outage, the retries at debug.
  let downSince: number | null = null;
  client.on('error', (err: unknown) => {
    const message = scrub(messageOf(err), options.url);
    if (connected && downSince === null) {
      downSince = Date.now();
      log.warn({ err: message }, 'redis connection lost; reconnecting (store operations fail until it is back)');
    } else {
      log.debug({ err: message }, 'redis connection error');
    }
  });
  client.on('ready', () => {
    if (downSince !== null) log.info({ downMs: Date.now() - downSince }, 'redis connection restored');
    downSince = null;
    connected = true;
  });

  try {
    await client.connect();
  } catch (err) {
    if (client.isOpen) client.destroy();
    throw storeError(`cannot connect to Redis at ${safeUrl}: ${scrub(messageOf(err), options.url)}`, err);
  }

  const adapter = new KeyvRedis<unknown>(client, {
    namespace: options.namespace,
    throwOnConnectError: true,
    throwOnErrors: true,
  });
  // useKeyPrefix false: the adapter prefixes keys itself (`<namespace>::`), as @keyv/redis's own createKeyv does.
  const keyv = new Keyv(adapter, { namespace: options.namespace, useKeyPrefix: false, throwOnErrors: true });
  // Failures also reach callers as thrown errors; this only keeps keyv's own event quiet and visible at debug.
  keyv.on('error', (err: unknown) => log.debug({ err: scrub(messageOf(err), options.url) }, 'keyv error'));

  const locks = new RedisLocks(client, log);
  const atomics: AtomicOps = {
    async setIfNotExists(key, value, ttlMs) {
      // Exactly what keyv.set would write (same prefix, same envelope), but conditional.
      const expires = ttlMs === undefined ? undefined : Date.now() + ttlMs;
      const serialized = await keyv.serializeData({ value, expires });
      const rawKey = adapter.createKeyPrefix(key, adapter.namespace);
      const reply = await client.set(
        rawKey,
        typeof serialized === 'string' ? serialized : JSON.stringify(serialized),
        ttlMs === undefined ? { condition: 'NX' } : { condition: 'NX', expiration: { type: 'PX', value: ttlMs } },
      );
      return reply === 'OK';
    },
    withLock: (key, fn, opts) => locks.run(`${options.namespace}:lock:${key}`, fn, opts),
  };

  return new KeyvKvStore({
    keyv,
    label: `Redis at ${safeUrl}`,
    atomics: () => atomics,
    structures: redisStructures(client as unknown as Parameters<typeof redisStructures>[0], options.namespace),
    disconnect: async () => {
      locks.stop();
      if (!client.isOpen) return;
      // A graceful close waits for replies, which never come while reconnecting.
      if (client.isReady) await client.close();
      else client.destroy();
    },
  });
}

function createRedisClient(options: RedisKvOptions, connected: () => boolean) {
  return createClient({
    url: options.url,
    // Shows up in CLIENT LIST, so an operator can tell which bot process holds a connection.
    name: clientName(options.namespace),
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      reconnectStrategy: (retries, cause) => {
        if (!connected()) return retries + 1 >= INITIAL_ATTEMPTS ? cause : INITIAL_RETRY_MS;
        return Math.min(100 * 2 ** retries, MAX_RECONNECT_MS) + Math.random() * 100;
      },
    },
  });
}

/** The URL as it may appear in logs and errors: no user name, no password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable Redis URL)';
  }
}

/** Removes the password from a message, in case a driver quotes the URL. */
function scrub(message: string, url: string): string {
  try {
    const { password } = new URL(url);
    let out = message;
    for (const secret of new Set([password, decodeURIComponent(password)])) {
      if (secret.length > 0) out = out.split(secret).join('[redacted]');
    }
    return out;
  } catch {
    return message;
  }
}

function clientName(namespace: string): string {
  // CLIENT SETNAME refuses spaces and newlines.
  return `normguard:${namespace}`.replace(/[^\x21-\x7e]/g, '_');
}
