import { performance } from 'node:perf_hooks';

/** Raised to a request that gave up (client disconnected) or whose simulator is closing. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** Ollama's answer to a request that cannot even wait for the model to load. */
export class QueueFullError extends Error {
  constructor() {
    super('server busy, please try again.  maximum pending requests exceeded');
    this.name = 'QueueFullError';
  }
}

/**
 * Waits until a point on the monotonic clock. Deadline-based (rather than summing delays) so
 * a stream paced chunk by chunk ends when the whole service time says it should; a deadline
 * already passed resolves without touching a timer, keeping zero-latency tests instant.
 */
export async function sleepUntil(deadline: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new CancelledError();
  while (performance.now() < deadline) {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new CancelledError());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(1, Math.ceil(deadline - performance.now())));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return sleepUntil(performance.now() + ms, signal);
}

export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export interface SchedulerConfig {
  slots: number;
  loadMs: number;
  maxQueue: number;
}

export interface ServiceRecord {
  serviceMs: number;
  promptTokens: number;
  completionTokens: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Load {
  timer: NodeJS.Timeout;
  waiters: Set<Waiter>;
}

/**
 * Ollama's scheduling as a client sees it: a model must be loaded before anything runs;
 * while it loads, waiting requests are bounded by maxQueue (beyond it: 503); once loaded,
 * requests wait for one of `slots` in an unbounded FIFO, so overload only shows as latency.
 */
export class Scheduler {
  private loaded: boolean;
  private load: Load | undefined;
  private active = 0;
  private readonly slotQueue: Waiter[] = [];
  private completed = 0;
  private busyMs = 0;
  private maxConcurrent = 0;
  private promptTokens = 0;
  private completionTokens = 0;

  constructor(
    private readonly config: SchedulerConfig,
    loaded: boolean,
  ) {
    this.loaded = loaded;
  }

  isLoaded(): boolean {
    return this.loaded;
  }

  setLoaded(loaded: boolean): void {
    this.loaded = loaded;
    if (loaded && this.load) this.finishLoad(this.load);
  }

  /** Resolves with the milliseconds this request spent waiting for a load (0 if none). */
  async ensureLoaded(signal: AbortSignal): Promise<number> {
    if (this.loaded) return 0;
    if (signal.aborted) throw new CancelledError();
    // The request that triggers a load is being scheduled; only those behind it are "pending".
    if (this.load && this.load.waiters.size - 1 >= this.config.maxQueue) throw new QueueFullError();
    const load = this.load ?? this.startLoad();
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      // A client that gives up cancels the load too, once nobody else is waiting for it.
      const onAbort = () => {
        load.waiters.delete(waiter);
        if (load.waiters.size === 0 && this.load === load) {
          clearTimeout(load.timer);
          this.load = undefined;
        }
        reject(new CancelledError());
      };
      load.waiters.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return performance.now() - started;
  }

  /** Waits for a slot in arrival order; the returned function gives it back (exactly once). */
  async acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) throw new CancelledError();
    if (this.active < this.config.slots && this.slotQueue.length === 0) {
      this.take();
    } else {
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
          reject,
        };
        const onAbort = () => {
          const at = this.slotQueue.indexOf(waiter);
          if (at >= 0) this.slotQueue.splice(at, 1);
          reject(new CancelledError());
        };
        this.slotQueue.push(waiter);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const next = this.slotQueue.shift();
      if (next) {
        this.take();
        next.resolve();
      }
    };
  }

  /** Only finished requests count: a cancelled one never produced an answer. */
  recordCompleted(record: ServiceRecord): void {
    this.completed++;
    this.busyMs += record.serviceMs;
    this.promptTokens += record.promptTokens;
    this.completionTokens += record.completionTokens;
  }

  stats() {
    return {
      completed: this.completed,
      busyMs: this.busyMs,
      maxConcurrent: this.maxConcurrent,
      inFlight: this.active,
      queued: this.slotQueue.length + (this.load?.waiters.size ?? 0),
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
    };
  }

  resetStats(): void {
    this.completed = 0;
    this.busyMs = 0;
    this.maxConcurrent = this.active;
    this.promptTokens = 0;
    this.completionTokens = 0;
  }

  private take(): void {
    this.active++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.active);
  }

  private startLoad(): Load {
    const load: Load = {
      waiters: new Set(),
      timer: setTimeout(() => this.finishLoad(load), this.config.loadMs),
    };
    this.load = load;
    return load;
  }

  private finishLoad(load: Load): void {
    clearTimeout(load.timer);
    if (this.load === load) this.load = undefined;
    this.loaded = true;
    for (const waiter of load.waiters) waiter.resolve();
    load.waiters.clear();
  }
}
