import { describe, expect, it } from 'vitest';
import { ActivityLog } from '../../src/moderation/activity-log.js';
import { MemoryKvStore } from '../../src/store/index.js';

const DAY = 24 * 60 * 60_000;

describe('activity counters', () => {
  it('keeps the day buckets an older version wrote: migrated once into counters, never counted twice', async () => {
    let now = 1_700_000_000_000;
    const clock = { now: () => now };
    const kv = new MemoryKvStore({ clock });
    const today = Math.floor(now / DAY);
    // What a version before atomic counters left: one JSON object per day.
    await kv.set(`activity:count:g1:${today - 1}`, { audited: 40, flag: 3 });
    await kv.set(`activity:count:g1:${today}`, { audited: 2, failed: 1, bogus: 9 });
    const a = new ActivityLog(kv, clock);
    const b = new ActivityLog(kv, clock); // a second process on the same store
    await a.count('g1', 'audited');
    const first = await a.counters('g1', 0);
    const second = await b.counters('g1', 0);
    expect(first).toMatchObject({ audited: 43, flag: 3, failed: 1 });
    expect(second).toEqual(first);
    expect(await a.counters('g1', 0)).toEqual(first);
    expect(await kv.get(`activity:count:g1:${today - 1}`)).toBeUndefined();
    // Only today's counters since the start of today.
    expect((await a.counters('g1', today * DAY)).audited).toBe(3);
    now += 2 * DAY;
    expect((await a.counters('g1', 0)).audited).toBe(43);
  });

  it('quotas: a refused command or report costs nothing', async () => {
    const clock = { now: () => 1_700_000_000_000 };
    const log = new ActivityLog(new MemoryKvStore({ clock }), clock);
    const limits = { perUserPerMinute: 2, perChannelPerMinute: 3 };
    expect(await log.takeCommandQuota('g', 'u1', 'c', limits)).toEqual({ ok: true });
    expect(await log.takeCommandQuota('g', 'u1', 'c', limits)).toEqual({ ok: true });
    expect(await log.takeCommandQuota('g', 'u1', 'c', limits)).toMatchObject({ ok: false, scope: 'user' });
    expect(await log.takeCommandQuota('g', 'u2', 'c', limits)).toEqual({ ok: true });
    expect(await log.takeCommandQuota('g', 'u3', 'c', limits)).toMatchObject({ ok: false, scope: 'channel' });
    // u3's refused attempt took nothing from u3's own minute: in another channel it still has both.
    expect(await log.takeCommandQuota('g', 'u3', 'c2', limits)).toEqual({ ok: true });
    expect(await log.takeCommandQuota('g', 'u3', 'c2', limits)).toEqual({ ok: true });
    expect(await log.takeReportQuota('g', 'r', 1)).toBe(true);
    expect(await log.takeReportQuota('g', 'r', 1)).toBe(false);
    expect(await log.takeReportQuota('g', 'r', 2)).toBe(true);
  });
});
