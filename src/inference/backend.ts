import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Clock } from '../clock.js';
import { NormguardError, errorCodeOf } from '../errors.js';
import type { Logger } from '../logger.js';
import { CircuitBreaker } from './breaker.js';
import { classifyError, isThinkingUnsupported, modelMissing } from './classify.js';
import { readLogprobs } from './logprobs.js';
import { readStream } from './stream.js';
import { stripThinking } from './think.js';
import type { BackendHealth, ChatMessage, Completion } from './types.js';

/** The model card's sampling. Ollama substitutes 1.0 for an omitted temperature or top_p
 * (reference/ollama.md), so they go on every request. repeat_penalty lives in the Modelfile:
 * the OpenAI-compatible endpoint cannot carry it. */
export const SAMPLING = { temperature: 0.2, top_p: 0.9 } as const;

export interface BackendOptions {
  url: string;
  model: string;
  slots: number;
  keepAlive: string;
  requestTimeoutMs: number;
  coldStartTimeoutMs: number;
  connectTimeoutMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  clock: Clock;
  logger: Logger;
}

export interface AttemptRequest {
  messages: ChatMessage[];
  maxTokens: number;
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  logprobs?: { top: number };
  signal: AbortSignal;
  /** The most this attempt may take; the scheduler passes what is left of the caller's deadline. */
  timeoutMs: number;
  /** Stream the answer, handing this the visible text so far (thinking removed) as it arrives. */
  onText?: (soFar: string) => void;
}

/** One answer as received, before thinking is stripped. */
interface Answer {
  raw: string;
  finishReason: string;
  model: string | null;
  usage: { promptTokens: number; completionTokens: number };
  logprobs?: unknown;
}

/** One Ollama host: the openai SDK for completions, native /api calls for health and warm-up. */
export class OllamaBackend {
  readonly url: string;
  readonly slots: number;
  readonly breaker: CircuitBreaker;
  active = 0;
  /** Whether the model is known to be loaded; until then calls get the cold-start allowance. */
  warm = false;
  thinking: 'supported' | 'unsupported' | 'unknown' = 'unknown';
  /** Learnt from answers: a server before Ollama 0.12.11 (or a proxy) silently drops the request fields. */
  logprobs: 'supported' | 'unsupported' | 'unknown' = 'unknown';
  private readonly sdk: OpenAI;
  private capabilitiesChecked: Promise<void> | null = null;

  constructor(private readonly options: BackendOptions) {
    this.url = options.url;
    this.slots = options.slots;
    this.breaker = new CircuitBreaker(options.breakerThreshold, options.breakerCooldownMs, options.clock);
    // Retries belong to the scheduler (it can pick another host and respects deadlines); the
    // SDK's default 10-minute timeout and 2 retries would triple the worst case and hide outages.
    this.sdk = new OpenAI({ baseURL: `${options.url}/v1`, apiKey: 'ollama', maxRetries: 0, timeout: options.requestTimeoutMs });
  }

  /** How long one attempt may take before we give up: longer while the model may be loading. */
  attemptTimeoutMs(): number {
    return this.warm ? this.options.requestTimeoutMs : this.options.coldStartTimeoutMs;
  }

