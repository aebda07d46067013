import type { Clock } from '../clock.js';
import type { Decision } from '../policy/decide.js';
import type { KvStore } from '../store/kv.js';
import { migrateLegacyCounters } from './legacy-counters.js';

/** Day buckets for decision counters: stats read a handful of keys, never a scan. */
const DAY_MS = 24 * 60 * 60_000;
const COUNTER_TTL_MS = 400 * DAY_MS;

export interface DecisionCounters {
  audited: number;
  flag: number;
  explain: number;
  silent: number;
  unclear: number;
  shadowFlag: number;
  shadowExplain: number;
  failed: number;
}

const EMPTY: DecisionCounters = { audited: 0, flag: 0, explain: 0, silent: 0, unclear: 0, shadowFlag: 0, shadowExplain: 0, failed: 0 };

/**
 * What the policy needs to remember between messages (when the bot last acted on an author or
 * explained in a channel) and what shadow mode records: counts of every decision, by day.
 */
export class ActivityLog {
  /** Workspaces whose pre-upgrade counters this process has already seen migrated. */
  readonly #migrated = new Set<string>();

  constructor(
    private readonly kv: KvStore,
    private readonly clock: Clock,
  ) {}

  async lastActionOnAuthor(workspaceId: string, authorId: string): Promise<number | null> {
    return (await this.kv.get<number>(`activity:author:${workspaceId}:${authorId}`)) ?? null;
  }

  async lastExplainInChannel(workspaceId: string, channelId: string): Promise<number | null> {
    return (await this.kv.get<number>(`activity:explain:${workspaceId}:${channelId}`)) ?? null;
  }

  /** Remembers an action for the cooldowns; the keys expire with the longest cooldown that reads them. */
  async recordAction(workspaceId: string, authorId: string, channelId: string, kind: Exclude<Decision, 'silent'>, cooldownMs: { authorMs: number; channelMs: number }): Promise<void> {
    const now = this.clock.now();
    if (cooldownMs.authorMs > 0) await this.kv.set(`activity:author:${workspaceId}:${authorId}`, now, cooldownMs.authorMs);
    if (kind === 'explain' && cooldownMs.channelMs > 0) await this.kv.set(`activity:explain:${workspaceId}:${channelId}`, now, cooldownMs.channelMs);
  }

  /** One atomic increment of one day's counter: no lock, so a busy workspace's audits never queue on each other. */
  async count(workspaceId: string, field: keyof DecisionCounters): Promise<void> {
    await this.kv.increment(counterKey(workspaceId, Math.floor(this.clock.now() / DAY_MS), field), 1, COUNTER_TTL_MS);
  }

  /**
   * Counts a flag in the workspace's current flood window; returns the window's id and how many
   * flags it has seen, so the monitor can group a raid into one digest card.
   */
  async floodTick(workspaceId: string, windowMs: number): Promise<{ windowId: string; count: number }> {
    const windowId = `w${Math.floor(this.clock.now() / windowMs)}`;
    const count = await this.kv.increment(`activity:flood:${workspaceId}:${windowId}`, 1, windowMs * 2);
    return { windowId, count };
  }

  /**
   * A fixed one-minute window per user and per channel for commands that cost a model call.
   * Returns how long to wait when either is used up.
   */
  async takeCommandQuota(workspaceId: string, userId: string, channelId: string, limits: { perUserPerMinute: number; perChannelPerMinute: number }): Promise<{ ok: true } | { ok: false; retryInMs: number; scope: 'user' | 'channel' }> {
    const now = this.clock.now();
    const minute = Math.floor(now / 60_000);
    const retryInMs = (minute + 1) * 60_000 - now;
    const userKey = `activity:cmd:user:${workspaceId}:${userId}:${minute}`;
    const channelKey = `activity:cmd:channel:${workspaceId}:${channelId}:${minute}`;
    // Take from both windows, and give back what was taken when either is used up, so a refused
    // command costs nothing. Concurrent callers may each see the other's unit briefly: a refusal
    // at the very edge of the limit, never a command beyond it.
    if ((await this.kv.increment(userKey, 1, 120_000)) > limits.perUserPerMinute) {
      await this.kv.increment(userKey, -1, 120_000);
      return { ok: false, retryInMs, scope: 'user' };
    }
    if ((await this.kv.increment(channelKey, 1, 120_000)) > limits.perChannelPerMinute) {
      await this.kv.increment(channelKey, -1, 120_000);
      await this.kv.increment(userKey, -1, 120_000);
      return { ok: false, retryInMs, scope: 'channel' };
    }
    return { ok: true };
  }

  /** A member's report quota: `perHour` reports per clock hour. */
  async takeReportQuota(workspaceId: string, reporterId: string, perHour: number): Promise<boolean> {
    const key = `activity:reports:${workspaceId}:${reporterId}:${Math.floor(this.clock.now() / 3_600_000)}`;
    if ((await this.kv.increment(key, 1, 3_600_000)) <= perHour) return true;
    await this.kv.increment(key, -1, 3_600_000);
    return false;
  }

  /** Sums the day buckets from `since` to now, in one read of every (day, field) counter. */
  async counters(workspaceId: string, since: number): Promise<DecisionCounters> {
    const last = Math.floor(this.clock.now() / DAY_MS);
    const fields = Object.keys(EMPTY) as Array<keyof DecisionCounters>;
    if (!this.#migrated.has(workspaceId)) {
      await migrateLegacyCounters(this.kv, workspaceId, this.clock.now(), (day, f) => counterKey(workspaceId, day, f as keyof DecisionCounters), fields);
      this.#migrated.add(workspaceId);
    }
    const days: number[] = [];
    for (let day = Math.max(Math.floor(since / DAY_MS), last - 400); day <= last; day++) days.push(day);
    const values = await this.kv.readCounters(days.flatMap((day) => fields.map((f) => counterKey(workspaceId, day, f))));
    const total = { ...EMPTY };
    values.forEach((v, i) => (total[fields[i % fields.length] as keyof DecisionCounters] += v));
    return total;
  }
}

function counterKey(workspaceId: string, day: number, field: keyof DecisionCounters): string {
  return `activity:count:${workspaceId}:${day}:${field}`;
}
