import type { Strategy } from './types.js';

/**
 * The follow-up turn of the `structured` method. It comes after the model has answered in its
 * trained frame, so the verdict is drawn from that answer rather than decided afresh.
 */
export function verdictQuestion(strategy: Strategy): string {
  const subject =
    strategy === 'guidance' || strategy === 'norm-rationale'
      ? 'the intended course of action in this situation'
      : 'the action in question';
  return (
    `Summarise your answer as JSON. verdict: whether ${subject} is permissible, impermissible or unclear; ` +
    'severity: how much harm it risks (none, low, medium or high); norm: the social norm at stake, in one sentence; ' +
    'summary: your assessment in one short sentence.'
  );
}
