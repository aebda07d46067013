import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { App } from '../app.js';
import { startService, type AdapterStarter, type Service, type ServiceOptions } from '../service.js';
import { ConfigError } from '../errors.js';
import { addAuditQueueGauges } from '../metrics.js';
import { AuditQueue } from './audit-queue.js';
import { AuditWorker } from './audit-worker.js';
import { QueueConnections } from './connection.js';
import { QueuedPassiveAudits } from './gateway.js';

/**
 * `normguard start --role …`: `all` is the one-process bot (no queue); `gateway` runs the chat
 * adapters and the HTTP API and queues passive audits; `worker` runs queued audits only.
 */
export const ROLES = ['all', 'gateway', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface RoleService extends Service {
  role: Role;
  /** One line for the operator: what this process does. */
  summary: string;
  /** Present in a gateway. */
  gateway?: QueuedPassiveAudits;
  /** Present in a worker. */
  worker?: AuditWorker;
  queue?: AuditQueue;
}

/** The roles share state and the queue through Redis; without it there is nothing to share. */
export function checkRoleConfig(role: Role, core: Pick<App, 'config'>): void {
  if (role !== 'all' && !core.config.REDIS_URL) {
    throw new ConfigError([
      `REDIS_URL: required for --role ${role} (gateways and workers share the queue, cases and dedupe through Redis), e.g. redis://127.0.0.1:6379`,
    ]);
  }
}

/** A worker fills every GPU slot it can reach: NORMGUARD_SLOTS per Ollama host. */
export function workerConcurrency(config: App['config']): number {
  return config.NORMGUARD_SLOTS * config.OLLAMA_HOST.length;
}

export async function startRole(role: Role, core: App, startAdapters?: AdapterStarter, options: ServiceOptions = {}): Promise<RoleService> {
  checkRoleConfig(role, core);
  if (role === 'all') {
    const service = await startService(core, startAdapters, options);
    return { ...service, role, summary: 'all roles in one process (no queue)' };
  }
  const { config } = core;
  const url = config.REDIS_URL as string;
  const prefix = `${config.NORMGUARD_REDIS_NAMESPACE}:q`;
  const id = `${role}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const connections = new QueueConnections(url, `normguard:${config.NORMGUARD_REDIS_NAMESPACE}`, core.logger);
  const { connect } = connections;
  const queue = new AuditQueue({ connect, prefix, logger: core.logger, attempts: config.NORMGUARD_QUEUE_ATTEMPTS, backoffMs: config.NORMGUARD_QUEUE_BACKOFF_MS });
  addAuditQueueGauges(core.metrics, () => queue.snapshot(), core.logger);
  const closeQueue = async () => {
    await queue.close().catch((err: unknown) => core.logger.warn({ err }, 'queue did not close cleanly'));
    connections.closeAll();
  };

  if (role === 'worker') {
    const worker = new AuditWorker(core, {
      name: id,
      connect,
      prefix,
      queue,
      concurrency: workerConcurrency(config),
      lockDurationMs: config.NORMGUARD_QUEUE_LOCK_MS,
      stalledIntervalMs: config.NORMGUARD_QUEUE_STALLED_MS,
    });
    await worker.ready();
    const closeAll = async () => {
      await worker.close().catch((err: unknown) => core.logger.warn({ err }, 'worker did not close cleanly'));
      await closeQueue();
      await core.close();
    };
    // The HTTP server gives a worker /healthz, /readyz and /metrics (and the API, harmlessly).
    const service = await startService({ ...core, close: closeAll });
    core.logger.info({ id, concurrency: workerConcurrency(config) }, 'audit worker consuming the queue');
    return { ...service, role, worker, queue, summary: `audit worker ${id}, concurrency ${workerConcurrency(config)} (NORMGUARD_SLOTS × ${config.OLLAMA_HOST.length} Ollama host(s))` };
  }

  const { moderation } = core;
  const gateway = new QueuedPassiveAudits({
    monitor: moderation.monitor,
    queue,
    connect,
    prefix,
    gatewayId: id,
    waitMs: config.NORMGUARD_QUEUE_WAIT_MS,
    kv: core.store.kv,
    heartbeatMs: config.NORMGUARD_GATEWAY_HEARTBEAT_MS,
    logger: core.logger,
  });
  await gateway.ready();
  const closeAll = async () => {
    await gateway.close().catch((err: unknown) => core.logger.warn({ err }, 'gateway queue did not close cleanly'));
    await closeQueue();
    await core.close();
  };
  const service = await startService({ ...core, moderation: { ...moderation, passive: gateway }, close: closeAll }, startAdapters, options);
  return { ...service, role, gateway, queue, summary: `gateway ${id}: passive audits go to the queue` };
}
