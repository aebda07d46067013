/**
 * rss_mb_after_run: resident memory of a normguard process after the run's messages (1,000,000 in a full run) across
 * 10,000 channels (1,000 workspaces of 10 monitored channels), and whether it still grows once
 * warm. Run in a child process (`node --expose-gc`), so nothing of the parent benchmark — the
 * simulator, other runs' garbage — is counted.
 *
 * What runs: the real Monitor's whole `handle` on the realistic mix, with the product's bounds
 * (conversation buffer: 12 messages × 5,000 channels; repeat cache: 10,000 texts), the model
 * replaced by an in-process client that answers at once. What is left out: the store's data.
 * In production that is SQLite pages on disk or Redis, not this process's heap, and it is pruned
 * by TTL; its largest part is one event-dedupe key per audited message, kept 24 hours. The store
 * here is MemoryKvStore, which would hold all of those keys, so it is wrapped to not keep dedupe
 * claims — every message id in the mix is new, so every claim would succeed anyway. Settings,
 * activity counters and everything else stay in it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MemoryKvStore, type IndexEntry, type IndexRange, type KvStore, type LockOptions } from '../src/store/index.js';
import { createBenchBot, monitorChannels } from './bot.js';
import { drive } from './ingest.js';
import { mixStream } from './mix.js';

export interface MemoryOptions {
  messages: number;
  channels: number;
  workspaces: number;
  /** Samples taken, evenly spaced. */
  samples?: number;
  seed?: number;
  /** Messages in flight at once. */
  concurrency?: number;
}

export interface MemorySample {
  messages: number;
  rssMb: number;
  /** V8 heap committed, and in use after a full GC: the bot's live data is the latter. */
  heapTotalMb: number;
  heapUsedMb: number;
}

export interface MemoryResult {
  messages: number;
  channels: number;
  rssMbAfter: number;
  /** Before the first message: the runtime and the code, no data. */
  baselineRssMb: number;
  samples: MemorySample[];
  /** RSS growth per 100,000 messages over the second half of the run (MB). */
  warmSlopeMbPer100k: number;
  /** Whether RSS rose by more than 5% (and 5 MB) over the second half. */
  growingWhenWarm: boolean;
  seconds: number;
  bufferedChannels: number;
}

/** Spawns the measurement in a fresh Node process and returns what it reports. */
export function runMemory(options: MemoryOptions): Promise<MemoryResult> {
  const self = fileURLToPath(import.meta.url);
  const root = fileURLToPath(new URL('..', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', JSON.stringify(options)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`memory child exited with ${code}: ${last}`));
      try {
        resolve(JSON.parse(last) as MemoryResult);
      } catch {
        reject(new Error(`memory child printed no result: ${last}`));
      }
    });
  });
}

/** MemoryKvStore that does not keep event-dedupe claims (see the top of this file). */
class StoreWithoutDedupeData implements KvStore {
  constructor(private readonly inner: MemoryKvStore) {}
  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.inner.get<T>(key);
  }
  set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    return this.inner.set(key, value, ttlMs);
  }
  delete(key: string): Promise<boolean> {
    return this.inner.delete(key);
  }
  setIfNotExists<T>(key: string, value: T, ttlMs?: number): Promise<boolean> {
    return key.startsWith('dedupe:') ? Promise.resolve(true) : this.inner.setIfNotExists(key, value, ttlMs);
  }
  withLock<T>(key: string, fn: () => Promise<T>, opts?: LockOptions): Promise<T> {
    return this.inner.withLock(key, fn, opts);
  }
  increment(key: string, by: number, ttlMs?: number): Promise<number> {
    return this.inner.increment(key, by, ttlMs);
  }
  readCounters(keys: readonly string[]): Promise<number[]> {
    return this.inner.readCounters(keys);
  }
  indexAdd(index: string, entries: readonly IndexEntry[]): Promise<void> {
    return this.inner.indexAdd(index, entries);
  }
  indexRemove(index: string, members: readonly string[]): Promise<void> {
    return this.inner.indexRemove(index, members);
  }
  indexRange(index: string, range?: IndexRange): Promise<IndexEntry[]> {
    return this.inner.indexRange(index, range);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const MB = 1024 * 1024;

function sample(messages: number): MemorySample {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { messages, rssMb: m.rss / MB, heapTotalMb: m.heapTotal / MB, heapUsedMb: m.heapUsed / MB };
}

async function child(options: MemoryOptions): Promise<MemoryResult> {
  const started = performance.now();
  const shape = { seed: options.seed ?? 5, channels: options.channels, workspaces: options.workspaces };
  const bot = await createBenchBot({ kv: new StoreWithoutDedupeData(new MemoryKvStore()) });
  await monitorChannels(bot, shape);
  const baseline = sample(0);
  const samples: MemorySample[] = [];
  const every = Math.ceil(options.messages / (options.samples ?? 10));
  const stream = mixStream({ ...shape, size: options.messages });
  let handled = 0;
  for (let done = 0; done < options.messages; done += every) {
    const batch = Math.min(every, options.messages - done);
    const slice = (function* () {
      for (let i = 0; i < batch; i++) {
        const next = stream.next();
        if (next.done) return;
        yield next.value;
      }
    })();
    await drive(slice, options.concurrency ?? 32, async (m) => {
      await bot.monitor.handle(m.message);
      handled++;
    });
    samples.push(sample(handled));
  }
  const half = samples.filter((s) => s.messages >= options.messages / 2);
  const first = half[0] ?? baseline;
  const last = samples.at(-1) ?? baseline;
  const slope = half.length > 1 ? ((last.rssMb - first.rssMb) / (last.messages - first.messages)) * 100_000 : 0;
  const growth = last.rssMb - first.rssMb;
  return {
    messages: handled,
    channels: options.channels,
    rssMbAfter: last.rssMb,
    baselineRssMb: baseline.rssMb,
    samples,
    warmSlopeMbPer100k: slope,
    growingWhenWarm: growth > 5 && growth > first.rssMb * 0.05,
    seconds: (performance.now() - started) / 1000,
    bufferedChannels: bot.buffer.size,
  };
}

if (process.argv[2] === '--child') {
  const options = JSON.parse(process.argv[3] ?? '{}') as MemoryOptions;
  child(options).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`memory benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
