import { readVerdictProbabilities } from '../assessment/label-probabilities.js';
import type { Budget } from '../assessment/deadline.js';
import { ModelTurns, type TurnLimits } from '../assessment/turns.js';
import type { InferenceClient, Priority } from '../inference/types.js';
import { buildFrame, CONTEXT_LABELS, INTENT_LABELS, type FrameFields } from '../strategies/index.js';
import type { CalibratedFrame, FrameCalibration } from './record.js';

/**
 * Contextual calibration (Zhao et al., 2021, "Calibrate Before Use"): ask each frame about
 * inputs that carry no content. Whatever the model then prefers is the frame's own lean, which
 * is subtracted from real answers' log-odds.
 */
export const CONTENT_FREE_FIELDS: FrameFields[] = [
  { situation: 'N/A', intent: 'N/A', action: 'N/A' },
  { situation: '[MASK]', intent: '[MASK]', action: '[MASK]' },
  { situation: 'None', intent: 'None', action: 'None' },
  { situation: 'N/A', intent: 'N/A', action: '...' },
];

export const STRATEGY_OF: Record<CalibratedFrame, 'evaluation' | 'permissibility'> = { S2: 'evaluation', S3: 'permissibility' };

/**
 * A probe needs only the verdict's first token (the 4th or so of the answer), not a whole
 * verdict: cutting it short keeps start-up calibration cheap on the GPU.
 */
export const PROBE_MAX_TOKENS = 24;

export type ProbeOutcome = { logprobs: true; calibration: FrameCalibration } | { logprobs: false; problem: string };

/** Runs `count` content-free probes in one frame (label synonyms rotate, as in training). */
export async function probeFrame(
  inference: InferenceClient,
  frame: CalibratedFrame,
  options: { count: number; limits: TurnLimits; priority: Priority; budget: Budget; signal?: AbortSignal },
): Promise<ProbeOutcome> {
  const limits = { ...options.limits, verdictMaxTokens: Math.min(options.limits.verdictMaxTokens, PROBE_MAX_TOKENS) };
  const turns = new ModelTurns(inference, limits, { priority: options.priority, budget: options.budget, signal: options.signal });
  const answers = await Promise.all(
    Array.from({ length: options.count }, (_, i) => {
      const fields = CONTENT_FREE_FIELDS[i % CONTENT_FREE_FIELDS.length]!;
      const labels = { context: CONTEXT_LABELS[i % 3]!, intent: INTENT_LABELS[i % 3]!, guideline: 'ethical guideline' as const };
      return turns.verdict(buildFrame(STRATEGY_OF[frame], fields, labels), true);
    }),
  );
  const odds: number[] = [];
  for (const turn of answers) {
    if (!turn.logprobs) return { logprobs: false, problem: turn.logprobsProblem === 'malformed' ? 'unreadable logprobs' : 'no logprobs' };
    const reading = readVerdictProbabilities(turn.logprobs);
    if (reading.ok) odds.push(reading.reading.logOdds);
  }
  if (odds.length === 0) return { logprobs: false, problem: 'no probe answer could be read' };
  return { logprobs: true, calibration: { bias: odds.reduce((a, b) => a + b, 0) / odds.length, probes: odds.length } };
}
