import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../../src/clock.js';
import { NormguardError } from '../../src/errors.js';
import { type KvStore, openStore, SQLITE_FILE_NAME } from '../../src/store/index.js';
import {
  deleteNamespace,
  hasRedisServer,
  killStoreConnections,
  PrivateRedis,
  REDIS_URL,
  redisCommand,
  uniqueNamespace,
} from '../support/redis.js';
import { storeBackends, type StoreBackend, type StoreFixture } from '../support/store-backends.js';

const { memory: memoryBackend, sqlite: sqliteBackend, redis: redisBackend } = storeBackends('kv');

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The contract every KvStore keeps, run against each implementation. */
function runKvSuite(name: string, backend: StoreBackend): void {
  describe(`KvStore contract: ${name}`, () => {
    let fx: StoreFixture;
    let kv: KvStore;

    beforeEach(async () => {
      fx = await backend.setup();
      kv = await fx.open();
    });
    afterEach(async () => {
      await fx.teardown();
    });

    it('round-trips JSON values, reports absence as undefined and deletes', async () => {
      const record = { a: 1, nested: { list: [1, 'two', null], flag: false }, text: 'ünïcødé ✓' };
      await kv.set('record', record);
      expect(await kv.get('record')).toEqual(record);
      for (const [key, value] of [['zero', 0], ['false', false], ['empty', ''], ['colon', ':starts with a colon'], ['null', null]] as const) {
        await kv.set(key, value);
        expect(await kv.get(key)).toEqual(value);
      }
      expect(await kv.get('missing')).toBeUndefined();
      await kv.set('record', { replaced: true });
      expect(await kv.get('record')).toEqual({ replaced: true });
      expect(await kv.delete('record')).toBe(true);
      expect(await kv.delete('record')).toBe(false);
      expect(await kv.get('record')).toBeUndefined();
    });

    it('expires a key after its TTL and keeps one without', async () => {
      await kv.set('short', 'soon gone', 100);
      await kv.set('forever', 'stays');
      expect(await kv.get('short')).toBe('soon gone');
      await fx.elapse(150);
      expect(await kv.get('short')).toBeUndefined();
      expect(await kv.get('forever')).toBe('stays');
    });

    it('refuses a zero, negative or non-finite TTL instead of keeping the key forever', async () => {
      for (const ttl of [0, -5, Number.NaN]) {
        await expect(kv.set('k', 1, ttl)).rejects.toThrow(RangeError);
        await expect(kv.setIfNotExists('k', 1, ttl)).rejects.toThrow(RangeError);
      }
    });

    it('setIfNotExists stores only for the first caller, readable with get, and again after expiry', async () => {
      expect(await kv.setIfNotExists('claim', { by: 'first' }, 100)).toBe(true);
      expect(await kv.setIfNotExists('claim', { by: 'second' }, 100)).toBe(false);
      expect(await kv.get('claim')).toEqual({ by: 'first' });
      await fx.elapse(150);
      expect(await kv.get('claim')).toBeUndefined();
      expect(await kv.setIfNotExists('claim', { by: 'third' })).toBe(true);
      expect(await kv.get('claim')).toEqual({ by: 'third' });
      await kv.set('plain', 'x');
      expect(await kv.setIfNotExists('plain', 'y')).toBe(false);
    });

    it('setIfNotExists under 20 concurrent callers: exactly one wins', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => kv.setIfNotExists('race', { winner: i })));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await kv.get('race')).toEqual({ winner: results.indexOf(true) });
    });

    it('withLock serialises 20 concurrent read-modify-write increments', async () => {
      await kv.set('counter', 0);
      let inside = 0;
      let maxInside = 0;
      const increment = () =>
        kv.withLock('counter', async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          const n = (await kv.get<number>('counter')) ?? 0;
          await sleep(1); // widen the window a lost update would need
          await kv.set('counter', n + 1);
          inside--;
          return n + 1;
        });
      const seen = await Promise.all(Array.from({ length: 20 }, increment));
      expect(await kv.get('counter')).toBe(20);
      expect(maxInside).toBe(1);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('withLock passes fn errors through unchanged and releases the lock', async () => {
      const boom = new Error('boom');
      await expect(kv.withLock('l', async () => Promise.reject(boom))).rejects.toBe(boom);
      expect(await kv.withLock('l', async () => 'after', { waitMs: 500 })).toBe('after');
    });

    it('withLock gives up after waitMs with NormguardError STORE, and locks on other keys do not block', async () => {
      const held = deferred();
      const entered = deferred();
      const holder = kv.withLock('busy', async () => {
        entered.resolve();
        await held.promise;
        return 'holder done';
      });
      await entered.promise;
      const started = Date.now();
      const err = await kv.withLock('busy', async () => 'never', { waitMs: 150 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NormguardError);
      expect((err as NormguardError).code).toBe('STORE');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(await kv.withLock('other', async () => 'free', { waitMs: 150 })).toBe('free');
      held.resolve();
      expect(await holder).toBe('holder done');
      expect(await kv.withLock('busy', async () => 'next', { waitMs: 500 })).toBe('next');
    });

    it('refuses use after close with NormguardError STORE', async () => {
      await kv.close();
      await expect(kv.get('x')).rejects.toMatchObject({ code: 'STORE' });
      await expect(kv.withLock('x', async () => 1)).rejects.toMatchObject({ code: 'STORE' });
    });

    if (backend.persistent) {
      it('restart: what was written is read back after close and reopen', async () => {
        await kv.set('survivor', { kept: ['yes'] });
        await kv.setIfNotExists('claimed', 'once');
        await kv.close();
        const reopened = await fx.open();
        expect(await reopened.get('survivor')).toEqual({ kept: ['yes'] });
        expect(await reopened.setIfNotExists('claimed', 'twice')).toBe(false);
        expect(await reopened.get('claimed')).toBe('once');
      });
    }
  });
}

