/**
 * interactive_p99_ratio: how much longer a slash command takes while the passive queue is full
 * than on an idle system, at the 99th percentile. A slash command here is what `/ethics check`
 * runs: an S3 audit at interactive priority with the `structured` method (the frame's prose,
 * then the verdict turn: two model calls). Each command asks about a different story action, so
 * no cache answers it.
 */
import { performance } from 'node:perf_hooks';
import type { BenchBot } from './bot.js';
import { fastServiceMs, PassiveLoad, startRig, until, type LatencyModel } from './load.js';
import { loadMoralStories, type MoralStory } from '../test/support/moral-stories.js';

export interface InteractiveOptions {
  latency: LatencyModel;
  /** Commands measured in each phase. */
  commands: number;
  /** Members running a command at the same time. */
  concurrency?: number;
  seed?: number;
}

export interface LatencySummary {
  n: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface InteractiveResult {
  ratio: number;
  idle: LatencySummary;
  loaded: LatencySummary;
  /** The passive queue's depth when the loaded phase ended (full = its limit). */
  queueDepthAtEnd: number;
  queueLimit: number;
}

const MODEL_BOUND_SHARE = 0.4;

export async function runInteractive(options: InteractiveOptions): Promise<InteractiveResult> {
  const { latency } = options;
  const concurrency = options.concurrency ?? 2;
  const capacity = (latency.slots * 1000) / fastServiceMs(latency);
  const ratePerS = (2 * capacity) / MODEL_BOUND_SHARE;
  const size = Math.ceil(ratePerS * 300) + 1000;
  const rig = await startRig(latency, { seed: options.seed ?? 13, size });
  const { bot } = rig;
  const scheduler = bot.inference!.scheduler;
  const queueLimit = bot.config.NORMGUARD_PASSIVE_QUEUE;
  const stories = loadMoralStories();
  let next = 0;
  const command = () => {
    const story = stories[next++ % stories.length] as MoralStory;
    return timed(bot, story, next);
  };
  const load = PassiveLoad.forRig(rig, ratePerS, size);
  try {
    // Warm the connection and the capability check, then measure an idle system.
    await command();
    const idle = summarise(await runCommands(options.commands, concurrency, command));
    load.start(Math.ceil((queueLimit + latency.slots) / MODEL_BOUND_SHARE));
    await until(() => scheduler.stats().queued.passive >= queueLimit, 120_000, 'the passive queue to fill');
    const loaded = summarise(await runCommands(options.commands, concurrency, command));
    const queueDepthAtEnd = scheduler.stats().queued.passive;
    return { ratio: loaded.p99Ms / idle.p99Ms, idle, loaded, queueDepthAtEnd, queueLimit };
  } finally {
    await rig.close(load);
  }
}

async function timed(bot: BenchBot, story: MoralStory, n: number): Promise<number> {
  const started = performance.now();
  // The command number keeps every question distinct, so the assessment cache never answers.
  await bot.assessor.assess({
    strategy: 'permissibility',
    fields: { situation: `${story.situation} (${n})`, intent: story.intention, action: story.immoral_action },
    priority: 'interactive',
    method: 'structured',
  });
  return performance.now() - started;
}

async function runCommands(n: number, concurrency: number, command: () => Promise<number>): Promise<number[]> {
  const latencies: number[] = [];
  let started = 0;
  const member = async () => {
    while (started < n) {
      started++;
      latencies.push(await command());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, member));
  return latencies;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

function summarise(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { n: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? Number.NaN };
}
