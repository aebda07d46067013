import type { Exchange, SimState } from './context.js';
import type { Generation, GenerationRequest } from './generation.js';
import { damagedLogprobs, tokenLogprobs } from './logprobs.js';

const TOP_LOGPROBS_RANGE = 'top_logprobs must be between 0 and 20';

/**
 * Reads `logprobs` / `top_logprobs` as Ollama ≥ 0.12.11 does on both /api/chat and /v1 (server
 * routes.go: 400 outside 0..20). A simulator playing an older Ollama ignores both fields, as
 * an older server ignores any field it does not know.
 */
export function logprobsOption(state: SimState, body: Record<string, unknown>): GenerationRequest['logprobs'] | string {
  if (!state.logprobs) return undefined;
  const top = body.top_logprobs;
  if (top !== undefined && top !== null && (typeof top !== 'number' || !Number.isInteger(top) || top < 0 || top > 20)) {
    return TOP_LOGPROBS_RANGE;
  }
  if (body.logprobs !== true) return undefined;
  return { top: typeof top === 'number' ? top : 0 };
}

/** The `logprobs` value for a response, or undefined to leave the field out (as Go's omitempty does). */
export function logprobsField(state: SimState, exchange: Exchange, request: GenerationRequest, generation: Generation): unknown {
  if (!request.logprobs) return undefined;
  const tokens = tokenLogprobs(generation.content, generation.decision, request.logprobs.top);
  const fault = state.faults.takeLogprobFault(exchange.route);
  const out = fault ? damagedLogprobs(tokens, fault) : tokens;
  return Array.isArray(out) && out.length === 0 ? undefined : out;
}

/**
 * Hands out the tokens of a streamed answer piece by piece: each chunk carries the tokens that
 * end inside the text it sends, as a streaming Ollama sends each token's numbers with it.
 */
export function streamedLogprobs(value: unknown): (text: string) => unknown[] | undefined {
  if (!Array.isArray(value)) return () => undefined;
  const tokens = value as Array<{ token?: unknown }>;
  let sent = 0;
  let next = 0;
  let tokenEnd = 0;
  return (text) => {
    sent += text.length;
    const out: unknown[] = [];
    while (next < tokens.length) {
      const token = tokens[next];
      const length = typeof token?.token === 'string' ? token.token.length : 0;
      if (tokenEnd + length > sent) break;
      tokenEnd += length;
      out.push(token);
      next++;
    }
    return out.length > 0 ? out : undefined;
  };
}
