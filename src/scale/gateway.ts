import { Job, QueueEvents } from 'bullmq';
import type { OrphanRenderer, PassiveAudits } from '../app.js';
import { NormguardError, errorCodeOf } from '../errors.js';
import type { Logger } from '../logger.js';
import type { IncomingMessage } from '../moderation/message.js';
import type { Monitor, MonitorOutcome } from '../moderation/monitor.js';
import type { KvStore } from '../store/index.js';
import { AUDIT_QUEUE, type AuditQueue } from './audit-queue.js';
import type { RedisClient } from './connection.js';
import { auditJobId, fromWire, type WireOutcome } from './jobs.js';

export interface QueuedAuditsOptions {
  /** This gateway's monitor: `screen` runs here, where the conversation buffer is. */
  monitor: Monitor;
  queue: AuditQueue;
  connect: (role: string) => RedisClient;
  prefix: string;
  /** Names this gateway on its jobs (logs, dead letters). */
  gatewayId: string;
  /** How long to wait for a worker's outcome before rendering nothing. */
  waitMs: number;
  /** Shared state: this gateway's heartbeat, and who rendered which outcome. */
  kv: KvStore;
  /** A gateway missing three heartbeats counts as gone; its outcomes are rendered by another. */
  heartbeatMs: number;
  logger: Logger;
}

/** Long enough to outlive any retry of a job; the render claims are tiny. */
const RENDERED_TTL_MS = 24 * 60 * 60_000;
const heartbeatKey = (gatewayId: string) => `scale:gateway:${gatewayId}`;
const renderedKey = (jobId: string) => `scale:rendered:${jobId}`;

interface Waiter {
  resolve(outcome: MonitorOutcome): void;
  timer: NodeJS.Timeout;
}

/**
 * Passive monitoring in a gateway process: the cheap screen here, the audit on a worker. The
 * adapter awaits `handle` exactly as in one process, so it renders the outcome (card, coach note)
 * with the platform objects it holds; the outcome arrives through BullMQ's QueueEvents stream,
 * which is a Redis stream that a reconnecting reader resumes from where it stopped.
 */
export class QueuedPassiveAudits implements PassiveAudits {
  private readonly events: QueueEvents;
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly renderers = new Map<IncomingMessage['platform'], OrphanRenderer>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly logger: Logger;
  /** Audits enqueued by this gateway (for tests and the bench). */
  enqueued = 0;
  /** Outcomes of dead gateways this one rendered. */
  adopted = 0;

  constructor(private readonly options: QueuedAuditsOptions) {
    this.logger = options.logger.child({ component: 'gateway-queue', gateway: options.gatewayId });
    this.events = new QueueEvents(AUDIT_QUEUE, { connection: options.connect('audit-events'), prefix: options.prefix });
    this.events.on('error', (err) => this.logger.warn({ err: err.message }, 'queue events error (reconnecting if Redis went away)'));
    this.events.on('completed', ({ jobId, returnvalue }) => {
      let wire: WireOutcome;
      try {
        wire = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as WireOutcome;
      } catch (err) {
        return this.logger.warn({ err, job: jobId }, 'unreadable audit outcome');
      }
      if (this.waiting.has(jobId)) this.settle(jobId, fromWire(wire));
      // Every gateway sees every completion; audits are GPU-paced (a few a second), so checking
      // the owner of each one that needs rendering costs little.
      else if (needsRendering(wire)) this.watchForOrphan(jobId);
    });
    // 'failed' also fires for an attempt that will be retried; only a job left in `failed` is final.
    this.events.on('failed', ({ jobId, failedReason }) => {
      if (!this.waiting.has(jobId)) return;
      void this.finalFailure(jobId, failedReason);
    });
  }

