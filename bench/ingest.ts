/**
 * ingest_msgs_per_s: chat messages per second through the real Monitor on one core, inference
 * excluded. What is timed, per message, is everything the monitor does before a model call:
 * the conversation buffer, the prefilter, the settings read, the event dedupe, the repeat cache,
 * the frame and the assessment-cache lookup (`Monitor.screen`); a message whose verdict a cache
 * already has is then finished in full — policy, counters, cooldowns (`Monitor.audit`), still
 * without the model. A message that does need the model stops where it would be queued for a GPU
 * slot: what follows runs at the GPU's pace (a few audits a second), not the chat's, and is what
 * the saturation benchmark measures. The store is in memory (MemoryKvStore).
 *
 * Before the clock starts, a warm-up replays part of the mix through the whole `handle`, with an
 * in-process model that answers at once, so the caches hold what a running bot's would.
 */
import { performance } from 'node:perf_hooks';
import type { Monitor, MonitorOutcome } from '../src/moderation/index.js';
import { createBenchBot, monitorChannels } from './bot.js';
import { mixStream } from './mix.js';

export interface IngestOptions {
  messages: number;
  /** Messages handled in full before the clock starts (JIT warm-up, caches filled). */
  warmup?: number;
  seed?: number;
  channels?: number;
  /** Events in flight at once, as a gateway delivers them. */
  concurrency?: number;
}

export interface IngestResult {
  messages: number;
  seconds: number;
  msgsPerS: number;
  /** How the timed messages ended: skipped:<reason>, decided (from a cache), to-model. */
  outcomes: Record<string, number>;
}

export async function runIngest(options: IngestOptions): Promise<IngestResult> {
  const warmup = options.warmup ?? Math.min(20_000, Math.max(1_000, Math.floor(options.messages / 5)));
  const shape = { seed: options.seed ?? 7, channels: options.channels ?? 8 };
  const bot = await createBenchBot();
  await monitorChannels(bot, shape);
  const { monitor } = bot;
  const concurrency = options.concurrency ?? 32;
  // One stream: the warm-up's messages come first, then the timed ones (generated as they go).
  const stream = mixStream({ ...shape, size: warmup + options.messages });
  await drive(take(stream, warmup), concurrency, (m) => monitor.handle(m.message).then(() => undefined));
  const outcomes: Record<string, number> = {};
  const tally = (key: string) => {
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  };
  // Only the monitor is timed: each batch of messages is generated before its clock starts.
  let seconds = 0;
  for (let left = options.messages; left > 0; left -= BATCH) {
    const batch = [...take(stream, Math.min(BATCH, left))];
    const started = performance.now();
    await drive(batch, concurrency, async (m) => tally(await ingest(monitor, m.message)));
    seconds += (performance.now() - started) / 1000;
  }
  await bot.kv.close();
  return { messages: options.messages, seconds, msgsPerS: options.messages / seconds, outcomes };
}

const BATCH = 10_000;

function* take<T>(items: Iterator<T>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) {
    const next = items.next();
    if (next.done) return;
    yield next.value;
  }
}

async function ingest(monitor: Monitor, message: Parameters<Monitor['handle']>[0]): Promise<string> {
  const screening = await monitor.screen(message);
  if (screening.kind === 'done') return label(screening.outcome);
  if (screening.needsModel) return 'to-model';
  return label(await monitor.audit(screening));
}

function label(outcome: MonitorOutcome): string {
  return outcome.kind === 'skipped' ? `skipped:${outcome.reason}` : outcome.kind === 'decided' ? 'decided:cached' : outcome.kind;
}

/** Runs `handle` over the items with at most `concurrency` in flight, in arrival order. */
export async function drive<T>(items: Iterable<T>, concurrency: number, handle: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await handle(next.value);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