runKvSuite('memory', memoryBackend);
runKvSuite('sqlite', sqliteBackend);
runKvSuite('redis', redisBackend);

describe('SQLite store', () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'normguard-sqlite-'));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it(`creates the data directory and ${SQLITE_FILE_NAME} in it`, async () => {
    const dataDir = join(base, 'nested', 'data');
    const kv = await openStore({ dataDir });
    await kv.set('k', 'v');
    await kv.close();
    expect(existsSync(join(dataDir, SQLITE_FILE_NAME))).toBe(true);
  });

  it('fails with NormguardError STORE naming the path when the data directory is unusable', async () => {
    const notADir = join(base, 'file');
    await writeFile(notADir, 'x');
    const err = await openStore({ dataDir: join(notADir, 'data') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NormguardError);
    expect((err as NormguardError).code).toBe('STORE');
    expect((err as NormguardError).message).toContain(notADir);
  });

  it('prunes expired rows when opened, so dedupe keys do not pile up', async () => {
    const kv = await openStore({ dataDir: base });
    await kv.set('short', 1, 50);
    await kv.set('long', 2);
    await kv.close();
    await sleep(80);
    await (await openStore({ dataDir: base })).close();
    const raw = new KeyvSqlite({ uri: `sqlite://${join(base, SQLITE_FILE_NAME)}` });
    const rows = (await raw.query('SELECT key FROM keyv ORDER BY key')) as Array<{ key: string }>;
    await raw.disconnect();
    expect(rows.map((r) => r.key)).toEqual(['normguard:long']);
  });
});

