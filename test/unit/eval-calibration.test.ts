import { describe, expect, it } from 'vitest';
import type { Severity, Verdict } from '../../src/assessment/types.js';
import { calibrate, thresholdConfigLines, type AnsweredResult, type Label } from '../../src/eval/index.js';

let n = 0;
function result(label: Label, prediction: Verdict, severity: Severity): AnsweredResult {
  n++;
  return { id: `i${n}`, frame: 'check', method: 'structured', score: null, label, norm: 'n', prediction, severity, latencyMs: 1, tokens: { prompt: 1, completion: 1 }, at: 0 };
}
const rep = (count: number, label: Label, prediction: Verdict, severity: Severity) => Array.from({ length: count }, () => result(label, prediction, severity));

// 6 impermissible items; flags at low: 8 (5 right), medium: 5 (4 right), high: 2 (2 right).
const run = [
  ...rep(2, 'impermissible', 'impermissible', 'high'),
  ...rep(2, 'impermissible', 'impermissible', 'medium'),
  ...rep(1, 'permissible', 'impermissible', 'medium'),
  ...rep(2, 'permissible', 'impermissible', 'low'),
  ...rep(1, 'impermissible', 'impermissible', 'low'),
  ...rep(1, 'impermissible', 'permissible', 'none'),
  ...rep(3, 'permissible', 'permissible', 'none'),
];

describe('calibration of the flag threshold', () => {
  it('computes precision and recall of each threshold', () => {
    const c = calibrate(run, 0.9);
    expect(c.positives).toBe(6);
    expect(c.points.map((p) => [p.threshold, p.flagged, p.correct])).toEqual([
      ['low', 8, 5],
      ['medium', 5, 4],
      ['high', 2, 2],
    ]);
    expect(c.points[0]?.precision).toBeCloseTo(5 / 8, 12);
    expect(c.points[0]?.recall).toBeCloseTo(5 / 6, 12);
    expect(c.points[1]?.precision).toBeCloseTo(4 / 5, 12);
    expect(c.points[2]?.recall).toBeCloseTo(2 / 6, 12);
  });

  it('chooses the lowest threshold that reaches the target (keeping the most recall)', () => {
    expect(calibrate(run, 0.9).chosen?.threshold).toBe('high');
    // 4/5 is exactly 0.8: reaching the target counts.
    expect(calibrate(run, 0.8).chosen?.threshold).toBe('medium');
    expect(calibrate(run, 0.6).chosen?.threshold).toBe('low');
    expect(calibrate(run, 1).chosen?.threshold).toBe('high');
  });

  it('says so when no threshold reaches the target', () => {
    const wrongFlags = [...rep(2, 'permissible', 'impermissible', 'high'), ...rep(1, 'impermissible', 'impermissible', 'low')];
    const c = calibrate(wrongFlags, 0.9);
    expect(c.chosen).toBeNull();
    expect(c.points.map((p) => p.precision)).toEqual([1 / 3, 0, 0]);
    // Nothing flagged at all: every precision is undefined, and nothing is chosen.
    const none = calibrate(rep(3, 'impermissible', 'permissible', 'none'), 0.5);
    expect(none.points.every((p) => p.precision === null && p.recall === 0)).toBe(true);
    expect(none.chosen).toBeNull();
  });

  it('gives the command and settings lines for the chosen threshold', () => {
    expect(thresholdConfigLines('high')).toEqual([
      'Discord: /ethics config flag_threshold: high',
      'Slack:   /ethics config → "Lowest severity that opens a case": high',
      'settings JSON: {"thresholds":{"flag":"high"}}',
    ]);
  });
});
