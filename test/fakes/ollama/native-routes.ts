import { findModel, noThinkingMessage, notFoundMessage, touchResidency, type Exchange, type SimState } from './context.js';
import { contentFaultApplies, generate, type Generation, type GenerationRequest } from './generation.js';
import { isObject, sendError, sendJson } from './http.js';
import { CancelledError, QueueFullError } from './latency.js';
import { parseKeepAlive, type ModelEntry } from './models.js';
import { logprobsField, logprobsOption, streamedLogprobs } from './logprob-fields.js';
import { cutPoint, nanoseconds, serveGeneration, type Served } from './serve.js';
import { textOf } from './tokens.js';

type Body = Record<string, unknown>;

interface Prepared {
  body: Body;
  model: ModelEntry;
  name: string;
  thinking: boolean;
  keepAliveMs: number | undefined;
}

/** Shared front half of /api/chat and /api/generate: model, thinking control, keep_alive. */
function prepare(state: SimState, exchange: Exchange): Prepared | undefined {
  const { res, path } = exchange;
  if (!isObject(exchange.body)) {
    sendError(res, path, 400, 'invalid request body: expected a JSON object');
    return undefined;
  }
  const body = exchange.body;
  const name = body.model;
  if (typeof name !== 'string' || name.trim() === '') {
    sendError(res, path, 400, 'model is required');
    return undefined;
  }
  const model = findModel(state, exchange, name);
  if (!model) {
    sendError(res, path, 404, notFoundMessage(name));
    return undefined;
  }
  const think = body.think;
  if (think !== undefined && think !== null) {
    if (typeof think !== 'boolean' && !(typeof think === 'string' && ['high', 'medium', 'low'].includes(think))) {
      sendError(res, path, 400, `invalid think value: ${JSON.stringify(think)} (must be "true", "false", "high", "medium", or "low")`);
      return undefined;
    }
    if (!model.thinking) {
      sendError(res, path, 400, noThinkingMessage(name));
      return undefined;
    }
  }
  const thinking = model.thinking && think !== false;
  return { body, model, name, thinking, keepAliveMs: parseKeepAlive(body.keep_alive) };
}

function formatOf(format: unknown): GenerationRequest['format'] | 'invalid' {
  if (format === undefined || format === null || format === '') return { kind: 'text' };
  if (format === 'json') return { kind: 'json' };
  if (isObject(format)) return { kind: 'schema', schema: format };
  return 'invalid';
}

function optionsOf(body: Body): Pick<GenerationRequest, 'maxTokens' | 'stop'> {
  const options = isObject(body.options) ? body.options : {};
  const maxTokens = typeof options.num_predict === 'number' && options.num_predict > 0 ? options.num_predict : undefined;
  const stop = Array.isArray(options.stop)
    ? options.stop.filter((s): s is string => typeof s === 'string')
    : typeof options.stop === 'string'
      ? [options.stop]
      : undefined;
  return { maxTokens, stop };
}

/**
 * A request with nothing to answer only loads (or, with keep_alive 0, unloads) the model:
 * this is how clients warm Ollama up and pin it in memory.
 */
async function loadOnly(state: SimState, exchange: Exchange, prepared: Prepared, reply: Body): Promise<void> {
  const base = { model: prepared.name, created_at: new Date().toISOString(), ...reply };
  if (prepared.keepAliveMs === 0) {
    state.scheduler.setLoaded(false);
    sendJson(exchange.res, 200, { ...base, done_reason: 'unload', done: true });
    return;
  }
  try {
    await state.scheduler.ensureLoaded(exchange.signal);
  } catch (error) {
    return answerSchedulingError(exchange, error);
  }
  touchResidency(state, prepared.model, prepared.keepAliveMs);
  sendJson(exchange.res, 200, { ...base, done_reason: 'load', done: true });
}

export function answerSchedulingError(exchange: Exchange, error: unknown): void {
  if (error instanceof QueueFullError) return sendError(exchange.res, exchange.path, 503, error.message);
  if (error instanceof CancelledError) return;
  throw error;
}

function figures(generation: Generation, served: Served): Body {
  // Ollama omits zero timings (omitempty), so clients must treat a missing one as unknown.
  const out: Body = { done_reason: generation.finishReason, done: true, total_duration: Math.max(1, nanoseconds(served.totalMs)) };
  if (served.loadMs > 0) out.load_duration = nanoseconds(served.loadMs);
  out.prompt_eval_count = generation.promptTokens;
  if (served.prefillMs > 0) out.prompt_eval_duration = nanoseconds(served.prefillMs);
  out.eval_count = generation.completionTokens;
  if (served.decodeMs > 0) out.eval_duration = nanoseconds(served.decodeMs);
  return out;
}

