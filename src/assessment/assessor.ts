import type { Clock } from '../clock.js';
import { NormguardError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Completion, InferenceClient, Priority } from '../inference/types.js';
import { buildFrame, DEFAULT_LABELS, type Frame, type FrameFields, type FrameLabels } from '../strategies/index.js';
import { cacheKey } from '../store/assessment-cache.js';
import { verdictQuestion } from './prompts.js';
import type { Assessment, Strategy, VerdictMethod } from './types.js';
import { parseVerdict, VERDICT_JSON_SCHEMA } from './verdict.js';

/** The slice of the assessment cache the assessor needs (the store provides it). */
export interface AssessmentCachePort {
  get(key: string): Promise<Assessment | null>;
  set(key: string, assessment: Assessment, ttlMs: number): Promise<void>;
}

export interface AssessorOptions {
  inference: InferenceClient;
  method: VerdictMethod;
  maxTokens: number;
  verdictMaxTokens: number;
  cache?: AssessmentCachePort;
  cacheTtlMs: number;
  clock: Clock;
  logger: Logger;
  /**
   * The caller's whole budget per priority (the same numbers the inference client uses per
   * call). A `structured` assessment is two calls; without this each would get the full budget
   * and an interactive caller could wait up to twice its deadline.
   */
  deadlines?: Partial<Record<Priority, number>>;
}

export interface AssessRequest {
  strategy: Strategy;
  fields: FrameFields;
  priority: Priority;
  method?: VerdictMethod;
  labels?: FrameLabels;
  signal?: AbortSignal;
  deadlineMs?: number;
  /**
   * `false`: neither read nor write the assessment cache. For frames that never repeat, such as
   * the monitor's passive audits (they name the author and carry the latest conversation), the
   * lookup is wasted work and the write a store entry nobody reads; the monitor keeps its own
   * repeat cache, keyed on the message text. Default: use the cache.
   */
  cache?: boolean;
}

const VERDICT_SCHEMA = { name: 'verdict', schema: VERDICT_JSON_SCHEMA as unknown as Record<string, unknown> };

/** Turns a frame into an Assessment with one of the two verdict methods (DESIGN.md §3). */
export class Assessor {
  constructor(private readonly options: AssessorOptions) {}

  get defaultMethod(): VerdictMethod {
    return this.options.method;
  }

  /** How long an answer is reused for an exact repeat (0: never); the monitor's repeat cache follows it. */
  get cacheTtlMs(): number {
    return this.options.cache ? this.options.cacheTtlMs : 0;
  }

  /** Throws BadInputError for unusable fields and NormguardError when the model cannot answer. */
  async assess(request: AssessRequest): Promise<Assessment> {
    const labels = request.labels ?? DEFAULT_LABELS;
    const frame = buildFrame(request.strategy, request.fields, labels);
    const method = request.method ?? this.options.method;
    const key = request.cache === false ? null : this.cacheKey(frame, method, labels);
    const hit = key === null ? null : await this.cacheGet(key);
    if (hit) return { ...hit, cached: true };
    const turns = this.withDeadline(request);
    const assessment = await (method === 'fast' ? this.fast(frame, turns) : this.structured(frame, turns)).catch((err: unknown) => {
      throw turns.timeoutOf(err);
    });
    if (key !== null) await this.cacheSet(key, assessment);
    return assessment;
  }

  /** Adds the prose to a `fast` assessment (for the review card of a flagged message). */
  async explain(request: AssessRequest, assessment: Assessment): Promise<Assessment> {
    if (assessment.text.length > 0) return assessment;
    const frame = buildFrame(request.strategy, request.fields, request.labels ?? DEFAULT_LABELS);
    const turns = this.withDeadline(request);
    const prose = await this.prose(frame, turns).catch((err: unknown) => {
      throw turns.timeoutOf(err);
    });
    return {
      ...assessment,
      text: prose.content,
      latencyMs: assessment.latencyMs + prose.latencyMs,
      usage: addUsage(assessment.usage, prose.usage),
      cached: false,
    };
  }

  private async structured(frame: Frame, request: TimedRequest): Promise<Assessment> {
    const prose = await this.prose(frame, request);
    const verdictTurn = await this.options.inference.complete({
      messages: [
        { role: 'user', content: frame.prompt },
        { role: 'assistant', content: prose.content },
        { role: 'user', content: verdictQuestion(frame.strategy) },
      ],
      maxTokens: this.options.verdictMaxTokens,
      jsonSchema: VERDICT_SCHEMA,
      priority: request.priority,
      signal: request.signal,
      deadlineMs: request.remainingMs(),
    });
    return this.toAssessment(frame, 'structured', verdictTurn, prose.content, [prose, verdictTurn]);
  }

