import { z } from 'zod';
import type { TokenLogprob } from './types.js';

/**
 * Reads `choices[0].logprobs.content` (OpenAI-compatible endpoint, Ollama ≥ 0.12.11:
 * `[{token, logprob, top_logprobs?: [{token, logprob}]}]`, `bytes` omitted when empty).
 * Strict on numbers: a NaN, a string or a positive log-probability makes the whole answer
 * unreadable rather than quietly wrong. Never throws.
 */
const logprob = z.number().refine((n) => Number.isFinite(n) && n <= 1e-6, 'not a log-probability');
const alternative = z.object({ token: z.string(), logprob });
const entry = z.object({ token: z.string(), logprob, top_logprobs: z.array(alternative).nullish() });
const content = z.array(entry).min(1);

export type LogprobsReading = { logprobs: TokenLogprob[] } | { logprobs: null; problem: 'missing' | 'malformed' };

export function readLogprobs(choiceLogprobs: unknown): LogprobsReading {
  if (choiceLogprobs === undefined || choiceLogprobs === null) return { logprobs: null, problem: 'missing' };
  const list = typeof choiceLogprobs === 'object' ? (choiceLogprobs as { content?: unknown }).content : undefined;
  if (list === undefined || list === null) return { logprobs: null, problem: 'missing' };
  const parsed = content.safeParse(list);
  if (!parsed.success) return { logprobs: null, problem: 'malformed' };
  return {
    logprobs: parsed.data.map((t) => ({
      token: t.token,
      logprob: t.logprob,
      ...(t.top_logprobs ? { topLogprobs: t.top_logprobs.map((a) => ({ token: a.token, logprob: a.logprob })) } : {}),
    })),
  };
}
