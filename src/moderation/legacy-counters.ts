import type { KvStore } from '../store/kv.js';

/** The days a decision counter is kept, as in activity-log.ts. */
const KEPT_DAYS = 400;
const DAY_MS = 24 * 60 * 60_000;

/**
 * Once per workspace: moves the day buckets versions before atomic counters kept (one JSON object
 * per day, `activity:count:<workspace>:<day>`, rewritten under a lock) into the per-field
 * counters, so `/ethics stats` keeps the history recorded before an upgrade. A marker claimed with
 * `setIfNotExists` makes one process do it, so nothing is counted twice (while it runs, another
 * process reading the same workspace's stats may see part of the old history, once).
 */
export async function migrateLegacyCounters(
  kv: KvStore,
  workspaceId: string,
  now: number,
  counterKey: (day: number, field: string) => string,
  fields: readonly string[],
): Promise<void> {
  if (!(await kv.setIfNotExists(`activity:count-migrated:${workspaceId}`, now))) return;
  const today = Math.floor(now / DAY_MS);
  for (let day = today - KEPT_DAYS; day <= today; day++) {
    const key = `activity:count:${workspaceId}:${day}`;
    const bucket = await kv.get<Record<string, unknown>>(key);
    if (bucket === undefined) continue;
    const ttl = (day + 1 + KEPT_DAYS) * DAY_MS - now;
    for (const field of fields) {
      const n = bucket?.[field];
      if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0 && ttl > 0) await kv.increment(counterKey(day, field), n, ttl);
    }
    await kv.delete(key);
  }
}
