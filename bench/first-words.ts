/**
 * first words: how long a member waits before an answer starts to appear, for `/ethics check`
 * (calibrated verdict turn first, then the prose streams) and `/ethics advise` (the prose streams
 * at once), on an idle system and with the passive queue full. Each command runs as the chat
 * adapters run it: through the command registry, its quota and the real assessor, inference
 * client and scheduler against the simulator, with a ProseStream at Discord's pacing. Only the
 * platform's own HTTP time is left out (a fake's would mean nothing). Beside it, the time to the
 * whole answer, which is what a member waited for before answers streamed.
 */
import { performance } from 'node:perf_hooks';
import { DISCORD_STREAM } from '../adapters/discord/limits.js';
import { findCommand, ProseStream, type CommandContext } from '../commands/index.js';
import { silentLogger } from '../src/logger.js';
import { loadMoralStories, type MoralStory } from '../test/support/moral-stories.js';
import type { BenchBot } from './bot.js';
import { percentile, type LatencySummary } from './interactive.js';
import { fastServiceMs, PassiveLoad, startRig, until, type LatencyModel } from './load.js';

export const STREAMED_COMMANDS = ['check', 'advise'] as const;
type StreamedCommand = (typeof STREAMED_COMMANDS)[number];

export interface FirstWordsOptions {
  latency: LatencyModel;
  /** Commands of each kind measured in each phase. */
  commands: number;
  seed?: number;
}

export interface PhaseResult {
  firstWords: LatencySummary;
  wholeAnswer: LatencySummary;
}

export type FirstWordsResult = Record<StreamedCommand, { idle: PhaseResult; loaded: PhaseResult }> & {
  /** The passive queue's depth when the loaded phase ended (full = its limit). */
  queueDepthAtEnd: number;
  queueLimit: number;
};

const MODEL_BOUND_SHARE = 0.4;

export async function runFirstWords(options: FirstWordsOptions): Promise<FirstWordsResult> {
  const { latency } = options;
  const capacity = (latency.slots * 1000) / fastServiceMs(latency);
  const ratePerS = (2 * capacity) / MODEL_BOUND_SHARE;
  const size = Math.ceil(ratePerS * 300) + 1000;
  const rig = await startRig(latency, { seed: options.seed ?? 17, size });
  const { bot } = rig;
  const scheduler = bot.inference!.scheduler;
  const queueLimit = bot.config.NORMGUARD_PASSIVE_QUEUE;
  const stories = loadMoralStories();
  let next = 0;
  const ask = (name: StreamedCommand) => timed(bot, name, stories[next % stories.length] as MoralStory, next++);
  const phase = async (): Promise<Record<StreamedCommand, PhaseResult>> => ({
    check: summarise(await sequence(options.commands, () => ask('check'))),
    advise: summarise(await sequence(options.commands, () => ask('advise'))),
  });
  const load = PassiveLoad.forRig(rig, ratePerS, size);
  try {
    // Warm the connection, the capability check and the start-up calibration first.
    await ask('check');
    await ask('advise');
    const idle = await phase();
    load.start(Math.ceil((queueLimit + latency.slots) / MODEL_BOUND_SHARE));
    await until(() => scheduler.stats().queued.passive >= queueLimit, 120_000, 'the passive queue to fill');
    const loaded = await phase();
    return {
      check: { idle: idle.check, loaded: loaded.check },
      advise: { idle: idle.advise, loaded: loaded.advise },
      queueDepthAtEnd: scheduler.stats().queued.passive,
      queueLimit,
    };
  } finally {
    await rig.close(load);
  }
}

interface Timing {
  firstWordsMs: number;
  wholeMs: number;
}

async function timed(bot: BenchBot, name: StreamedCommand, story: MoralStory, n: number): Promise<Timing> {
  const command = findCommand(name);
  if (!command) throw new Error(`no command ${name}`);
  const started = performance.now();
  const prose = new ProseStream({ ...DISCORD_STREAM, logger: silentLogger(), render: async () => undefined });
  // A member and channel of their own each time, so the per-member quota never answers instead;
  // the number keeps every question distinct, so the assessment cache never does either.
  const ctx: CommandContext = {
    surface: 'discord',
    workspaceId: 'bench',
    channelId: `bench-c${n}`,
    userId: `bench-u${n}`,
    actor: () => Promise.reject(new Error('no actor in the bench')),
    onProse: prose.update,
  };
  const input = { situation: `${story.situation} (${n})`, intent: story.intention, ...(name === 'check' ? { action: story.immoral_action } : {}) };
  const outcome = await command.execute(input, ctx, bot.commands);
  const wholeMs = performance.now() - started;
  await prose.close();
  if (outcome.kind !== 'reply' || prose.firstShown === null) throw new Error(`/ethics ${name} showed no words (${outcome.kind})`);
  return { firstWordsMs: prose.firstShown - started, wholeMs };
}

async function sequence(n: number, run: () => Promise<Timing>): Promise<Timing[]> {
  const out: Timing[] = [];
  for (let i = 0; i < n; i++) out.push(await run());
  return out;
}

function summarise(timings: Timing[]): PhaseResult {
  const of = (values: number[]): LatencySummary => {
    const sorted = [...values].sort((a, b) => a - b);
    return { n: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? Number.NaN };
  };
  return { firstWords: of(timings.map((t) => t.firstWordsMs)), wholeAnswer: of(timings.map((t) => t.wholeMs)) };
}
