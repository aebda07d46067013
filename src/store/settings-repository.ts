import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { defaultWorkspaceSettings, type WorkspaceSettings, workspaceSettingsSchema } from '../policy/settings.js';
import { keys } from './keys.js';
import type { KvStore } from './kv.js';
import { storeError } from './store-error.js';

export interface SettingsCacheOptions {
  /**
   * Keep parsed settings in memory. Every message reads its workspace's settings, and parsing the
   * stored record is most of the cost of screening a message. `exact`: this process is the only
   * writer (SQLite), so `update` keeps the cache true and nothing expires. A number: other
   * processes may write too (Redis), so an entry is trusted for that many milliseconds.
   */
  cache?: 'exact' | number;
  now?: () => number;
}

/** Workspaces whose settings are kept in memory; the least recently read is forgotten first. */
const CACHED_WORKSPACES = 10_000;

/** Per guild (Discord) / workspace (Slack) settings. */
export class SettingsRepository {
  readonly #kv: KvStore;
  readonly #cache: LRUCache<string, WorkspaceSettings> | null;

  constructor(kv: KvStore, options: SettingsCacheOptions = {}) {
    this.#kv = kv;
    const now = options.now ?? Date.now;
    this.#cache =
      options.cache === undefined
        ? null
        : new LRUCache<string, WorkspaceSettings>({
            max: CACHED_WORKSPACES,
            ...(options.cache === 'exact' ? {} : { ttl: options.cache, ttlResolution: 0 }),
            // +1: lru-cache reads a start time of 0 as "no start" (a test clock may sit at 0).
            perf: { now: () => now() + 1 },
          });
  }

  #cached(workspaceId: string): WorkspaceSettings | undefined {
    return this.#cache?.get(workspaceId);
  }

  #remember(workspaceId: string, value: WorkspaceSettings): WorkspaceSettings {
    if (this.#cache === null) return value;
    // Shared between callers, so frozen: a caller that edited it in place would corrupt everyone's.
    const frozen = deepFreeze(value);
    this.#cache.set(workspaceId, frozen);
    return frozen;
  }

  /**
   * The workspace's settings; the defaults when none are stored. Stored records go through the
   * schema, so a record written before a setting existed gets that setting's default.
   */
  async get(workspaceId: string): Promise<WorkspaceSettings> {
    const hit = this.#cached(workspaceId);
    if (hit) return hit;
    const raw = await this.#kv.get(keys.settings(workspaceId));
    if (raw === undefined) return this.#remember(workspaceId, defaultWorkspaceSettings());
    const parsed = workspaceSettingsSchema.safeParse(raw);
    // Not silently replaced by defaults: that could switch monitoring on or off behind the moderators' backs.
    if (!parsed.success) {
      throw storeError(`stored settings of workspace ${workspaceId} are malformed: ${z.prettifyError(parsed.error)}`);
    }
    return this.#remember(workspaceId, parsed.data);
  }

  /**
   * Read-modify-write under the workspace's settings lock, so concurrent changes (two moderators
   * toggling two channels) both land. `change` gets a copy; it may return it modified.
   */
  async update(
    workspaceId: string,
    change: (current: WorkspaceSettings) => WorkspaceSettings | Promise<WorkspaceSettings>,
  ): Promise<WorkspaceSettings> {
    const key = keys.settings(workspaceId);
    return this.#kv.withLock(key, async () => {
      // Read through to the store: under the lock the change must start from the latest record.
      this.#cache?.delete(workspaceId);
      const next = workspaceSettingsSchema.parse(await change(structuredClone(await this.get(workspaceId))));
      await this.#kv.set(key, next);
      return this.#remember(workspaceId, next);
    });
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
