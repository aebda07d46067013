/**
 * The benchmark's results: one flat object with the headline numbers (the keys the issue names),
 * the targets they are judged against, the details behind them, and the machine they came from.
 */
import os from 'node:os';
import type { EconomyResult, FlagQuality, GridPoint } from './gpu-economy.js';
import type { HeldoutRow } from './heldout.js';
import type { IngestResult } from './ingest.js';
import type { InteractiveResult } from './interactive.js';
import type { LatencyModel } from './load.js';
import type { MemoryResult } from './memory.js';
import type { SaturationResult } from './saturation.js';

export interface Target {
  metric: keyof Headline;
  /** How the value must compare to `value`. */
  op: '>=' | '<=' | '=';
  value: number | boolean;
}

/**
 * The headline numbers. Quality figures are the worst over every persona measured (the bias grid,
 * or the held-out run's biases): the product must hold whether the prior is strong, weak or absent.
 * A ratio that is undefined (nothing flagged) is reported as 0.
 */
export interface Headline {
  ingest_msgs_per_s: number;
  saturation_efficiency: number;
  interactive_p99_ratio: number;
  /** The largest ratio over the bias grid. */
  gpu_time_ratio_vs_naive: number;
  /** Passive flags on the mix against its ground truth, the lowest over the bias grid. */
  flag_precision: number;
  flag_recall: number;
  /** The held-out chat set through passive monitoring, the lowest over its biases. */
  heldout_passive_precision: number;
  heldout_passive_recall: number;
  heldout_passive_unclear: number;
  /** The same set through POST /v1/assess check. */
  heldout_check_precision: number;
  heldout_check_recall: number;
  heldout_check_unclear: number;
  /** Resident memory after the memory run's messages (1,000,000 in a full run, 50,000 with --quick). */
  rss_mb_after_run: number;
  memory_messages: number;
  rss_growing_when_warm: boolean;
}

export const TARGETS: readonly Target[] = [
  { metric: 'ingest_msgs_per_s', op: '>=', value: 100_000 },
  { metric: 'saturation_efficiency', op: '>=', value: 0.95 },
  { metric: 'interactive_p99_ratio', op: '<=', value: 2.0 },
  { metric: 'gpu_time_ratio_vs_naive', op: '<=', value: 0.2 },
  { metric: 'flag_precision', op: '>=', value: 0.9 },
  { metric: 'flag_recall', op: '>=', value: 0.8 },
  { metric: 'heldout_passive_precision', op: '>=', value: 0.85 },
  { metric: 'heldout_passive_recall', op: '>=', value: 0.7 },
  { metric: 'heldout_passive_unclear', op: '<=', value: 0.25 },
  { metric: 'heldout_check_precision', op: '>=', value: 0.85 },
  { metric: 'heldout_check_recall', op: '>=', value: 0.7 },
  { metric: 'heldout_check_unclear', op: '<=', value: 0.25 },
  { metric: 'rss_mb_after_run', op: '<=', value: 250 },
  { metric: 'rss_growing_when_warm', op: '=', value: false },
];

export interface Parts {
  ingest: IngestResult;
  saturation: SaturationResult;
  interactive: InteractiveResult;
  economy: EconomyResult;
  grid: GridPoint[];
  /** Rows with the set's labels as the simulator's knowledge (the Done-when figures), then the keyword judge's. */
  heldout: HeldoutRow[];
  memory: MemoryResult;
}

export interface Results extends Headline {
  quick: boolean;
  latency_model: { decode_ms_per_token: number; prefill_ms_per_token: number; slots: number };
  targets: Array<Target & { actual: number | boolean; met: boolean }>;
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
  const flags: FlagQuality[] = [parts.economy.quality.normguard, ...parts.grid.map((g) => g.normguard)];
  const ratios = [parts.economy.gpuTimeRatio, ...parts.grid.map((g) => g.gpuTimeRatio)];
  const held = (surface: HeldoutRow['surface']) => parts.heldout.filter((r) => r.knowledge === 'labels' && r.logprobs && r.surface === surface).map((r) => r.quality);
  const passive = held('passive');
  const check = held('check');
  return {
    ingest_msgs_per_s: Math.round(parts.ingest.msgsPerS),
    saturation_efficiency: round(parts.saturation.efficiency, 3),
    interactive_p99_ratio: round(parts.interactive.ratio, 3),
    gpu_time_ratio_vs_naive: round(Math.max(...ratios), 3),
    flag_precision: worst(flags.map((f) => f.precision)),
    flag_recall: worst(flags.map((f) => f.recall)),
    heldout_passive_precision: worst(passive.map((q) => q.precision)),
    heldout_passive_recall: worst(passive.map((q) => q.recall)),
    heldout_passive_unclear: round(Math.max(0, ...passive.map((q) => q.unclearRate)), 3),
    heldout_check_precision: worst(check.map((q) => q.precision)),
    heldout_check_recall: worst(check.map((q) => q.recall)),
    heldout_check_unclear: round(Math.max(0, ...check.map((q) => q.unclearRate)), 3),
    rss_mb_after_run: Math.round(parts.memory.rssMbAfter),
    memory_messages: parts.memory.messages,
    rss_growing_when_warm: parts.memory.growingWhenWarm,
  };
}

/** The lowest of some ratios, an undefined one (nothing flagged) counting as 0. */
function worst(values: ReadonlyArray<number | null>): number {
  return values.length === 0 ? 0 : round(Math.min(...values.map((v) => v ?? 0)), 3);
}

