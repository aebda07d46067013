import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KvStore, openStore } from '../../src/store/index.js';
import { deleteNamespace, REDIS_URL, redisCommand, uniqueNamespace } from '../support/redis.js';
import { storeBackends, type StoreBackend, type StoreFixture } from '../support/store-backends.js';

const backends = storeBackends('structures');

/** The counter and sorted-index contract of the store port, run against each implementation. */
function runStructureSuite(name: string, backend: StoreBackend): void {
  describe(`counters and indexes: ${name}`, () => {
    let fx: StoreFixture;
    let kv: KvStore;

    beforeEach(async () => {
      fx = await backend.setup();
      kv = await fx.open();
    });
    afterEach(async () => {
      await fx.teardown();
    });

    it('100 concurrent increments of one counter count exactly 100, and each caller sees its own step', async () => {
      const seen = await Promise.all(Array.from({ length: 100 }, () => kv.increment('hits', 1, 60_000)));
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(await kv.readCounters(['hits', 'absent'])).toEqual([100, 0]);
    });

    it('adds any whole step (negative too), refuses a fraction, and keeps counters apart from values', async () => {
      expect(await kv.increment('n', 5)).toBe(5);
      expect(await kv.increment('n', -2)).toBe(3);
      await expect(kv.increment('n', 0.5)).rejects.toThrow(RangeError);
      expect(await kv.get('n')).toBeUndefined();
      await kv.set('n', 'a value');
      expect(await kv.readCounters(['n'])).toEqual([3]);
    });

    it('a counter is a fixed window: its TTL starts with the first increment and is not extended', async () => {
      await kv.increment('window', 1, 200);
      await fx.elapse(120);
      expect(await kv.increment('window', 1, 200)).toBe(2);
      await fx.elapse(120);
      expect(await kv.readCounters(['window'])).toEqual([0]);
      expect(await kv.increment('window', 1, 200)).toBe(1);
      // A counter created without an expiry takes the first one an increment gives it.
      await kv.increment('forever', 1);
      await kv.increment('forever', 1, 200);
      await fx.elapse(250);
      expect(await kv.readCounters(['forever'])).toEqual([0]);
    });

    it('sorted index: add, move, remove, range by score both ways with offset and limit', async () => {
      await kv.indexAdd('ix', [
        { member: 'c', score: 30 },
        { member: 'a', score: 10 },
        { member: 'b', score: 20 },
        { member: 'd', score: 40 },
      ]);
      expect((await kv.indexRange('ix')).map((e) => e.member)).toEqual(['a', 'b', 'c', 'd']);
      expect(await kv.indexRange('ix', { min: 15, max: 30 })).toEqual([
        { member: 'b', score: 20 },
        { member: 'c', score: 30 },
      ]);
      expect((await kv.indexRange('ix', { order: 'desc', offset: 1, limit: 2 })).map((e) => e.member)).toEqual(['c', 'b']);
      await kv.indexAdd('ix', [{ member: 'a', score: 50 }]);
      await kv.indexRemove('ix', ['d', 'never-there']);
      expect(await kv.indexRange('ix', { order: 'desc' })).toEqual([
        { member: 'a', score: 50 },
        { member: 'c', score: 30 },
        { member: 'b', score: 20 },
      ]);
      expect(await kv.indexRange('ix', { max: 25 })).toEqual([{ member: 'b', score: 20 }]);
      expect(await kv.indexRange('other')).toEqual([]);
    });

    it('an index of 5,000 members reads only the requested range', async () => {
      await kv.indexAdd('big', Array.from({ length: 5_000 }, (_, i) => ({ member: `m${i}`, score: 1_700_000_000_000 + i })));
      expect(await kv.indexRange('big', { max: 1_700_000_000_002 })).toHaveLength(3);
      expect((await kv.indexRange('big', { order: 'desc', limit: 1 }))[0]?.member).toBe('m4999');
    });

    if (backend.persistent) {
      it('counters and indexes survive close and reopen', async () => {
        await kv.increment('kept', 7);
        await kv.indexAdd('kept-ix', [{ member: 'x', score: 1 }]);
        await kv.close();
        const again = await fx.open();
        expect(await again.readCounters(['kept'])).toEqual([7]);
        expect(await again.indexRange('kept-ix')).toEqual([{ member: 'x', score: 1 }]);
      });
    }
  });
}

runStructureSuite('memory', backends.memory);
runStructureSuite('sqlite', backends.sqlite);
runStructureSuite('redis', backends.redis);

describe('counters on Redis across processes', () => {
  const namespace = uniqueNamespace('structures-xproc');
  const opened: KvStore[] = [];
  beforeEach(async () => {
    for (let i = 0; i < 2; i++) opened.push(await openStore({ dataDir: '/nonexistent-unused', redisUrl: REDIS_URL, namespace }));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((kv) => kv.close()));
    await deleteNamespace(namespace);
  });

  it('two processes incrementing at once lose nothing, and Redis holds the TTL of the first increment', async () => {
    await Promise.all(Array.from({ length: 100 }, (_, i) => opened[i % 2]!.increment('shared', 1, 60_000)));
    expect(await opened[0]!.readCounters(['shared'])).toEqual([100]);
    const ttl = Number(await redisCommand(['PTTL', `${namespace}:count:shared`]));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
