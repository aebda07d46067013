import { z } from 'zod';
import { strategySchema, verdictMethodSchema } from '../assessment/types.js';

const ALIASES: Record<string, string> = { advise: 'guidance', evaluate: 'evaluation', check: 'permissibility', why: 'norm-rationale' };

const text = (name: string) => z.string({ error: `${name} must be a string` }).max(20_000, `${name} is too long (20000 characters at most)`);

/** The body of POST /v1/assess. Field checks beyond shape (required per frame) happen in buildFrame. */
export const assessBodySchema = z
  .object({
    strategy: z.preprocess((v) => (typeof v === 'string' ? (ALIASES[v] ?? v) : v), strategySchema),
    situation: text('situation'),
    intent: text('intent').optional(),
    action: text('action').optional(),
    norm: text('norm').optional(),
    method: verdictMethodSchema.optional(),
  })
  .strict();
export type AssessBody = z.infer<typeof assessBodySchema>;
