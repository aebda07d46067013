import { APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { NormguardError } from '../errors.js';
import { serverMessage } from './classify.js';
import { visibleSoFar } from './think.js';

/** What a finished stream adds up to, before thinking is stripped. */
export interface StreamedAnswer {
  raw: string;
  finishReason: string;
  model: string | null;
  usage: { promptTokens: number; completionTokens: number };
}

/**
 * Reads an OpenAI-style stream as Ollama sends it, handing `onText` the visible answer so far.
 * A stream that ends without a finish_reason is broken (Ollama just stops when its runner
 * fails, reference/ollama.md), never a short answer: it throws, so the caller can try again.
 */
export async function readStream(chunks: AsyncIterable<ChatCompletionChunk>, url: string, onText: (soFar: string) => void): Promise<StreamedAnswer> {
  let raw = '';
  let shown = '';
  let finishReason: string | null = null;
  let model: string | null = null;
  let usage = { promptTokens: 0, completionTokens: 0 };
  try {
    for await (const chunk of chunks) {
      model ??= chunk.model ?? null;
      if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens ?? 0, completionTokens: chunk.usage.completion_tokens ?? 0 };
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      if (typeof choice.delta?.content === 'string') raw += choice.delta.content;
      if (choice.finish_reason) finishReason = choice.finish_reason;
      const visible = visibleSoFar(raw);
      if (visible !== shown) {
        shown = visible;
        onText(visible);
      }
    }
  } catch (err) {
    // An `{"error": …}` event inside a 200 stream: the SDK throws it without a status.
    if (err instanceof APIError && err.status === undefined) {
      throw new NormguardError('MODEL_UNAVAILABLE', `Ollama at ${url} failed mid-answer: ${serverMessage(err)}`, { retryable: true, cause: err });
    }
    throw err;
  }
  if (finishReason === null) {
    throw new NormguardError('MODEL_UNAVAILABLE', `Ollama at ${url} ended the stream before the answer finished`, { retryable: true });
  }
  return { raw, finishReason, model, usage };
}
