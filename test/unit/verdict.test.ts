import { describe, expect, it } from 'vitest';
import { parseVerdict } from '../../src/assessment/index.js';

describe('parseVerdict', () => {
  it('reads a well-formed verdict', () => {
    expect(parseVerdict('{"verdict":"impermissible","severity":"high","norm":"Do not steal.","summary":"Stealing harms others."}')).toEqual({
      verdict: 'impermissible',
      severity: 'high',
      norm: 'Do not steal.',
      summary: 'Stealing harms others.',
    });
  });
  it('accepts case and synonym near-misses from a sloppy model', () => {
    const v = parseVerdict('{"verdict":"Not Permissible","severity":"Moderate","norm":"n/a","summary":"x"}');
    expect(v).toMatchObject({ verdict: 'impermissible', severity: 'medium', norm: null });
  });
  it('takes JSON out of a fenced or chatty answer', () => {
    const v = parseVerdict('Sure! ```json\n{"verdict":"permissible","severity":"none","norm":"Be kind.","summary":"Fine."}\n```');
    expect(v.verdict).toBe('permissible');
    expect(v.raw).toBeUndefined();
  });
  it.each([
    ['truncated JSON', '{"verdict": "imperm'],
    ['prose only', 'It is not okay to do that.'],
    ['wrong types', '{"verdict": 7, "severity": []}'],
    ['unknown verdict word', '{"verdict":"maybe","severity":"low","norm":"x","summary":"y"}'],
    ['empty', ''],
    ['an array', '[1,2,3]'],
    ['null', 'null'],
  ])('%s becomes unclear with the raw text kept, never an exception', (_n, raw) => {
    const v = parseVerdict(raw);
    expect(v.verdict).toBe('unclear');
    expect(v.severity).toBe('none');
    expect(v.raw).toBe(raw);
  });
  it('keeps severity consistent with the verdict', () => {
    expect(parseVerdict('{"verdict":"permissible","severity":"high","norm":"x","summary":"y"}').severity).toBe('none');
    expect(parseVerdict('{"verdict":"impermissible","severity":"none","norm":"x","summary":"y"}').severity).toBe('low');
    expect(parseVerdict('{"verdict":"impermissible","severity":"bogus","norm":"x","summary":"y"}').severity).toBe('medium');
  });
  it('folds control characters and caps the summary to one line', () => {
    const v = parseVerdict(JSON.stringify({ verdict: 'unclear', severity: 'low', norm: 'a\nb', summary: `x\n${'y'.repeat(500)}` }));
    expect(v.norm).toBe('a b');
    expect(v.summary).not.toContain('\n');
    expect(v.summary.length).toBeLessThanOrEqual(280);
  });
});