export function judge(h: Headline): Results['targets'] {
  return TARGETS.map((t) => {
    const actual = h[t.metric];
    const met =
      typeof actual === 'boolean' || typeof t.value === 'boolean'
        ? actual === t.value
        : t.op === '>=' ? actual >= t.value : t.op === '<=' ? actual <= t.value : actual === t.value;
    return { ...t, actual, met };
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
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => row.map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ');
  const econ = d.economy;
  const notes = [
    `latency model: ${r.latency_model.decode_ms_per_token} ms/generated token, ${r.latency_model.prefill_ms_per_token} ms/prompt token, ${r.latency_model.slots} slots${r.quick ? '   (--quick: small sizes, figures indicative only)' : ''}`,
    `ingest: ${d.ingest.messages.toLocaleString('en')} messages in ${d.ingest.seconds.toFixed(2)} s; ${share(d.ingest.outcomes, 'to-model', d.ingest.messages)} would go to the model`,
    `saturation: ${d.saturation.auditsPerS.toFixed(2)} calls/s of ${d.saturation.capacityPerS.toFixed(2)} possible (mean service ${Math.round(d.saturation.meanServiceMs)} ms), slot occupancy ${d.saturation.slotOccupancy.toFixed(3)}, ${d.saturation.shed} shed (/metrics), queue ${d.saturation.queueDepth}/${d.saturation.queueLimit}`,
    `interactive (/ethics check, structured): p50 ${ms(d.interactive.idle.p50Ms)} -> ${ms(d.interactive.loaded.p50Ms)}, p99 ${ms(d.interactive.idle.p99Ms)} -> ${ms(d.interactive.loaded.p99Ms)} (idle -> passive queue full), n=${d.interactive.loaded.n}`,
    `GPU per 1,000 messages (${personaName(econ.persona)}): normguard ${econ.normguard.gpuSPer1000.toFixed(1)} s (${econ.normguard.modelCalls} calls, ${econ.normguard.proseCalls} prose), naive ${econ.naive.gpuSPer1000.toFixed(1)} s (${econ.naive.modelCalls} calls); repeat-cache hits ${econ.normguard.repeatHits}; without the repeat cache: ${econ.withoutRepeatCache ? econ.withoutRepeatCache.gpuTimeRatio.toFixed(3) : 'n/a'}`,
    `flags vs the mix's ground truth (${econ.quality.normguard.positives} impermissible): normguard ${flagLine(econ.quality.normguard)}; naive ${flagLine(econ.quality.naive)}`,
    `  every impermissible verdict counted, whatever its severity: normguard ${flagLine(econ.verdictQuality.normguard)}; naive ${flagLine(econ.verdictQuality.naive)}`,
    'bias grid (S3 +b, S2 −b logits), precision / recall: flags at the policy threshold [every impermissible verdict]',
    `  ${'b'.padStart(4)}  ${'GPU ratio'.padStart(9)}  ${'normguard'.padEnd(33)}  naive`,
    ...d.grid.map((g) => `  ${String(g.bias).padStart(4)}  ${g.gpuTimeRatio.toFixed(3).padStart(9)}  ${`${pr(g.normguard)} [${pr(g.verdicts.normguard)}]`.padEnd(33)}  ${pr(g.naive)} [${pr(g.verdicts.naive)}]`),
    `held-out chat set (${d.heldout[0]?.quality.n ?? 0} items), precision / recall / unclear:`,
    ...d.heldout.map((h) => `  ${(h.knowledge === 'labels' ? (h.logprobs ? 'labels' : 'labels, no lp') : 'keyword judge').padEnd(13)}  b=${String(h.bias).padEnd(3)}  ${h.surface.padEnd(7)}  ${(h.methods.join('+') || '—').padEnd(20)}  ${fixed(h.quality.precision)} / ${fixed(h.quality.recall)} / ${(h.quality.unclearRate * 100).toFixed(1)}%`),
    `largest prompt: ${econ.normguard.maxPromptTokens} tokens (normguard), ${econ.naive.maxPromptTokens} (naive), of a 4,096-token context`,
    `memory: ${d.memory.messages.toLocaleString('en')} messages over ${d.memory.channels.toLocaleString('en')} channels: RSS ${d.memory.rssMbAfter.toFixed(0)} MB (before any message ${d.memory.baselineRssMb.toFixed(0)} MB), live heap ${(d.memory.samples.at(-1)?.heapUsedMb ?? 0).toFixed(0)} MB, warm slope ${d.memory.warmSlopeMbPer100k.toFixed(2)} MB/100k`,
    `machine: ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.mem_total_gb} GB, node ${r.machine.node}, load ${r.machine.loadavg_at_start.join(' ')} at start; ${r.duration_s} s`,
  ];
  return [line(rows[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line), '', ...notes].join('\n');
}

function show(n: number | boolean): string {
  if (typeof n === 'boolean') return String(n);
  return Number.isInteger(n) ? n.toLocaleString('en') : String(n);
}

function fixed(x: number | null): string {
  return x === null ? '—' : x.toFixed(3);
}

function pr(q: FlagQuality): string {
  return `${fixed(q.precision)} / ${fixed(q.recall)}`;
}

function flagLine(q: FlagQuality): string {
  return `${q.flags} flags, precision ${fixed(q.precision)}, recall ${fixed(q.recall)}`;
}

function personaName(p: EconomyResult['persona']): string {
  if (p.kind === 'rules') return 'rule-based simulator';
  return `prior persona, S3 ${p.bias?.S3 ?? '+2.5'} / S2 ${p.bias?.S2 ?? '−2.5'} logits`;
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