/** Builds the NDJSON or single-object answer; `shape` says how a route names its text fields. */
async function answer(
  state: SimState,
  exchange: Exchange,
  prepared: Prepared,
  request: GenerationRequest,
  shape: (content: string, thinking: string) => Body,
): Promise<void> {
  const fault = state.faults.takeContent(exchange.route, (f) => contentFaultApplies(f, request));
  const generation = generate(request, state.generation, fault);
  const stream = prepared.body.stream !== false;
  const cut = stream && state.faults.takeStreamFault(exchange.route) ? cutPoint(generation) : undefined;
  const { res } = exchange;
  // Native routes put logprobs at the top level, outside `message` (api/types.go ChatResponse).
  const logprobs = logprobsField(state, exchange, request, generation);
  const nextLogprobs = streamedLogprobs(logprobs);
  const withLogprobs = (value: unknown) => (value !== undefined ? { logprobs: value } : {});
  const head = () => ({ model: prepared.name, created_at: new Date().toISOString() });
  let served: Served;
  try {
    served = await serveGeneration(
      state,
      exchange,
      prepared.model,
      generation,
      prepared.keepAliveMs,
      stream
        ? {
            begin: () => res.writeHead(200, { 'content-type': 'application/x-ndjson' }),
            ...(cut !== undefined ? { cutAfterContentPieces: cut } : {}),
            piece: (p) =>
              res.write(
                `${JSON.stringify({
                  ...head(),
                  ...(p.kind === 'content' ? { ...shape(p.text, ''), ...withLogprobs(nextLogprobs(p.text)) } : shape('', p.text)),
                  done: false,
                })}\n`,
              ),
          }
        : undefined,
    );
  } catch (error) {
    return answerSchedulingError(exchange, error);
  }
  if (served.cut) {
    // A runner that fails mid-answer: Ollama writes an error line and never sends done:true.
    res.end(`${JSON.stringify({ error: 'an error was encountered while running the model: unexpected EOF' })}\n`);
  } else if (stream) {
    res.end(`${JSON.stringify({ ...head(), ...shape('', ''), ...figures(generation, served) })}\n`);
  } else {
    sendJson(res, 200, { ...head(), ...shape(generation.content, generation.thinking), ...withLogprobs(logprobs), ...figures(generation, served) });
  }
}

export async function nativeChat(state: SimState, exchange: Exchange): Promise<void> {
  const prepared = prepare(state, exchange);
  if (!prepared) return;
  const { body } = prepared;
  const messages = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
  if (messages.length === 0) {
    return loadOnly(state, exchange, prepared, { message: { role: 'assistant', content: '' } });
  }
  const format = formatOf(body.format);
  if (format === 'invalid') return sendError(exchange.res, exchange.path, 400, 'invalid format: expected "json" or a JSON schema');
  const logprobs = logprobsOption(state, body);
  if (typeof logprobs === 'string') return sendError(exchange.res, exchange.path, 400, logprobs);
  const request: GenerationRequest = {
    messages: messages.map((m) => ({ role: String(m.role ?? 'user'), content: textOf(m.content) })),
    format,
    thinking: prepared.thinking,
    ...optionsOf(body),
    logprobs,
  };
  return answer(state, exchange, prepared, request, (content, thinking) => ({
    message: { role: 'assistant', content, ...(thinking ? { thinking } : {}) },
  }));
}

export async function nativeGenerate(state: SimState, exchange: Exchange): Promise<void> {
  const prepared = prepare(state, exchange);
  if (!prepared) return;
  const { body } = prepared;
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  if (prompt.trim() === '') return loadOnly(state, exchange, prepared, { response: '' });
  const format = formatOf(body.format);
  if (format === 'invalid') return sendError(exchange.res, exchange.path, 400, 'invalid format: expected "json" or a JSON schema');
  const system = typeof body.system === 'string' && body.system !== '' ? [{ role: 'system', content: body.system }] : [];
  const logprobs = logprobsOption(state, body);
  if (typeof logprobs === 'string') return sendError(exchange.res, exchange.path, 400, logprobs);
  const request: GenerationRequest = {
    messages: [...system, { role: 'user', content: prompt }],
    format,
    thinking: prepared.thinking,
    ...optionsOf(body),
    logprobs,
  };
  return answer(state, exchange, prepared, request, (content, thinking) => ({ response: content, ...(thinking ? { thinking } : {}) }));
}
