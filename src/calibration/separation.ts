/**
 * How well a score separates impermissible from permissible items, and where to cut it.
 * Pure functions over (score, isImpermissible) pairs.
 */
export interface Scored {
  score: number;
  impermissible: boolean;
}

/** Area under the ROC curve (Mann–Whitney U, ties count half); null without both classes. */
export function auroc(items: readonly Scored[]): number | null {
  const pos = items.filter((i) => i.impermissible).map((i) => i.score);
  const neg = items.filter((i) => !i.impermissible).map((i) => i.score);
  if (pos.length === 0 || neg.length === 0) return null;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

export interface ThresholdChoice {
  threshold: number;
  precision: number | null;
  recall: number | null;
  f1: number;
}

/**
 * The cut that maximises F1 for "score ≥ threshold means impermissible", among midpoints
 * between observed scores; ties go to the higher threshold (fewer false flags). Null when the
 * items lack either class.
 */
export function bestThreshold(items: readonly Scored[]): ThresholdChoice | null {
  if (!items.some((i) => i.impermissible) || !items.some((i) => !i.impermissible)) return null;
  const scores = [...new Set(items.map((i) => i.score))].sort((a, b) => a - b);
  const candidates = [0.5, ...scores.slice(1).map((s, i) => (s + scores[i]!) / 2)];
  let best: ThresholdChoice | null = null;
  for (const threshold of candidates) {
    const choice = measureAt(items, threshold);
    if (!best || choice.f1 > best.f1 + 1e-12 || (Math.abs(choice.f1 - best.f1) <= 1e-12 && threshold > best.threshold)) best = choice;
  }
  return best;
}

export function measureAt(items: readonly Scored[], threshold: number): ThresholdChoice {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const i of items) {
    const flagged = i.score >= threshold;
    if (flagged && i.impermissible) tp++;
    else if (flagged) fp++;
    else if (i.impermissible) fn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = tp + fn > 0 ? tp / (tp + fn) : null;
  const f1 = precision && recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, precision, recall, f1 };
}
