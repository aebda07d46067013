/**
 * gpu_time_ratio_vs_naive, flag_precision and flag_recall: the same realistic mix through normguard
 * and through a naive bot, each against its own simulator with the same latency model and the
 * same persona — by default the prior-carrying one (S3 leans to refusing, S2 to validating), so
 * flags are judged against the mix's ground truth, not against what a naive bot would flag.
 *
 * normguard: the real Monitor (prefilter, repeat cache, `fast` screen, prose only for a case).
 * naive: every message, no prefilter and no cache, audited the way a plain S3 bot would — the
 * frame's prose, then a structured verdict turn (the product's `structured` method), one at a time.
 * Both use the same frame fields (the product's auditFields over the channel's conversation).
 *
 * GPU time is the simulator's `stats().busyMs`: prompt tokens × prefill cost + answer tokens ×
 * decode cost, summed over finished calls. Because it is computed from tokens, it scales exactly
 * with the latency model; to keep the naive bot's hours of sequential GPU time out of the run,
 * both simulators run the latency model divided by `timeScale` and busy time is multiplied back.
 * The ratio does not depend on the scale at all.
 */
import { Assessor } from '../src/assessment/index.js';
import { systemClock } from '../src/clock.js';
import { createInference } from '../src/inference/index.js';
import { silentLogger } from '../src/logger.js';
import { auditFields, ConversationBuffer, CONTEXT_MESSAGES, type MonitorOutcome } from '../src/moderation/index.js';
import { severityRank, type Assessment } from '../src/assessment/types.js';
import { defaultWorkspaceSettings } from '../src/policy/settings.js';
import { startOllamaSimulator, type OllamaSimulator, type PersonaSpec } from '../test/fakes/ollama/index.js';
import { benchConfig, createBenchBot, monitorChannels } from './bot.js';
import { drive } from './ingest.js';
import type { LatencyModel } from './load.js';
import { answerKey, buildMix, kindCounts, truthOf, type MixKind, type MixMessage } from './mix.js';

export interface EconomyOptions {
  latency: LatencyModel;
  /** Messages in the mix. */
  messages: number;
  /** The latency model is divided by this in both simulators; busy time is multiplied back. */
  timeScale: number;
  seed?: number;
  /** Who answers; the default is the prior persona at its default biases (S3 +2.5, S2 −2.5). */
  persona?: PersonaSpec;
  /** Skip the run without the repeat cache (the bias grid needs only the two bots). */
  withoutRepeatCache?: false;
}

/** Flags against the ground truth of the mix (mix.ts `truthOf`). */
export interface FlagQuality {
  flags: number;
  truePositives: number;
  /** Messages whose truth is impermissible. */
  positives: number;
  precision: number | null;
  recall: number | null;
}

export interface BotBill {
  /** Simulated GPU seconds for the whole mix, at the unscaled latency model. */
  gpuS: number;
  /** The same per 1,000 messages. */
  gpuSPer1000: number;
  modelCalls: number;
  /** Calls that asked for prose (no JSON schema). */
  proseCalls: number;
  promptTokens: number;
  completionTokens: number;
  /** The largest prompt sent, in the simulator's tokens (4 characters each). */
  maxPromptTokens: number;
  flags: number;
}

export interface EconomyResult {
  messages: number;
  kinds: Record<MixKind, number>;
  timeScale: number;
  normguard: BotBill & { outcomes: Record<string, number>; repeatHits: number; shed: number };
  naive: BotBill;
  persona: PersonaSpec;
  /** normguard's flags and the naive bot's, against the ground truth. */
  quality: { normguard: FlagQuality; naive: FlagQuality };
  /**
   * The same with every `impermissible` verdict counted as a flag, whatever its severity: the
   * simulator grades a prior-driven refusal of a harmless action `low`, below the default flag
   * threshold, which a real model need not do; this figure does not lean on that.
   */
  verdictQuality: { normguard: FlagQuality; naive: FlagQuality };
  /** normguard with its repeat cache off: what that cache saves, on the same mix. */
  withoutRepeatCache: { gpuSPer1000: number; modelCalls: number; gpuTimeRatio: number; flagsMissed: number } | null;
  gpuTimeRatio: number;
  flagsMissed: number;
  /** Messages normguard flags that the naive bot does not. */
  extraFlags: number;
  /** Ids of missed flags (at most 20), to look into. */
  missedIds: string[];
}

