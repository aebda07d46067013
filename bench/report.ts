/**
 * The benchmark's results: one flat object with the headline numbers (the keys the issue names),
 * the targets they are judged against, the details behind them, and the machine they came from.
 */
import os from 'node:os';
import type { FirstWordsResult } from './first-words.js';
import type { EconomyResult } from './gpu-economy.js';
import type { IngestResult } from './ingest.js';
import type { InteractiveResult } from './interactive.js';
import type { LatencyModel } from './load.js';
import type { MemoryResult } from './memory.js';
import type { SaturationResult } from './saturation.js';

export interface Target {
  metric: keyof Headline;
  /** How the value must compare to `value`. */
  op: '>=' | '<=' | '=';
  value: number;
}

export interface Headline {
  ingest_msgs_per_s: number;
  saturation_efficiency: number;
  interactive_p99_ratio: number;
  /** The slower of /ethics check and advise at p99: time until the first words of the answer show. */
  first_words_p99_ms_idle: number;
  first_words_p99_ms_queue_full: number;
  gpu_time_ratio_vs_naive: number;
  flags_missed_vs_naive: number;
  rss_mb_after_1m: number;
  rss_growing_when_warm: boolean;
}

export const TARGETS: readonly Target[] = [
  { metric: 'ingest_msgs_per_s', op: '>=', value: 100_000 },
  { metric: 'saturation_efficiency', op: '>=', value: 0.95 },
  { metric: 'interactive_p99_ratio', op: '<=', value: 2.0 },
  { metric: 'gpu_time_ratio_vs_naive', op: '<=', value: 0.2 },
  { metric: 'flags_missed_vs_naive', op: '=', value: 0 },
  { metric: 'rss_mb_after_1m', op: '<=', value: 250 },
];

export interface Parts {
  ingest: IngestResult;
  saturation: SaturationResult;
  interactive: InteractiveResult;
  firstWords: FirstWordsResult;
  economy: EconomyResult;
  memory: MemoryResult;
}

export interface Results extends Headline {
  quick: boolean;
  latency_model: { decode_ms_per_token: number; prefill_ms_per_token: number; slots: number };
  targets: Array<Target & { actual: number; met: boolean }>;
  targets_met: number;
  machine: Machine;
  started_at: string;
  duration_s: number;
  details: Parts;
}

export interface Machine {
  nproc: number;
  cpu: string;
  mem_total_gb: number;
  mem_free_gb: number;
  node: string;
  platform: string;
  /** 1-, 5- and 15-minute load averages when the run started: other work on the machine skews timings. */
  loadavg_at_start: number[];
}