  async ready(): Promise<void> {
    await this.events.waitUntilReady();
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  adopt(platform: IncomingMessage['platform'], render: OrphanRenderer): void {
    this.renderers.set(platform, render);
  }

  private async beat(): Promise<void> {
    try {
      await this.options.kv.set(heartbeatKey(this.options.gatewayId), Date.now(), this.options.heartbeatMs * 3);
    } catch (err) {
      this.logger.debug({ err }, 'could not refresh the gateway heartbeat');
    }
  }

  /**
   * Exactly one gateway renders an outcome: the one that asked claims it first; if it died, the
   * others wait out its heartbeat, and the first to claim renders it with its own adapter.
   */
  private async claimRender(jobId: string): Promise<boolean> {
    try {
      return await this.options.kv.setIfNotExists(renderedKey(jobId), this.options.gatewayId, RENDERED_TTL_MS);
    } catch (err) {
      // Redis away: rendering twice (rare) beats not rendering at all.
      this.logger.debug({ err, job: jobId }, 'could not claim the rendering; rendering anyway');
      return true;
    }
  }

  private watchForOrphan(jobId: string): void {
    // Three missed heartbeats plus a little, so a live but busy owner is never pre-empted.
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.adoptIfOrphan(jobId).catch((err: unknown) => this.logger.warn({ err, job: jobId }, 'could not render an orphaned outcome'));
    }, this.options.heartbeatMs * 3 + 250);
    timer.unref();
    this.timers.add(timer);
  }

  private async adoptIfOrphan(jobId: string): Promise<void> {
    const job = await Job.fromId(this.options.queue.queue, jobId);
    if (!job?.returnvalue) return;
    const render = this.renderers.get(job.data.message.platform);
    if (!render) return;
    if ((await this.options.kv.get(heartbeatKey(job.data.gateway))) !== undefined) return;
    if (!(await this.claimRender(jobId))) return;
    await render(job.data.message, fromWire(job.returnvalue));
    this.adopted++;
    this.logger.info({ job: jobId, owner: job.data.gateway }, 'rendered the outcome of a gateway that went away');
  }

  async handle(message: IncomingMessage): Promise<MonitorOutcome> {
    const { monitor, queue } = this.options;
    const screening = await monitor.screen(message);
    if (screening.kind === 'done') return screening.outcome;
    // A verdict known without the GPU (a word-for-word repeat) is finished here.
    if (screening.repeat) return monitor.audit(screening);
    const jobId = auditJobId(message);
    const outcome = this.waitFor(jobId);
    try {
      const job = await queue.enqueue({
        message,
        context: [...screening.context],
        settings: screening.settings,
        repeatKey: screening.repeatKey,
        priority: 'passive',
        gateway: this.options.gatewayId,
        enqueuedAt: Date.now(),
      });
      this.enqueued++;
      // The same message enqueued earlier (another replica, a replay) may be finished already.
      const state = await job.getState();
      if (state === 'completed' || state === 'failed') await this.settleFromStore(jobId);
    } catch (err) {
      this.settle(jobId, { kind: 'failed', error: err instanceof NormguardError ? err : new NormguardError('STORE', `could not queue the audit: ${String(err)}`, { retryable: true }) });
    }
    const result = await outcome;
    if (result.kind === 'decided' && (result.case || result.explanation) && !(await this.claimRender(jobId))) {
      return { kind: 'skipped', reason: 'duplicate' };
    }
    return result;
  }

  private waitFor(jobId: string): Promise<MonitorOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn({ job: jobId }, 'no outcome from the workers in time; nothing rendered (the audit may still finish)');
        this.settle(jobId, { kind: 'failed', error: new NormguardError('TIMEOUT', 'no audit worker answered in time', { retryable: true }) });
      }, this.options.waitMs);
      timer.unref();
      const list = this.waiting.get(jobId) ?? [];
      list.push({ resolve, timer });
      this.waiting.set(jobId, list);
    });
  }

  private settle(jobId: string, outcome: MonitorOutcome): void {
    const list = this.waiting.get(jobId);
    if (!list) return;
    this.waiting.delete(jobId);
    for (const w of list) {
      clearTimeout(w.timer);
      w.resolve(outcome);
    }
  }

  private async finalFailure(jobId: string, reason: string): Promise<void> {
    try {
      const job = await Job.fromId(this.options.queue.queue, jobId);
      if (job && (await job.getState()) === 'failed') this.settle(jobId, { kind: 'failed', error: new NormguardError('MODEL_UNAVAILABLE', reason) });
    } catch (err) {
      this.logger.debug({ err, job: jobId }, 'could not read a failed job');
    }
  }

  private async settleFromStore(jobId: string): Promise<void> {
    const job = await Job.fromId(this.options.queue.queue, jobId);
    if (!job) return;
    const state = await job.getState();
    if (state === 'completed' && job.returnvalue) this.settle(jobId, fromWire(job.returnvalue));
    else if (state === 'failed') this.settle(jobId, { kind: 'failed', error: new NormguardError('MODEL_UNAVAILABLE', job.failedReason ?? 'audit failed') });
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    // The heartbeat expires by itself; a failed delete only delays its going.
    await this.options.kv.delete(heartbeatKey(this.options.gatewayId)).catch((err: unknown) => {
      this.logger.warn({ err, code: errorCodeOf(err) }, 'could not remove the gateway heartbeat; it expires on its own');
    });
    for (const jobId of [...this.waiting.keys()]) this.settle(jobId, { kind: 'failed', error: new NormguardError('MODEL_UNAVAILABLE', 'gateway stopping') });
    await this.events.close();
  }
}

function needsRendering(wire: WireOutcome): boolean {
  return wire.kind === 'decided' && (wire.case !== undefined || wire.explanation !== undefined);
}
