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

/** Per guild (Discord) / workspace (Slack) settings. */
export class SettingsRepository {
  readonly #kv: KvStore;
  readonly #cache = new Map<string, { at: number; value: WorkspaceSettings }>();
  readonly #mode: 'exact' | number | undefined;
  readonly #now: () => number;

  constructor(kv: KvStore, options: SettingsCacheOptions = {}) {
    this.#kv = kv;
    this.#mode = options.cache;
    this.#now = options.now ?? Date.now;
  }

  #cached(workspaceId: string): WorkspaceSettings | undefined {
    if (this.#mode === undefined) return undefined;
    const hit = this.#cache.get(workspaceId);
    if (!hit) return undefined;
    if (this.#mode !== 'exact' && this.#now() - hit.at > this.#mode) return undefined;
    return hit.value;
  }

  #remember(workspaceId: string, value: WorkspaceSettings): WorkspaceSettings {
    if (this.#mode === undefined) return value;
    // Shared between callers, so frozen: a caller that edited it in place would corrupt everyone's.
    const frozen = deepFreeze(value);
    this.#cache.set(workspaceId, { at: this.#now(), value: frozen });
    if (this.#cache.size > 10_000) this.#cache.delete(this.#cache.keys().next().value as string);
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
      this.#cache.delete(workspaceId);
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
