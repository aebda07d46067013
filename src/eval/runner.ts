import type { AssessRequest } from '../assessment/assessor.js';
import type { Assessment, VerdictMethod } from '../assessment/types.js';
import type { Clock } from '../clock.js';
import { NormguardError } from '../errors.js';
import { EVAL_FRAMES, type EvalFrame, type EvalItem, type ItemResult } from './types.js';

export interface EvalTask {
  item: EvalItem;
  frame: EvalFrame;
  method: VerdictMethod;
}

export interface RunnerDeps {
  assess: (request: AssessRequest) => Promise<Assessment>;
  /** Items in flight at once: more than the model's slots only queues them in the scheduler. */
  concurrency: number;
  /** Each item's budget, queueing and retries included. */
  deadlineMs: number;
  clock: Clock;
  /** Stops handing out work; answers still in flight are abandoned and not recorded. */
  signal?: AbortSignal;
  onResult: (result: ItemResult) => void;
}

export interface RunOutcome {
  /** Items that produced a line (answered or failed). */
  recorded: number;
  interrupted: boolean;
}

/**
 * Asks the model about every task, `concurrency` at a time. A failure is recorded with its error
 * and the run goes on; only an interruption stops it, and the items it cut off run next time.
 */
export async function runTasks(tasks: readonly EvalTask[], deps: RunnerDeps): Promise<RunOutcome> {
  let next = 0;
  let recorded = 0;
  const worker = async (): Promise<void> => {
    while (!deps.signal?.aborted) {
      const task = tasks[next++];
      if (task === undefined) return;
      const result = await runOne(task, deps);
      if (result === null) return;
      deps.onResult(result);
      recorded++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.concurrency, tasks.length)) }, worker));
  return { recorded, interrupted: deps.signal?.aborted === true };
}

async function runOne({ item, frame, method }: EvalTask, deps: RunnerDeps): Promise<ItemResult | null> {
  const base = { id: item.id, frame, method, label: item.label, norm: item.norm };
  const started = deps.clock.now();
  try {
    const a = await deps.assess({
      strategy: EVAL_FRAMES[frame],
      fields: item.fields,
      method,
      // Review sits between interactive and passive: a batch that still must not be shed.
      priority: 'review',
      deadlineMs: deps.deadlineMs,
      signal: deps.signal,
    });
    return {
      ...base,
      prediction: a.verdict,
      severity: a.severity,
      score: scoreOf(a),
      ...(a.method !== method ? { answeredBy: a.method } : {}),
      ...(fallbackOf(a) ? { fallback: fallbackOf(a) } : {}),
      latencyMs: Math.round(a.latencyMs),
      tokens: { prompt: a.usage.promptTokens, completion: a.usage.completionTokens },
      modelNorm: a.norm,
      at: deps.clock.now(),
    };
  } catch (err) {
    if (deps.signal?.aborted) return null;
    const code = err instanceof NormguardError ? err.code : 'UNEXPECTED';
    const message = err instanceof Error ? err.message : String(err);
    return {
      ...base,
      prediction: null,
      severity: null,
      score: null,
      latencyMs: Math.max(0, Math.round(deps.clock.now() - started)),
      tokens: { prompt: 0, completion: 0 },
      error: { code, message },
      at: deps.clock.now(),
    };
  }
}

/** The calibrated P(impermissible), when the method gives one; anything else (NaN, out of range) is no score. */
function scoreOf(a: Assessment): number | null {
  const score = (a as Assessment & { score?: unknown }).score;
  return typeof score === 'number' && Number.isFinite(score) && score >= 0 && score <= 1 ? score : null;
}

function fallbackOf(a: Assessment): string | undefined {
  const fallback = (a as Assessment & { fallback?: unknown }).fallback;
  return typeof fallback === 'string' && fallback.length > 0 ? fallback : undefined;
}
