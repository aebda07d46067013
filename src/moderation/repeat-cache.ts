import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
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

/** One run of an audit through `fetch`: who started it learns the full result, or its error. */
interface AuditRun {
  audit: () => Promise<Assessment>;
  ran?: { ok: true; assessment: Assessment } | { ok: false; error: unknown };
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
  readonly #cache: LRUCache<string, Assessment, AuditRun>;

  constructor(options: RepeatCacheOptions) {
    const { clock } = options;
    this.#cache = new LRUCache<string, Assessment, AuditRun>({
      max: Math.max(1, options.maxEntries ?? DEFAULT_REPEAT_ENTRIES),
      ttl: options.ttlMs,
      // TTLs follow the injected clock (tests advance it). +1: lru-cache reads a start time of 0
      // as "no start", so a clock at 0 would never expire anything. ttlResolution 0: no timers.
      perf: { now: () => clock.now() + 1 },
      ttlResolution: 0,
      // `fetch` joins an identical audit already in flight. What is stored is the verdict without
      // the first author's prose; a failed, unclear or unreadable audit stores nothing, and its
      // joiners then ask themselves.
      fetchMethod: async (_key, _stale, { context }) => {
        try {
          const assessment = await context.audit();
          context.ran = { ok: true, assessment };
          return remembered(assessment);
        } catch (error) {
          context.ran = { ok: false, error };
          return undefined;
        }
      },
    });
  }

  key(workspaceId: string, text: string): string {
    const normalised = normaliseText(text);
    // A long text is remembered by its digest, so one entry stays small whatever the platform's limit.
    const id = normalised.length <= MAX_KEY_TEXT ? normalised : `${normalised.length}:${createHash('sha256').update(normalised).digest('base64')}`;
    return `${workspaceId}\u0000${id}`;
  }

  /** The remembered verdict for this text, marked as cached; null when there is none (or it expired). */
  get(key: string): Assessment | null {
    const hit = this.#cache.get(key);
    return hit === undefined ? null : { ...hit, cached: true };
  }

  set(key: string, assessment: Assessment): void {
    const kept = remembered(assessment);
    if (kept !== undefined) this.#cache.set(key, kept);
  }

  /** Whether an audit of this text is waiting for the model now. */
  inFlight(key: string): boolean {
    const status: LRUCache.Status<string, Assessment, AuditRun> = {};
    this.#cache.get(key, { status });
    return status.get === 'fetching' || status.get === 'stale-fetching';
  }

  /**
   * Runs `audit` unless one for the same text is already running (or its verdict is remembered),
   * in which case that verdict is used instead. When the audit joined failed or was not worth
   * remembering, the caller asks the model itself.
   */
  async join(key: string, audit: () => Promise<Assessment>): Promise<Assessment> {
    const run: AuditRun = { audit };
    const shared = await this.#cache.fetch(key, { context: run });
    if (run.ran !== undefined) {
      if (!run.ran.ok) throw run.ran.error;
      return run.ran.assessment;
    }
    if (shared !== undefined) return { ...shared, cached: true };
    const assessment = await audit();
    this.set(key, assessment);
    return assessment;
  }

  get size(): number {
    return this.#cache.size;
  }
}

/** What is kept of a verdict: clean ones only, without the prose (it names the first author). */
function remembered(assessment: Assessment): Assessment | undefined {
  if (assessment.raw !== undefined || assessment.verdict === 'unclear') return undefined;
  const { cached: _cached, ...verdict } = assessment;
  return { ...verdict, text: '' };
}
