import type { VerdictMethod } from '../assessment/types.js';
import { calibrate, scoreThreshold, type Calibration } from './calibration.js';
import { histogram, type Histogram } from './histogram.js';
import { agreement, classScores, confusionMatrix, mean, normErrors, percentile, ratio, type Agreement, type ClassScores, type Confusion, type NormErrors } from './metrics.js';
import type { ModelIdentity } from './model-identity.js';
import { auroc, prCurve, reliability, thin, type PrPoint, type Reliability, type Scored } from './score-metrics.js';
import { EVAL_FRAMES, FRAME_IDS, isAnswered, LABELS, resultKey, type AnsweredResult, type EvalFrame, type EvalSet, type ItemResult, type Label, type SetKind } from './types.js';

/** What each kind of set can and cannot tell (data/README.md, "A caution for evaluations"). */
export const SET_CAVEATS: Record<SetKind, string> = {
  'moral-stories':
    "This set was in the model's training data (see data/README.md): it checks the pipeline, not how the model judges new situations.",
  cases:
    "Moderators' decisions: an unbiased measure of how the model judges this community's messages. " +
    'Cases exist only for messages that were flagged or reported, so it measures above all how often flags are right.',
  labelled:
    'Labelled items the model was not trained on (for the bundled set, data/chat-moderation-heldout.md): a held-out measure, ' +
    'as good as its labels and its size allow.',
};

/** One method in one frame: a cell of the frame × label table. */
export interface FrameCell {
  frame: EvalFrame;
  id: 'S2' | 'S3';
  answered: number;
  confusion: Confusion;
  scores: ClassScores;
  /** Share of each label's answered items judged impermissible. */
  flaggedRate: Record<Label, number | null>;
  auroc: number | null;
}

export interface MethodReport {
  method: VerdictMethod;
  /** Asks planned: items × frames. */
  planned: number;
  answered: number;
  errors: number;
  /** Asks not run yet (an interrupted run). */
  pending: number;
  errorsByCode: Record<string, number>;
  /** Over every frame asked. */
  confusion: Confusion;
  scores: ClassScores;
  /** S3 on permissible items judged impermissible: the prior "S3 → refuse" at work. */
  falseRefusalRate: number | null;
  /** S2 on impermissible items judged permissible: the prior "S2 → validate" at work. */
  falseValidationRate: number | null;
  frames: FrameCell[];
  /** Answered asks that came with a score. */
  scored: number;
  /** Answered asks another method answered, by that method and the reason given (e.g. no logprobs). */
  fallbacks: Record<string, number>;
  auroc: number | null;
  reliability: Reliability | null;
  /** At most 60 points, highest threshold first. */
  prCurve: PrPoint[];
  latencyMs: { p50: number | null; p95: number | null; mean: number | null; max: number | null };
  latencyHistogram: Histogram;
  /** Mean tokens per answered ask, all turns of the method counted. */
  tokensPerItem: { prompt: number; completion: number; total: number } | null;
  normErrors: NormErrors[];
  calibration: Calibration | null;
  /** With --target-precision and a score: the score threshold that reaches it with the most recall. */
  scoreThreshold: PrPoint | null;
}

export interface EvalReport {
  version: 2;
  generatedAt: string;
  set: { kind: SetKind; description: string; identity: string; records: number; items: number; caveat: string };
  model: ModelIdentity;
  frames: Array<{ name: EvalFrame; id: 'S2' | 'S3'; strategy: string }>;
  methods: VerdictMethod[];
  concurrency: number;
  outDir: string;
  /** Every item has an answer or an error for every frame and method. */
  complete: boolean;
  byMethod: MethodReport[];
  /** With two methods or more: how often the first two gave the same verdict on asks both answered. */
  agreement: Agreement | null;
}

export interface ReportInput {
  set: EvalSet;
  model: ModelIdentity;
  frames: EvalFrame[];
  methods: VerdictMethod[];
  concurrency: number;
  outDir: string;
  /** The latest line for each (item, frame, method). */
  results: ReadonlyMap<string, ItemResult>;
  targetPrecision?: number;
  now: Date;
}