/** The default flag threshold (policy settings): impermissible at this severity or above is a flag. */
const FLAG_AT = defaultWorkspaceSettings().thresholds.flag;

export function isFlag(a: Pick<Assessment, 'verdict' | 'severity'>): boolean {
  return a.verdict === 'impermissible' && severityRank(a.severity) >= severityRank(FLAG_AT);
}

export const DEFAULT_ECONOMY_PERSONA: PersonaSpec = { kind: 'prior' };

export async function runEconomy(options: EconomyOptions): Promise<EconomyResult> {
  const mix = buildMix({ size: options.messages, seed: options.seed ?? 21, channels: 8 });
  const labelled = answerKey(mix);
  const persona = options.persona ?? DEFAULT_ECONOMY_PERSONA;
  const scaled = {
    decodeMsPerToken: options.latency.decodeMs / options.timeScale,
    prefillMsPerToken: options.latency.prefillMs / options.timeScale,
    slots: options.latency.slots,
  };
  const withoutRepeats = options.withoutRepeatCache !== false;
  const sims = await Promise.all((withoutRepeats ? [0, 1, 2] : [0, 1]).map(() => startOllamaSimulator({ latency: scaled, labelled, persona })));
  const [simN, simX, simR] = sims as [OllamaSimulator, OllamaSimulator, OllamaSimulator | undefined];
  try {
    // GPU time is independent of wall time, so the bots run side by side.
    const [normguard, naive, noRepeats] = await Promise.all([
      runNormguard(simN, mix, options),
      runNaive(simX, mix, options),
      simR ? runNormguard(simR, mix, options, false) : Promise.resolve(null),
    ]);
    const missed = [...naive.flagged].filter((id) => !normguard.flagged.has(id));
    const extra = [...normguard.flagged].filter((id) => !naive.flagged.has(id));
    return {
      messages: mix.length,
      kinds: kindCounts(mix),
      timeScale: options.timeScale,
      normguard: { ...normguard.bill, outcomes: normguard.outcomes, repeatHits: normguard.repeatHits, shed: normguard.shed },
      naive: naive.bill,
      persona,
      quality: { normguard: flagQuality(mix, normguard.flagged), naive: flagQuality(mix, naive.flagged) },
      verdictQuality: { normguard: flagQuality(mix, normguard.impermissible), naive: flagQuality(mix, naive.impermissible) },
      withoutRepeatCache: noRepeats && {
        gpuSPer1000: noRepeats.bill.gpuSPer1000,
        modelCalls: noRepeats.bill.modelCalls,
        gpuTimeRatio: noRepeats.bill.gpuS / naive.bill.gpuS,
        flagsMissed: [...naive.flagged].filter((id) => !noRepeats.flagged.has(id)).length,
      },
      gpuTimeRatio: normguard.bill.gpuS / naive.bill.gpuS,
      flagsMissed: missed.length,
      extraFlags: extra.length,
      missedIds: missed.slice(0, 20),
    };
  } finally {
    await Promise.all(sims.map((sim) => sim.close()));
  }
}

export function flagQuality(mix: readonly MixMessage[], flagged: ReadonlySet<string>): FlagQuality {
  let positives = 0;
  let truePositives = 0;
  for (const m of mix) {
    const bad = truthOf(m) === 'impermissible';
    if (bad) positives++;
    if (bad && flagged.has(m.message.messageId)) truePositives++;
  }
  return {
    flags: flagged.size,
    truePositives,
    positives,
    precision: flagged.size === 0 ? null : truePositives / flagged.size,
    recall: positives === 0 ? null : truePositives / positives,
  };
}

/** One point of the bias grid: S3 +bias, S2 −bias logits (negative: the priors reversed). */
export interface GridPoint {
  bias: number;
  gpuTimeRatio: number;
  normguard: FlagQuality;
  naive: FlagQuality;
  /** Every impermissible verdict counted, whatever its severity (see EconomyResult.verdictQuality). */
  verdicts: { normguard: FlagQuality; naive: FlagQuality };
}

/** The bias grid the issue asks for: 0, ±1.5 and ±3 logits. */
export const BIAS_GRID = [-3, -1.5, 0, 1.5, 3] as const;

