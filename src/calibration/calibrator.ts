import { startBudget } from '../assessment/deadline.js';
import type { TurnLimits } from '../assessment/turns.js';
import type { Clock } from '../clock.js';
import type { InferenceClient } from '../inference/types.js';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../logger.js';
import { probeFrame, type ProbeOutcome } from './probes.js';
import { CALIBRATED_FRAMES, DEFAULT_THRESHOLD, type CalibratedFrame, type CalibrationRecord } from './record.js';
import type { CalibrationStore } from './store.js';

export interface CalibratorOptions {
  inference: InferenceClient;
  limits: TurnLimits;
  clock: Clock;
  logger: Logger;
  /** Where records persist; without one they live as long as the process. */
  store?: CalibrationStore | null;
  /** The model's digest (Ollama /api/tags); a new digest means a new model, measured afresh. */
  digest?: () => Promise<string | null>;
  /** Content-free probes per frame at start-up. Default 3. */
  probesPerFrame?: number;
  /** How often the digest is looked at again, in ms. Default 10 minutes. */
  recheckMs?: number;
  /** Budget for one round of probes, in ms. Default 60 s. */
  budgetMs?: number;
}

/** What `/readyz` and `doctor` say about calibration. */
export interface CalibrationStatus {
  state: 'pending' | 'calibrated' | 'no-logprobs' | 'failed';
  digest: string | null;
  bias: Partial<Record<CalibratedFrame, number>>;
  threshold: number;
  source?: CalibrationRecord['source'];
  detail?: string;
}

/** The calibration the calibrated method reads: the frame's lean, in logits, and the score threshold. */
export interface FrameBiasSource {
  /**
   * The frame's measured lean now, without waiting: a number; null when it cannot be measured
   * (no logprobs); undefined while it has not been measured yet (a round is then started in the
   * background). Never throws.
   */
  peek(frame: CalibratedFrame): number | null | undefined;
  /** Resolves once a round of measurement has ended (at once when one is fresh). Never throws. */
  settled(): Promise<void>;
  threshold(): number;
}

// After a failed round (model down), wait this long before probing again.
const RETRY_AFTER_MS = 30_000;

/**
 * Measures each frame's lean with a handful of cheap content-free probes, once per model digest,
 * in the background at start-up and on first use after the digest changes. Never blocks start-up
 * and never throws into an assessment: without a measurement the calibrated method falls back.
 */
