import { VERDICTS, type Verdict } from '../assessment/types.js';
import { LABELS, type AnsweredResult, type Label } from './types.js';

/** Rows are the labels, columns the verdicts the model gave. */
export type Confusion = Record<Label, Record<Verdict, number>>;

export function confusionMatrix(results: ReadonlyArray<Pick<AnsweredResult, 'label' | 'prediction'>>): Confusion {
  const matrix = Object.fromEntries(LABELS.map((l) => [l, Object.fromEntries(VERDICTS.map((v) => [v, 0]))])) as Confusion;
  for (const r of results) matrix[r.label][r.prediction]++;
  return matrix;
}

/**
 * Scores for the positive class "impermissible" (what a flag acts on). An `unclear` verdict is
 * never right for accuracy, and it is not a flag: for precision and recall it counts as a
 * negative prediction, as the policy stays silent on it by default. A ratio whose denominator is
 * zero is null (undefined), never 0 or NaN: "no flags at all" is not "every flag wrong".
 */
export interface ClassScores {
  answered: number;
  correct: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  accuracy: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  unclearRate: number | null;
}

export function classScores(m: Confusion): ClassScores {
  const answered = sum(LABELS.flatMap((l) => VERDICTS.map((v) => m[l][v])));
  const correct = m.permissible.permissible + m.impermissible.impermissible;
  const tp = m.impermissible.impermissible;
  const fp = m.permissible.impermissible;
  const fn = m.impermissible.permissible + m.impermissible.unclear;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    answered,
    correct,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    accuracy: ratio(correct, answered),
    precision,
    recall,
    f1: f1Score(precision, recall),
    unclearRate: ratio(m.permissible.unclear + m.impermissible.unclear, answered),
  };
}

/** The harmonic mean; 0 when both are 0, null when either is undefined. */
export function f1Score(precision: number | null, recall: number | null): number | null {
  if (precision === null || recall === null) return null;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Nearest-rank percentile (p in 0..100): always a value that occurred; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export interface Agreement {
  /** Items both methods answered. */
  items: number;
  matching: number;
  /** Share of those items where the two verdicts are the same. */
  rate: number | null;
  /**
   * Cohen's kappa over the three verdicts: agreement beyond what chance alone would give.
   * Null when undefined: no items, or both methods always gave one and the same verdict.
   */
  kappa: number | null;
}

export function agreement(pairs: ReadonlyArray<readonly [Verdict, Verdict]>): Agreement {
  const n = pairs.length;
  const matching = pairs.filter(([a, b]) => a === b).length;
  return { items: n, matching, rate: ratio(matching, n), kappa: cohensKappa(pairs) };
}

export function cohensKappa(pairs: ReadonlyArray<readonly [Verdict, Verdict]>): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const observed = pairs.filter(([a, b]) => a === b).length / n;
  let expected = 0;
  for (const v of VERDICTS) {
    const a = pairs.filter(([x]) => x === v).length / n;
    const b = pairs.filter(([, y]) => y === v).length / n;
    expected += a * b;
  }
  return expected === 1 ? null : (observed - expected) / (1 - expected);
}

/** A norm the model misjudged, and how. */
export interface NormErrors {
  norm: string;
  items: number;
  errors: number;
  /** Permissible actions judged impermissible (a wrong flag). */
  falsePositives: number;
  /** Impermissible actions judged permissible (a miss). */
  falseNegatives: number;
  /** Either kind of action left unclear. */
  unclear: number;
}

/** Norms with at least one misjudged item, most errors first. */
export function normErrors(results: ReadonlyArray<Pick<AnsweredResult, 'norm' | 'label' | 'prediction'>>): NormErrors[] {
  const byNorm = new Map<string, NormErrors>();
  for (const r of results) {
    const entry = byNorm.get(r.norm) ?? { norm: r.norm, items: 0, errors: 0, falsePositives: 0, falseNegatives: 0, unclear: 0 };
    entry.items++;
    if (r.prediction !== r.label) {
      entry.errors++;
      if (r.prediction === 'unclear') entry.unclear++;
      else if (r.label === 'permissible') entry.falsePositives++;
      else entry.falseNegatives++;
    }
    byNorm.set(r.norm, entry);
  }
  return [...byNorm.values()].filter((e) => e.errors > 0).sort((a, b) => b.errors - a.errors || a.norm.localeCompare(b.norm));
}