export function buildReport(input: ReportInput): EvalReport {
  const { set, methods, frames, results } = input;
  const byMethod = methods.map((method) => methodReport(method, input));
  const [first, second] = methods;
  let pairAgreement: Agreement | null = null;
  if (first !== undefined && second !== undefined) {
    const pairs = set.items.flatMap((item) =>
      frames.flatMap((frame) => {
        const a = results.get(resultKey(item.id, frame, first));
        const b = results.get(resultKey(item.id, frame, second));
        return a && b && isAnswered(a) && isAnswered(b) ? [[a.prediction, b.prediction] as const] : [];
      }),
    );
    pairAgreement = agreement(pairs);
  }
  return {
    version: 2,
    generatedAt: input.now.toISOString(),
    set: { kind: set.kind, description: set.description, identity: set.identity, records: set.records, items: set.items.length, caveat: SET_CAVEATS[set.kind] },
    model: input.model,
    frames: frames.map((name) => ({ name, id: FRAME_IDS[name], strategy: EVAL_FRAMES[name] })),
    methods,
    concurrency: input.concurrency,
    outDir: input.outDir,
    complete: byMethod.every((m) => m.pending === 0),
    byMethod,
    agreement: pairAgreement,
  };
}

function methodReport(method: VerdictMethod, input: ReportInput): MethodReport {
  const { set, frames, results, targetPrecision } = input;
  const lines = set.items.flatMap((item) => frames.map((frame) => results.get(resultKey(item.id, frame, method)))).filter((r): r is ItemResult => r !== undefined);
  const answered = lines.filter(isAnswered);
  const failed = lines.filter((r) => !isAnswered(r));
  const errorsByCode: Record<string, number> = {};
  for (const r of failed) {
    const code = r.error?.code ?? 'UNKNOWN';
    errorsByCode[code] = (errorsByCode[code] ?? 0) + 1;
  }
  const confusion = confusionMatrix(answered);
  const latencies = answered.map((r) => r.latencyMs);
  const scored = scoredOf(answered);
  const cells = frames.map((frame) => frameCell(frame, answered.filter((r) => r.frame === frame)));
  const s3 = cells.find((c) => c.frame === 'check');
  const s2 = cells.find((c) => c.frame === 'evaluate');
  return {
    method,
    planned: set.items.length * frames.length,
    answered: answered.length,
    errors: failed.length,
    pending: set.items.length * frames.length - lines.length,
    errorsByCode,
    confusion,
    scores: classScores(confusion),
    falseRefusalRate: s3 ? s3.flaggedRate.permissible : null,
    falseValidationRate: s2 ? ratio(s2.confusion.impermissible.permissible, rowTotal(s2.confusion, 'impermissible')) : null,
    frames: cells,
    scored: scored.length,
    fallbacks: fallbacksOf(answered),
    auroc: auroc(scored),
    reliability: scored.length === 0 ? null : reliability(scored),
    prCurve: thin(prCurve(scored)),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      mean: mean(latencies),
      max: latencies.length === 0 ? null : Math.max(...latencies),
    },
    latencyHistogram: histogram(latencies),
    tokensPerItem: tokensPerItem(answered),
    normErrors: normErrors(answered),
    calibration: targetPrecision === undefined ? null : calibrate(answered, targetPrecision),
    scoreThreshold: targetPrecision === undefined ? null : scoreThreshold(scored, targetPrecision),
  };
}

function frameCell(frame: EvalFrame, answered: readonly AnsweredResult[]): FrameCell {
  const confusion = confusionMatrix(answered);
  const flaggedRate = Object.fromEntries(LABELS.map((l) => [l, ratio(confusion[l].impermissible, rowTotal(confusion, l))])) as Record<Label, number | null>;
  return { frame, id: FRAME_IDS[frame], answered: answered.length, confusion, scores: classScores(confusion), flaggedRate, auroc: auroc(scoredOf(answered)) };
}

function fallbacksOf(answered: readonly AnsweredResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of answered) {
    if (r.answeredBy === undefined && r.fallback === undefined) continue;
    const key = `${r.answeredBy ?? r.method}${r.fallback ? `: ${r.fallback}` : ''}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function scoredOf(answered: readonly AnsweredResult[]): Scored[] {
  return answered.flatMap((r) => (r.score === null ? [] : [{ score: r.score, label: r.label }]));
}

function rowTotal(m: Confusion, label: Label): number {
  return m[label].permissible + m[label].impermissible + m[label].unclear;
}

function tokensPerItem(answered: readonly AnsweredResult[]): MethodReport['tokensPerItem'] {
  const prompt = mean(answered.map((r) => r.tokens.prompt));
  const completion = mean(answered.map((r) => r.tokens.completion));
  if (prompt === null || completion === null) return null;
  return { prompt, completion, total: prompt + completion };
}
