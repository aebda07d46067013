import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Assessor } from './assessment/assessor.js';
import { Calibrator } from './calibration/calibrator.js';
import { CalibrationStore } from './calibration/store.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { createHttpServer, listen } from './http/server.js';
import { createInference, type Inference } from './inference/index.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { createRepositories, openStore, type KvStore, type Repositories } from './store/index.js';
import { ActivityLog } from './moderation/activity-log.js';
import { CaseService } from './moderation/cases.js';
import { ConversationBuffer } from './moderation/conversation-buffer.js';
import { Monitor, type MonitorOutcome } from './moderation/monitor.js';
import type { IncomingMessage } from './moderation/message.js';
import type { CommandDeps } from '../commands/handlers.js';

/** What the chat adapters share: one monitor, one case service, one conversation memory. */
export interface Moderation {
  buffer: ConversationBuffer;
  activity: ActivityLog;
  cases: CaseService;
  monitor: Monitor;
  /**
   * Where adapters send chat messages for passive monitoring: the monitor itself in one process,
   * or the audit queue in a gateway (src/scale), which hands the audit to a worker process.
   */
  passive: PassiveAudits;
  commands: CommandDeps;
}

/** Passive monitoring as the adapters see it: a message in, what to render out. */
export interface PassiveAudits {
  handle(message: IncomingMessage): Promise<MonitorOutcome>;
  /**
   * Scale-out only: how this process renders an outcome for a message another gateway enqueued
   * and then died before rendering (an "orphan"). Adapters register one per platform.
   */
  adopt?(platform: IncomingMessage['platform'], render: OrphanRenderer): void;
}

export type OrphanRenderer = (message: IncomingMessage, outcome: MonitorOutcome) => Promise<void>;

/** Everything the product is made of, wired once from the parsed config (the composition root). */
export interface Core {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  inference: Inference;
  assessor: Assessor;
  /** The frames' measured lean per model digest, for the calibrated verdict method. */
  calibration: Calibrator;
  /** Absent for one-shot CLI commands, which keep no state. */
  store: { kv: KvStore; repos: Repositories } | null;
  /** Present whenever the store is. */
  moderation: Moderation | null;
  close(): Promise<void>;
}

export interface CoreOptions {
  logger: Logger;
  clock?: Clock;
  /** Open the store (SQLite or Redis) and use the assessment cache. */
  withStore: boolean;
  /** One-shot commands: calibrated verdicts wait for the first calibration rather than fall back. */
  awaitCalibration?: boolean;
}

export async function createCore(config: Config, options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? systemClock;
  const { logger } = options;
  let metrics: Metrics | undefined;
  const inference = createInference(config, {
    clock,
    logger,
    hooks: {
      onShed: () => metrics?.shed.inc(),
      onAttempt: (e) => {
        metrics?.inferenceAttempts.inc({ backend: e.backend, priority: e.priority, outcome: e.outcome });
        metrics?.inferenceLatency.observe({ priority: e.priority }, e.latencyMs / 1000);
      },
    },
  });
  metrics = new Metrics({
    queueDepth: () => inference.scheduler.stats().queued,
    inFlight: () => inference.scheduler.stats().active,
    breakers: () => inference.backends.map((b) => ({ url: b.url, state: b.breaker.state })),
  });
  let store: Core['store'] = null;
  if (options.withStore) {
    const kv = await openStore({ dataDir: config.NORMGUARD_DATA_DIR, redisUrl: config.REDIS_URL, namespace: config.NORMGUARD_REDIS_NAMESPACE, logger });
    const retentionMs = config.NORMGUARD_RETENTION_DAYS * 24 * 60 * 60_000;
    store = { kv, repos: createRepositories(kv, clock, {
        ...(retentionMs > 0 ? { closedCaseTtlMs: retentionMs } : {}),
        // SQLite means one process, so an in-memory settings cache is exact; with Redis other
        // processes write settings too, and a stale mode is worse than a store read.
        ...(config.REDIS_URL ? {} : { settingsCache: 'exact' as const }),
      }) };
  }
  const calibration = new Calibrator({
    inference: inference.client,
    limits: { maxTokens: config.NORMGUARD_MAX_TOKENS, verdictMaxTokens: config.NORMGUARD_VERDICT_MAX_TOKENS },
    clock,
    logger: logger.child({ component: 'calibration' }),
    store: store ? new CalibrationStore(store.kv, logger) : null,
    digest: () => inference.modelDigest(),
    // A one-shot command measures on the spot, so it asks fewer probes than a service's start-up.
    probesPerFrame: options.awaitCalibration ? 2 : 3,
  });
  const assessor = new Assessor({
    calibration,
    awaitCalibration: options.awaitCalibration ?? false,
    inference: inference.client,
    method: config.NORMGUARD_VERDICT_METHOD,
    maxTokens: config.NORMGUARD_MAX_TOKENS,
    verdictMaxTokens: config.NORMGUARD_VERDICT_MAX_TOKENS,
    cache: store?.repos.assessmentCache,
    cacheTtlMs: config.NORMGUARD_CACHE_TTL_MS,
    clock,
    logger,
    deadlines: {
      interactive: config.NORMGUARD_INTERACTIVE_DEADLINE_MS,
      review: config.NORMGUARD_INTERACTIVE_DEADLINE_MS,
      passive: config.NORMGUARD_PASSIVE_DEADLINE_MS,
    },
  });
  const moderation = store ? createModeration(config, store.kv, store.repos, assessor, clock, logger) : null;
  return {
    config,
    logger,
    clock,
    metrics,
    inference,
    assessor,
    calibration,
    store,
    moderation,
    close: async () => {
      calibration.stop();
      await store?.kv.close();
    },
  };
}

