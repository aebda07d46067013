import type { Clock } from '../clock.js';
import { NormguardError } from '../errors.js';

/** What is left of one assessment's budget, asked afresh before each model call. */
export interface Budget {
  remainingMs(): number | undefined;
  /** The error to report: a timeout at the overall deadline names the caller's whole budget. */
  timeoutOf(err: unknown): unknown;
}

/** One budget for every model call of an assessment, counted from now; none when `budgetMs` is undefined. */
export function startBudget(clock: Clock, budgetMs: number | undefined): Budget {
  if (budgetMs === undefined) return { remainingMs: () => undefined, timeoutOf: (err) => err };
  const deadlineAt = clock.now() + budgetMs;
  const timeout = (cause?: unknown) =>
    new NormguardError('TIMEOUT', `no answer from the model within ${+(budgetMs / 1000).toFixed(1)}s`, { retryable: false, cause });
  return {
    remainingMs: () => {
      const left = deadlineAt - clock.now();
      if (left <= 0) throw timeout();
      return left;
    },
    // A later call times out with only the rest of the budget; the caller should hear the whole one.
    timeoutOf: (err) => (err instanceof NormguardError && err.code === 'TIMEOUT' && clock.now() >= deadlineAt - 5 ? timeout(err) : err),
  };
}
