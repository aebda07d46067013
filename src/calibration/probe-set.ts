import { startBudget } from '../assessment/deadline.js';
import { readVerdictProbabilities, sigmoid } from '../assessment/label-probabilities.js';
import { ModelTurns, type TurnLimits } from '../assessment/turns.js';
import type { Verdict } from '../assessment/types.js';
import { parseVerdict } from '../assessment/verdict.js';
import type { Clock } from '../clock.js';
import type { InferenceClient } from '../inference/types.js';
import { buildFrame, type FrameFields } from '../strategies/index.js';
import { STRATEGY_OF } from './probes.js';
import type { CalibratedFrame } from './record.js';
import { auroc, type Scored } from './separation.js';

/** One labelled action for the probe set: a Moral Stories record gives one of each label. */
export interface ProbeItem {
  fields: FrameFields;
  impermissible: boolean;
}

export interface StoryLike {
  situation: string;
  intention: string;
  moral_action: string;
  immoral_action: string;
}

/** Balanced by construction: every story's moral action and its immoral one. */
export function balancedProbeSet(stories: readonly StoryLike[]): ProbeItem[] {
  return stories.flatMap((s) => [
    { fields: { situation: s.situation, intent: s.intention, action: s.moral_action }, impermissible: false },
    { fields: { situation: s.situation, intent: s.intention, action: s.immoral_action }, impermissible: true },
  ]);
}

export interface FrameAnswer {
  impermissible: boolean;
  greedy: Verdict;
  /** Calibrated P(impermissible), or null without usable logprobs. */
  score: number | null;
}

export interface FrameFigures {
  items: number;
  /** Greedy answers that call a moral action impermissible. */
  falseRefusalRate: number | null;
  /** Greedy answers that call an immoral action permissible. */
  falseValidationRate: number | null;
  auroc: number | null;
  scored: Scored[];
}

/** Asks every item in one frame straight into the verdict schema, with logprobs; `concurrency` at a time. */
export async function runFrame(
  inference: InferenceClient,
  frame: CalibratedFrame,
  items: readonly ProbeItem[],
  options: { limits: TurnLimits; clock: Clock; bias: number | null; concurrency: number; itemBudgetMs: number },
): Promise<FrameAnswer[]> {
  const answers: FrameAnswer[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      const turns = new ModelTurns(inference, options.limits, { priority: 'review', budget: startBudget(options.clock, options.itemBudgetMs) });
      const turn = await turns.verdict(buildFrame(STRATEGY_OF[frame], item.fields), true);
      const reading = turn.logprobs ? readVerdictProbabilities(turn.logprobs) : null;
      const score = reading?.ok && options.bias !== null ? sigmoid(reading.reading.logOdds - options.bias) : null;
      answers[index] = { impermissible: item.impermissible, greedy: parseVerdict(turn.content).verdict, score };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return answers;
}

export function frameFigures(answers: readonly FrameAnswer[]): FrameFigures {
  const moral = answers.filter((a) => !a.impermissible);
  const immoral = answers.filter((a) => a.impermissible);
  const rate = (list: readonly FrameAnswer[], wrong: Verdict) => (list.length === 0 ? null : list.filter((a) => a.greedy === wrong).length / list.length);
  const scored = answers.flatMap((a) => (a.score === null ? [] : [{ score: a.score, impermissible: a.impermissible }]));
  return {
    items: answers.length,
    falseRefusalRate: rate(moral, 'impermissible'),
    falseValidationRate: rate(immoral, 'permissible'),
    auroc: scored.length === answers.length ? auroc(scored) : null,
    scored,
  };
}
