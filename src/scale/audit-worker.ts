import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { App } from '../app.js';
import { NormguardError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CaseService, type OpenCaseInput } from '../moderation/cases.js';
import { ConversationBuffer } from '../moderation/conversation-buffer.js';
import { Monitor, type PendingAudit } from '../moderation/monitor.js';
import type { KvStore } from '../store/index.js';
import type { ReviewCase } from '../store/case.js';
import { AUDIT_QUEUE, type AuditQueue } from './audit-queue.js';
import type { RedisClient } from './connection.js';
import { toWire, type AuditJobData, type WireOutcome } from './jobs.js';

export interface AuditWorkerOptions {
  /** Recorded on each job it takes (`job.processedBy`): host, pid and a random suffix. */
  name: string;
  connect: (role: string) => RedisClient;
  prefix: string;
  queue: AuditQueue;
  /** Jobs run at once: NORMGUARD_SLOTS × the number of OLLAMA_HOST backends, the GPU slots this worker can fill. */
  concurrency: number;
  /** A job whose worker stops renewing its lock (killed, hung) is retried after this long. */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/** How many times a job may be found stalled (its worker died) before it is dead-lettered. */
const MAX_STALLED = 2;

/**
 * Consumes the audit queue: each job is the second half of passive monitoring (`Monitor.audit`)
 * for a message a gateway screened. Model failures the scheduler calls retryable go back to
 * BullMQ, which retries with exponential backoff; the rest, and jobs out of attempts, go to the
 * dead-letter queue with the reason. The outcome is the job's return value, which gateways
 * receive through BullMQ's QueueEvents stream.
 */
export class AuditWorker {
  readonly worker: Worker<AuditJobData, WireOutcome>;
  private readonly monitor: Monitor;
  private readonly logger: Logger;
  /** Audits this process finished (for tests and the bench). */
  completed = 0;

  constructor(core: App, private readonly options: AuditWorkerOptions) {
    const { moderation, store } = core;
    this.logger = core.logger.child({ component: 'audit-worker' });
    const cases = new OncePerMessageCases(store.kv, store.repos.cases, core);
    // Its own Monitor for `audit` only: the gateway already screened (buffer, dedupe, settings).
    this.monitor = new Monitor({
      assessor: core.assessor,
      settings: store.repos.settings,
      cases,
      activity: moderation.activity,
      dedupe: store.repos.dedupe,
      buffer: new ConversationBuffer({ perChannel: 1, maxChannels: 1 }),
      clock: core.clock,
      logger: core.logger.child({ component: 'monitor' }),
      method: core.config.NORMGUARD_PASSIVE_METHOD,
    });
    this.worker = new Worker(AUDIT_QUEUE, (job) => this.process(job), {
      connection: options.connect('audit-worker'),
      prefix: options.prefix,
      name: options.name,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: MAX_STALLED,
    });
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'audit worker error (reconnecting if Redis went away)'));
    this.worker.on('failed', (job, err) => void this.onFailed(job, err));
  }

  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  private async process(job: Job<AuditJobData, WireOutcome>): Promise<WireOutcome> {
    const { data } = job;
    const log = this.logger.child({ job: job.id, attempt: job.attemptsMade + 1 });
    const pending: PendingAudit = {
      kind: 'audit',
      needsModel: true,
      message: data.message,
      settings: data.settings,
      context: data.context,
      repeat: null,
      repeatKey: data.repeatKey,
    };
    let outcome;
    try {
      outcome = await this.monitor.audit(pending);
    } catch (err) {
      // A store outage while recording the decision: retry the whole audit later.
      if (err instanceof NormguardError && err.retryable) throw err;
      throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    }
    if (outcome.kind === 'failed') {
      const attempts = job.opts.attempts ?? 1;
      const last = !outcome.error.retryable || job.attemptsMade + 1 >= attempts;
      if (!last) {
        log.info({ code: outcome.error.code }, 'audit failed; BullMQ retries it after a backoff');
        throw outcome.error;
      }
      // Given up: recorded with the reason, and the gateway hears "failed" (it renders nothing).
      await this.options.queue.deadLetter({
        jobId: String(job.id),
        data,
        reason: outcome.error.message,
        code: outcome.error.code,
        attempts: job.attemptsMade + 1,
        failedAt: Date.now(),
      });
      log.warn({ code: outcome.error.code }, 'audit dead-lettered');
    }
    this.completed++;
    return toWire(outcome);
  }

  /** Failures that never reached the end of `process` (stalled too often, store errors) on their last attempt. */
  private async onFailed(job: Job<AuditJobData, WireOutcome> | undefined, err: Error): Promise<void> {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= attempts || /stalled more than/i.test(err.message);
    if (!final) return;
    try {
      await this.options.queue.deadLetter({
        jobId: String(job.id),
        data: job.data,
        reason: err.message,
        code: err instanceof NormguardError ? err.code : 'UNEXPECTED',
        attempts: job.attemptsMade,
        failedAt: Date.now(),
      });
      this.logger.warn({ job: job.id, reason: err.message }, 'audit dead-lettered');
    } catch (e) {
      this.logger.error({ err: e, job: job.id }, 'could not dead-letter a failed audit');
    }
  }

  async close(): Promise<void> {
    await this.worker.close();
  }
}

/** A decided case stays reachable this long by its message, which covers any retry of its job. */
const OPENED_TTL_MS = 24 * 60 * 60_000;

/**
 * Opens at most one case per chat message. A worker killed after opening a case but before its
 * job completed leaves BullMQ to retry the job (stalled-job recovery); the retry finds the case
 * the first attempt opened instead of opening a second one.
 */
class OncePerMessageCases extends CaseService {
  constructor(
    private readonly kv: KvStore,
    repo: App['store']['repos']['cases'],
    core: App,
  ) {
    super(repo, core.assessor, core.logger.child({ component: 'cases' }), core.store.repos.settings);
  }

  override async open(input: OpenCaseInput): Promise<ReviewCase> {
    const m = input.message;
    const key = `scale:opened:${[m.platform, m.workspaceId, m.channelId, m.messageId].map(encodeURIComponent).join(':')}`;
    return this.kv.withLock(key, async () => {
      const existing = await this.kv.get<string>(key);
      const found = existing ? await this.get(existing) : null;
      if (found) return found;
      const opened = await super.open(input);
      await this.kv.set(key, opened.id, OPENED_TTL_MS);
      return opened;
    });
  }
}
