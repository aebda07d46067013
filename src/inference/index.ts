import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../logger.js';
import { OllamaBackend } from './backend.js';
import { ScheduledInferenceClient } from './client.js';
import { Scheduler } from './scheduler.js';
import type { BackendHealth, Priority } from './types.js';

export * from './types.js';
export { stripThinking } from './think.js';
export { readLogprobs } from './logprobs.js';
export { OllamaBackend, SAMPLING, sameModel } from './backend.js';
export { Scheduler } from './scheduler.js';
export { ScheduledInferenceClient } from './client.js';

export interface InferenceHooks {
  onShed?: () => void;
  onAttempt?: (event: { backend: string; priority: Priority; outcome: string; latencyMs: number }) => void;
}

export interface Inference {
  client: ScheduledInferenceClient;
  scheduler: Scheduler;
  backends: OllamaBackend[];
  health(): Promise<BackendHealth[]>;
  /** Loads the model on every host in the background; never blocks or fails start-up. */
  warmUp(): Promise<void>;
  /** The model's digest on the first host that reports one (calibration is stored under it); null if none can. */
  modelDigest(): Promise<string | null>;
}

export function createInference(config: Config, deps: { clock: Clock; logger: Logger; hooks?: InferenceHooks }): Inference {
  const logger = deps.logger.child({ component: 'inference' });
  const backends = config.OLLAMA_HOST.map(
    (url) =>
      new OllamaBackend({
        url,
        model: config.NORMGUARD_MODEL,
        slots: config.NORMGUARD_SLOTS,
        keepAlive: config.NORMGUARD_KEEP_ALIVE,
        requestTimeoutMs: config.NORMGUARD_REQUEST_TIMEOUT_MS,
        coldStartTimeoutMs: config.NORMGUARD_COLD_START_TIMEOUT_MS,
        connectTimeoutMs: config.NORMGUARD_CONNECT_TIMEOUT_MS,
        breakerThreshold: config.NORMGUARD_BREAKER_THRESHOLD,
        breakerCooldownMs: config.NORMGUARD_BREAKER_COOLDOWN_MS,
        clock: deps.clock,
        logger,
      }),
  );
  const scheduler = new Scheduler(backends, { passiveQueueLimit: config.NORMGUARD_PASSIVE_QUEUE, onShed: deps.hooks?.onShed });
  const client = new ScheduledInferenceClient(scheduler, {
    model: config.NORMGUARD_MODEL,
    maxRetries: config.NORMGUARD_MAX_RETRIES,
    deadlines: {
      interactive: config.NORMGUARD_INTERACTIVE_DEADLINE_MS,
      review: config.NORMGUARD_INTERACTIVE_DEADLINE_MS,
      passive: config.NORMGUARD_PASSIVE_DEADLINE_MS,
    },
    clock: deps.clock,
    logger,
    onAttempt: deps.hooks?.onAttempt,
  });
  return {
    client,
    scheduler,
    backends,
    health: () => Promise.all(backends.map((b) => b.health())),
    modelDigest: async () => {
      for (const backend of backends) {
        // One host that cannot answer must not hide another's digest.
        const digest = await backend.modelDigest().catch((err: unknown) => {
          logger.warn({ err, code: errorCodeOf(err), backend: backend.url }, 'could not read the model digest');
          return null;
        });
        if (digest) return digest;
      }
      return null;
    },
    warmUp: async () => {
      await Promise.all(
        backends.map((b) =>
          b.warmUp().then(
            () => logger.info({ backend: b.url }, 'model loaded and kept warm'),
            (err: Error) => logger.warn({ backend: b.url }, `warm-up failed, will retry on first use: ${err.message}`),
          ),
        ),
      );
    },
  };
}
