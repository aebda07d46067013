import { Calibrator, type FrameBiasSource } from '../calibration/calibrator.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { InferenceClient, Priority } from '../inference/types.js';
import { buildFrame, DEFAULT_LABELS, type Frame, type FrameFields, type FrameLabels } from '../strategies/index.js';
import { cacheKey } from '../store/assessment-cache.js';
import { consistentProse } from './consistent-prose.js';
import { startBudget, type Budget } from './deadline.js';
import { calibrated, contrast, fast, proseOnly, structured, type MethodContext, type Verdicting } from './methods.js';
import { ModelTurns } from './turns.js';
import type { Assessment, Strategy, VerdictMethod } from './types.js';

const METHODS: Record<VerdictMethod, (ctx: MethodContext, frame: Frame) => Promise<Verdicting>> = {
  calibrated: (ctx, frame) => calibrated(ctx, frame),
  contrast: (ctx, frame) => contrast(ctx, frame),
  structured,
  fast,
};

/** Scores within this distance of the threshold are `unclear`: too close to call. */
export const DEFAULT_SCORE_MARGIN = 0.05;

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
  /** The frames' measured lean for the calibrated method; default: a calibrator of its own, in memory. */
  calibration?: FrameBiasSource;
  /** Half-width of the `unclear` band around the score threshold. Default 0.05. */
  scoreMargin?: number;
  /**
   * Wait (within each call's budget) for the first calibration instead of falling back to the
   * contrast while it runs. For one-shot commands; the service calibrates at start-up instead.
   */
  awaitCalibration?: boolean;
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
  /**
   * Whether to add prose for the reader (calibrated and contrast methods answer in JSON first).
   * Default: yes, except at passive priority, where prose waits until a message is flagged.
   */
  prose?: boolean;
  /**
   * Someone is waiting to read the prose: it streams to this as it is written (the visible text
   * so far). Verdicts never stream; the returned Assessment is the answer either way.
   */
  onProse?: (soFar: string) => void;
}

/** The slice of calibration the assessor needs; without one, a process-local calibrator is made. */
export type { FrameBiasSource } from '../calibration/calibrator.js';

/** Turns a frame into an Assessment with one of the verdict methods (DESIGN.md §3). */
export class Assessor {
  private readonly calibration: FrameBiasSource;

  constructor(private readonly options: AssessorOptions) {
    const limits = { maxTokens: options.maxTokens, verdictMaxTokens: options.verdictMaxTokens };
    this.calibration = options.calibration ?? new Calibrator({ inference: options.inference, limits, clock: options.clock, logger: options.logger });
  }

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
    const withProse = request.prose ?? request.priority !== 'passive';
    const key = request.cache === false ? null : this.cacheKey(frame, method, labels, withProse);
    const hit = key === null ? null : await this.cacheGet(key);
    if (hit) return { ...hit, cached: true };
    const { ctx, budget } = this.context(request, labels);
    const assessment = await this.run(ctx, frame, method, withProse).catch((err: unknown) => {
      throw budget.timeoutOf(err);
    });
    if (key !== null) await this.cacheSet(key, assessment);
    return assessment;
  }

  /**
   * Adds prose to a screening assessment (for the review card of a flagged message), in the
   * frame trained to give that verdict's answer, labelled if it still disagrees.
   */
  async elaborate(request: AssessRequest, assessment: Assessment): Promise<Assessment> {
    if (assessment.text.length > 0) return assessment;
    const labels = request.labels ?? DEFAULT_LABELS;
    const frame = buildFrame(request.strategy, request.fields, labels);
    const { ctx, budget } = this.context(request, labels);
    const prose = await consistentProse(ctx, frame, assessment.verdict).catch((err: unknown) => {
      throw budget.timeoutOf(err);
    });
    return {
      ...assessment,
      text: prose.text,
      latencyMs: assessment.latencyMs + prose.turns.reduce((n, t) => n + t.latencyMs, 0),
      usage: prose.turns.reduce((u, t) => addUsage(u, t.usage), assessment.usage),
      cached: false,
    };
  }

  private async run(ctx: MethodContext, frame: Frame, method: VerdictMethod, withProse: boolean): Promise<Assessment> {
    if (frame.strategy === 'guidance' || frame.strategy === 'norm-rationale') return this.toAssessment(frame, await proseOnly(ctx, frame));
    const result = await METHODS[method](ctx, frame);
    if (withProse && result.text.length === 0 && method !== 'fast') {
      const prose = await consistentProse(ctx, frame, result.verdict);
      return this.toAssessment(frame, { ...result, text: prose.text, turns: [...result.turns, ...prose.turns] });
    }
    return this.toAssessment(frame, result);
  }

  private context(request: AssessRequest, labels: FrameLabels): { ctx: MethodContext; budget: Budget } {
    const { options } = this;
    const budget = startBudget(options.clock, request.deadlineMs ?? options.deadlines?.[request.priority]);
    const limits = { maxTokens: options.maxTokens, verdictMaxTokens: options.verdictMaxTokens };
    const turns = new ModelTurns(options.inference, limits, { priority: request.priority, signal: request.signal, budget, onProse: request.onProse });
    return { ctx: { turns, calibration: this.calibration, labels, logger: options.logger, margin: options.scoreMargin ?? DEFAULT_SCORE_MARGIN, awaitCalibration: options.awaitCalibration ?? false }, budget };
  }

  private toAssessment(frame: Frame, v: Verdicting): Assessment {
    if (v.raw !== undefined) {
      this.options.logger.warn({ strategy: frame.strategy, method: v.method, backend: v.turns.at(-1)?.backend }, 'unreadable verdict; recorded as unclear');
    }
    // S4 is given its norm; the model's restatement would only be noise.
    const norm = frame.strategy === 'norm-rationale' ? (frame.fields.norm ?? v.norm) : v.norm;
    return {
      strategy: frame.strategy,
      verdict: v.verdict,
      severity: v.severity,
      norm,
      summary: v.summary,
      text: v.text,
      model: v.turns.at(-1)?.model ?? this.options.inference.model,
      method: v.method,
      score: v.score,
      ...(v.fallback !== undefined ? { fallback: v.fallback } : {}),
      latencyMs: v.turns.reduce((n, t) => n + t.latencyMs, 0),
      usage: v.turns.reduce((u, t) => addUsage(u, t.usage), { promptTokens: 0, completionTokens: 0 }),
      ...(v.raw !== undefined ? { raw: v.raw } : {}),
    };
  }

  /** Exact repeats (after sanitising; case and spacing aside) reuse the answer: at temperature 0.2 a re-ask adds little. */
  private cacheKey(frame: Frame, method: VerdictMethod, labels: FrameLabels, withProse: boolean): string {
    return cacheKey({
      strategy: frame.strategy,
      method,
      model: this.options.inference.model,
      fields: { ...frame.fields, labels: `${labels.context}|${labels.intent}|${labels.guideline}`, prose: withProse ? 'yes' : 'no' },
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

function addUsage(a: Assessment['usage'], b: Assessment['usage']): Assessment['usage'] {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
}