  async complete(req: AttemptRequest): Promise<Completion> {
    await this.checkCapabilities();
    const started = this.options.clock.now();
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.options.model,
      messages: req.messages,
      max_tokens: req.maxTokens,
      temperature: SAMPLING.temperature,
      top_p: SAMPLING.top_p,
      stream: false,
      ...(req.jsonSchema
        ? { response_format: { type: 'json_schema', json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema, strict: true } } }
        : {}),
      ...(req.logprobs ? { logprobs: true, top_logprobs: Math.max(0, Math.min(20, Math.floor(req.logprobs.top))) } : {}),
    };
    // Thinking must be off for audits; "none" is the OpenAI-compatible way to say so. A model
    // without a thinking-capable template answers that control with a 400 instead.
    if (this.thinking !== 'unsupported') body.reasoning_effort = 'none';
    const answer = await this.withThinkingFallback(body, req.timeoutMs, (b) => (req.onText ? this.streamed(b, req, req.onText) : this.whole(b, req)));
    this.warm = true;
    const content = stripThinking(answer.raw);
    if (content.length === 0) {
      // Nothing but (possibly cut-off) thinking, or nothing at all: worth one more try, not an answer.
      throw new NormguardError('BAD_OUTPUT', `Ollama at ${this.url} returned an empty answer${answer.raw.length > 0 ? ' (only thinking)' : ''}`, { retryable: true });
    }
    return {
      ...this.logprobsOf(req, answer.logprobs),
      content,
      finishReason: answer.finishReason,
      model: answer.model ?? this.options.model,
      backend: this.url,
      latencyMs: this.options.clock.now() - started,
      usage: answer.usage,
    };
  }

  /** Sends the request; once more without thinking control if the model turns that down. */
  private async withThinkingFallback(
    body: ChatCompletionCreateParamsNonStreaming,
    timeoutMs: number,
    send: (body: ChatCompletionCreateParamsNonStreaming) => Promise<Answer>,
  ): Promise<Answer> {
    const ctx = { url: this.url, model: this.options.model, timeoutMs };
    try {
      return await send(body);
    } catch (err) {
      if (!isThinkingUnsupported(err) || body.reasoning_effort === undefined) throw classifyError(err, ctx);
      this.thinking = 'unsupported';
      this.options.logger.warn({ backend: this.url }, 'model does not support thinking control; sending requests without it');
      delete body.reasoning_effort;
      try {
        return await send(body);
      } catch (retryErr) {
        throw classifyError(retryErr, ctx);
      }
    }
  }

  private async whole(body: ChatCompletionCreateParamsNonStreaming, req: AttemptRequest): Promise<Answer> {
    const response = await this.sdk.chat.completions.create(body, { signal: req.signal, timeout: req.timeoutMs });
    const choice = response.choices?.[0];
    const raw = choice?.message?.content;
    if (typeof raw !== 'string') {
      throw new NormguardError('BAD_OUTPUT', `Ollama at ${this.url} returned no message content`, { retryable: true });
    }
    return {
      raw,
      finishReason: choice?.finish_reason ?? 'unknown',
      model: response.model ?? null,
      usage: { promptTokens: response.usage?.prompt_tokens ?? 0, completionTokens: response.usage?.completion_tokens ?? 0 },
      logprobs: choice?.logprobs,
    };
  }

  /**
   * The prose a person is waiting to read, token by token. The SDK's timeout ends at the
   * headers, so the attempt's own timer covers the whole body; a stream that stops early throws.
   */
  private async streamed(body: ChatCompletionCreateParamsNonStreaming, req: AttemptRequest, onText: (soFar: string) => void): Promise<Answer> {
    const attempt = AbortSignal.timeout(req.timeoutMs);
    const signal = AbortSignal.any([req.signal, attempt]);
    try {
      const chunks = await this.sdk.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal, timeout: req.timeoutMs });
      return await readStream(chunks, this.url, onText);
    } catch (err) {
      if (attempt.aborted && !req.signal.aborted) {
        throw new NormguardError('TIMEOUT', `no whole answer from ${this.url} within ${Math.round(req.timeoutMs / 1000)}s`, { retryable: true, cause: err });
      }
      throw err;
    }
  }

  /** The answer's logprobs when they were asked for; records whether this host sends them. */
  private logprobsOf(req: AttemptRequest, raw: unknown): Pick<Completion, 'logprobs' | 'logprobsProblem'> {
    if (!req.logprobs) return {};
    const reading = readLogprobs(raw);
    if (reading.logprobs !== null) {
      this.logprobs = 'supported';
      return { logprobs: reading.logprobs };
    }
    if (reading.problem === 'missing' && this.logprobs !== 'unsupported') {
      this.options.logger.warn(
        { backend: this.url },
        'Ollama sent no logprobs (it needs 0.12.11 or newer, and no proxy that drops them); verdicts fall back to the two-frame contrast',
      );
    }
    if (reading.problem === 'missing') this.logprobs = 'unsupported';
    else this.options.logger.warn({ backend: this.url }, 'Ollama sent unreadable logprobs (malformed or NaN); this answer is scored without them');
    return { logprobs: null, logprobsProblem: reading.problem };
  }

  /** The installed model's digest from `/api/tags`, which changes whenever the model is re-pulled or re-created. */
  async modelDigest(): Promise<string | null> {
    const tags = await this.native('/api/tags');
    if (!tags.ok) return null;
    const models = ((await tags.json()) as { models?: Array<{ name?: string; digest?: unknown }> }).models ?? [];
    const entry = models.find((m) => sameModel(m.name ?? '', this.options.model));
    return typeof entry?.digest === 'string' && entry.digest.length > 0 ? entry.digest : null;
  }

  /** Asks /api/show once whether the model can think; unknown is fine (the 400 fallback covers it). */
  private checkCapabilities(): Promise<void> {
    this.capabilitiesChecked ??= this.show()
      .then((show) => {
        if (show) this.thinking = show.capabilities.includes('thinking') ? 'supported' : 'unsupported';
      })
      .catch((err: unknown) => {
        // Unknown is fine (the 400 fallback covers it); ask again next time, and say why at debug.
        this.options.logger.debug({ err, code: errorCodeOf(err), backend: this.url }, 'could not read the model capabilities');
        this.capabilitiesChecked = null;
      });
    return this.capabilitiesChecked;
  }

  /** `POST /api/show`: null when the model is absent. */
  async show(): Promise<{ capabilities: string[] } | null> {
    const res = await this.native('/api/show', { model: this.options.model });
    if (res.status === 404) return null;
    if (!res.ok) throw new NormguardError('MODEL_UNAVAILABLE', `Ollama at ${this.url} answered ${res.status} to /api/show`, { retryable: true });
    const body = (await res.json()) as { capabilities?: unknown };
    return { capabilities: Array.isArray(body.capabilities) ? body.capabilities.filter((c): c is string => typeof c === 'string') : [] };
  }

  /** Loads the model and keeps it loaded, so the first user does not pay the load time. */
  async warmUp(): Promise<void> {
    const res = await this.native(
      '/api/chat',
      { model: this.options.model, messages: [], keep_alive: keepAliveValue(this.options.keepAlive), stream: false },
      this.options.coldStartTimeoutMs,
    );
    if (res.status === 404) throw modelMissing(this.url, this.options.model);
    if (!res.ok) throw new NormguardError('MODEL_UNAVAILABLE', `warm-up on ${this.url} answered ${res.status}`, { retryable: true });
    await res.text();
    this.warm = true;
  }

  /** What /readyz and `normguard doctor` report: reachable, model installed, loaded, thinking. */
  async health(): Promise<BackendHealth> {
    const base: BackendHealth = {
      url: this.url,
      reachable: false,
      modelPresent: false,
      loaded: null,
      thinking: this.thinking,
      logprobs: this.logprobs,
      breaker: this.breaker.state,
    };
    try {
      const tags = await this.native('/api/tags');
      if (!tags.ok) return { ...base, error: `/api/tags answered ${tags.status}` };
      const installed = (((await tags.json()) as { models?: Array<{ name?: string }> }).models ?? []).map((m) => m.name ?? '');
      const present = installed.some((name) => sameModel(name, this.options.model));
      const health: BackendHealth = { ...base, reachable: true, modelPresent: present };
      if (!present) return { ...health, error: modelMissing(this.url, this.options.model).message };
      await this.checkCapabilities();
      const ps = await this.native('/api/ps');
      if (ps.ok) {
        const loaded = (((await ps.json()) as { models?: Array<{ name?: string }> }).models ?? []).some((m) => sameModel(m.name ?? '', this.options.model));
        health.loaded = loaded;
        this.warm = loaded;
      }
      return { ...health, thinking: this.thinking, logprobs: this.logprobs };
    } catch (err) {
      return { ...base, error: classifyError(err, { url: this.url, model: this.options.model, timeoutMs: this.options.connectTimeoutMs }).message };
    }
  }

  private async native(path: string, body?: unknown, timeoutMs = this.options.connectTimeoutMs): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw classifyError(err, { url: this.url, model: this.options.model, timeoutMs });
    }
  }
}

/** `normguard` and `normguard:latest` name the same model; Ollama adds `:latest` to a bare name. */
export function sameModel(installed: string, wanted: string): boolean {
  const norm = (n: string) => (n.includes(':') ? n : `${n}:latest`);
  return norm(installed) === norm(wanted);
}

function keepAliveValue(keepAlive: string): string | number {
  return /^-?\d+$/.test(keepAlive) ? Number(keepAlive) : keepAlive;
}
