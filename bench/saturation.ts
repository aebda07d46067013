/**
 * saturation_efficiency: completed audits per second divided by the simulator's capacity
 * (slots / mean service time), while passive chat arrives faster than the GPU can serve it.
 * The numerator and the denominator both come from the simulator's own books over the same
 * window (completed calls and busy time), so the ratio is the share of slot-time spent
 * generating — what is lost is the gap between one call ending and the next starting.
 */
import { performance } from 'node:perf_hooks';
import { scrapeCounter } from './bot.js';
import { fastServiceMs, PassiveLoad, startRig, until, type LatencyModel } from './load.js';

export interface SaturationOptions {
  latency: LatencyModel;
  /** Seconds measured once the passive queue is full. */
  seconds: number;
  /** Offered model-bound load as a multiple of capacity. */
  overload?: number;
  seed?: number;
}

export interface SaturationResult {
  efficiency: number;
  /**
   * Share of slot-time the client held a slot (a call being sent, served or read back), sampled:
   * what the scheduler controls. efficiency / slotOccupancy is the share of a held slot the
   * simulated GPU was busy, which drops when the machine is short of CPU and timers fire late.
   */
  slotOccupancy: number;
  auditsPerS: number;
  capacityPerS: number;
  meanServiceMs: number;
  offeredMsgsPerS: number;
  windowS: number;
  /** Passive audits shed (from the bot's /metrics) by the end of the window. */
  shed: number;
  /** The passive queue's depth at the end of the window, and its limit. */
  queueDepth: number;
  queueLimit: number;
  outcomes: Record<string, number>;
}

/** Share of the mix that reaches the model as a fresh screen (unique speech, first spam copies). */
const MODEL_BOUND_SHARE = 0.4;

export async function runSaturation(options: SaturationOptions): Promise<SaturationResult> {
  const { latency } = options;
  const capacityEstimate = (latency.slots * 1000) / fastServiceMs(latency);
  const offeredMsgsPerS = ((options.overload ?? 2) * capacityEstimate) / MODEL_BOUND_SHARE;
  const size = Math.ceil(offeredMsgsPerS * (options.seconds + 60)) + 1000;
  const rig = await startRig(latency, { seed: options.seed ?? 11, size });
  const { sim, bot } = rig;
  const scheduler = bot.inference!.scheduler;
  const queueLimit = bot.config.NORMGUARD_PASSIVE_QUEUE;
  const load = PassiveLoad.forRig(rig, offeredMsgsPerS, size);
  try {
    // A burst fills the queue at once instead of over tens of seconds; then the steady overload.
    load.start(Math.ceil((queueLimit + latency.slots) / MODEL_BOUND_SHARE));
    await until(() => scheduler.stats().queued.passive >= queueLimit, 120_000, 'the passive queue to fill');
    // Let the first calls (new connections, the capability check) pass before measuring steady state.
    await new Promise((r) => setTimeout(r, Math.max(1000, 2 * fastServiceMs(latency))));
    const before = sim.stats();
    const t0 = performance.now();
    // Slots the client holds (a call being sent, served or read back), sampled every 10 ms.
    let held = 0;
    let ticks = 0;
    const sampler = setInterval(() => {
      held += scheduler.stats().active;
      ticks++;
    }, 10);
    await new Promise((r) => setTimeout(r, options.seconds * 1000));
    clearInterval(sampler);
    const after = sim.stats();
    const windowS = (performance.now() - t0) / 1000;
    const completed = after.completed - before.completed;
    const busyMs = after.busyMs - before.busyMs;
    const meanServiceMs = busyMs / Math.max(1, completed);
    const capacityPerS = (latency.slots * 1000) / meanServiceMs;
    const auditsPerS = completed / windowS;
    const shed = await scrapeCounter(bot.metrics!, 'normguard_passive_shed_total');
    const queueDepth = scheduler.stats().queued.passive;
    load.halt();
    const outcomes = { ...load.outcomes };
    return {
      efficiency: auditsPerS / capacityPerS,
      slotOccupancy: held / Math.max(1, ticks) / latency.slots,
      auditsPerS,
      capacityPerS,
      meanServiceMs,
      offeredMsgsPerS,
      windowS,
      shed,
      queueDepth,
      queueLimit,
      outcomes,
    };
  } finally {
    await rig.close(load);
  }
}
