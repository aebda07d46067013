import type { Clock } from '../clock.js';
import type { Decision } from '../policy/decide.js';
import type { KvStore } from '../store/kv.js';

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

  async count(workspaceId: string, field: keyof DecisionCounters): Promise<void> {
    const key = `activity:count:${workspaceId}:${Math.floor(this.clock.now() / DAY_MS)}`;
    await this.kv.withLock(key, async () => {
      const current = { ...EMPTY, ...((await this.kv.get<Partial<DecisionCounters>>(key)) ?? {}) };
      current[field]++;
      await this.kv.set(key, current, COUNTER_TTL_MS);
    });
  }

  /**
   * Counts a flag in the workspace's current flood window; returns the window's id and how many
   * flags it has seen, so the monitor can group a raid into one digest card.
   */
  async floodTick(workspaceId: string, windowMs: number): Promise<{ windowId: string; count: number }> {
    const windowId = `w${Math.floor(this.clock.now() / windowMs)}`;
    const key = `activity:flood:${workspaceId}:${windowId}`;
    const count = await this.kv.withLock(key, async () => {
      const n = ((await this.kv.get<number>(key)) ?? 0) + 1;
      await this.kv.set(key, n, windowMs * 2);
      return n;
    });
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
    return this.kv.withLock(`activity:cmd:${workspaceId}`, async () => {
      const [u, c] = [(await this.kv.get<number>(userKey)) ?? 0, (await this.kv.get<number>(channelKey)) ?? 0];
      if (u >= limits.perUserPerMinute) return { ok: false as const, retryInMs, scope: 'user' as const };
      if (c >= limits.perChannelPerMinute) return { ok: false as const, retryInMs, scope: 'channel' as const };
      await this.kv.set(userKey, u + 1, 120_000);
      await this.kv.set(channelKey, c + 1, 120_000);
      return { ok: true as const };
    });
  }

  /** A member's report quota: `perHour` reports per clock hour. */
  async takeReportQuota(workspaceId: string, reporterId: string, perHour: number): Promise<boolean> {
    const key = `activity:reports:${workspaceId}:${reporterId}:${Math.floor(this.clock.now() / 3_600_000)}`;
    return this.kv.withLock(key, async () => {
      const n = (await this.kv.get<number>(key)) ?? 0;
      if (n >= perHour) return false;
      await this.kv.set(key, n + 1, 3_600_000);
      return true;
    });
  }

  /** Sums the day buckets from `since` to now. */
  async counters(workspaceId: string, since: number): Promise<DecisionCounters> {
    const total = { ...EMPTY };
    const last = Math.floor(this.clock.now() / DAY_MS);
    for (let day = Math.max(Math.floor(since / DAY_MS), last - 400); day <= last; day++) {
      const bucket = await this.kv.get<Partial<DecisionCounters>>(`activity:count:${workspaceId}:${day}`);
      if (!bucket) continue;
      for (const k of Object.keys(total) as Array<keyof DecisionCounters>) total[k] += bucket[k] ?? 0;
    }
    return total;
  }
}
