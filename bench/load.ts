/**
 * The shared set-up of the saturation and interactive benchmarks: the Ollama simulator with the
 * latency model, normguard pointed at it, and an open-loop passive load — chat arriving at a
 * fixed rate whether or not the GPU keeps up, as it does on a busy server.
 */
import { performance } from 'node:perf_hooks';
import { startOllamaSimulator, type OllamaSimulator } from '../test/fakes/ollama/index.js';
import type { MonitorOutcome } from '../src/moderation/index.js';
import { createBenchBot, monitorChannels, type BenchBot } from './bot.js';
import { answerKey, buildMix, mixStream, type MixMessage, type MixOptions } from './mix.js';

export interface LatencyModel {
  decodeMs: number;
  prefillMs: number;
  slots: number;
}

/** Simulated-GPU time of one `fast` screen of a mix message (about 170 prompt and 45 answer tokens). */
export function fastServiceMs(latency: LatencyModel): number {
  return 170 * latency.prefillMs + 45 * latency.decodeMs;
}

export interface Rig {
  sim: OllamaSimulator;
  bot: BenchBot;
  shape: Pick<MixOptions, 'seed' | 'channels'>;
  /** Closes the simulator, lets what is still in flight end (it fails fast once the host is gone), then the store. */
  close(load?: PassiveLoad): Promise<void>;
}

/** A simulator that knows the mix's answers, and a normguard with monitoring on for the mix's channels. */
export async function startRig(latency: LatencyModel, options: { seed: number; size: number; env?: Record<string, string> }): Promise<Rig> {
  const shape = { seed: options.seed, channels: 8 };
  const sim = await startOllamaSimulator({
    latency: { decodeMsPerToken: latency.decodeMs, prefillMsPerToken: latency.prefillMs, slots: latency.slots },
    labelled: answerKey(buildMix({ ...shape, size: options.size })),
  });
  const bot = await createBenchBot({ ollamaUrl: sim.url, slots: latency.slots, env: options.env });
  await monitorChannels(bot, shape);
  return {
    sim,
    bot,
    shape,
    close: async (load) => {
      load?.halt();
      await sim.close();
      await load?.settle(10_000);
      await bot.kv.close();
    },
  };
}

/** Feeds the mix into the monitor at `ratePerS`, never waiting for answers. */
export class PassiveLoad {
  readonly outcomes: Record<string, number> = {};
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private sent = 0;

  constructor(
    private readonly rig: Rig,
    private readonly messages: Iterator<MixMessage>,
    private readonly ratePerS: number,
  ) {}

  static forRig(rig: Rig, ratePerS: number, size: number): PassiveLoad {
    return new PassiveLoad(rig, mixStream({ ...rig.shape, size }), ratePerS);
  }

  /** Starts feeding; `burst` messages arrive at once first (a raid), then the steady rate. */
  start(burst = 0): void {
    const started = performance.now();
    this.timer = setInterval(() => {
      const due = burst + Math.floor(((performance.now() - started) / 1000) * this.ratePerS);
      while (this.sent < due) {
        const next = this.messages.next();
        if (next.done) return this.halt();
        this.sent++;
        const done = this.rig.bot.monitor.handle(next.value.message).then(
          (o) => this.tally(o),
          () => this.tally(null),
        );
        this.pending.add(done);
        void done.finally(() => this.pending.delete(done));
      }
    }, 10);
  }

  /** Stops feeding; the audits already queued are left to finish or fail. */
  halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits for what was fed (up to `ms`); whatever is left ends when the simulator closes. */
  async settle(ms: number): Promise<void> {
    this.halt();
    await Promise.race([Promise.all([...this.pending]), new Promise((r) => setTimeout(r, ms).unref())]);
  }

  private tally(o: MonitorOutcome | null): void {
    const key = o === null ? 'threw' : o.kind === 'skipped' ? `skipped:${o.reason}` : o.kind === 'failed' ? `failed:${o.error.code}` : 'decided';
    this.outcomes[key] = (this.outcomes[key] ?? 0) + 1;
  }
}

/** Resolves once `test` holds, polling every 20 ms, or rejects after `ms`. */
export async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!test()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