  private async fast(frame: Frame, request: TimedRequest): Promise<Assessment> {
    const turn = await this.options.inference.complete({
      messages: [{ role: 'user', content: frame.prompt }],
      maxTokens: this.options.verdictMaxTokens,
      jsonSchema: VERDICT_SCHEMA,
      priority: request.priority,
      signal: request.signal,
      deadlineMs: request.remainingMs(),
    });
    return this.toAssessment(frame, 'fast', turn, '', [turn]);
  }

  private prose(frame: Frame, request: TimedRequest): Promise<Completion> {
    return this.options.inference.complete({
      messages: [{ role: 'user', content: frame.prompt }],
      maxTokens: this.options.maxTokens,
      priority: request.priority,
      signal: request.signal,
      deadlineMs: request.remainingMs(),
    });
  }

  /** One budget for every model call of this assessment, counted from now. */
  private withDeadline(request: AssessRequest): TimedRequest {
    const { clock } = this.options;
    const budget = request.deadlineMs ?? this.options.deadlines?.[request.priority];
    if (budget === undefined) return { ...request, remainingMs: () => undefined, timeoutOf: (err) => err };
    const deadlineAt = clock.now() + budget;
    const timeout = (cause?: unknown) =>
      new NormguardError('TIMEOUT', `no answer from the model within ${+(budget / 1000).toFixed(1)}s`, { retryable: false, cause });
    return {
      ...request,
      remainingMs: () => {
        const left = deadlineAt - clock.now();
        if (left <= 0) throw timeout();
        return left;
      },
      // A later call times out with only the rest of the budget; the caller should hear the whole one.
      timeoutOf: (err) => (err instanceof NormguardError && err.code === 'TIMEOUT' && clock.now() >= deadlineAt - 5 ? timeout(err) : err),
    };
  }

  private toAssessment(frame: Frame, method: VerdictMethod, verdictTurn: Completion, text: string, turns: Completion[]): Assessment {
    const parsed = parseVerdict(verdictTurn.content);
    if (parsed.raw !== undefined) {
      this.options.logger.warn({ strategy: frame.strategy, method, backend: verdictTurn.backend }, 'unreadable verdict; recorded as unclear');
    }
    // S4 is given its norm; the model's restatement would only be noise.
    const norm = frame.strategy === 'norm-rationale' ? (frame.fields.norm ?? parsed.norm) : parsed.norm;
    return {
      strategy: frame.strategy,
      verdict: parsed.verdict,
      severity: parsed.severity,
      norm,
      summary: parsed.summary,
      text,
      model: verdictTurn.model,
      method,
      latencyMs: turns.reduce((n, t) => n + t.latencyMs, 0),
      usage: turns.reduce((u, t) => addUsage(u, t.usage), { promptTokens: 0, completionTokens: 0 }),
      ...(parsed.raw !== undefined ? { raw: parsed.raw } : {}),
    };
  }

  /** Exact repeats (after sanitising; case and spacing aside) reuse the answer: at temperature 0.2 a re-ask adds little. */
  private cacheKey(frame: Frame, method: VerdictMethod, labels: FrameLabels): string {
    return cacheKey({
      strategy: frame.strategy,
      method,
      model: this.options.inference.model,
      fields: { ...frame.fields, labels: `${labels.context}|${labels.intent}|${labels.guideline}` },
    });
  }

  private async cacheGet(key: string): Promise<Assessment | null> {
    if (!this.options.cache || this.options.cacheTtlMs <= 0) return null;
    try {
      return await this.options.cache.get(key);
    } catch (err) {
      this.options.logger.warn({ err }, 'assessment cache read failed; asking the model');
      return null;
    }
  }

  private async cacheSet(key: string, assessment: Assessment): Promise<void> {
    // An unreadable verdict is worth asking again, not remembering.
    if (!this.options.cache || this.options.cacheTtlMs <= 0 || assessment.raw !== undefined) return;
    try {
      await this.options.cache.set(key, assessment, this.options.cacheTtlMs);
    } catch (err) {
      this.options.logger.warn({ err }, 'assessment cache write failed');
    }
  }
}

/** A request with what is left of its budget, asked afresh before each model call. */
interface TimedRequest extends AssessRequest {
  remainingMs(): number | undefined;
  /** The error to report: a timeout at the overall deadline names the caller's whole budget. */
  timeoutOf(err: unknown): unknown;
}

function addUsage(a: Assessment['usage'], b: Assessment['usage']): Assessment['usage'] {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
}