export class Calibrator implements FrameBiasSource {
  private current: { key: string; record: CalibrationRecord } | null = null;
  private pending: Promise<CalibrationRecord | null> | null = null;
  private checkedAt = -Infinity;
  private failedAt = -Infinity;
  private lastDigest: string | null = null;
  private problem: string | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly options: CalibratorOptions) {}

  /** Abandons probes in flight (on shutdown), so a one-shot command exits as soon as it is done. */
  stop(): void {
    this.stopping.abort();
  }

  /** Starts a round in the background (start-up); its outcome is logged. */
  start(): void {
    void this.ensure();
  }

  peek(frame: CalibratedFrame): number | null | undefined {
    // Starts (or joins, or skips while fresh) a round; verdicts never wait for it.
    void this.ensure();
    const record = this.current?.record;
    if (!record) return undefined;
    return record.logprobs ? (record.frames[frame]?.bias ?? null) : null;
  }

  async settled(): Promise<void> {
    await this.ensure();
  }

  async bias(frame: CalibratedFrame): Promise<number | null> {
    const record = await this.ensure();
    return record?.logprobs ? (record.frames[frame]?.bias ?? null) : null;
  }

  threshold(): number {
    return this.current?.record.threshold ?? DEFAULT_THRESHOLD;
  }

  status(): CalibrationStatus {
    const record = this.current?.record;
    const base = { digest: this.lastDigest, threshold: this.threshold() };
    if (record && record.logprobs) {
      const bias = Object.fromEntries(CALIBRATED_FRAMES.flatMap((f) => (record.frames[f] ? [[f, round(record.frames[f]!.bias)]] : [])));
      return { ...base, state: 'calibrated', bias, source: record.source };
    }
    if (record) return { ...base, state: 'no-logprobs', bias: {}, detail: this.problem };
    if (this.failedAt > -Infinity) return { ...base, state: 'failed', bias: {}, detail: this.problem };
    return { ...base, state: 'pending', bias: {} };
  }

  /** Replaces the record for the current model (after `normguard calibrate`), in memory and in the store. */
  async save(record: CalibrationRecord): Promise<void> {
    await this.options.store?.set(record);
    this.current = { key: keyOf(record.model, record.digest), record };
    this.lastDigest = record.digest;
    this.checkedAt = this.options.clock.now();
  }

  /** The record for the model now served, measuring it if needed; null when it cannot be had. */
  ensure(): Promise<CalibrationRecord | null> {
    const now = this.options.clock.now();
    if (this.pending) return this.pending;
    if (this.stopping.signal.aborted) return Promise.resolve(this.current?.record ?? null);
    if (this.current && now - this.checkedAt < (this.options.recheckMs ?? 10 * 60_000)) return Promise.resolve(this.current.record);
    if (!this.current && now - this.failedAt < RETRY_AFTER_MS) return Promise.resolve(null);
    this.pending = this.load()
      .catch((err: unknown) => {
        this.failedAt = this.options.clock.now();
        this.problem = err instanceof Error ? err.message : String(err);
        this.options.logger.warn({ err }, 'calibration could not run; verdicts fall back to the two-frame contrast until it does');
        return this.current?.record ?? null;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  private async load(): Promise<CalibrationRecord> {
    const { inference, store, logger, clock } = this.options;
    // Without a digest the record is keyed by the model name alone: still usable, so only logged.
    const digest =
      (await this.options.digest?.().catch((err: unknown) => {
        logger.warn({ err, code: errorCodeOf(err) }, 'could not read the model digest; calibration is keyed by the model name');
        return null;
      })) ?? null;
    this.lastDigest = digest;
    const key = keyOf(inference.model, digest);
    this.checkedAt = clock.now();
    // The store first: `normguard calibrate` may have refined the record since it was read.
    const stored = (await store?.get(inference.model, digest)) ?? null;
    if (stored?.logprobs) {
      const fresh = this.current?.key !== key || this.current.record.measuredAt !== stored.measuredAt;
      this.current = { key, record: stored };
      if (fresh) logger.info({ digest, bias: this.status().bias, source: stored.source }, 'calibration loaded for this model digest');
      return stored;
    }
    if (this.current?.key === key && this.current.record.logprobs) return this.current.record;
    const record = await this.measure(digest);
    this.current = { key, record };
    if (record.logprobs) {
      // A model without logprobs is not stored: an Ollama upgrade keeps the digest and should be noticed.
      await store?.set(record).catch((err: unknown) => logger.warn({ err }, 'could not store the calibration'));
      logger.info({ digest, bias: this.status().bias }, 'calibrated the frames’ lean with content-free probes');
    } else {
      logger.warn({ digest, problem: this.problem }, 'the model returns no logprobs (Ollama ≥ 0.12.11 needed): verdicts use the two-frame contrast');
    }
    return record;
  }

  private async measure(digest: string | null): Promise<CalibrationRecord> {
    const { inference, clock, limits } = this.options;
    const budget = startBudget(clock, this.options.budgetMs ?? 60_000);
    const frames: CalibrationRecord['frames'] = {};
    const count = this.options.probesPerFrame ?? 3;
    const signal = this.stopping.signal;
    const outcomes: ProbeOutcome[] = await Promise.all(CALIBRATED_FRAMES.map((frame) => probeFrame(inference, frame, { count, limits, priority: 'review', budget, signal })));
    for (const [i, frame] of CALIBRATED_FRAMES.entries()) {
      const outcome = outcomes[i]!;
      if (!outcome.logprobs) {
        this.problem = outcome.problem;
        return { model: inference.model, digest, measuredAt: clock.now(), logprobs: false, frames: {}, source: 'probes' };
      }
      frames[frame] = outcome.calibration;
    }
    this.problem = undefined;
    return { model: inference.model, digest, measuredAt: clock.now(), logprobs: true, frames, source: 'probes' };
  }
}

function keyOf(model: string, digest: string | null): string {
  return `${model.trim().toLowerCase()}@${digest ?? ''}`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
