import { createHash } from 'node:crypto';
import type { Assessment } from '../assessment/types.js';
import type { Clock } from '../clock.js';
import { normaliseText } from '../store/assessment-cache.js';

export interface RepeatCacheOptions {
  /** How long a verdict is reused; the assessment cache's TTL (NORMGUARD_CACHE_TTL_MS). */
  ttlMs: number;
  /** Texts remembered; the least recently used is forgotten first, so memory stays bounded. */
  maxEntries?: number;
  clock: Clock;
}

interface Entry {
  assessment: Assessment;
  expiresAt: number;
}

/** Under 1 KB an entry (the text or its digest, the verdict, the norm and the summary): a few MB at most. */
export const DEFAULT_REPEAT_ENTRIES = 10_000;
/** Texts longer than this (after normalising) are keyed by their SHA-256 instead of themselves. */
const MAX_KEY_TEXT = 256;

/**
 * Exact repeats of a message, answered without the model (the passive-monitoring side of the
 * assessment cache). The S3 frame of a passive audit names the author and carries the recent
 * conversation, so the same spam line pasted by three accounts into a busy channel is three
 * different frames to the assessment cache, and three GPU calls.
 *
 * The policy, author- and context-independent on purpose: within one workspace and the TTL, a
 * message whose text is the same as one already judged (after NFKC, case and whitespace folding)
 * gets that judgement's verdict, severity, norm and summary, whoever wrote it, in whichever
 * channel, after whatever conversation. Word-for-word repeats are pasted text (spam, raids,
 * copypasta), which reads the same in any context. The price: a line whose meaning does hang on
 * the conversation is judged once per TTL; such lines are mostly too short to pass the
 * prefilter. Everything after the verdict still runs per message: the policy with the message's
 * own author, channel and cooldowns, and the prose for a case card (never reused: it names the
 * first author). Only clean verdicts are remembered: an unclear or unreadable one is asked again.
 *
 * In memory and per process: a restart or another shard starts empty, which costs one GPU call
 * per distinct line, not a wrong answer. An identical audit already waiting for the model is
 * joined rather than repeated (a burst of the same line costs one call, not one per copy).
 */
export class RepeatCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<Assessment | null>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(options: RepeatCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_REPEAT_ENTRIES);
    this.#clock = options.clock;
  }

  key(workspaceId: string, text: string): string {
    const normalised = normaliseText(text);
    // A long text is remembered by its digest, so one entry stays small whatever the platform's limit.
    const id = normalised.length <= MAX_KEY_TEXT ? normalised : `${normalised.length}:${createHash('sha256').update(normalised).digest('base64')}`;
    return `${workspaceId}\u0000${id}`;
  }

  /** The remembered verdict for this text, marked as cached; null when there is none (or it expired). */
  get(key: string): Assessment | null {
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    if (this.#clock.now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return null;
    }
    // Refresh its place in the LRU order (a Map iterates in insertion order).
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return { ...entry.assessment, cached: true };
  }

  set(key: string, assessment: Assessment): void {
    if (assessment.raw !== undefined || assessment.verdict === 'unclear') return;
    const { cached: _cached, ...verdict } = assessment;
    this.#entries.delete(key);
    this.#entries.set(key, { assessment: { ...verdict, text: '' }, expiresAt: this.#clock.now() + this.#ttlMs });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** Whether an audit of this text is waiting for the model now. */
  inFlight(key: string): boolean {
    return this.#inFlight.has(key);
  }

  /**
   * Runs `audit` unless one for the same text is already running, in which case its result is
   * awaited instead (null when it failed: the caller then asks the model itself).
   */
  async join(key: string, audit: () => Promise<Assessment>): Promise<Assessment> {
    const running = this.#inFlight.get(key);
    if (running) {
      const shared = await running;
      const known = shared ? this.get(key) : null;
      if (known) return known;
    }
    const mine = audit();
    const settled = mine.then(
      (a) => a,
      () => null,
    );
    this.#inFlight.set(key, settled);
    try {
      const assessment = await mine;
      this.set(key, assessment);
      return assessment;
    } finally {
      if (this.#inFlight.get(key) === settled) this.#inFlight.delete(key);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
