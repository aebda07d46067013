import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/assessment/types.js';
import { agreement, classScores, cohensKappa, confusionMatrix, f1Score, histogram, mean, normErrors, percentile, type Label } from '../../src/eval/index.js';

type Pair = { label: Label; prediction: Verdict };
const times = (n: number, p: Pair): Pair[] => Array.from({ length: n }, () => p);
const pair = (label: Label, prediction: Verdict): Pair => ({ label, prediction });

describe('confusion matrix and scores for "impermissible"', () => {
  // 12 items: 5 right and 2 wrong among the permissible ones, 3 right and 2 wrong among the others.
  const items = [
    ...times(5, pair('permissible', 'permissible')),
    pair('permissible', 'impermissible'),
    pair('permissible', 'unclear'),
    ...times(3, pair('impermissible', 'impermissible')),
    pair('impermissible', 'permissible'),
    pair('impermissible', 'unclear'),
  ];

  it('counts rows by label and columns by verdict', () => {
    expect(confusionMatrix(items)).toEqual({
      permissible: { permissible: 5, impermissible: 1, unclear: 1 },
      impermissible: { permissible: 1, impermissible: 3, unclear: 1 },
    });
  });

  it('scores: unclear is never right, and is a miss rather than a flag', () => {
    const s = classScores(confusionMatrix(items));
    expect(s).toMatchObject({ answered: 12, correct: 8, truePositives: 3, falsePositives: 1, falseNegatives: 2 });
    expect(s.accuracy).toBeCloseTo(8 / 12, 12);
    expect(s.precision).toBeCloseTo(3 / 4, 12);
    expect(s.recall).toBeCloseTo(3 / 5, 12);
    expect(s.f1).toBeCloseTo((2 * 0.75 * 0.6) / (0.75 + 0.6), 12);
    expect(s.unclearRate).toBeCloseTo(2 / 12, 12);
  });

  it('a perfect run scores 1 everywhere and 0 unclear', () => {
    const s = classScores(confusionMatrix([...times(4, pair('permissible', 'permissible')), ...times(4, pair('impermissible', 'impermissible'))]));
    expect(s).toMatchObject({ accuracy: 1, precision: 1, recall: 1, f1: 1, unclearRate: 0 });
  });

  it('an undefined ratio is null, never NaN or a made-up 0', () => {
    expect(classScores(confusionMatrix([]))).toMatchObject({ answered: 0, accuracy: null, precision: null, recall: null, f1: null, unclearRate: null });
    // Nothing flagged: precision undefined; recall is a real 0.
    const noFlags = classScores(confusionMatrix([pair('impermissible', 'permissible'), pair('permissible', 'permissible')]));
    expect(noFlags).toMatchObject({ precision: null, recall: 0, f1: null, accuracy: 0.5 });
    // No impermissible items: recall undefined.
    const noPositives = classScores(confusionMatrix([pair('permissible', 'impermissible')]));
    expect(noPositives).toMatchObject({ precision: 0, recall: null, f1: null });
    // Both defined and both 0: F1 is 0.
    expect(classScores(confusionMatrix([pair('permissible', 'impermissible'), pair('impermissible', 'permissible')]))).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(f1Score(0, 0)).toBe(0);
    expect(f1Score(null, 1)).toBeNull();
  });
});

describe('percentiles (nearest rank) and means', () => {
  it('matches the textbook example', () => {
    const values = [35, 20, 50, 15, 40];
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile(values, 0)).toBe(15);
  });

  it('p50 and p95 of 1..20, an even count and one value', () => {
    const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(oneToTwenty, 50)).toBe(10);
    expect(percentile(oneToTwenty, 95)).toBe(19);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([7], 95)).toBe(7);
  });

  it('no values: null', () => {
    expect(percentile([], 50)).toBeNull();
    expect(mean([])).toBeNull();
    expect(mean([1, 2, 6])).toBe(3);
  });
});

describe("agreement and Cohen's kappa", () => {
  const P = 'permissible' as const;
  const I = 'impermissible' as const;
  const U = 'unclear' as const;
  const rep = (n: number, a: Verdict, b: Verdict) => Array.from({ length: n }, () => [a, b] as const);

  it('the classic two-rater example: 70% agreement, kappa 0.4', () => {
    const pairs = [...rep(20, I, I), ...rep(5, I, P), ...rep(10, P, I), ...rep(15, P, P)];
    const g = agreement(pairs);
    expect(g).toMatchObject({ items: 50, matching: 35 });
    expect(g.rate).toBeCloseTo(0.7, 12);
    expect(g.kappa).toBeCloseTo(0.4, 12);
  });

  it('three verdicts: kappa 7/11', () => {
    expect(cohensKappa([[P, P], [I, I], [U, U], [P, I]])).toBeCloseTo(7 / 11, 12);
  });

  it('perfect agreement is 1; systematic disagreement -1', () => {
    expect(cohensKappa([...rep(3, P, P), ...rep(2, I, I)])).toBeCloseTo(1, 12);
    expect(cohensKappa([[P, I], [I, P]])).toBeCloseTo(-1, 12);
  });

  it('undefined kappa is null: no items, or one verdict from both every time', () => {
    expect(agreement([])).toEqual({ items: 0, matching: 0, rate: null, kappa: null });
    expect(agreement(rep(4, P, P))).toEqual({ items: 4, matching: 4, rate: 1, kappa: null });
  });
});

describe('per-norm errors', () => {
  it('lists misjudged norms, most errors first, split by kind', () => {
    const rows = normErrors([
      { norm: 'Be honest.', label: 'impermissible', prediction: 'permissible' },
      { norm: 'Be honest.', label: 'permissible', prediction: 'impermissible' },
      { norm: 'Be honest.', label: 'permissible', prediction: 'unclear' },
      { norm: 'Be kind.', label: 'impermissible', prediction: 'permissible' },
      { norm: 'Be kind.', label: 'permissible', prediction: 'permissible' },
      { norm: 'Be fair.', label: 'permissible', prediction: 'permissible' },
      { norm: 'Be fair.', label: 'impermissible', prediction: 'impermissible' },
    ]);
    expect(rows).toEqual([
      { norm: 'Be honest.', items: 3, errors: 3, falsePositives: 1, falseNegatives: 1, unclear: 1 },
      { norm: 'Be kind.', items: 2, errors: 1, falsePositives: 0, falseNegatives: 1, unclear: 0 },
    ]);
  });
});

describe('latency histogram', () => {
  it('uses round bin widths from 0, the maximum in the last bin', () => {
    const h = histogram([0, 5, 10, 95, 100], 10);
    expect(h.binWidth).toBe(10);
    expect(h.bins).toHaveLength(10);
    expect(h.bins.map((b) => b.count)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(h.bins[9]).toEqual({ from: 90, to: 100, count: 2 });
  });

  it('copes with nothing and with a single zero', () => {
    expect(histogram([])).toEqual({ binWidth: 0, bins: [] });
    expect(histogram([0]).bins).toEqual([{ from: 0, to: 1, count: 1 }]);
  });

  it('picks 2.5 and 5 steps too', () => {
    expect(histogram([40], 16).binWidth).toBe(2.5);
    expect(histogram([70], 16).binWidth).toBe(5);
  });
});