export function machine(): Machine {
  const gb = (n: number) => Math.round((n / 1024 ** 3) * 10) / 10;
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    mem_total_gb: gb(os.totalmem()),
    mem_free_gb: gb(os.freemem()),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadavg_at_start: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

export function headline(parts: Parts): Headline {
  return {
    ingest_msgs_per_s: Math.round(parts.ingest.msgsPerS),
    saturation_efficiency: round(parts.saturation.efficiency, 3),
    interactive_p99_ratio: round(parts.interactive.ratio, 3),
    first_words_p99_ms_idle: Math.round(Math.max(parts.firstWords.check.idle.firstWords.p99Ms, parts.firstWords.advise.idle.firstWords.p99Ms)),
    first_words_p99_ms_queue_full: Math.round(Math.max(parts.firstWords.check.loaded.firstWords.p99Ms, parts.firstWords.advise.loaded.firstWords.p99Ms)),
    gpu_time_ratio_vs_naive: round(parts.economy.gpuTimeRatio, 3),
    flags_missed_vs_naive: parts.economy.flagsMissed,
    rss_mb_after_1m: Math.round(parts.memory.rssMbAfter),
    rss_growing_when_warm: parts.memory.growingWhenWarm,
  };
}

export function judge(h: Headline): Results['targets'] {
  return TARGETS.map((t) => {
    const actual = h[t.metric] as number;
    const met = t.op === '>=' ? actual >= t.value : t.op === '<=' ? actual <= t.value : actual === t.value;
    // Memory must also stop growing once warm.
    return { ...t, actual, met: t.metric === 'rss_mb_after_1m' ? met && !h.rss_growing_when_warm : met };
  });
}

export function buildResults(parts: Parts, ctx: { quick: boolean; latency: LatencyModel; machine: Machine; startedAt: Date; durationS: number }): Results {
  const h = headline(parts);
  const targets = judge(h);
  return {
    ...h,
    quick: ctx.quick,
    latency_model: { decode_ms_per_token: ctx.latency.decodeMs, prefill_ms_per_token: ctx.latency.prefillMs, slots: ctx.latency.slots },
    targets,
    targets_met: targets.filter((t) => t.met).length,
    machine: ctx.machine,
    started_at: ctx.startedAt.toISOString(),
    duration_s: round(ctx.durationS, 1),
    details: parts,
  };
}

/** The table `npm run bench` prints. */
export function table(r: Results): string {
  const d = r.details;
  const rows: Array<[string, string, string, string]> = [
    ['metric', 'value', 'target', 'met'],
    ...r.targets.map((t): [string, string, string, string] => [t.metric, show(t.actual), `${t.op} ${show(t.value)}`, t.met ? 'yes' : 'NO']),
    ['rss_growing_when_warm', String(r.rss_growing_when_warm), '= false', r.rss_growing_when_warm ? 'NO' : 'yes'],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ');
  const econ = d.economy;
  const notes = [
    `latency model: ${r.latency_model.decode_ms_per_token} ms/generated token, ${r.latency_model.prefill_ms_per_token} ms/prompt token, ${r.latency_model.slots} slots${r.quick ? '   (--quick: small sizes, figures indicative only)' : ''}`,
    `ingest: ${d.ingest.messages.toLocaleString('en')} messages in ${d.ingest.seconds.toFixed(2)} s; ${share(d.ingest.outcomes, 'to-model', d.ingest.messages)} would go to the model`,
    `saturation: ${d.saturation.auditsPerS.toFixed(2)} calls/s of ${d.saturation.capacityPerS.toFixed(2)} possible (mean service ${Math.round(d.saturation.meanServiceMs)} ms), slot occupancy ${d.saturation.slotOccupancy.toFixed(3)}, ${d.saturation.shed} shed (/metrics), queue ${d.saturation.queueDepth}/${d.saturation.queueLimit}`,
    `interactive (/ethics check, structured): p50 ${ms(d.interactive.idle.p50Ms)} -> ${ms(d.interactive.loaded.p50Ms)}, p99 ${ms(d.interactive.idle.p99Ms)} -> ${ms(d.interactive.loaded.p99Ms)} (idle -> passive queue full), n=${d.interactive.loaded.n}`,
    ...firstWordsNotes(d.firstWords),
    `GPU per 1,000 messages: normguard ${econ.normguard.gpuSPer1000.toFixed(1)} s (${econ.normguard.modelCalls} calls, ${econ.normguard.proseCalls} prose), naive ${econ.naive.gpuSPer1000.toFixed(1)} s (${econ.naive.modelCalls} calls); flags ${econ.normguard.flags} vs ${econ.naive.flags}; repeat-cache hits ${econ.normguard.repeatHits}; without the repeat cache: ${econ.withoutRepeatCache ? econ.withoutRepeatCache.gpuTimeRatio.toFixed(3) : 'n/a'}`,
    `largest prompt: ${econ.normguard.maxPromptTokens} tokens (normguard), ${econ.naive.maxPromptTokens} (naive), of a 4,096-token context`,
    `memory: ${d.memory.messages.toLocaleString('en')} messages over ${d.memory.channels.toLocaleString('en')} channels: RSS ${d.memory.rssMbAfter.toFixed(0)} MB (before any message ${d.memory.baselineRssMb.toFixed(0)} MB), live heap ${(d.memory.samples.at(-1)?.heapUsedMb ?? 0).toFixed(0)} MB, warm slope ${d.memory.warmSlopeMbPer100k.toFixed(2)} MB/100k`,
    `machine: ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.mem_total_gb} GB, node ${r.machine.node}, load ${r.machine.loadavg_at_start.join(' ')} at start; ${r.duration_s} s`,
  ];
  return [line(rows[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line), '', ...notes].join('\n');
}

/** One line per streamed command: first words against the whole answer, idle -> passive queue full. */
function firstWordsNotes(f: FirstWordsResult): string[] {
  return (['check', 'advise'] as const).map((name) => {
    const { idle, loaded } = f[name];
    const pair = (a: number, b: number) => `${ms(a)} -> ${ms(b)}`;
    return (
      `first words (/ethics ${name}, streamed): p50 ${pair(idle.firstWords.p50Ms, loaded.firstWords.p50Ms)}, p99 ${pair(idle.firstWords.p99Ms, loaded.firstWords.p99Ms)}; ` +
      `whole answer p50 ${pair(idle.wholeAnswer.p50Ms, loaded.wholeAnswer.p50Ms)} (idle -> passive queue full), n=${loaded.firstWords.n}`
    );
  });
}

function show(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en') : String(n);
}

function ms(n: number): string {
  return `${Math.round(n)} ms`;
}

function share(outcomes: Record<string, number>, key: string, total: number): string {
  return `${(((outcomes[key] ?? 0) / total) * 100).toFixed(0)}%`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
