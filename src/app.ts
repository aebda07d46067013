import { Assessor } from './assessment/assessor.js';
import { Calibrator } from './calibration/calibrator.js';
import { CalibrationStore } from './calibration/store.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { createInference, type Inference, type InferenceClient, type InferenceHooks } from './inference/index.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics.js';
import type { KvStore, Repositories } from './store/index.js';
import { ActivityLog } from './moderation/activity-log.js';
import { CaseService } from './moderation/cases.js';
import { ConversationBuffer } from './moderation/conversation-buffer.js';
import { Monitor, type MonitorOutcome } from './moderation/monitor.js';
import type { IncomingMessage } from './moderation/message.js';
import type { CaseReviewers } from './moderation/reviewers.js';

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
  /** Each running chat adapter's way to carry out a decision taken in the web dashboard. */
  reviewers: CaseReviewers;
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

/** The stateless part: enough for one-shot CLI commands, which keep no store. */
export interface Engine {
  config: Config;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  inference: Inference;
  assessor: Assessor;
  /** The frames' measured lean per model digest, for the calibrated verdict method. */
  calibration: Calibrator;
  close(): Promise<void>;
}

/** Everything the service is made of, wired once from the parsed config (the composition root). */
export interface App extends Engine {
  store: { kv: KvStore; repos: Repositories };
  moderation: Moderation;
}

/** What a caller may plug in instead of what the config names: tests and the bench use these. */
export interface EngineOverrides {
  logger: Logger;
  clock?: Clock;
  /** Replaces the model behind the assessor (the bench's in-process stand-in). */
  model?: InferenceClient;
  /** Extra observers of the scheduler (the bench counts attempts). */
  hooks?: InferenceHooks;
  /** One-shot commands: calibrated verdicts wait for the first calibration rather than fall back. */
  awaitCalibration?: boolean;
}

export interface AppOverrides extends EngineOverrides {
  /** An already-open store instead of the configured SQLite or Redis. */
  kv?: KvStore;
  /** Conversation memory bounds (the product default when absent). */
  buffer?: ConstructorParameters<typeof ConversationBuffer>[0];
  /** `false` turns the monitor's repeat cache off (the bench measures what it saves). */
  repeats?: false;
}

/** `stored`: the app's store, for the assessment cache and the calibration it keeps across restarts. */
export function createEngine(config: Config, overrides: EngineOverrides, stored?: { kv: KvStore; repos: Repositories }): Engine {
  const clock = overrides.clock ?? systemClock;
  const { logger } = overrides;
  let metrics: Metrics | undefined;
  const inference = createInference(config, {
    clock,
    logger,
    hooks: {
      onShed: () => {
        metrics?.shed.inc();
        overrides.hooks?.onShed?.();
      },
      onAttempt: (e) => {
        metrics?.inferenceAttempts.inc({ backend: e.backend, priority: e.priority, outcome: e.outcome });
        metrics?.inferenceLatency.observe({ priority: e.priority }, e.latencyMs / 1000);
        overrides.hooks?.onAttempt?.(e);
      },
    },
  });
  metrics = new Metrics({
    queueDepth: () => inference.scheduler.stats().queued,
    inFlight: () => inference.scheduler.stats().active,
    breakers: () => inference.backends.map((b) => ({ url: b.url, state: b.breaker.state })),
  });
  const model = overrides.model ?? inference.client;
  const calibration = new Calibrator({
    inference: model,
    limits: { maxTokens: config.NORMGUARD_MAX_TOKENS, verdictMaxTokens: config.NORMGUARD_VERDICT_MAX_TOKENS },
    clock,
    logger: logger.child({ component: 'calibration' }),
    store: stored ? new CalibrationStore(stored.kv, logger) : null,
    digest: () => inference.modelDigest(),
    // A one-shot command measures on the spot, so it asks fewer probes than a service's start-up.
    probesPerFrame: overrides.awaitCalibration ? 2 : 3,
  });
  const assessor = new Assessor({
    calibration,
    awaitCalibration: overrides.awaitCalibration ?? false,
    inference: model,
    method: config.NORMGUARD_VERDICT_METHOD,
    maxTokens: config.NORMGUARD_MAX_TOKENS,
    verdictMaxTokens: config.NORMGUARD_VERDICT_MAX_TOKENS,
    cache: stored?.repos.assessmentCache,
    cacheTtlMs: config.NORMGUARD_CACHE_TTL_MS,
    clock,
    logger,
    deadlines: {
      interactive: config.NORMGUARD_INTERACTIVE_DEADLINE_MS,
      review: config.NORMGUARD_INTERACTIVE_DEADLINE_MS,
      passive: config.NORMGUARD_PASSIVE_DEADLINE_MS,
    },
  });
  return { config, logger, clock, metrics, inference, assessor, calibration, close: async () => calibration.stop() };
}

/** `normguard start`, the tests and the bench: the store, the engine over it, and moderation. */
export async function createApp(config: Config, overrides: AppOverrides): Promise<App> {
  const clock = overrides.clock ?? systemClock;
  const { logger } = overrides;
  // Loaded only here: the Redis and SQLite clients cost one-shot CLI commands start-up time.
  const { createRepositories, openStore } = await import('./store/index.js');
  const kv =
    overrides.kv ?? (await openStore({ dataDir: config.NORMGUARD_DATA_DIR, redisUrl: config.REDIS_URL, namespace: config.NORMGUARD_REDIS_NAMESPACE, logger }));
  const retentionMs = config.NORMGUARD_RETENTION_DAYS * 24 * 60 * 60_000;
  const repos = createRepositories(kv, clock, {
    ...(retentionMs > 0 ? { closedCaseTtlMs: retentionMs } : {}),
    // SQLite means one process, so an in-memory settings cache is exact; with Redis other
    // processes write settings too, and a stale mode is worse than a store read.
    ...(config.REDIS_URL ? {} : { settingsCache: 'exact' as const }),
  });
  const engine = createEngine(config, { ...overrides, clock }, { kv, repos });
  const moderation = createModeration(engine, kv, repos, overrides);
  const close = async () => {
    await engine.close();
    await kv.close();
  };
  return { ...engine, store: { kv, repos }, moderation, close };
}

function createModeration(engine: Engine, kv: KvStore, repos: Repositories, overrides: Pick<AppOverrides, 'buffer' | 'repeats'>): Moderation {
  const { assessor, clock, logger, config } = engine;
  const buffer = new ConversationBuffer(overrides.buffer);
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
    ...(overrides.repeats === false ? { repeats: false as const } : {}),
  });
  return { buffer, activity, cases, monitor, passive: monitor, reviewers: new Map() };
}
