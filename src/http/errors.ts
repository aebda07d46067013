import type { z } from 'zod';
import type { FieldProblem } from '../errors.js';

/**
 * An answer other than 200, with the API's one error vocabulary: `error` is a stable snake_case
 * code, `message` one sentence, and for bad input `problems` lists each field under the name the
 * client sent with a message that never repeats that name ("is required", "must be a string").
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: string; message: string; problems?: FieldProblem[] },
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

/** Zod issues as field problems; `where` names the whole input when an issue has no path. */
export function zodProblems(error: z.ZodError, where: '(body)' | '(query)'): FieldProblem[] {
  return error.issues.map((i) => ({ field: i.path.length > 0 ? i.path.join('.') : where, message: i.message }));
}

/** One sentence for a list of problems, in the same words as the list: `intent: is required; action: is required`. */
export function problemsSentence(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}

export function badInput(problems: FieldProblem[], fallback: string): HttpError {
  return new HttpError(400, { error: 'bad_input', message: problems.length > 0 ? problemsSentence(problems) : fallback, problems });
}

/**
 * Seconds for `Retry-After`, the same whole number the error's message states ("next try in 15s"),
 * or the default when the error names no wait.
 */
export function retryAfterSeconds(retryAfterMs: number | undefined, fallbackSeconds = 30): string {
  return String(retryAfterMs === undefined ? fallbackSeconds : Math.ceil(retryAfterMs / 1000));
}
