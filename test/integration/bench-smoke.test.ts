/**
 * The benchmark code, run with tiny sizes and a fast latency model so it cannot rot. Benchmarks
 * are not tests: this asserts only that every metric is produced and sane, never a timing.
 */
import { describe, expect, it } from 'vitest';
import { formatCacheBench, runCacheBench } from '../../bench/caches.js';
import { runBiasGrid, runEconomy } from '../../bench/gpu-economy.js';
import { runHeldout } from '../../bench/heldout.js';
import { runIngest } from '../../bench/ingest.js';
import { runInteractive } from '../../bench/interactive.js';
import { runMemory } from '../../bench/memory.js';
import { answerKey, buildMix, kindCounts, MIX_PROPORTIONS } from '../../bench/mix.js';
import { buildResults, machine, table, TARGETS, type Parts } from '../../bench/report.js';
import { runSaturation } from '../../bench/saturation.js';

const fast = { decodeMs: 0.5, prefillMs: 0.01, slots: 2 };
const parts: Partial<Parts> = {};

describe('bench (smoke run with tiny sizes)', () => {
  it('mix: documented proportions, deterministic per seed, an answer key for the story actions', () => {
    expect(Object.values(MIX_PROPORTIONS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const a = buildMix({ size: 300, seed: 3 });
    expect(buildMix({ size: 300, seed: 3 })).toEqual(a);
    const counts = kindCounts(a);
    expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(300);
    expect(answerKey(a)).toHaveLength(counts.moral + counts.immoral);
    expect(new Set(a.map((m) => m.message.messageId)).size).toBe(300);
  });

  it('caches: each lru-cache cache beside the hand-rolled map it replaced, as a table', () => {
    const rows = runCacheBench({ ops: 2_000, rounds: 1 });
    expect(rows.map((r) => r.cache)).toEqual(['repeat cache', 'conversation buffer', 'settings cache']);
    for (const r of rows) {
      expect(r.handRolledOpsPerS).toBeGreaterThan(0);
      expect(r.lruCacheOpsPerS).toBeGreaterThan(0);
      expect(r.ratio).toBeCloseTo(r.lruCacheOpsPerS / r.handRolledOpsPerS, 2);
    }
    expect(formatCacheBench(rows).split('\n')).toHaveLength(5);
  });

  it('ingest', async () => {
    parts.ingest = await runIngest({ messages: 3_000, warmup: 500 });
    expect(parts.ingest.msgsPerS).toBeGreaterThan(0);
    expect(Object.values(parts.ingest.outcomes).reduce((a, b) => a + b, 0)).toBe(3_000);
    expect(parts.ingest.outcomes['to-model']).toBeGreaterThan(0);
  }, 60_000);

  it('saturation', async () => {
    parts.saturation = await runSaturation({ latency: fast, seconds: 1 });
    expect(parts.saturation.efficiency).toBeGreaterThan(0);
    expect(parts.saturation.efficiency).toBeLessThan(1.5);
    expect(parts.saturation.queueLimit).toBeGreaterThan(0);
    expect(parts.saturation.shed).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('interactive', async () => {
    parts.interactive = await runInteractive({ latency: fast, commands: 3 });
    expect(parts.interactive.idle.n).toBe(3);
    expect(parts.interactive.loaded.n).toBe(3);
    expect(Number.isFinite(parts.interactive.ratio) && parts.interactive.ratio > 0).toBe(true);
  }, 60_000);

  it('GPU economy under the prior persona: flags judged against the ground truth, for less GPU time', async () => {
    parts.economy = await runEconomy({ latency: fast, messages: 80, timeScale: 10 });
    expect(parts.economy.persona).toEqual({ kind: 'prior' });
    expect(parts.economy.gpuTimeRatio).toBeGreaterThan(0);
    expect(parts.economy.gpuTimeRatio).toBeLessThan(1);
    expect(parts.economy.naive.modelCalls).toBe(160);
    expect(parts.economy.normguard.shed).toBe(0);
    const { normguard, naive } = parts.economy.quality;
    expect(normguard.positives).toBeGreaterThan(0);
    expect(naive.positives).toBe(normguard.positives);
    expect(normguard.truePositives).toBeLessThanOrEqual(normguard.flags);
  }, 60_000);

  it('bias grid: one point per bias, both bots at each', async () => {
    parts.grid = await runBiasGrid({ latency: fast, messages: 40, timeScale: 10 }, [0, 3]);
    expect(parts.grid.map((g) => g.bias)).toEqual([0, 3]);
    for (const g of parts.grid) expect(g.gpuTimeRatio).toBeGreaterThan(0);
  }, 60_000);

  it('held-out set through POST /v1/assess and passive monitoring', async () => {
    parts.heldout = await runHeldout({ limit: 12, biases: [0], knowledge: ['labels'] });
    expect(parts.heldout.map((r) => r.surface)).toEqual(['check', 'passive']);
    for (const r of parts.heldout) expect(r.quality).toMatchObject({ n: 12, failed: 0 });
  }, 60_000);

  it('memory, in a child process', async () => {
    parts.memory = await runMemory({ messages: 4_000, channels: 200, workspaces: 20, samples: 2 });
    expect(parts.memory.messages).toBe(4_000);
    expect(parts.memory.rssMbAfter).toBeGreaterThan(0);
    expect(parts.memory.samples).toHaveLength(2);
    expect(parts.memory.bufferedChannels).toBeLessThanOrEqual(200);
  }, 60_000);

  it('report: every headline metric, judged against its target, and a table', () => {
    const results = buildResults(parts as Parts, { quick: true, latency: fast, machine: machine(), startedAt: new Date(), durationS: 1 });
    for (const key of ['ingest_msgs_per_s', 'saturation_efficiency', 'interactive_p99_ratio', 'gpu_time_ratio_vs_naive', 'flag_precision', 'flag_recall', 'heldout_passive_precision', 'heldout_check_recall', 'rss_mb_after_run'] as const) {
      expect(typeof results[key]).toBe('number');
      expect(Number.isFinite(results[key])).toBe(true);
    }
    expect(typeof results.rss_growing_when_warm).toBe('boolean');
    expect(results.memory_messages).toBe(4_000);
    expect(results.targets).toHaveLength(TARGETS.length);
    const printed = table(results);
    // Every target is one row of the table, and nothing else is: the summary counts the same rows.
    for (const t of TARGETS) expect(printed).toContain(t.metric);
    const rows = printed.split('\n').filter((l) => / (yes|NO)$/.test(l.trimEnd()));
    expect(rows).toHaveLength(results.targets.length);
    expect(results.targets_met).toBe(results.targets.filter((t) => t.met).length);
    expect(JSON.parse(JSON.stringify(results))).toMatchObject({ quick: true, machine: { nproc: expect.any(Number) } });
  });
});