export async function runBiasGrid(options: EconomyOptions, biases: readonly number[] = BIAS_GRID): Promise<GridPoint[]> {
  const points: GridPoint[] = [];
  for (const bias of biases) {
    const r = await runEconomy({ ...options, persona: { kind: 'prior', bias: { S3: bias, S2: -bias } }, withoutRepeatCache: false });
    points.push({ bias, gpuTimeRatio: r.gpuTimeRatio, normguard: r.quality.normguard, naive: r.quality.naive, verdicts: r.verdictQuality });
  }
  return points;
}

async function runNormguard(sim: OllamaSimulator, mix: readonly MixMessage[], options: EconomyOptions, repeats?: false) {
  const bot = await createBenchBot({ ollamaUrl: sim.url, slots: options.latency.slots, repeats });
  await monitorChannels(bot, { channels: 8 });
  const flagged = new Set<string>();
  const impermissible = new Set<string>();
  const outcomes: Record<string, number> = {};
  let repeatHits = 0;
  const record = (id: string, o: MonitorOutcome) => {
    const key = o.kind === 'skipped' ? `skipped:${o.reason}` : o.kind === 'failed' ? `failed:${o.error.code}` : o.case ? 'decided:case' : 'decided';
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    if (o.kind === 'decided' && o.assessment.cached) repeatHits++;
    if (o.kind === 'decided' && isFlag(o.assessment)) flagged.add(id);
    if (o.kind === 'decided' && o.assessment.verdict === 'impermissible') impermissible.add(id);
  };
  // Chat arrives faster than the GPU serves it, but not so much faster that the passive queue
  // sheds: every message is audited, so the flags compare like for like.
  await drive(mix, 16, async (m) => record(m.message.messageId, await bot.monitor.handle(m.message)));
  const shed = bot.inference!.scheduler.stats().shed;
  await bot.kv.close();
  return { bill: bill(sim, options, flagged.size), flagged, impermissible, outcomes, repeatHits, shed };
}

async function runNaive(sim: OllamaSimulator, mix: readonly MixMessage[], options: EconomyOptions) {
  const config = benchConfig({ ollamaUrl: sim.url, slots: 1 });
  const inference = createInference(config, { clock: systemClock, logger: silentLogger() });
  const assessor = new Assessor({
    inference: inference.client,
    method: 'structured',
    maxTokens: config.NORMGUARD_MAX_TOKENS,
    verdictMaxTokens: config.NORMGUARD_VERDICT_MAX_TOKENS,
    cacheTtlMs: 0,
    clock: systemClock,
    logger: silentLogger(),
  });
  const buffer = new ConversationBuffer();
  const flagged = new Set<string>();
  const impermissible = new Set<string>();
  for (const { message } of mix) {
    const context = buffer.before(message.workspaceId, message.channelId, message.messageId, CONTEXT_MESSAGES);
    buffer.push(message);
    const { excerpt: _excerpt, ...fields } = auditFields({ authorName: message.author.name, text: message.text, replyToName: null }, context);
    const assessment = await assessor.assess({ strategy: 'permissibility', fields, priority: 'passive' });
    if (isFlag(assessment)) flagged.add(message.messageId);
    if (assessment.verdict === 'impermissible') impermissible.add(message.messageId);
  }
  return { bill: bill(sim, options, flagged.size), flagged, impermissible };
}

function bill(sim: OllamaSimulator, options: EconomyOptions, flags: number): BotBill {
  const stats = sim.stats();
  const calls = sim.requestsTo('/v1/chat/completions').map((r) => r.body as { response_format?: unknown; messages?: Array<{ content?: unknown }> });
  const promptChars = calls.map((b) => (b.messages ?? []).reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : 0), 0));
  const gpuS = (stats.busyMs * options.timeScale) / 1000;
  return {
    gpuS,
    gpuSPer1000: (gpuS * 1000) / options.messages,
    modelCalls: stats.completed,
    proseCalls: calls.filter((b) => b.response_format === undefined).length,
    promptTokens: stats.promptTokens,
    completionTokens: stats.completionTokens,
    maxPromptTokens: Math.ceil(Math.max(0, ...promptChars) / 4),
    flags,
  };
}
