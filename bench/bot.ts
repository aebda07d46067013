/**
 * normguard as the benchmarks run it: the product's own Monitor, Assessor, scheduler and client,
 * wired the way src/app.ts wires them, on MemoryKvStore-backed repositories. Only the model is
 * ever replaced, and only where a benchmark says so (`instantInference`).
 */
import { commandDeps, type CommandDeps } from '../commands/deps.js';
import type { Assessor } from '../src/assessment/index.js';
import { systemClock, type Clock } from '../src/clock.js';
import { parseConfig, type Config } from '../src/config.js';
import { createInference, type Completion, type CompletionRequest, type Inference, type InferenceClient } from '../src/inference/index.js';
import { silentLogger } from '../src/logger.js';
import { Metrics } from '../src/metrics.js';
import { createApp } from '../src/app.js';
import type { ConversationBuffer, Monitor } from '../src/moderation/index.js';
import type { ChannelMode } from '../src/policy/settings.js';
import { createRepositories, MemoryKvStore, type KvStore, type Repositories } from '../src/store/index.js';
import { mixChannels, type MixOptions } from './mix.js';

export interface BenchBot {
  config: Config;
  monitor: Monitor;
  assessor: Assessor;
  buffer: ConversationBuffer;
  repos: Repositories;
  kv: KvStore;
  /** Absent when the model is the instant stand-in. */
  inference: Inference | null;
  metrics: Metrics | null;
  /** Calls to Ollama as the client saw them: how many, and their summed wall time (ms). */
  attempts: { count: number; wallMs: number };
  /** What the chat adapters hand the command registry (the first-words stage runs commands through it). */
  commands: CommandDeps;
}

export interface BotOptions {
  /** Ollama URL; without it the model is `instantInference()` and nothing leaves the process. */
  ollamaUrl?: string;
  slots?: number;
  /** Extra environment, as an operator would set it. */
  env?: Record<string, string>;
  clock?: Clock;
  kv?: KvStore;
  /** Conversation memory bounds (the product default when absent). */
  buffer?: { perChannel: number; maxChannels: number };
  /** `false` turns the monitor's repeat cache off (to measure what it saves). */
  repeats?: false;
}

export function benchConfig(options: BotOptions): Config {
  return parseConfig({
    LOG_LEVEL: 'silent',
    NORMGUARD_HTTP_ENABLED: 'false',
    ...(options.ollamaUrl ? { OLLAMA_HOST: options.ollamaUrl } : {}),
    NORMGUARD_SLOTS: String(options.slots ?? 4),
    ...options.env,
  });
}

export async function createBenchBot(options: BotOptions = {}): Promise<BenchBot> {
  const config = benchConfig(options);
  const clock = options.clock ?? systemClock;
  const kv = options.kv ?? new MemoryKvStore({ clock });
  const attempts = { count: 0, wallMs: 0 };
  // The product's composition root, on an in-memory store; only the model may be swapped out.
  const app = await createApp(config, {
    logger: silentLogger(),
    clock,
    kv,
    ...(options.ollamaUrl ? {} : { model: instantInference(config.NORMGUARD_MODEL) }),
    hooks: {
      onAttempt: (e) => {
        attempts.count++;
        attempts.wallMs += e.latencyMs;
      },
    },
    ...(options.buffer ? { buffer: options.buffer } : {}),
    ...(options.repeats === false ? { repeats: false as const } : {}),
  });
  const { monitor, buffer } = app.moderation;
  const real = options.ollamaUrl !== undefined;
  return {
    config,
    monitor,
    assessor: app.assessor,
    buffer,
    repos: app.store.repos,
    kv,
    inference: real ? app.inference : null,
    metrics: real ? app.metrics : null,
    attempts,
    commands: commandDeps(app),
  };
}

/** Switches monitoring on for every channel a mix with these options uses. */
export async function monitorChannels(bot: BenchBot, mix: Pick<MixOptions, 'channels' | 'workspaces'>, mode: ChannelMode = 'flag'): Promise<void> {
  for (const [workspaceId, channels] of mixChannels(mix)) {
    await bot.repos.settings.update(workspaceId, (s) => ({
      ...s,
      channels: Object.fromEntries([...channels].map((c) => [c, { mode, unclearToReview: false }])),
    }));
  }
}

const INSTANT_VERDICT = JSON.stringify({
  verdict: 'permissible',
  severity: 'none',
  norm: 'It is good to treat others with honesty and respect.',
  summary: 'Permissible: the action reaches its goal without harming anyone.',
});

/**
 * The model taken out of the measurement: every call is answered at once, in-process, with the
 * same permissible verdict. What remains is the CPU cost of everything around the model.
 */
export function instantInference(model = 'normguard'): InferenceClient {
  return {
    model,
    complete: async (request: CompletionRequest): Promise<Completion> => ({
      content: request.jsonSchema ? INSTANT_VERDICT : 'Yes, it is permissible.',
      finishReason: 'stop',
      model,
      backend: 'instant',
      latencyMs: 0,
      usage: { promptTokens: 0, completionTokens: 0 },
    }),
  };
}

/** The value of one Prometheus counter in the bot's /metrics text (what an operator would scrape). */
export async function scrapeCounter(metrics: Metrics, name: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
