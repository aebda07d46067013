import { type Logger, silentLogger } from '../logger.js';
import type { KvStore } from './kv.js';
import { openRedisKv } from './redis-kv.js';
import { openSqliteKv } from './sqlite-kv.js';

export interface OpenStoreOptions {
  /** Where the SQLite file lives (`<dataDir>/normguard.sqlite`); unused with Redis. */
  dataDir: string;
  /** Set → Redis, shared by several processes; unset → SQLite, one process. */
  redisUrl?: string | undefined;
  /** Prefix of every key; lets several deployments (or test runs) share one Redis. */
  namespace?: string | undefined;
  logger?: Logger | undefined;
}

export const DEFAULT_NAMESPACE = 'normguard';

/**
 * Opens the configured store: Redis when `redisUrl` is set, else SQLite in `dataDir`.
 * A store that cannot be reached fails here with NormguardError('STORE'), not at the first use.
 */
export async function openStore(options: OpenStoreOptions): Promise<KvStore> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const logger = options.logger ?? silentLogger();
  if (options.redisUrl) return openRedisKv({ url: options.redisUrl, namespace, logger });
  return openSqliteKv({ dataDir: options.dataDir, namespace, logger });
}
