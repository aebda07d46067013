import { sleep, type Clock } from '../clock.js';
import { NormguardError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Scheduler } from './scheduler.js';
import type { Completion, CompletionRequest, InferenceClient, Priority } from './types.js';

export interface ClientOptions {
  model: string;
  maxRetries: number;
  /** Default overall budget per priority, used when a request names none. */
  deadlines: Record<Priority, number>;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  onAttempt?: (event: { backend: string; priority: Priority; outcome: string; latencyMs: number }) => void;
}

/** Codes that say the host is in trouble (and should be skipped for a while), not the request. */
const BACKEND_FAILURES = new Set(['MODEL_UNAVAILABLE', 'MODEL_MISSING', 'TIMEOUT']);

/** The InferenceClient the app uses: every call goes through the scheduler, with bounded retries. */
export class ScheduledInferenceClient implements InferenceClient {
  readonly model: string;
  private readonly random: () => number;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: ClientOptions,
  ) {
    this.model = options.model;
    this.random = options.random ?? Math.random;
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const { clock } = this.options;
    const budget = request.deadlineMs ?? this.options.deadlines[request.priority];
    const deadline = clock.now() + budget;
    const deadlineSignal = AbortSignal.timeout(budget);
    const signal = request.signal ? AbortSignal.any([request.signal, deadlineSignal]) : deadlineSignal;
    let attempt = 0;
    // A stream that broke after showing words is not tried again as a stream (DESIGN.md §5).
    let streaming = request.onText !== undefined;
    let shown = false;
    const onText = (soFar: string) => {
      shown = true;
      request.onText?.(soFar);
    };
    for (;;) {
      attempt++;
      const lease = await this.scheduler.acquire(request.priority, signal).catch((err: unknown) => {
        throw deadlineSignal.aborted && !(request.signal?.aborted ?? false)
          ? new NormguardError('TIMEOUT', `no model slot became free within ${Math.round(budget / 1000)}s`, { retryable: false })
          : err;
      });
      const { backend } = lease;
      const remaining = deadline - clock.now();
      const timeoutMs = Math.max(1, Math.min(backend.attemptTimeoutMs(), remaining));
      const started = clock.now();
      try {
        const { onText: _stream, ...whole } = request;
        const completion = await backend.complete({ ...whole, signal, timeoutMs, ...(streaming ? { onText } : {}) });
        backend.breaker.onSuccess();
        this.options.onAttempt?.({ backend: backend.url, priority: request.priority, outcome: 'ok', latencyMs: clock.now() - started });
        return completion;
      } catch (raw) {
        const callerGaveUp = request.signal?.aborted ?? false;
        const err = deadlineSignal.aborted && !callerGaveUp
          ? new NormguardError('TIMEOUT', `no answer from the model within ${Math.round(budget / 1000)}s`, { retryable: false, cause: raw })
          : raw instanceof NormguardError
            ? raw
            : new NormguardError('MODEL_UNAVAILABLE', String(raw), { retryable: true, cause: raw });
        if (BACKEND_FAILURES.has(err.code) && !callerGaveUp) backend.breaker.onFailure(err);
        else backend.breaker.onInconclusive();
        this.options.onAttempt?.({ backend: backend.url, priority: request.priority, outcome: err.code, latencyMs: clock.now() - started });
        this.options.logger.warn({ backend: backend.url, attempt, code: err.code, priority: request.priority }, err.message);
        if (shown) streaming = false;
        const backoff = this.backoffMs(attempt);
        const timeLeft = deadline - clock.now();
        if (!err.retryable || callerGaveUp || attempt > this.options.maxRetries) throw err;
        // Out of time for another try: the caller hears about its deadline, whichever timer fired first.
        if (timeLeft <= backoff) {
          throw err.code === 'TIMEOUT' ? new NormguardError('TIMEOUT', `no answer from the model within ${Math.round(budget / 1000)}s`, { retryable: false, cause: err }) : err;
        }
        lease.release();
        await sleep(backoff, signal).catch(() => {
          throw err;
        });
        continue;
      } finally {
        lease.release();
      }
    }
  }

  /** Full jitter on an exponential base, capped: retries spread out instead of stampeding a host. */
  private backoffMs(attempt: number): number {
    const cap = Math.min(4000, 250 * 2 ** (attempt - 1));
    return Math.round(cap / 2 + this.random() * (cap / 2));
  }
}
