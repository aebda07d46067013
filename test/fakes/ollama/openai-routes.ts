import { findModel, installedModels, noThinkingMessage, notFoundMessage, type Exchange, type SimState } from './context.js';
import { contentFaultApplies, generate, type Generation, type GenerationRequest } from './generation.js';
import { isObject, sendError, sendJson } from './http.js';
import { openAiModel } from './models.js';
import { answerSchedulingError } from './native-routes.js';
import { logprobsField, logprobsOption, streamedLogprobs } from './logprob-fields.js';
import { cutPoint, serveGeneration, type Served } from './serve.js';
import { textOf } from './tokens.js';

const EFFORTS = ['high', 'medium', 'low', 'none'];

function responseFormatOf(value: unknown): GenerationRequest['format'] | string {
  if (value === undefined || value === null) return { kind: 'text' };
  if (!isObject(value)) return 'response_format must be an object';
  switch (value.type) {
    case 'text':
      return { kind: 'text' };
    case 'json_object':
      return { kind: 'json' };
    case 'json_schema': {
      const schema = isObject(value.json_schema) ? value.json_schema.schema : undefined;
      return isObject(schema) ? { kind: 'schema', schema } : { kind: 'json' };
    }
    default:
      return `invalid response_format type: ${JSON.stringify(value.type)}`;
  }
}

/**
 * OpenAI-compatible chat completions, honouring only the fields Ollama's compatibility layer
 * reads (reference/ollama.md); anything else, e.g. max_completion_tokens, is ignored as there.
 */
export async function openAiChat(state: SimState, exchange: Exchange): Promise<void> {
  const { res, path } = exchange;
  const fail = (status: number, message: string) => sendError(res, path, status, message);
  if (!isObject(exchange.body)) return fail(400, 'invalid request body: expected a JSON object');
  const body = exchange.body;
  const name = body.model;
  if (typeof name !== 'string' || name.trim() === '') return fail(400, 'model is required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return fail(400, 'messages is required');

  const hasReasoningControl =
    (body.reasoning_effort !== undefined && body.reasoning_effort !== null) ||
    (body.reasoning !== undefined && body.reasoning !== null);
  const effort = body.reasoning_effort ?? (isObject(body.reasoning) ? body.reasoning.effort : undefined);
  if (hasReasoningControl && !(typeof effort === 'string' && EFFORTS.includes(effort))) {
    return fail(400, `invalid reasoning value: ${JSON.stringify(effort ?? null)} (must be "high", "medium", "low", or "none")`);
  }

  const model = findModel(state, exchange, name);
  if (!model) return fail(404, notFoundMessage(name));
  if (hasReasoningControl && !model.thinking) return fail(400, noThinkingMessage(name));

  const format = responseFormatOf(body.response_format);
  if (typeof format === 'string') return fail(400, format);

  const logprobs = logprobsOption(state, body);
  if (typeof logprobs === 'string') return fail(400, logprobs);

  const stop = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? body.stop.filter((s): s is string => typeof s === 'string') : undefined;
  const request: GenerationRequest = {
    messages: body.messages.filter(isObject).map((m) => ({ role: String(m.role ?? 'user'), content: textOf(m.content) })),
    format,
    thinking: model.thinking && effort !== 'none',
    maxTokens: typeof body.max_tokens === 'number' && body.max_tokens > 0 ? body.max_tokens : undefined,
    stop,
    logprobs,
  };

  const fault = state.faults.takeContent(exchange.route, (f) => contentFaultApplies(f, request));
  const generation = generate(request, state.generation, fault);
  const id = `chatcmpl-${state.nextId()}`;
  const created = Math.floor(Date.now() / 1000);
  const envelope = { id, created, model: name, system_fingerprint: 'fp_ollama' };
  const logprobsValue = logprobsField(state, exchange, request, generation);
  const usage = {
    prompt_tokens: generation.promptTokens,
    completion_tokens: generation.completionTokens,
    total_tokens: generation.promptTokens + generation.completionTokens,
  };

  if (body.stream === true) {
    const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
    const send = (chunk: object) => res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    const nextLogprobs = streamedLogprobs(logprobsValue);
    // As Ollama's middleware writes them (middleware/openai.go): the role on the first chunk
    // only, thinking in `reasoning`, then a finish chunk with an empty delta.
    let first = true;
    const chunk = (delta: object, finishReason: string | null, content?: unknown[]) => {
      const role = first ? { role: 'assistant' } : {};
      first = false;
      return {
        id,
        object: 'chat.completion.chunk',
        created,
        model: name,
        system_fingerprint: 'fp_ollama',
        choices: [{ index: 0, delta: { ...role, ...delta }, finish_reason: finishReason, ...(content ? { logprobs: { content } } : {}) }],
      };
    };
    const cut = state.faults.takeStreamFault(exchange.route) ? cutPoint(generation) : undefined;
    let served: Served;
    try {
      served = await serveGeneration(state, exchange, model, generation, undefined, {
        begin: () => res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }),
        piece: (p) =>
          send(p.kind === 'content' ? chunk({ content: p.text }, null, nextLogprobs(p.text)) : chunk({ content: '', reasoning: p.text }, null)),
        ...(cut !== undefined ? { cutAfterContentPieces: cut } : {}),
      });
    } catch (error) {
      return answerSchedulingError(exchange, error);
    }
    if (served.cut) {
      // Ollama turns its runner's error line into one more empty chunk, then the body just ends.
      send(chunk({ content: '' }, null));
      res.end();
      return;
    }
    send(chunk({}, generation.finishReason));
    if (includeUsage) send({ id, object: 'chat.completion.chunk', created, model: name, system_fingerprint: 'fp_ollama', choices: [], usage });
    res.end('data: [DONE]\n\n');
    return;
  }

  try {
    await serveGeneration(state, exchange, model, generation, undefined);
  } catch (error) {
    return answerSchedulingError(exchange, error);
  }
  sendJson(res, 200, {
    ...envelope,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: message(generation),
        finish_reason: generation.finishReason,
        ...(logprobsValue !== undefined ? { logprobs: { content: logprobsValue } } : {}),
      },
    ],
    usage,
  });
}

function message(generation: Generation) {
  return {
    role: 'assistant',
    content: generation.content,
    ...(generation.thinking ? { reasoning: generation.thinking } : {}),
  };
}

export async function openAiModels(state: SimState, exchange: Exchange): Promise<void> {
  sendJson(exchange.res, 200, { object: 'list', data: installedModels(state, exchange).map(openAiModel) });
}

export async function openAiModelById(state: SimState, exchange: Exchange): Promise<void> {
  const name = decodeURIComponent(exchange.path.slice('/v1/models/'.length));
  const model = findModel(state, exchange, name);
  if (!model) return sendError(exchange.res, exchange.path, 404, notFoundMessage(name));
  sendJson(exchange.res, 200, openAiModel(model));
}
