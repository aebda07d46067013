import { describe, expect, it } from 'vitest';
import { readVerdictProbabilities } from '../../src/assessment/label-probabilities.js';
import { readLogprobs } from '../../src/inference/logprobs.js';
import type { TokenLogprob } from '../../src/inference/types.js';

const ln = Math.log;

/** Tokens of `{"verdict":"<label>"...}` with the given alternatives at the first label token. */
function verdictTokens(labelTokens: string[], alternatives: Array<[string, number]>, prefix: string[] = ['{"', 'verdict', '":"']): TokenLogprob[] {
  const first = labelTokens[0]!;
  const chosen = alternatives.find(([t]) => t === first);
  return [
    ...prefix.map((token) => ({ token, logprob: -0.01, topLogprobs: [{ token, logprob: -0.01 }] })),
    { token: first, logprob: chosen?.[1] ?? -0.1, topLogprobs: alternatives.map(([token, logprob]) => ({ token, logprob })) },
    ...labelTokens.slice(1).map((token) => ({ token, logprob: -0.001, topLogprobs: [{ token, logprob: -0.001 }] })),
    { token: '","', logprob: -0.01 },
    { token: 'severity', logprob: -0.01 },
  ];
}

describe('P(label) from verdict-token logprobs', () => {
  it('renormalises over the allowed labels, ignoring tokens the grammar forbids', () => {
    // Raw distribution before the grammar: imper 0.5, Imper 0.2 (forbidden), perm 0.1, ' imper' 0.1 (forbidden), un 0.05.
    const tokens = verdictTokens(['imper', 'missible'], [['imper', ln(0.5)], ['Imper', ln(0.2)], ['perm', ln(0.1)], [' imper', ln(0.1)], ['un', ln(0.05)]]);
    const r = readVerdictProbabilities(tokens);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.reading.probabilities.impermissible).toBeCloseTo(0.5 / 0.65, 9);
    expect(r.reading.probabilities.permissible).toBeCloseTo(0.1 / 0.65, 9);
    expect(r.reading.probabilities.unclear).toBeCloseTo(0.05 / 0.65, 9);
    expect(r.reading.logOdds).toBeCloseTo(ln(5), 9);
    expect(r.reading.allowedMass).toBeCloseTo(0.65, 9);
  });

  it('reads the decision where the chosen answer was permissible, too', () => {
    const tokens = verdictTokens(['perm', 'issible'], [['perm', ln(0.6)], ['imper', ln(0.2)], ['Perm', ln(0.1)]]);
    const r = readVerdictProbabilities(tokens);
    expect(r.ok && r.reading.logOdds).toBeCloseTo(ln(0.2 / 0.6), 9);
  });

  it('follows a prefix several labels share down to the token where they differ', () => {
    // A tokenizer that splits "impermissible" as "im"+"perm"+"issible": "im" alone decides nothing.
    const tokens: TokenLogprob[] = [
      { token: '{"verdict":"', logprob: -0.01, topLogprobs: [{ token: '{"verdict":"', logprob: -0.01 }] },
      { token: 'im', logprob: ln(0.7), topLogprobs: [{ token: 'im', logprob: ln(0.7) }, { token: 'perm', logprob: ln(0.2) }, { token: 'I', logprob: ln(0.05) }] },
      { token: 'perm', logprob: ln(0.9), topLogprobs: [{ token: 'perm', logprob: ln(0.9) }, { token: 'pr', logprob: ln(0.1) }] },
      { token: 'issible"}', logprob: -0.001 },
    ];
    // With labels that share "im": impermissible vs improper (a custom label set).
    const r = readVerdictProbabilities(tokens, ['permissible', 'impermissible', 'improper' as never]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // "im" (0.7) splits 0.9 : 0.1 between impermissible and improper; "perm" (0.2) is permissible.
    expect(r.reading.logOdds).toBeCloseTo(ln((0.7 * 0.9) / 0.2), 9);
  });

  it('handles a token that carries the opening quote with the label (":"imper)', () => {
    const tokens: TokenLogprob[] = [
      { token: '{"verdict', logprob: -0.01 },
      { token: '":"imper', logprob: ln(0.6), topLogprobs: [{ token: '":"imper', logprob: ln(0.6) }, { token: '":"perm', logprob: ln(0.3) }, { token: '": "', logprob: ln(0.05) }] },
      { token: 'missible"}', logprob: -0.001 },
    ];
    const r = readVerdictProbabilities(tokens);
    expect(r.ok && r.reading.logOdds).toBeCloseTo(ln(2), 9);
  });

  it('a label missing from the top alternatives counts as at most the least likely one listed', () => {
    const tokens = verdictTokens(['imper', 'missible'], [['imper', ln(0.9)], ['Imper', ln(0.05)], ['not', ln(0.01)]]);
    const r = readVerdictProbabilities(tokens);
    expect(r.ok && r.reading.logOdds).toBeCloseTo(ln(0.9 / 0.01), 9);
  });

  it('says why it cannot read rather than guessing', () => {
    expect(readVerdictProbabilities([{ token: 'Sure! {"verdict": "imperm', logprob: -1 }])).toMatchObject({ ok: false });
    // top_logprobs 0: only the chosen token's own number, which cannot be renormalised.
    const bare = verdictTokens(['imper', 'missible'], []).map(({ topLogprobs: _t, ...rest }) => rest);
    expect(readVerdictProbabilities(bare)).toMatchObject({ ok: false, problem: expect.stringContaining('top_logprobs') });
    expect(readVerdictProbabilities([])).toMatchObject({ ok: false });
    const nan = verdictTokens(['imper', 'missible'], [['imper', Number.NaN], ['perm', Number.NaN]]);
    expect(readVerdictProbabilities(nan)).toMatchObject({ ok: false });
  });
});

describe('reading logprobs off the wire', () => {
  it('takes Ollama’s shape: top_logprobs optional, bytes ignored', () => {
    const r = readLogprobs({ content: [{ token: 'a', logprob: -0.5, bytes: [97] }, { token: 'b', logprob: -1, top_logprobs: [{ token: 'b', logprob: -1 }] }] });
    expect(r).toEqual({ logprobs: [{ token: 'a', logprob: -0.5 }, { token: 'b', logprob: -1, topLogprobs: [{ token: 'b', logprob: -1 }] }] });
  });

  it('missing, malformed or NaN logprobs are reported, never thrown', () => {
    expect(readLogprobs(undefined)).toEqual({ logprobs: null, problem: 'missing' });
    expect(readLogprobs(null)).toEqual({ logprobs: null, problem: 'missing' });
    expect(readLogprobs({ content: null })).toEqual({ logprobs: null, problem: 'missing' });
    expect(readLogprobs({ content: 'many' })).toEqual({ logprobs: null, problem: 'malformed' });
    expect(readLogprobs({ content: [{ token: 'a', logprob: 'NaN' }] })).toEqual({ logprobs: null, problem: 'malformed' });
    expect(readLogprobs({ content: [{ token: 'a', logprob: Number.NaN }] })).toEqual({ logprobs: null, problem: 'malformed' });
    expect(readLogprobs({ content: [{ token: 'a', logprob: 0.5 }] })).toEqual({ logprobs: null, problem: 'malformed' });
    expect(readLogprobs({ content: [{ token: 'a', logprob: -1, top_logprobs: [{ token: 'x' }] }] })).toEqual({ logprobs: null, problem: 'malformed' });
    expect(readLogprobs('garbage')).toEqual({ logprobs: null, problem: 'missing' });
  });
});
