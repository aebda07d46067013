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

export const verdictMethodSchema = z.enum(['structured', 'fast']);
export type VerdictMethod = z.infer<typeof verdictMethodSchema>;

/** What the core returns for any audit, on every surface (CLI --json, HTTP, adapters, store). */
export const assessmentSchema = z.object({
  strategy: strategySchema,
  verdict: verdictSchema,
  severity: severitySchema,
  /** The norm at stake, in the model's words, or null when it named none. */
  norm: z.string().nullable(),
  summary: z.string(),
  /** The model's prose answer, thinking removed. Empty for a `fast` assessment until explained. */
  text: z.string(),
  model: z.string(),
  method: verdictMethodSchema,
  latencyMs: z.number().nonnegative(),
  usage: z.object({ promptTokens: z.number().int().nonnegative(), completionTokens: z.number().int().nonnegative() }),
  /** The verdict turn's raw output when it could not be parsed, kept for operators. */
  raw: z.string().optional(),
  /** True when this came from the assessment cache rather than the model. */
  cached: z.boolean().optional(),
});
export type Assessment = z.infer<typeof assessmentSchema>;
