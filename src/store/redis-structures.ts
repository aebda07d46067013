import type { StructureOps } from './keyv-kv.js';

/** What this file needs of a node-redis client. */
export interface RedisCommander {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * INCRBY and its expiry in one script, so a counter can never be left without its TTL (a crash
 * between two commands) and the TTL is set only by the increment that created the counter.
 */
const INCREMENT_SCRIPT = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

/**
 * Counters are plain Redis integers under `<namespace>:count:`, indexes sorted sets under
 * `<namespace>:index:`; both beside keyv's `<namespace>::` values, so one SCAN of `<namespace>:*`
 * still finds everything a deployment wrote. `ZRANGE … BYSCORE … LIMIT` needs Redis 6.2 or later.
 */
export function redisStructures(client: RedisCommander, namespace: string): StructureOps {
  const counter = (key: string) => `${namespace}:count:${key}`;
  const index = (key: string) => `${namespace}:index:${key}`;
  return {
    async increment(key, by, ttlMs) {
      return Number(await client.sendCommand(['EVAL', INCREMENT_SCRIPT, '1', counter(key), String(by), ttlMs === undefined ? '' : String(ttlMs)]));
    },
    async readCounters(keys) {
      const values = (await client.sendCommand(['MGET', ...keys.map(counter)])) as Array<string | null>;
      return values.map((v) => (v === null ? 0 : Number(v)));
    },
    async indexAdd(name, entries) {
      await client.sendCommand(['ZADD', index(name), ...entries.flatMap((e) => [String(e.score), e.member])]);
    },
    async indexRemove(name, members) {
      await client.sendCommand(['ZREM', index(name), ...members]);
    },
    async indexRange(name, range = {}) {
      const min = range.min === undefined ? '-inf' : String(range.min);
      const max = range.max === undefined ? '+inf' : String(range.max);
      const bounds = range.order === 'desc' ? [max, min, 'BYSCORE', 'REV'] : [min, max, 'BYSCORE'];
      const limit = ['LIMIT', String(range.offset ?? 0), String(range.limit ?? -1)];
      const flat = (await client.sendCommand(['ZRANGE', index(name), ...bounds, ...limit, 'WITHSCORES'])) as string[];
      const out = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i] as string, score: Number(flat[i + 1]) });
      return out;
    },
  };
}
