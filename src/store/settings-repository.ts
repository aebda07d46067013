import { z } from 'zod';
import { defaultWorkspaceSettings, type WorkspaceSettings, workspaceSettingsSchema } from '../policy/settings.js';
import { keys } from './keys.js';
import type { KvStore } from './kv.js';
import { storeError } from './store-error.js';

/** Per guild (Discord) / workspace (Slack) settings. */
export class SettingsRepository {
  readonly #kv: KvStore;

  constructor(kv: KvStore) {
    this.#kv = kv;
  }

  /**
   * The workspace's settings; the defaults when none are stored. Stored records go through the
   * schema, so a record written before a setting existed gets that setting's default.
   */
  async get(workspaceId: string): Promise<WorkspaceSettings> {
    const raw = await this.#kv.get(keys.settings(workspaceId));
    if (raw === undefined) return defaultWorkspaceSettings();
    const parsed = workspaceSettingsSchema.safeParse(raw);
    // Not silently replaced by defaults: that could switch monitoring on or off behind the moderators' backs.
    if (!parsed.success) {
      throw storeError(`stored settings of workspace ${workspaceId} are malformed: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
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
      const next = workspaceSettingsSchema.parse(await change(await this.get(workspaceId)));
      await this.#kv.set(key, next);
      return next;
    });
  }
}
