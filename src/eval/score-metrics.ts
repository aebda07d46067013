import type { Label } from './types.js';

/** One item's calibrated P(impermissible) and its label: what every score metric is computed from. */
export interface Scored {
  score: number;
  label: Label;
}

/**
 * Area under the ROC curve: the chance that a random impermissible item scores above a random
 * permissible one (ties count half). Null when either class is absent. Computed from ranks
 * (Mann-Whitney U), so it is exact with ties and O(n log n).
 */
export function auroc(items: readonly Scored[]): number | null {
  const positives = items.filter((i) => i.label === 'impermissible').length;
  const negatives = items.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...items].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && (sorted[j] as Scored).score === (sorted[i] as Scored).score) j++;
    // Tied scores share the mean of the ranks they span (1-based).
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if ((sorted[k] as Scored).label === 'impermissible') rankSum += meanRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface ReliabilityBin {
  /** The bin's score range [from, to); the last bin includes 1. */
  from: number;
  to: number;
  items: number;
  /** Mean score of the items in the bin (null when empty). */
  meanScore: number | null;
  /** Share of them labelled impermissible (null when empty). */
  observed: number | null;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /** Expected calibration error: |observed − mean score| averaged over bins, weighted by items. */
  ece: number | null;
}

/** A reliability diagram's data: equal-width score bins, each with its mean score and observed rate. */
export function reliability(items: readonly Scored[], binCount = 10): Reliability {
  const bins = Array.from({ length: binCount }, (_, i) => ({ from: i / binCount, to: (i + 1) / binCount, sum: 0, positives: 0, items: 0 }));
  for (const item of items) {
    const bin = bins[Math.min(binCount - 1, Math.max(0, Math.floor(item.score * binCount)))] as (typeof bins)[number];
    bin.items++;
    bin.sum += item.score;
    if (item.label === 'impermissible') bin.positives++;
  }
  let weighted = 0;
  const out = bins.map((b): ReliabilityBin => {
    if (b.items === 0) return { from: b.from, to: b.to, items: 0, meanScore: null, observed: null };
    const meanScore = b.sum / b.items;
    const observed = b.positives / b.items;
    weighted += b.items * Math.abs(observed - meanScore);
    return { from: b.from, to: b.to, items: b.items, meanScore, observed };
  });
  return { bins: out, ece: items.length === 0 ? null : weighted / items.length };
}

export interface PrPoint {
  /** Items scoring at or above this are flagged. */
  threshold: number;
  precision: number;
  recall: number;
}

/** Precision and recall at every distinct score threshold, highest threshold first. */
export function prCurve(items: readonly Scored[]): PrPoint[] {
  const positives = items.filter((i) => i.label === 'impermissible').length;
  if (positives === 0) return [];
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const points: PrPoint[] = [];
  let tp = 0;
  let flagged = 0;
  for (let i = 0; i < sorted.length; i++) {
    const item = sorted[i] as Scored;
    flagged++;
    if (item.label === 'impermissible') tp++;
    // A threshold sits after the last item with a given score: ties are flagged together.
    if (i === sorted.length - 1 || (sorted[i + 1] as Scored).score !== item.score) {
      points.push({ threshold: item.score, precision: tp / flagged, recall: tp / positives });
    }
  }
  return points;
}

/** Thins a curve to at most `max` points for the report, keeping the first and last. */
export function thin<T>(points: readonly T[], max = 60): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)] as T);
}
