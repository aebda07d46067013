import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, sleep } from '../../src/clock.js';
import { type KvStore, MemoryKvStore, openStore } from '../../src/store/index.js';
import { deleteNamespace, REDIS_URL, uniqueNamespace } from './redis.js';

/** One backing store (a temp dir, a Redis namespace) for one test; `open` may be called again. */
export interface StoreFixture {
  open(): Promise<KvStore>;
  /** Lets `ms` pass for TTLs: a manual clock for memory, real time for SQLite and Redis. */
  elapse(ms: number): Promise<void>;
  teardown(): Promise<void>;
}

export interface StoreBackend {
  /** Data survives close + open (SQLite file, Redis). */
  persistent: boolean;
  setup(): Promise<StoreFixture>;
}

export class ManualClock implements Clock {
  #now = 1_700_000_000_000;
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Closes what a fixture opened, then removes its data. */
function tracking(open: () => Promise<KvStore>, elapse: (ms: number) => Promise<void>, cleanup: () => Promise<void>): StoreFixture {
  const opened: KvStore[] = [];
  return {
    open: async () => {
      const store = await open();
      opened.push(store);
      return store;
    },
    elapse,
    teardown: async () => {
      await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
      await cleanup();
    },
  };
}

/**
 * The three KvStore implementations, for suites that run one contract against each (as keyv's
 * own backends do). `label` names the temp dirs and Redis namespaces a suite leaves behind.
 */
export function storeBackends(label: string): Record<'memory' | 'sqlite' | 'redis', StoreBackend> {
  return {
    memory: {
      persistent: false,
      setup: async () => {
        const clock = new ManualClock();
        return tracking(
          async () => new MemoryKvStore({ clock }),
          async (ms) => clock.advance(ms),
          async () => undefined,
        );
      },
    },
    sqlite: {
      persistent: true,
      setup: async () => {
        const dataDir = await mkdtemp(join(tmpdir(), `normguard-${label}-`));
        return tracking(
          () => openStore({ dataDir }),
          (ms) => sleep(ms),
          () => rm(dataDir, { recursive: true, force: true }),
        );
      },
    },
    redis: {
      persistent: true,
      setup: async () => {
        const namespace = uniqueNamespace(label);
        return tracking(
          () => openStore({ dataDir: '/nonexistent-unused', redisUrl: REDIS_URL, namespace }),
          (ms) => sleep(ms),
          async () => void (await deleteNamespace(namespace)),
        );
      },
    },
  };
}
