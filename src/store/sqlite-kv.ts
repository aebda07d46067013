import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { Keyv } from 'keyv';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../logger.js';
import { KeyvKvStore } from './keyv-kv.js';
import type { KvStore } from './kv.js';
import { localAtomics } from './local-atomics.js';
import { createStructureTables, pruneExpiredCounters, sqliteStructures } from './sqlite-structures.js';
import { messageOf, storeError } from './store-error.js';

export const SQLITE_FILE_NAME = 'normguard.sqlite';

export interface SqliteKvOptions {
  /** Directory for `normguard.sqlite`; created when missing. */
  dataDir: string;
  /** Prefix of every key (keyv's `<namespace>:<key>`), so several stores could share one file. */
  namespace: string;
  logger: Logger;
}

/** How long a write waits for a lock held by another connection (e.g. `sqlite3` opened by an operator). */
const BUSY_TIMEOUT_MS = 5_000;
/**
 * keyv on SQLite only notices an expired row when it is read again, and dedupe keys (one per
 * event) never are: without pruning the file grows by a row per message, forever.
 */
const PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * The embedded default: keyv on SQLite at `<dataDir>/normguard.sqlite`. For ONE bot process:
 * `setIfNotExists` and `withLock` are atomic only within this process (see local-atomics.ts).
 * Use Redis (REDIS_URL) for several processes.
 */
export async function openSqliteKv(options: SqliteKvOptions): Promise<KvStore> {
  const file = join(options.dataDir, SQLITE_FILE_NAME);
  const label = `SQLite at ${file}`;
  try {
    await mkdir(options.dataDir, { recursive: true });
  } catch (err) {
    throw storeError(`${label}: cannot create the data directory: ${messageOf(err)}`, err);
  }
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: BUSY_TIMEOUT_MS });
  // keyv stores `<namespace>:<key>` (and leaves a key already starting with `<namespace>:` as it
  // is, so the repositories' keys — settings:, case:, … — must never start with the namespace).
  const keyv = new Keyv({ store: adapter, namespace: options.namespace, throwOnErrors: true });
  const log = options.logger.child({ component: 'store', sqlite: file });
  keyv.on('error', (err: unknown) => log.debug({ err: messageOf(err) }, 'keyv error'));
  try {
    // The adapter opens the file lazily; fail here, with a clear message, rather than at the first
    // read. (This also gives the adapter's connection promise a handler before it can reject.)
    await adapter.query('PRAGMA journal_mode = WAL');
    // With WAL, NORMAL still survives a crash of the process (kill -9); only an OS crash or power
    // loss can lose the last commits. FULL fsyncs every write: about 1,900 dedupe claims a second here.
    await adapter.query('PRAGMA synchronous = NORMAL');
    await createStructureTables(adapter);
  } catch (err) {
    // The open failure is what the caller needs; a failed disconnect is only logged.
    await adapter.disconnect().catch((closeErr: unknown) => log.warn({ err: closeErr, code: errorCodeOf(closeErr) }, 'could not close the database after a failed open'));
    throw storeError(`${label}: cannot open the database: ${messageOf(err)}`, err);
  }
  const prune = async () => {
    try {
      await pruneExpired(adapter, options.namespace, Date.now());
      await pruneExpiredCounters(adapter, options.namespace, Date.now());
    } catch (err) {
      log.warn({ err: messageOf(err) }, 'could not prune expired keys');
    }
  };
  await prune();
  const pruning = setInterval(() => void prune(), PRUNE_INTERVAL_MS);
  pruning.unref();
  return new KeyvKvStore({
    keyv,
    label,
    atomics: localAtomics,
    structures: sqliteStructures(adapter, options.namespace),
    disconnect: async () => {
      clearInterval(pruning);
      await adapter.disconnect();
    },
  });
}

/** Deletes this namespace's rows whose keyv envelope (`{"value":…,"expires":ms}`) has expired. */
async function pruneExpired(adapter: KeyvSqlite, namespace: string, now: number): Promise<void> {
  const prefix = `${namespace}:`.replace(/[\\%_]/g, (c) => `\\${c}`);
  await adapter.query(
    `DELETE FROM ${adapter.opts.table} WHERE key LIKE ? ESCAPE '\\' AND json_valid(value) AND json_extract(value, '$.expires') < ?`,
    `${prefix}%`,
    now,
  );
}
