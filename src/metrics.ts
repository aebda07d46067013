import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorCodeOf } from './errors.js';
import type { Priority } from './inference/types.js';
import type { Logger } from './logger.js';

/** Prometheus metrics for one app instance: its own Registry, never prom-client's global one. */
export class Metrics {
  readonly registry = new Registry();
  readonly inferenceAttempts = new Counter({
    name: 'normguard_inference_attempts_total',
    help: 'Calls to Ollama by backend, priority and outcome (ok or an error code)',
    labelNames: ['backend', 'priority', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly inferenceLatency = new Histogram({
    name: 'normguard_inference_latency_seconds',
    help: 'Latency of one call to Ollama',
    labelNames: ['priority'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
    registers: [this.registry],
  });
  readonly shed = new Counter({
    name: 'normguard_passive_shed_total',
    help: 'Passive audits dropped because the queue was full',
    registers: [this.registry],
  });
  readonly assessments = new Counter({
    name: 'normguard_assessments_total',
    help: 'Assessments by strategy, verdict and whether the cache answered',
    labelNames: ['strategy', 'verdict', 'cached'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'normguard_http_requests_total',
    help: 'HTTP API requests by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpLatency = new Histogram({
    name: 'normguard_http_request_duration_seconds',
    help: 'HTTP API request duration',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.05, 0.25, 1, 4, 15, 60],
    registers: [this.registry],
  });

  constructor(sources: { queueDepth: () => Record<Priority, number>; inFlight: () => number; breakers: () => Array<{ url: string; state: string }> }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'normguard_' });
    new Gauge({
      name: 'normguard_queue_depth',
      help: 'Requests waiting for a model slot, by priority',
      labelNames: ['priority'] as const,
      registers: [this.registry],
      collect() {
        for (const [priority, n] of Object.entries(sources.queueDepth())) this.set({ priority }, n);
      },
    });
    new Gauge({
      name: 'normguard_inference_in_flight',
      help: 'Requests being answered by Ollama now',
      registers: [this.registry],
      collect() {
        this.set(sources.inFlight());
      },
    });
    new Gauge({
      name: 'normguard_breaker_state',
      help: 'Circuit breaker per Ollama host: 0 closed, 1 half-open, 2 open',
      labelNames: ['backend'] as const,
      registers: [this.registry],
      collect() {
        for (const b of sources.breakers()) this.set({ backend: b.url }, b.state === 'closed' ? 0 : b.state === 'half-open' ? 1 : 2);
      },
    });
  }
}

/** What the BullMQ audit queue reports to Prometheus (src/scale/audit-queue.ts). */
export interface AuditQueueSnapshot {
  /** Jobs by state: waiting (incl. prioritized), active, delayed (backing off), dead (dead-lettered). */
  depth: Record<'waiting' | 'active' | 'delayed' | 'dead', number>;
  /** Age of the oldest job not yet started, in seconds; 0 when none waits. */
  oldestWaitingSeconds: number;
}

/**
 * Adds the audit queue's gauges to an app's registry (scale-out roles only). Both are read from
 * Redis at scrape time, so every gateway and worker reports the same shared queue.
 */
export function addAuditQueueGauges(metrics: Metrics, snapshot: () => Promise<AuditQueueSnapshot>, logger: Logger): void {
  // One Redis read per scrape serves both gauges; while Redis is away the last reading stands,
  // so /metrics keeps answering (the process's own gauges matter most during an outage).
  let last: AuditQueueSnapshot = { depth: { waiting: 0, active: 0, delayed: 0, dead: 0 }, oldestWaitingSeconds: 0 };
  let pending: Promise<AuditQueueSnapshot> | null = null;
  const read = () => {
    pending ??= snapshot()
      .then((s) => (last = s))
      .catch((err: unknown) => {
        logger.warn({ err, code: errorCodeOf(err) }, 'could not read the audit queue; its gauges keep the last reading');
        return last;
      })
      .finally(() => setTimeout(() => (pending = null), 0));
    return pending;
  };
  new Gauge({
    name: 'normguard_audit_queue_depth',
    help: 'Queued audits (BullMQ) by state: waiting, active, delayed, dead',
    labelNames: ['state'] as const,
    registers: [metrics.registry],
    async collect() {
      const s = await read();
      for (const [state, n] of Object.entries(s.depth)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'normguard_audit_queue_oldest_seconds',
    help: 'Age of the oldest queued audit not yet started by a worker',
    registers: [metrics.registry],
    async collect() {
      this.set((await read()).oldestWaitingSeconds);
    },
  });
}
