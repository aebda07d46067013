/**
 * Issue 12's "Done when": on labelled chat-moderation items written without looking at the
 * simulator (data/chat-moderation-heldout.jsonl), with the DEFAULT configuration, `POST /v1/assess`
 * `check` verdicts and passive monitoring reach precision ≥ 0.85, recall ≥ 0.70 and at most 25%
 * unclear — against a model whose S3/S2 frames carry a 1.5–3 logit prior, and against an unbiased one.
 *
 * The simulator's knowledge of each item is the set's label, spread and blurred by the persona
 * (some items genuinely ambiguous), then pushed by the frame's bias: this measures what normguard
 * does between a model's knowledge and its verdicts. `npm run bench -- --heldout` prints the same
 * rows, and the rows where the simulator's keyword judge is the knowledge instead.
 */
import { describe, expect, it } from 'vitest';
import { HELDOUT_BIASES, loadHeldout, meetsDoneWhen, runHeldout, type HeldoutRow } from '../../bench/heldout.js';

describe('the held-out chat set with the default configuration (Done when)', () => {
  it('is the bundled, labelled, varied set', () => {
    const items = loadHeldout();
    expect(items.length).toBeGreaterThanOrEqual(150);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    const impermissible = items.filter((i) => i.label === 'impermissible').length;
    expect(impermissible / items.length).toBeGreaterThan(0.35);
    expect(impermissible / items.length).toBeLessThan(0.65);
    expect(new Set(items.map((i) => i.kind)).size).toBeGreaterThanOrEqual(10);
  });

  it('check and passive verdicts reach precision ≥ 0.85, recall ≥ 0.70, unclear ≤ 25%, with no prior and with 1.5 and 3 logits of it', async () => {
    const rows = await runHeldout({ knowledge: ['labels'], biases: HELDOUT_BIASES });
    const shown = (r: HeldoutRow) => `${r.surface} b=${r.bias} ${r.methods.join('+')}: ${JSON.stringify(r.quality)}`;
    expect(rows.map((r) => `${r.surface} ${r.bias}`)).toEqual(HELDOUT_BIASES.flatMap((b) => [`check ${b}`, `passive ${b}`]));
    for (const r of rows) {
      expect(r.quality.n, shown(r)).toBe(loadHeldout().length);
      expect(meetsDoneWhen(r.quality), shown(r)).toBe(true);
      // Not because the policy's severity threshold filtered the simulator's `low` refusals: every impermissible verdict counted.
      expect(meetsDoneWhen(r.verdictQuality), `${shown(r)} any severity: ${JSON.stringify(r.verdictQuality)}`).toBe(true);
    }
  }, 240_000);
});
