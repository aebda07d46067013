import type { VerdictMethod } from '../assessment/types.js';
import { calibrate, type Calibration } from './calibration.js';
import { histogram, type Histogram } from './histogram.js';
import { agreement, classScores, confusionMatrix, mean, normErrors, percentile, type Agreement, type ClassScores, type Confusion, type NormErrors } from './metrics.js';
import { EVAL_FRAMES, isAnswered, resultKey, type AnsweredResult, type EvalFrame, type EvalSet, type ItemResult, type SetKind } from './types.js';

/** What each kind of set can and cannot tell (data/README.md, "A caution for evaluations"). */
export const SET_CAVEATS: Record<SetKind, string> = {
  'moral-stories':
    "This set was in the model's training data (see data/README.md): it checks the pipeline, not how the model judges new situations.",
  cases:
    "Moderators' decisions: an unbiased measure of how the model judges this community's messages. " +
    'Cases exist only for messages that were flagged or reported, so it measures above all how often flags are right.',
};

export interface MethodReport {
  method: VerdictMethod;
  /** Items in the set. */
  planned: number;
  answered: number;
  errors: number;
  /** Items not run yet (an interrupted run). */
  pending: number;
  errorsByCode: Record<string, number>;
  confusion: Confusion;
  scores: ClassScores;
  latencyMs: { p50: number | null; p95: number | null; mean: number | null; max: number | null };
  latencyHistogram: Histogram;
  /** Mean tokens per answered item, all turns of the method counted. */
  tokensPerItem: { prompt: number; completion: number; total: number } | null;
  /** Norms with misjudged items, most errors first. */
  normErrors: NormErrors[];
  calibration: Calibration | null;
}

export interface EvalReport {
  version: 1;
  generatedAt: string;
  set: { kind: SetKind; description: string; identity: string; records: number; items: number; caveat: string };
  model: string;
  frame: { name: EvalFrame; id: 'S2' | 'S3'; strategy: string };
  methods: VerdictMethod[];
  concurrency: number;
  outDir: string;
  /** Every item has an answer or an error for every method. */
  complete: boolean;
  byMethod: MethodReport[];
  /** With two methods: how often they gave the same verdict on items both answered. */
  agreement: Agreement | null;
}

export interface ReportInput {
  set: EvalSet;
  model: string;
  frame: EvalFrame;
  methods: VerdictMethod[];
  concurrency: number;
  outDir: string;
  /** The latest line for each (item, method). */
  results: ReadonlyMap<string, ItemResult>;
  targetPrecision?: number;
  now: Date;
}

export function buildReport(input: ReportInput): EvalReport {
  const { set, methods, results } = input;
  const byMethod = methods.map((method) => methodReport(method, set, results, input.targetPrecision));
  const [first, second] = methods;
  let pairAgreement: Agreement | null = null;
  if (first !== undefined && second !== undefined) {
    const pairs = set.items.flatMap((item) => {
      const a = results.get(resultKey(item.id, first));
      const b = results.get(resultKey(item.id, second));
      return a && b && isAnswered(a) && isAnswered(b) ? [[a.prediction, b.prediction] as const] : [];
    });
    pairAgreement = agreement(pairs);
  }
  return {
    version: 1,
    generatedAt: input.now.toISOString(),
    set: { kind: set.kind, description: set.description, identity: set.identity, records: set.records, items: set.items.length, caveat: SET_CAVEATS[set.kind] },
    model: input.model,
    frame: { name: input.frame, id: input.frame === 'check' ? 'S3' : 'S2', strategy: EVAL_FRAMES[input.frame] },
    methods,
    concurrency: input.concurrency,
    outDir: input.outDir,
    complete: byMethod.every((m) => m.pending === 0),
    byMethod,
    agreement: pairAgreement,
  };
}

function methodReport(method: VerdictMethod, set: EvalSet, results: ReadonlyMap<string, ItemResult>, targetPrecision: number | undefined): MethodReport {
  const lines = set.items.map((item) => results.get(resultKey(item.id, method))).filter((r): r is ItemResult => r !== undefined);
  const answered = lines.filter(isAnswered);
  const failed = lines.filter((r) => !isAnswered(r));
  const errorsByCode: Record<string, number> = {};
  for (const r of failed) {
    const code = r.error?.code ?? 'UNKNOWN';
    errorsByCode[code] = (errorsByCode[code] ?? 0) + 1;
  }
  const confusion = confusionMatrix(answered);
  const latencies = answered.map((r) => r.latencyMs);
  return {
    method,
    planned: set.items.length,
    answered: answered.length,
    errors: failed.length,
    pending: set.items.length - lines.length,
    errorsByCode,
    confusion,
    scores: classScores(confusion),
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
  };
}

function tokensPerItem(answered: readonly AnsweredResult[]): MethodReport['tokensPerItem'] {
  const prompt = mean(answered.map((r) => r.tokens.prompt));
  const completion = mean(answered.map((r) => r.tokens.completion));
  if (prompt === null || completion === null) return null;
  return { prompt, completion, total: prompt + completion };
}