describe('Redis store across processes', () => {
  let namespace: string;
  const opened: KvStore[] = [];
  const open = async () => {
    const kv = await openStore({ dataDir: '/nonexistent-unused', redisUrl: REDIS_URL, namespace });
    opened.push(kv);
    return kv;
  };

  beforeEach(() => {
    namespace = uniqueNamespace('xproc');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((kv) => kv.close().catch(() => undefined)));
    await deleteNamespace(namespace);
  });

  it('two connections racing setIfNotExists: exactly one wins, and both read the winner', async () => {
    const [a, b] = [await open(), await open()];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).setIfNotExists('race', { winner: i }, 5_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = { winner: results.indexOf(true) };
    expect(await a.get('race')).toEqual(winner);
    expect(await b.get('race')).toEqual(winner);
    // Redis itself holds the TTL, so the key goes away even if nobody reads it again.
    const pttl = Number(await redisCommand(['PTTL', `${namespace}::race`]));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000);
  });

  it('two connections incrementing under withLock lose no update', async () => {
    const [a, b] = [await open(), await open()];
    await a.set('counter', 0);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const kv = i % 2 ? a : b;
        return kv.withLock('counter', async () => {
          const n = (await kv.get<number>('counter')) ?? 0;
          await sleep(1);
          await kv.set('counter', n + 1);
        });
      }),
    );
    expect(await b.get('counter')).toBe(20);
  });

  it('a lock whose holder vanished frees itself after ttlMs', async () => {
    const [a, b] = [await open(), await open()];
    const entered = deferred();
    const forever = deferred();
    const orphan = a
      .withLock(
        'job',
        async () => {
          entered.resolve();
          await forever.promise;
        },
        { ttlMs: 300 },
      )
      .catch(() => undefined);
    await entered.promise;
    await a.close(); // the holder's process "dies": no renewal, no release
    const started = Date.now();
    expect(await b.withLock('job', async () => 'taken over', { waitMs: 3_000 })).toBe('taken over');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    forever.resolve();
    await orphan;
  });

  it('keeps a lock while a slow holder works past ttlMs (renewal)', async () => {
    const [a, b] = [await open(), await open()];
    const entered = deferred();
    const holder = a.withLock(
      'slow',
      async () => {
        entered.resolve();
        await sleep(600);
        return 'done';
      },
      { ttlMs: 200 },
    );
    await entered.promise;
    await expect(b.withLock('slow', async () => 'stolen', { waitMs: 400 })).rejects.toMatchObject({ code: 'STORE' });
    expect(await holder).toBe('done');
  });

  it('reconnects by itself after the connection drops; failures meanwhile are NormguardError STORE', async () => {
    const kv = await open();
    await kv.set('k', 'before');
    expect(await killStoreConnections(namespace)).toBe(1);
    const deadline = Date.now() + 8_000;
    let value: unknown;
    for (;;) {
      try {
        value = await kv.get('k');
        break;
      } catch (err) {
        expect(err).toMatchObject({ code: 'STORE' });
        if (Date.now() > deadline) throw err;
        await sleep(50);
      }
    }
    expect(value).toBe('before');
    await kv.set('k', 'after');
    expect(await kv.get('k')).toBe('after');
  });

  it.skipIf(!hasRedisServer)('survives a real Redis restart: fails fast while it is down, works again after', async () => {
    const server = await PrivateRedis.start();
    try {
      const kv = await openStore({ dataDir: '/nonexistent-unused', redisUrl: server.url, namespace });
      opened.push(kv);
      await kv.set('k', 'v');
      await server.stop();
      const started = Date.now();
      await expect(kv.get('k')).rejects.toMatchObject({ code: 'STORE' });
      expect(Date.now() - started).toBeLessThan(1_000); // no offline queue: no hanging until Redis returns
      await server.start();
      const deadline = Date.now() + 8_000;
      for (;;) {
        try {
          await kv.set('k', 'after restart');
          break;
        } catch (err) {
          expect(err).toMatchObject({ code: 'STORE' });
          if (Date.now() > deadline) throw err;
          await sleep(50);
        }
      }
      expect(await kv.get('k')).toBe('after restart');
    } finally {
      await server.stop();
    }
  });

  it('fails to open with NormguardError STORE naming the URL without credentials', async () => {
    const err = await openStore({ dataDir: '/unused', redisUrl: 'redis://admin:s3cret-pw@127.0.0.1:1', namespace }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NormguardError);
    expect((err as NormguardError).code).toBe('STORE');
    expect((err as NormguardError).message).toContain('redis://127.0.0.1:1');
    expect((err as NormguardError).message).not.toContain('s3cret');
    expect((err as NormguardError).message).not.toContain('admin');
  });
});
