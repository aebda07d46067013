import type KeyvSqlite from '@keyv/sqlite';
import type { StructureOps } from './keyv-kv.js';
import type { IndexEntry, IndexRange } from './kv.js';

const COUNTERS = 'normguard_counters';
const INDEX = 'normguard_index';
/** SQLite allows 32,766 bound parameters; three per index entry, so batches stay far below it. */
const BATCH = 500;

/** The tables beside keyv's: counters with their own expiry, and sorted indexes. Idempotent. */
export async function createStructureTables(adapter: KeyvSqlite): Promise<void> {
  await adapter.query(`CREATE TABLE IF NOT EXISTS ${COUNTERS} (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires INTEGER)`);
  await adapter.query(`CREATE TABLE IF NOT EXISTS ${INDEX} (name TEXT NOT NULL, member TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (name, member))`);
  await adapter.query(`CREATE INDEX IF NOT EXISTS ${INDEX}_by_score ON ${INDEX} (name, score, member)`);
}

/** Counters past their expiry; keyv's own rows are pruned separately (sqlite-kv.ts). */
export async function pruneExpiredCounters(adapter: KeyvSqlite, namespace: string, now: number): Promise<void> {
  await adapter.query(`DELETE FROM ${COUNTERS} WHERE key >= ? AND key < ? AND expires <= ?`, `${namespace}:`, `${namespace};`, now);
}

/**
 * Counters as one UPSERT each: SQLite runs a statement atomically, so concurrent increments
 * (on the one connection keyv's adapter holds) cannot lose an update, and no lock is taken.
 */
export function sqliteStructures(adapter: KeyvSqlite, namespace: string): StructureOps {
  const name = (key: string) => `${namespace}:${key}`;
  return {
    async increment(key, by, ttlMs) {
      const now = Date.now();
      const expires = ttlMs === undefined ? null : now + ttlMs;
      // In SET, `value` and `expires` are the row's old values; an expired counter starts afresh, and
      // one without an expiry takes this one (as Redis's script does).
      const rows = (await adapter.query(
        `INSERT INTO ${COUNTERS} (key, value, expires) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET
           value = CASE WHEN expires IS NOT NULL AND expires <= ? THEN excluded.value ELSE value + excluded.value END,
           expires = CASE WHEN expires IS NULL OR expires <= ? THEN excluded.expires ELSE expires END
         RETURNING value`,
        name(key),
        by,
        expires,
        now,
        now,
      )) as Array<{ value: number }>;
      return Number(rows[0]?.value);
    },
    async readCounters(keys) {
      const values = new Map<string, number>();
      for (let i = 0; i < keys.length; i += BATCH) {
        const batch = keys.slice(i, i + BATCH).map(name);
        const rows = (await adapter.query(
          `SELECT key, value FROM ${COUNTERS} WHERE key IN (${batch.map(() => '?').join(',')}) AND (expires IS NULL OR expires > ?)`,
          ...batch,
          Date.now(),
        )) as Array<{ key: string; value: number }>;
        for (const row of rows) values.set(row.key, Number(row.value));
      }
      return keys.map((k) => values.get(name(k)) ?? 0);
    },
    async indexAdd(index, entries) {
      for (let i = 0; i < entries.length; i += BATCH) {
        const batch = entries.slice(i, i + BATCH);
        await adapter.query(
          `INSERT INTO ${INDEX} (name, member, score) VALUES ${batch.map(() => '(?, ?, ?)').join(',')}
           ON CONFLICT(name, member) DO UPDATE SET score = excluded.score`,
          ...batch.flatMap((e) => [name(index), e.member, e.score]),
        );
      }
    },
    async indexRemove(index, members) {
      for (let i = 0; i < members.length; i += BATCH) {
        const batch = members.slice(i, i + BATCH);
        await adapter.query(`DELETE FROM ${INDEX} WHERE name = ? AND member IN (${batch.map(() => '?').join(',')})`, name(index), ...batch);
      }
    },
    async indexRange(index, range = {}) {
      return rangeQuery(adapter, name(index), range);
    },
  };
}

async function rangeQuery(adapter: KeyvSqlite, index: string, range: IndexRange): Promise<IndexEntry[]> {
  const dir = range.order === 'desc' ? 'DESC' : 'ASC';
  const rows = (await adapter.query(
    `SELECT member, score FROM ${INDEX} WHERE name = ? AND score >= ? AND score <= ?
     ORDER BY score ${dir}, member ${dir} LIMIT ? OFFSET ?`,
    index,
    range.min ?? -Number.MAX_VALUE,
    range.max ?? Number.MAX_VALUE,
    range.limit ?? -1,
    range.offset ?? 0,
  )) as Array<{ member: string; score: number }>;
  return rows.map((r) => ({ member: r.member, score: Number(r.score) }));
}
