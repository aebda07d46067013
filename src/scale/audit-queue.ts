import { Queue, type Job } from 'bullmq';
import type { Logger } from '../logger.js';
import type { AuditQueueSnapshot } from '../metrics.js';
import type { RedisClient } from './connection.js';
import { auditJobId, QUEUE_PRIORITY, type AuditJobData, type DeadLetter, type WireOutcome } from './jobs.js';

export interface AuditQueueOptions {
  /** A fresh connection per BullMQ object (a Queue and the dead-letter Queue here). */
  connect: (role: string) => RedisClient;
  /** Key prefix, `<NORMGUARD_REDIS_NAMESPACE>:q`, so a deployment or test owns its keys. */
  prefix: string;
  logger: Logger;
  /** Tries per audit before it is dead-lettered; retries back off exponentially from `backoffMs`. */
  attempts: number;
  backoffMs: number;
}

export const AUDIT_QUEUE = 'audits';
export const DEAD_QUEUE = 'audits-dead';

/**
 * Keeps finished jobs for an hour: while a job is kept, enqueuing the same message again is a
 * no-op (BullMQ ignores an add whose jobId exists), which is the cross-replica dedupe.
 */
const KEEP_DONE = { age: 60 * 60, count: 50_000 };

/** The audit queue between gateways (producers) and workers (consumers), on BullMQ. */
export class AuditQueue {
  readonly queue: Queue<AuditJobData, WireOutcome>;
  readonly dead: Queue<DeadLetter>;

  constructor(private readonly options: AuditQueueOptions) {
    this.queue = new Queue(AUDIT_QUEUE, { connection: options.connect('audits'), prefix: options.prefix });
    this.dead = new Queue(DEAD_QUEUE, { connection: options.connect('audits-dead'), prefix: options.prefix });
    // Connection errors (a Redis restart) are retried by the client; without a listener they would be thrown.
    const log = options.logger.child({ component: 'audit-queue' });
    for (const q of [this.queue, this.dead]) q.on('error', (err) => log.debug({ err: err.message }, 'queue connection error'));
  }

  /** Enqueues an audit; a second enqueue of the same message returns the first job. */
  async enqueue(data: AuditJobData): Promise<Job<AuditJobData, WireOutcome>> {
    return this.queue.add('audit', data, {
      jobId: auditJobId(data.message),
      priority: QUEUE_PRIORITY[data.priority],
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      removeOnComplete: KEEP_DONE,
      removeOnFail: KEEP_DONE,
    });
  }

  /** Records an audit given up on, with the reason; idempotent per job. */
  async deadLetter(letter: DeadLetter): Promise<void> {
    await this.dead.add('dead', letter, { jobId: letter.jobId, removeOnComplete: false, removeOnFail: false });
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const jobs = await this.dead.getJobs(['waiting', 'prioritized'], 0, 999, true);
    return jobs.map((j) => j.data);
  }

  async snapshot(now = Date.now()): Promise<AuditQueueSnapshot> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
    const dead = await this.dead.getJobCounts('waiting', 'prioritized');
    // Prioritized jobs are ordered by priority then arrival, so the oldest is near the head of
    // some priority band; the first 100 cover it unless interactive floods sit ahead of it.
    const head = await this.queue.getJobs(['waiting', 'prioritized'], 0, 99, true);
    const oldest = head.reduce((min, j) => Math.min(min, j.timestamp), Number.POSITIVE_INFINITY);
    return {
      depth: {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        dead: (dead.waiting ?? 0) + (dead.prioritized ?? 0),
      },
      oldestWaitingSeconds: Number.isFinite(oldest) ? Math.max(0, (now - oldest) / 1000) : 0,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.queue.close(), this.dead.close()]);
  }
}
