import { NormguardError } from '../errors.js';
import type { OllamaBackend } from './backend.js';
import { PRIORITIES, type Priority } from './types.js';

export interface Lease {
  backend: OllamaBackend;
  release(): void;
}

interface Waiter {
  priority: Priority;
  resolve(lease: Lease): void;
  reject(err: NormguardError): void;
  cleanup(): void;
}

export interface SchedulerOptions {
  /** Most passive requests allowed to wait; beyond it the oldest is shed. */
  passiveQueueLimit: number;
  onShed?: () => void;
}

/**
 * Hands out backend slots. A loaded Ollama queues without limit and never pushes back, so this
 * bound (slots per backend, from OLLAMA_NUM_PARALLEL) is the only backpressure there is.
 * Interactive work is served before review work, review before passive; among backends the
 * least loaded healthy one wins.
 */
export class Scheduler {
  private readonly queues: Record<Priority, Waiter[]> = { interactive: [], review: [], passive: [] };
  private shedTotal = 0;

  constructor(
    readonly backends: OllamaBackend[],
    private readonly options: SchedulerOptions,
  ) {}

  acquire(priority: Priority, signal?: AbortSignal): Promise<Lease> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const allDown = this.failFastError();
    if (allDown) return Promise.reject(allDown);
    return new Promise<Lease>((resolve, reject) => {
      const onAbort = () => {
        this.remove(waiter);
        reject(abortReason(signal));
      };
      const waiter: Waiter = {
        priority,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const queue = this.queues[priority];
      queue.push(waiter);
      if (priority === 'passive' && queue.length > this.options.passiveQueueLimit) {
        const oldest = queue.shift();
        if (oldest) {
          oldest.cleanup();
          this.shedTotal++;
          this.options.onShed?.();
          oldest.reject(new NormguardError('SHED', 'passive audit dropped: the queue was full', { retryable: false }));
        }
      }
      this.pump();
    });
  }

  /** Called whenever a slot frees up or a breaker may have changed state. */
  pump(): void {
    for (;;) {
      const waiter = this.nextWaiter();
      if (!waiter) return;
      const backend = this.pickBackend();
      if (!backend) {
        const down = this.failFastError();
        if (down) this.rejectAll(down);
        else this.pumpWhenABreakerCools();
        return;
      }
      this.remove(waiter);
      waiter.cleanup();
      backend.active++;
      backend.breaker.onDispatch();
      let released = false;
      const { priority } = waiter;
      waiter.resolve({
        backend,
        release: () => {
          if (released) return;
          released = true;
          backend.active--;
          // A structured audit asks for its verdict turn the moment its prose turn returns, in the
          // same tick (only promise callbacks run in between). Passive work waits that one tick, so
          // a slash command waits behind passive work at most once, not once per turn.
          if (priority !== 'passive' && this.nextWaiter()?.priority === 'passive') this.pumpNextTick();
          else this.pump();
        },
      });
    }
  }

  stats(): { queued: Record<Priority, number>; active: number; shed: number } {
    return {
      queued: { interactive: this.queues.interactive.length, review: this.queues.review.length, passive: this.queues.passive.length },
      active: this.backends.reduce((n, b) => n + b.active, 0),
      shed: this.shedTotal,
    };
  }

  private wakeTimer: NodeJS.Timeout | null = null;
  private pumpSoon: NodeJS.Immediate | null = null;

  private pumpNextTick(): void {
    this.pumpSoon ??= setImmediate(() => {
      this.pumpSoon = null;
      this.pump();
    });
  }

  /** A host whose breaker is open becomes worth a trial after its cooldown, even if no slot frees. */
  private pumpWhenABreakerCools(): void {
    const open = this.backends.filter((b) => b.breaker.state === 'open');
    if (open.length === 0 || this.wakeTimer) return;
    const wait = Math.min(...open.map((b) => b.breaker.retryInMs()));
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.pump();
    }, wait + 5);
    this.wakeTimer.unref();
  }

  private nextWaiter(): Waiter | undefined {
    for (const p of PRIORITIES) if (this.queues[p].length > 0) return this.queues[p][0];
    return undefined;
  }

  private pickBackend(): OllamaBackend | undefined {
    let best: OllamaBackend | undefined;
    for (const b of this.backends) {
      if (b.active >= b.slots || !b.breaker.canPass()) continue;
      if (!best || b.active / b.slots < best.active / best.slots) best = b;
    }
    return best;
  }

  /** When every backend's breaker is open, callers get the reason at once instead of waiting. */
  private failFastError(): NormguardError | null {
    if (this.backends.some((b) => b.breaker.state !== 'open')) return null;
    const soonest = Math.min(...this.backends.map((b) => b.breaker.retryInMs()));
    const last = this.backends.map((b) => b.breaker.lastError).find((e) => e !== null);
    const reason = last?.message ?? 'every Ollama host is failing';
    return new NormguardError(last?.code ?? 'MODEL_UNAVAILABLE', `${reason} (next try in ${Math.ceil(soonest / 1000)}s)`, {
      retryable: true,
      retryAfterMs: soonest,
    });
  }

  private rejectAll(err: NormguardError): void {
    for (const p of PRIORITIES) {
      for (const w of this.queues[p].splice(0)) {
        w.cleanup();
        w.reject(err);
      }
    }
  }

  private remove(waiter: Waiter): void {
    const queue = this.queues[waiter.priority];
    const i = queue.indexOf(waiter);
    if (i >= 0) queue.splice(i, 1);
  }
}

function abortReason(signal: AbortSignal | undefined): NormguardError {
  const reason = signal?.reason;
  if (reason instanceof NormguardError) return reason;
  return new NormguardError('TIMEOUT', 'the request was cancelled before the model was free', { retryable: false });
}
