import { severityRank, type Severity } from '../assessment/types.js';
import { ratio } from './metrics.js';
import { prCurve, type PrPoint, type Scored } from './score-metrics.js';
import type { AnsweredResult } from './types.js';

/** The severities a flag threshold may take, lowest first (settings.thresholds.flag). */
export const FLAG_THRESHOLDS = ['low', 'medium', 'high'] as const satisfies readonly Severity[];
export type FlagThreshold = (typeof FLAG_THRESHOLDS)[number];

export interface ThresholdPoint {
  threshold: FlagThreshold;
  /** Items the policy would flag: verdict impermissible with severity at or above the threshold. */
  flagged: number;
  /** Of those, the ones labelled impermissible. */
  correct: number;
  precision: number | null;
  recall: number | null;
}

export interface Calibration {
  targetPrecision: number;
  /** Items labelled impermissible (the recall denominator). */
  positives: number;
  points: ThresholdPoint[];
  /** The lowest threshold (most recall) whose flags reach the target precision; null when none does. */
  chosen: ThresholdPoint | null;
}

/** Which flag threshold would have given at least `targetPrecision`, from the verdicts and severities of a run. */
export function calibrate(results: readonly AnsweredResult[], targetPrecision: number): Calibration {
  const positives = results.filter((r) => r.label === 'impermissible').length;
  const points = FLAG_THRESHOLDS.map((threshold): ThresholdPoint => {
    const flagged = results.filter((r) => r.prediction === 'impermissible' && severityRank(r.severity) >= severityRank(threshold));
    const correct = flagged.filter((r) => r.label === 'impermissible').length;
    return { threshold, flagged: flagged.length, correct, precision: ratio(correct, flagged.length), recall: ratio(correct, positives) };
  });
  // A tiny tolerance so 9/10 meets a 0.9 target despite floating point.
  const chosen = points.find((p) => p.precision !== null && p.precision >= targetPrecision - 1e-9) ?? null;
  return { targetPrecision, positives, points, chosen };
}

/** How to apply a threshold: the Discord and Slack commands, and the stored settings. */
export function thresholdConfigLines(threshold: FlagThreshold): string[] {
  return [
    `Discord: /ethics config flag_threshold: ${threshold}`,
    `Slack:   /ethics config → "Lowest severity that opens a case": ${threshold}`,
    `settings JSON: ${JSON.stringify({ thresholds: { flag: threshold } })}`,
  ];
}

/**
 * The score threshold (flag when score ≥ it) with the most recall among those whose flags reach
 * `targetPrecision` on this run; null when none does or no ask had a score.
 */
export function scoreThreshold(scored: readonly Scored[], targetPrecision: number): PrPoint | null {
  let best: PrPoint | null = null;
  for (const p of prCurve(scored)) {
    if (p.precision >= targetPrecision - 1e-9 && (best === null || p.recall > best.recall)) best = p;
  }
  return best;
}