/** The moderation services over one store; the benchmark builds its bot with this too. */
export function createModeration(
  config: Config,
  kv: KvStore,
  repos: Repositories,
  assessor: Assessor,
  clock: Clock,
  logger: Logger,
  options: { buffer?: ConstructorParameters<typeof ConversationBuffer>[0]; repeats?: false } = {},
): Moderation {
  const buffer = new ConversationBuffer(options.buffer);
  const activity = new ActivityLog(kv, clock);
  const cases = new CaseService(repos.cases, assessor, logger.child({ component: 'cases' }), repos.settings);
  const monitor = new Monitor({
    assessor,
    settings: repos.settings,
    cases,
    activity,
    dedupe: repos.dedupe,
    buffer,
    clock,
    logger: logger.child({ component: 'monitor' }),
    method: config.NORMGUARD_PASSIVE_METHOD,
    ...(options.repeats === false ? { repeats: false as const } : {}),
  });
  const commands: CommandDeps = { assessor, settings: repos.settings, cases: repos.cases, caseService: cases, buffer, activity, clock, logger: logger.child({ component: 'commands' }) };
  return { buffer, activity, cases, monitor, passive: monitor, commands };
}

export interface Service {
  http: Server | null;
  address: AddressInfo | null;
  adapters: string[];
  stop(): Promise<void>;
}

/** Chat adapters are started by the caller's factory, so the core never imports an adapter. */
export type AdapterStarter = (core: Core) => Promise<Array<{ name: string; stop(): Promise<void> }>>;

/** `normguard start`: the HTTP API and every configured chat adapter in one process. */
export async function startService(core: Core, startAdapters?: AdapterStarter): Promise<Service> {
  const { config, logger } = core;
  let http: Server | null = null;
  let address: AddressInfo | null = null;
  if (config.NORMGUARD_HTTP_ENABLED) {
    http = createHttpServer({
      assessor: core.assessor,
      health: () => core.inference.health(),
      verdicts: () => verdictStatus(core),
      metrics: core.metrics,
      logger,
      apiToken: config.NORMGUARD_API_TOKEN,
      stats: core.store && core.moderation ? { cases: core.store.repos.cases, activity: core.moderation.activity, clock: core.clock } : undefined,
    });
    address = await listen(http, config.NORMGUARD_HTTP_HOST, config.NORMGUARD_HTTP_PORT);
    logger.info({ host: address.address, port: address.port }, 'HTTP API listening');
  }
  // Loading the model can take tens of seconds; start serving meanwhile and say how it went.
  void core.inference.warmUp();
  // A handful of content-free probes per frame; never blocks start-up (the calibrated method
  // waits for it, or falls back to the contrast, on first use).
  if (usesCalibration(config)) core.calibration.start();
  void reportOllama(core);
  let adapters: Awaited<ReturnType<AdapterStarter>> = [];
  try {
    adapters = (await startAdapters?.(core)) ?? [];
  } catch (err) {
    if (http) http.close();
    throw err;
  }
  return {
    http,
    address,
    adapters: adapters.map((a) => a.name),
    stop: async () => {
      await Promise.all(adapters.map((a) => a.stop().catch((err: unknown) => logger.warn({ err, adapter: a.name }, 'adapter did not stop cleanly'))));
      if (http) {
        const server = http;
        await new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
      }
      await core.close();
    },
  };
}

function usesCalibration(config: Config): boolean {
  return config.NORMGUARD_VERDICT_METHOD === 'calibrated' || config.NORMGUARD_PASSIVE_METHOD === 'calibrated';
}

/** What `/readyz` says about verdicts: the method, calibration, and whether it fell back. */
export function verdictStatus(core: Pick<Core, 'config' | 'calibration'>): Record<string, unknown> {
  const calibration = core.calibration.status();
  const method = core.config.NORMGUARD_VERDICT_METHOD;
  const fallback =
    method === 'calibrated' && calibration.state === 'no-logprobs'
      ? 'the model returns no logprobs (Ollama 0.12.11 or newer needed, and no proxy that drops them): verdicts use the two-frame contrast'
      : undefined;
  return { method, passiveMethod: core.config.NORMGUARD_PASSIVE_METHOD, calibration, ...(fallback ? { fallback } : {}) };
}

async function reportOllama(core: Core): Promise<void> {
  for (const h of await core.inference.health()) {
    if (h.reachable && h.modelPresent) core.logger.info({ backend: h.url, thinking: h.thinking }, 'Ollama reachable and model installed');
    else core.logger.warn({ backend: h.url }, `Ollama not ready: ${h.error ?? 'unknown problem'}; audits will fail until it is (run \`normguard doctor\`)`);
  }
}
