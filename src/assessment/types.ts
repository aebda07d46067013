import { z } from 'zod';

export const STRATEGIES = ['guidance', 'evaluation', 'permissibility', 'norm-rationale'] as const;
export const strategySchema = z.enum(STRATEGIES);
export type Strategy = z.infer<typeof strategySchema>;

export const VERDICTS = ['permissible', 'impermissible', 'unclear'] as const;
export const verdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof verdictSchema>;

export const SEVERITIES = ['none', 'low', 'medium', 'high'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/**
 * How a verdict is reached (DESIGN.md §3; the frame priors of §2 are why there are four):
 * - `calibrated`: the frame answered straight into the JSON schema with token logprobs;
 *   P(impermissible) renormalised over the allowed labels, the frame's measured bias removed.
 * - `contrast`: S3 and S2 on the same action; an answer against a frame's trained lean counts.
 * - `structured`: the frame's prose, then a JSON verdict turn (inherits the frame's lean).
 * - `fast`: the frame answered straight into the JSON schema, greedy (inherits it too).
 */
export const VERDICT_METHODS = ['calibrated', 'contrast', 'structured', 'fast'] as const;
export const verdictMethodSchema = z.enum(VERDICT_METHODS);
export type VerdictMethod = z.infer<typeof verdictMethodSchema>;

/** What produced an assessment: a verdict method, or `prose` for S1/S4, which ask for no verdict. */
export const assessmentMethodSchema = z.enum([...VERDICT_METHODS, 'prose']);
export type AssessmentMethod = z.infer<typeof assessmentMethodSchema>;

/** What the core returns for any audit, on every surface (CLI --json, HTTP, adapters, store). */
export const assessmentSchema = z.object({
  strategy: strategySchema,
  verdict: verdictSchema,
  severity: severitySchema,
  /** The norm at stake, in the model's words, or null when it named none. */
  norm: z.string().nullable(),
  summary: z.string(),
  /** The model's prose answer, thinking removed. Empty for a screening assessment until elaborated. */
  text: z.string(),
  model: z.string(),
  method: assessmentMethodSchema,
  /**
   * Calibrated probability that the action is impermissible (0–1), with the frame's trained
   * lean removed; null when no method could measure one (no logprobs, or S1/S4).
   */
  score: z.number().min(0).max(1).nullable().optional(),
  /** Why the method named is not the one asked for, e.g. no logprobs from Ollama. */
  fallback: z.string().optional(),
  latencyMs: z.number().nonnegative(),
  usage: z.object({ promptTokens: z.number().int().nonnegative(), completionTokens: z.number().int().nonnegative() }),
  /** The verdict turn's raw output when it could not be parsed, kept for operators. */
  raw: z.string().optional(),
  /** True when this came from the assessment cache rather than the model. */
  cached: z.boolean().optional(),
});
export type Assessment = z.infer<typeof assessmentSchema>;
