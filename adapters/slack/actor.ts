import type { webApi } from '@slack/bolt';

type WebClient = webApi.WebClient;
import type { Actor } from '../../src/moderation/preconditions.js';
import type { WorkspaceSettings } from '../../src/policy/settings.js';

const CACHE_MS = 5 * 60_000;

/**
 * Slack has no moderator permission: admins and owners moderate, as do the users and user groups
 * named in the settings. users.info and usergroups.users.list answers are cached for a few minutes.
 */
export class SlackActors {
  private readonly users = new Map<string, { at: number; admin: boolean }>();
  private readonly groups = new Map<string, { at: number; members: Set<string> }>();

  constructor(
    private readonly client: WebClient,
    private readonly now: () => number,
  ) {}

  async actor(userId: string, settings: WorkspaceSettings): Promise<Actor> {
    const admin = await this.isAdmin(userId);
    const roleIds: string[] = [];
    for (const group of settings.moderatorRoleIds) if ((await this.groupMembers(group)).has(userId)) roleIds.push(group);
    return { id: userId, roleIds, platformModerator: false, platformAdmin: admin };
  }

  private async isAdmin(userId: string): Promise<boolean> {
    const hit = this.users.get(userId);
    if (hit && this.now() - hit.at < CACHE_MS) return hit.admin;
    const info = await this.client.users.info({ user: userId });
    const admin = Boolean(info.user?.is_admin || info.user?.is_owner || info.user?.is_primary_owner);
    this.users.set(userId, { at: this.now(), admin });
    return admin;
  }

  private async groupMembers(groupId: string): Promise<Set<string>> {
    const hit = this.groups.get(groupId);
    if (hit && this.now() - hit.at < CACHE_MS) return hit.members;
    const res = await this.client.usergroups.users.list({ usergroup: groupId }).catch(() => ({ users: [] as string[] }));
    const members = new Set(res.users ?? []);
    this.groups.set(groupId, { at: this.now(), members });
    return members;
  }
}
